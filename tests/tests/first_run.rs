//! A new operator's first run (issue 26, points 2 and 3): a login with the address left blank
//! goes where the kiosk was started to go (`kiosk serve --api-base`), and the location picker
//! follows the login at once, also after an account that could not list locations.

use std::time::Duration;

use kiosk::{Event, Kiosk, KioskConfig, MemberLoad};
use nexudus::{Limits, Secret};
use scenarios::{LACKING_EMAIL, LACKING_PASSWORD, STAFF_PIN, fast_sync, kiosk_config, sim_lacking};

/// A kiosk started with `--api-base` pointing at `base`, nobody logged in yet.
fn started_for(dir: &std::path::Path, base: &str) -> Kiosk {
    Kiosk::open(KioskConfig {
        api_base_override: Some(base.to_owned()),
        ..kiosk_config(dir, Limits::unlimited())
    })
    .expect("the kiosk opens")
}

/// Staff log the kiosk in to the simulator's demo account, the address as `base` says.
async fn demo_login(kiosk: &Kiosk, staff: &kiosk::services::Staff, base: Option<&str>) {
    kiosk
        .account()
        .login(
            staff,
            base,
            nexudus_sim::DEMO_EMAIL,
            &Secret::new(nexudus_sim::DEMO_PASSWORD),
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("address {base:?}: {e}"));
}

/// Waits for the core to say it read the account's locations anew.
async fn locations_read(events: &mut tokio::sync::broadcast::Receiver<Event>) -> bool {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Ok(Event::LocationsChanged) => return true,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return false,
            }
        }
    })
    .await
    .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_with_the_address_left_blank_goes_where_the_kiosk_was_started_to_go() {
    let sim = sim_lacking(50, &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = started_for(dir.path(), &sim.base_url());
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    for blank in [None, Some(""), Some("  ")] {
        demo_login(&kiosk, &staff, blank).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_location_picker_follows_a_login_at_once_even_after_an_account_that_could_not_list_them()
 {
    let sim = sim_lacking(50, &["Business-List"]).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = started_for(dir.path(), &sim.base_url());
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let engine = kiosk.account().start_sync(fast_sync());
    let mut events = kiosk.subscribe();

    // First an account without the role to list locations: the picker has nothing to show.
    kiosk
        .account()
        .login(
            &staff,
            None,
            LACKING_EMAIL,
            &Secret::new(LACKING_PASSWORD),
            None,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(kiosk.account().locations().unwrap().is_empty());

    // Then the right one: its locations are read at once and the panel is told.
    demo_login(&kiosk, &staff, None).await;
    assert!(
        locations_read(&mut events).await,
        "the core said it read the locations after the login"
    );
    assert!(
        !kiosk.account().locations().unwrap().is_empty(),
        "and the picker has them, with no sync asked"
    );
    engine.stop().await;
}

/// Every `MembersLoading` event of a sync round, in order.
fn loading_events(events: &mut tokio::sync::broadcast::Receiver<Event>) -> Vec<Option<MemberLoad>> {
    let mut seen = Vec::new();
    while let Ok(e) = events.try_recv() {
        if let Event::MembersLoading { load } = e {
            seen.push(load);
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_load_says_how_far_it_has_come_and_a_daily_reload_of_a_whole_cache_says_nothing() {
    // Three pages of a thousand, each read whole in batches.
    let (_sim, _dir, kiosk) = scenarios::logged_in_kiosk(2_500, Limits::unlimited()).await;
    let mut events = kiosk.subscribe();
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert!(status.loading.is_none(), "done when the round is");
    let members = status.members as u64;

    let seen = loading_events(&mut events);
    let (last, going) = seen.split_last().expect("the load was followed");
    assert_eq!(*last, None, "the end is said too: {seen:?}");
    let going: Vec<MemberLoad> = going
        .iter()
        .map(|l| l.expect("counts while it goes"))
        .collect();
    assert!(
        going.len() >= 5,
        "a batch of members each, not {}: {going:?}",
        going.len()
    );
    assert!(
        going.windows(2).all(|w| w[0].loaded < w[1].loaded),
        "the count only grows: {going:?}"
    );
    assert!(
        going.iter().all(|l| l.total == Some(members)),
        "each says of how many: {going:?}"
    );
    assert!(
        going
            .iter()
            .all(|l| l.seconds_left.is_some() == (l.loaded > 0)),
        "and, once members came, about how long: {going:?}"
    );

    // The next full load (daily; here at once) finds the cache whole, as the grid is: it
    // shows nothing.
    let mut events = kiosk.subscribe();
    let every_round_full = kiosk::SyncOptions {
        full_reload_interval: chrono::Duration::zero(),
        ..fast_sync()
    };
    kiosk.account().sync_once(&every_round_full).await;
    assert_eq!(
        loading_events(&mut events),
        Vec::<Option<MemberLoad>>::new(),
        "a reload of a whole cache shows no progress"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_clears_what_the_rounds_before_it_said_went_wrong() {
    let sim = sim_lacking(20, &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = started_for(dir.path(), &sim.base_url());
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(
        status.problem.map(|p| p.code),
        Some(kiosk::ErrorCode::Unauthorized),
        "nobody logged in yet"
    );
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    demo_login(&kiosk, &staff, None).await;
    let status = kiosk.account().status().unwrap();
    assert_eq!(status.problem, None, "the login worked: {status:?}");
    let account = status.account.expect("who is logged in");
    assert_eq!(account.user.as_deref(), Some(nexudus_sim::DEMO_EMAIL));
    assert_eq!(account.base_url, sim.base_url());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_that_cannot_list_locations_says_which_role_it_lacks() {
    let sim = sim_lacking(20, &["Business-List"]).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = scenarios::open_kiosk(dir.path(), Limits::unlimited());
    kiosk
        .account()
        .connect(
            &sim.base_url(),
            LACKING_EMAIL,
            &Secret::new(LACKING_PASSWORD),
            None,
        )
        .await
        .unwrap();
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(
        status.connectivity,
        kiosk::Connectivity::MissingRole,
        "not online with an empty location picker: {status:?}"
    );
    let problem = status.problem.expect("the problem, for the screens");
    assert_eq!(
        problem.role.as_deref(),
        Some("Business-List"),
        "{problem:?}"
    );
    assert!(status.members > 0, "the rest of the round went on");
}
