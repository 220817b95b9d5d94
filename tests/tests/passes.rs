//! Passes are the server's business: Nexudus takes a check-in from a member with a valid pass,
//! charges a pay-as-you-go pass where the location sells them, and otherwise refuses it and
//! records the failed check-in itself. The kiosk refuses offline only what it can know.

use std::time::Duration;

use kiosk::{Location, Settings, TapOutcome};
use nexudus::Limits;
use nexudus_sim::{CoworkerPatch, NO_PASS, Switches};
use scenarios::{STAFF_PIN, drain, eligible, fast_sync, inactive, loaded_kiosk};

/// A plan cancelled upstream after the kiosk last read the contracts: the kiosk lets the member
/// in, Nexudus refuses the check-in and records the failure itself. The kiosk parks the entry
/// with the server's words for staff and posts no failed check-in of its own. Both answers the
/// contract leaves open (a 200 with `WasSuccessful: false`, a 400) come to the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_nexudus_decides_is_parked_with_its_reason_and_recorded_once() {
    for as_400 in [false, true] {
        let (sim, _dir, kiosk) = loaded_kiosk(300, Limits::unlimited()).await;
        sim.set_switches(Switches {
            rule_refusals_as_400: as_400,
            ..Switches::default()
        });
        let member = eligible(&sim)[0];
        sim.update_coworker(
            member,
            &CoworkerPatch {
                tariff_name: Some(None),
                ..CoworkerPatch::default()
            },
        );
        // Check-in times go out to the second: tap in the next one.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(
            matches!(
                kiosk.members().tap(member).unwrap(),
                TapOutcome::Welcome { .. }
            ),
            "the kiosk's contracts are from before the cancellation"
        );
        let status = drain(&kiosk, Duration::from_secs(10)).await;
        assert_eq!((status.pending, status.parked), (0, 1), "{status:?}");
        let parked = kiosk
            .desk()
            .queue(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), 10)
            .unwrap();
        let reason = parked[0].entry.last_error.clone().unwrap_or_default();
        assert!(
            reason.contains(NO_PASS),
            "staff read the server's reason: {reason}"
        );
        let failed: Vec<_> = sim
            .failed_checkins()
            .into_iter()
            .filter(|f| f.coworker_id == Some(member))
            .collect();
        assert_eq!(
            failed.len(),
            1,
            "the server's own record, and no second one"
        );
        assert_eq!(failed[0].description.as_deref(), Some(NO_PASS));
        assert!(
            !sim.requests()
                .iter()
                .any(|r| r.method == "POST" && r.path.ends_with("/failedcheckins")),
            "the kiosk posted no failed check-in"
        );
        assert!(sim.checkins().is_empty(), "no check-in was taken");
    }
}

/// At a location that sells pay-as-you-go passes, a member without a plan is charged one at
/// check-in; the check-out (GET, then PUT of the whole record) keeps the pass on the record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pay_as_you_go_pass_charged_at_check_in_survives_the_check_out() {
    const LISBON: i64 = 1002;
    let (sim, _dir, kiosk) = loaded_kiosk(400, Limits::unlimited()).await;
    let settings = Settings {
        location: Some(Location {
            id: LISBON,
            name: "Lisbon Docks".into(),
            time_zone: "Europe/Lisbon".into(),
            ..Location::default()
        }),
        pay_as_you_go: true,
        ..kiosk.account().settings()
    };
    kiosk
        .account()
        .update_settings(&kiosk.staff().by_pin(STAFF_PIN).unwrap(), settings)
        .unwrap();
    let member = sim
        .coworkers()
        .into_iter()
        .find(|c| c.active && c.tariff_name.is_none() && c.invoicing_business_id == LISBON)
        .expect("a member of Lisbon without a plan")
        .id;
    kiosk.account().sync_once(&fast_sync()).await;
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    assert_eq!(drain(&kiosk, Duration::from_secs(10)).await.parked, 0);
    let pass = sim.checkins()[0].coworker_time_pass_guid.clone();
    assert!(pass.is_some(), "Nexudus charged a pass at check-in");
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    assert_eq!(drain(&kiosk, Duration::from_secs(10)).await.parked, 0);
    let record = &sim.checkins()[0];
    assert!(record.to_time.is_some(), "checked out");
    assert_eq!(
        record.coworker_time_pass_guid, pass,
        "the pass is still on it"
    );
}

/// Where an account answers the POST of failed check-ins with a 405 (their list page calls them
/// "read-only and generated automatically"; the simulator's switch): the refusals the kiosk
/// decides stay in its own record, nothing waits for staff, and after the first 405 no request
/// is spent on them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_the_kiosk_decides_stay_on_the_kiosk_when_nexudus_takes_none() {
    let (sim, _dir, kiosk) = loaded_kiosk(300, Limits::unlimited()).await;
    sim.set_switches(Switches {
        failed_checkins_read_only: true,
        ..Switches::default()
    });
    let refused: Vec<i64> = inactive(&sim).into_iter().take(3).collect();
    for m in &refused {
        assert!(matches!(
            kiosk.members().tap(*m).unwrap(),
            TapOutcome::Rejected { .. }
        ));
    }
    let status = drain(&kiosk, Duration::from_secs(10)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let posts = sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/failedcheckins"))
        .map(|r| r.status)
        .collect::<Vec<_>>();
    assert_eq!(posts, [405], "one try, then none");
    assert!(sim.failed_checkins().is_empty());
}

/// At the simulator's default, as the POST is documented: a refusal the kiosk decides reaches
/// Nexudus as a failed check-in with its reason. Checked to fail when the default took none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_the_kiosk_decides_reaches_nexudus_at_the_simulator_s_default() {
    let (sim, _dir, kiosk) = loaded_kiosk(300, Limits::unlimited()).await;
    let refused = inactive(&sim)[0];
    assert!(matches!(
        kiosk.members().tap(refused).unwrap(),
        TapOutcome::Rejected { .. }
    ));
    let status = drain(&kiosk, Duration::from_secs(10)).await;
    assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    let failed = sim.failed_checkins();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].coworker_id, Some(refused));
    assert!(failed[0].description.is_some(), "with its reason");
}
