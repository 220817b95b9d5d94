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
        kiosk.tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    kiosk.sync_once(&fast_sync()).await;
    // The server charges a pass for the visit after the kiosk's POST.
    let dashboard = other_client(&sim, "dashboard").await;
    let id = on_server(&sim, member).id;
    let mut charged = CheckinWrite::from(&dashboard.checkin(id).await.unwrap());
    charged.coworker_time_pass_guid = Some("pass-123".into());
    charged.counts_towards_plan_limits = Some(true);
    dashboard.update_checkin(&charged).await.unwrap();

    assert!(matches!(
        kiosk.tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    let status = kiosk.sync_once(&fast_sync()).await;
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
        kiosk.tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    kiosk.sync_once(&fast_sync()).await;
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
        kiosk.tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    let status = kiosk.sync_once(&fast_sync()).await;
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
