//! A check-out as Nexudus wants it: the record read first and put back with only its end
//! changed, and nothing sent when the server closed it already.

use kiosk::TapOutcome;
use nexudus::{CheckinWrite, Limits};
use scenarios::{eligible, fast_sync, loaded_kiosk, other_client};

/// The kiosk's check-in of `member`, as the server holds it.
fn on_server(sim: &nexudus_sim::SimHandle, member: i64) -> nexudus_sim::records::Checkin {
    sim.checkins()
        .into_iter()
        .find(|c| c.coworker_id == Some(member))
        .expect("the check-in is on the server")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_out_keeps_what_the_server_set_at_check_in() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    kiosk.account().sync_once(&fast_sync()).await;
    // The server charges a pass for the visit after the kiosk's POST.
    let dashboard = other_client(&sim, "dashboard").await;
    let id = on_server(&sim, member).id;
    let mut charged = CheckinWrite::from(&dashboard.checkin(id).await.unwrap());
    charged.coworker_time_pass_guid = Some("pass-123".into());
    charged.counts_towards_plan_limits = Some(true);
    dashboard.update_checkin(&charged).await.unwrap();

    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let record = dashboard.checkin(id).await.unwrap();
    assert!(record.to_time.is_some(), "checked out");
    assert_eq!(
        record.coworker_time_pass_guid.as_deref(),
        Some("pass-123"),
        "the pass the server charged survives the check-out"
    );
    assert_eq!(record.counts_towards_plan_limits, Some(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_the_server_closed_already_is_not_closed_again() {
    let (sim, dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    kiosk.account().sync_once(&fast_sync()).await;
    // The location's cut-off (or a door) closes it on the server first.
    let door = other_client(&sim, "door").await;
    let id = on_server(&sim, member).id;
    let record = door.checkin(id).await.unwrap();
    let cut_off = record.from_time + chrono::Duration::seconds(1);
    let mut closed = CheckinWrite::from(&record);
    closed.to_time = Some(cut_off);
    door.update_checkin(&closed).await.unwrap();
    let puts_before = puts(&sim);
    // The member taps out later, with a different end than the server's.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;

    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    assert_eq!(
        puts(&sim),
        puts_before,
        "nothing sent for a closed check-in"
    );
    let kept = scenarios::kiosk_checkins(dir.path())
        .into_iter()
        .find(|r| r.member_id == member)
        .unwrap();
    assert_eq!(
        kept.to_time.map(|t| t.timestamp()),
        Some(cut_off.timestamp()),
        "the kiosk's record takes the server's check-out"
    );
}

fn puts(sim: &nexudus_sim::SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path == "/api/spaces/checkins")
        .count()
}

/// Nexudus closes the check-ins still open at each location's daily cut-off (the simulator's is
/// 23:30). A member checked in yesterday morning on a kiosk whose own rule is later (48 hours)
/// is out by the server's cut-off: the kiosk reads it, shows them out, sends no check-out, and
/// their next tap opens a new check-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_daily_cut_off_closes_what_the_kiosk_left_open_and_the_kiosk_sends_nothing() {
    use std::sync::Arc;

    use kiosk::domain::clock::ManualClock;
    use kiosk::secrets::SecretStore;
    use kiosk::{AutoCheckoutRule, Kiosk, KioskConfig, Settings};

    let sim = scenarios::quiet_sim(100).await;
    let dir = tempfile::tempdir().unwrap();
    // The kiosk's clock stands at yesterday, 10:00 UTC.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_utc();
    let clock = ManualClock::new(yesterday);
    let kiosk = Kiosk::open(KioskConfig {
        data_dir: Some(dir.path().to_owned()),
        secrets: Some(Arc::new(SecretStore::file(dir.path()))),
        limits: Limits::unlimited(),
        initial_staff_pin: Some(scenarios::STAFF_PIN.into()),
        clock: Arc::new(clock.clone()),
        ..KioskConfig::default()
    })
    .unwrap();
    scenarios::connect(&kiosk, &sim).await;
    let settings = Settings {
        auto_checkout_rule: AutoCheckoutRule::AfterHours { hours: 48 },
        ..kiosk.account().settings()
    };
    kiosk
        .account()
        .update_settings(
            &kiosk.staff().by_pin(scenarios::STAFF_PIN).unwrap(),
            settings,
        )
        .unwrap();
    let member = eligible(&sim)[0];
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    kiosk.account().sync_once(&fast_sync()).await;

    // Today: the server's cut-off of last night has passed.
    clock.set(chrono::Utc::now());
    kiosk.account().sync_now();
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let record = on_server(&sim, member);
    let cut_off = record.to_time.expect("the server closed it at its cut-off");
    assert_eq!(
        cut_off
            .with_timezone(&chrono_tz::Europe::London)
            .format("%H:%M")
            .to_string(),
        "23:30"
    );
    assert!(
        !sim.requests().iter().any(|r| r.method == "PUT"),
        "the kiosk sent no check-out of its own"
    );
    assert!(
        matches!(
            kiosk.members().tap(member).unwrap(),
            TapOutcome::Welcome { .. }
        ),
        "out by the cut-off, the member's next tap checks them in"
    );
    kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(
        sim.checkins()
            .iter()
            .filter(|c| c.coworker_id == Some(member))
            .count(),
        2
    );
}
