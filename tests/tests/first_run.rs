//! A new operator's first run (issue 26, points 2 and 3): a login with the address left blank
//! goes where the kiosk was started to go (`kiosk serve --api-base`), and the location picker
//! follows the login at once, also after an account that could not list locations.

use std::time::Duration;

use kiosk::{Event, Kiosk, KioskConfig};
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
        kiosk
            .account()
            .login(
                &staff,
                blank,
                nexudus_sim::DEMO_EMAIL,
                &Secret::new(nexudus_sim::DEMO_PASSWORD),
                None,
            )
            .await
            .unwrap_or_else(|e| panic!("address {blank:?}: {e}"));
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
    kiosk
        .account()
        .login(
            &staff,
            None,
            nexudus_sim::DEMO_EMAIL,
            &Secret::new(nexudus_sim::DEMO_PASSWORD),
            None,
        )
        .await
        .unwrap();
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
