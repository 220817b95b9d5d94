//! The staff desk against the simulator: a check-in made by another kiosk on the account shows
//! on this one's desk; a check-out on a member's behalf and a corrected check-out time reach
//! Nexudus once; the day's refusals include Nexudus's own.

use std::time::Duration;

use chrono::{Timelike, Utc};
use kiosk::domain::desk_views::How;
use kiosk::domain::views::TapOutcome;
use kiosk::{Kiosk, KioskConfig};
use nexudus::{CheckinWrite, Limits};
use scenarios::{
    HOME, STAFF_PIN, connect, drain, eligible, fast_sync, kiosk_config, loaded_kiosk, open_kiosk,
    other_client_with, quiet_sim, storing_everything,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_at_another_kiosk_shows_on_this_desk_as_another_kiosks() {
    let (sim, _dir, kiosk) = loaded_kiosk(60, Limits::unlimited()).await;
    // Source kept, so "another kiosk" can be told from a door (by default the simulator drops
    // it, an open point, and the desk says only "Nexudus").
    storing_everything(&sim);
    let other_dir = tempfile::tempdir().unwrap();
    let other = open_kiosk(other_dir.path(), Limits::unlimited());
    connect(&other, &sim).await;
    let member = eligible(&sim)[0];
    assert!(matches!(
        other.members().tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    drain(&other, Duration::from_secs(20)).await;
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let people = kiosk.desk().presence(&staff).unwrap();
    let seen = people
        .iter()
        .find(|p| p.member_id == Some(member))
        .expect("the other kiosk's check-in is on this desk");
    assert_eq!(seen.how, How::OtherKiosk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_out_on_behalf_reaches_nexudus_and_the_audit_log() {
    let (sim, _dir, kiosk) = loaded_kiosk(60, Limits::unlimited()).await;
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let member = eligible(&sim)[0];
    let TapOutcome::Welcome { at, .. } = kiosk.desk().check_in_for(&staff, member).unwrap() else {
        panic!("checked in by staff");
    };
    drain(&kiosk, Duration::from_secs(20)).await;
    assert!(matches!(
        kiosk.desk().check_out_for(&staff, member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let record = sim
        .checkins()
        .into_iter()
        .find(|c| c.coworker_id == Some(member) && c.from_time.timestamp() == at.timestamp())
        .expect("the staff check-in reached Nexudus");
    assert!(record.to_time.is_some(), "and the check-out on behalf");
    let actions: Vec<String> = kiosk
        .desk()
        .audit_log(&staff, 10)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(
        actions.contains(&"check_in_for".to_owned())
            && actions.contains(&"check_out_for".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_check_out_made_at_a_door_is_put_right_in_nexudus_with_one_put() {
    let (sim, _dir, kiosk) = loaded_kiosk(60, Limits::unlimited()).await;
    let member = eligible(&sim)[0];
    // A visit recorded by a door three hours ago, closed by its cut-off two hours ago.
    let now = Utc::now();
    let from = now - chrono::Duration::hours(3);
    let from = from - chrono::Duration::seconds(i64::from(from.second()));
    let mut door = CheckinWrite::new(HOME, from);
    door.coworker_id = Some(member);
    door.to_time = Some(now - chrono::Duration::hours(2));
    let api = other_client_with(&sim, "door", Limits::unlimited()).await;
    let id = api.create_checkin(&door).await.unwrap();
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let today = kiosk.desk().today(&staff).await.unwrap();
    let departure = today
        .timeline
        .iter()
        .find(|m| m.member_id == Some(member) && !m.arrival)
        .expect("the door's departure is on the desk's timeline");
    // The member left ten minutes after arriving.
    let tz = kiosk.account().settings().location.unwrap().tz();
    let left = (from + chrono::Duration::minutes(10)).with_timezone(&tz);
    let hh_mm = format!("{:02}:{:02}", left.hour(), left.minute());
    kiosk
        .desk()
        .correct_check_out(&staff, departure.checkin.unwrap(), &hh_mm)
        .unwrap();
    let puts = |sim: &nexudus_sim::SimHandle| {
        sim.requests()
            .iter()
            .filter(|r| r.method == "PUT" && r.path == "/api/spaces/checkins")
            .count()
    };
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let record = sim.checkins().into_iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        record.to_time.map(|t| t.timestamp()),
        Some((from + chrono::Duration::minutes(10)).timestamp()),
        "Nexudus has the corrected check-out"
    );
    assert_eq!(puts(&sim), 1, "one PUT");
    // Said again (a retry after a lost answer), nothing more is sent.
    kiosk
        .desk()
        .correct_check_out(&staff, departure.checkin.unwrap(), &hh_mm)
        .unwrap();
    drain(&kiosk, Duration::from_secs(20)).await;
    assert_eq!(puts(&sim), 1, "the server has that time already");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_days_refusals_include_those_nexudus_made_itself() {
    let sim = quiet_sim(300).await;
    let dir = tempfile::tempdir().unwrap();
    // Read afresh each time, so the read with the simulator down is a read indeed.
    let kiosk = Kiosk::open(KioskConfig {
        refusals_kept_for: Duration::ZERO,
        ..kiosk_config(dir.path(), Limits::unlimited())
    })
    .unwrap();
    connect(&kiosk, &sim).await;
    // A member without a plan at a location that sells no passes, checked in by a door:
    // Nexudus refuses and records the failed check-in itself.
    let planless =
        scenarios::without_plan(&sim, HOME, |p| p.iter().all(|p| !p.usable_at(Utc::now())))[0];
    let mut door = CheckinWrite::new(HOME, Utc::now());
    door.coworker_id = Some(planless);
    let api = other_client_with(&sim, "door", Limits::unlimited()).await;
    assert!(
        api.create_checkin(&door).await.is_err(),
        "Nexudus refuses a member without a plan"
    );
    assert!(
        sim.failed_checkins()
            .iter()
            .any(|f| f.coworker_id == Some(planless)),
        "and records the refusal"
    );
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    let today = kiosk.desk().today(&staff).await.unwrap();
    assert!(today.server_failed_read);
    assert!(
        today.failed.iter().any(|f| !f.here && f.name.is_some()),
        "Nexudus's own refusal is on the desk: {:?}",
        today.failed
    );
    sim.stop();
    let offline = kiosk.desk().today(&staff).await.unwrap();
    assert!(
        !offline.server_failed_read,
        "offline, the desk says only the kiosk's own are shown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_reads_nexudus_refusals_once_a_minute_however_often_it_refreshes() {
    let (sim, _dir, kiosk) = loaded_kiosk(60, Limits::unlimited()).await;
    let staff = kiosk.staff().by_pin(STAFF_PIN).unwrap();
    for _ in 0..5 {
        assert!(kiosk.desk().today(&staff).await.unwrap().server_failed_read);
    }
    let reads = sim
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/api/spaces/failedcheckins")
        .count();
    assert_eq!(reads, 1, "five refreshes of the desk, one request");
}
