//! "Not you? Undo" against the simulator: a tap taken back reaches Nexudus exactly once, or not
//! at all when it had not left yet, through lost answers and a missing role.

use kiosk::domain::problem::SendProblem;
use kiosk::{Kiosk, Settings, TapOutcome};
use nexudus::{CheckinWrite, Limits, Secret};
use nexudus_sim::Faults;
use scenarios::{STAFF_PIN, drain, eligible, fast_sync, loaded_kiosk, open_kiosk, other_client};
use uuid::Uuid;

fn checkin_of(outcome: &TapOutcome) -> Uuid {
    match outcome {
        TapOutcome::Welcome { checkin, .. } | TapOutcome::Goodbye { checkin, .. } => *checkin,
        other => panic!("not a check-in or check-out: {other:?}"),
    }
}

/// The requests `method` made to the check-ins' paths.
fn sent(sim: &nexudus_sim::SimHandle, method: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with("/api/spaces/checkins"))
        .count()
}

fn checkins_of(sim: &nexudus_sim::SimHandle, member: i64) -> Vec<nexudus_sim::records::Checkin> {
    sim.checkins()
        .into_iter()
        .filter(|c| c.coworker_id == Some(member))
        .collect()
}

/// Syncs until nothing waits (an entry retried after a fault waits its backoff first).
async fn settle(kiosk: &Kiosk) {
    let status = drain(kiosk, std::time::Duration::from_secs(10)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_taken_back_before_it_was_sent_never_reaches_nexudus() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    let checkin = checkin_of(&kiosk.members().tap(member).unwrap());
    kiosk.members().undo_tap(member, checkin).unwrap();
    settle(&kiosk).await;
    assert_eq!(sent(&sim, "POST"), 0, "nothing was sent");
    assert!(checkins_of(&sim, member).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_taken_back_after_it_was_sent_is_deleted_once() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    let checkin = checkin_of(&kiosk.members().tap(member).unwrap());
    settle(&kiosk).await;
    assert_eq!(checkins_of(&sim, member).len(), 1, "sent");
    kiosk.members().undo_tap(member, checkin).unwrap();
    settle(&kiosk).await;
    assert!(checkins_of(&sim, member).is_empty(), "withdrawn in Nexudus");
    assert_eq!(sent(&sim, "DELETE"), 1, "one deletion");
    settle(&kiosk).await;
    assert_eq!(sent(&sim, "DELETE"), 1, "and never again");
    // The member taps the right way now: a new check-in, sent as usual.
    let again = kiosk.members().tap(member).unwrap();
    assert!(matches!(again, TapOutcome::Welcome { .. }), "{again:?}");
    settle(&kiosk).await;
    assert_eq!(checkins_of(&sim, member).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_whose_answer_was_lost_is_found_and_withdrawn_exactly_once() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    let checkin = checkin_of(&kiosk.members().tap(member).unwrap());
    // Nexudus commits the POST, and the answer never comes back.
    sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(status.pending, 1, "in doubt, kept: {status:?}");
    assert_eq!(checkins_of(&sim, member).len(), 1, "yet on the server");
    // Taken back while in doubt: it cannot be cancelled, only withdrawn after it.
    kiosk.members().undo_tap(member, checkin).unwrap();
    sim.set_faults(Faults::default());
    settle(&kiosk).await;
    assert!(checkins_of(&sim, member).is_empty(), "withdrawn in Nexudus");
    assert_eq!(
        sent(&sim, "POST"),
        1,
        "the lost POST was found, not sent again"
    );
    assert_eq!(sent(&sim, "DELETE"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_whose_answer_was_lost_is_not_sent_again() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    let checkin = checkin_of(&kiosk.members().tap(member).unwrap());
    settle(&kiosk).await;
    kiosk.members().undo_tap(member, checkin).unwrap();
    sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!(status.pending, 1, "in doubt, kept: {status:?}");
    assert!(checkins_of(&sim, member).is_empty(), "deleted all the same");
    sim.set_faults(Faults::default());
    settle(&kiosk).await;
    assert_eq!(
        sent(&sim, "DELETE"),
        1,
        "the record read first is gone: nothing sent again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_out_taken_back_opens_the_record_again_and_keeps_what_the_server_set() {
    let (sim, _dir, kiosk) = loaded_kiosk(100, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    kiosk.members().tap(member).unwrap();
    settle(&kiosk).await;
    // The server charges a pass for the visit.
    let dashboard = other_client(&sim, "dashboard").await;
    let id = checkins_of(&sim, member)[0].id;
    let mut charged = CheckinWrite::from(&dashboard.checkin(id).await.unwrap());
    charged.coworker_time_pass_guid = Some("pass-123".into());
    dashboard.update_checkin(&charged).await.unwrap();

    let goodbye = kiosk.members().tap(member).unwrap();
    assert!(matches!(goodbye, TapOutcome::Goodbye { .. }));
    settle(&kiosk).await;
    assert!(
        dashboard.checkin(id).await.unwrap().to_time.is_some(),
        "out"
    );
    let undone = kiosk
        .members()
        .undo_tap(member, checkin_of(&goodbye))
        .unwrap();
    assert!(
        matches!(
            undone,
            TapOutcome::Undone {
                in_since: Some(_),
                ..
            }
        ),
        "{undone:?}"
    );
    settle(&kiosk).await;
    let record = dashboard.checkin(id).await.unwrap();
    assert_eq!(record.to_time, None, "open again in Nexudus");
    assert_eq!(record.to_time_local, None);
    assert_eq!(
        record.coworker_time_pass_guid.as_deref(),
        Some("pass-123"),
        "the pass the server charged survives"
    );
    assert_eq!(
        checkins_of(&sim, member).len(),
        1,
        "the same visit, no second"
    );

    // Later the member really leaves: the same record closes.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    settle(&kiosk).await;
    assert!(dashboard.checkin(id).await.unwrap().to_time.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_delete_role_a_withdrawal_waits_for_staff_and_the_queue_goes_on() {
    let sim = scenarios::sim_lacking(100, &["Checkin-Delete"]).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    kiosk
        .account()
        .connect(
            &sim.base_url(),
            scenarios::LACKING_EMAIL,
            &Secret::new(scenarios::LACKING_PASSWORD),
            None,
        )
        .await
        .unwrap();
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let settings = Settings {
        location: Some(scenarios::location()),
        double_tap_seconds: 0,
        ..Settings::default()
    };
    kiosk.account().update_settings(&staff, settings).unwrap();
    kiosk.account().sync_once(&fast_sync()).await;
    let members = eligible(&sim);
    let (wrong, next) = (members[0], members[1]);
    let checkin = checkin_of(&kiosk.members().tap(wrong).unwrap());
    settle(&kiosk).await;
    kiosk.members().undo_tap(wrong, checkin).unwrap();
    kiosk.members().tap(next).unwrap();
    let status = kiosk.account().sync_once(&fast_sync()).await;
    assert_eq!((status.pending, status.parked), (0, 1), "{status:?}");
    assert_eq!(
        checkins_of(&sim, next).len(),
        1,
        "the next check-in went on"
    );
    assert_eq!(
        checkins_of(&sim, wrong).len(),
        1,
        "the withdrawn one stays until staff act"
    );
    let parked = kiosk.desk().queue(&staff, 10).unwrap();
    let reason = parked[0].entry.last_error.clone();
    assert!(
        matches!(reason, Some(SendProblem::UndoNeedsRole { checkin }) if checkin == checkins_of(&sim, wrong)[0].id),
        "staff read which role is missing, and which check-in stays: {reason:?}"
    );
}
