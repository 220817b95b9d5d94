//! Passes are the server's business: Nexudus takes a check-in from a member with a valid pass,
//! charges a pay-as-you-go pass where the location sells them, and otherwise refuses it and
//! records the failed check-in itself. The kiosk refuses offline only what it can know.

use std::time::Duration;

use kiosk::domain::problem::SendProblem;
use kiosk::domain::rules::Refusal;
use kiosk::{Location, Settings, TapOutcome};
use nexudus::Limits;
use nexudus_sim::SimHandle;
use nexudus_sim::passes::CoworkerTimePass;
use nexudus_sim::{CoworkerPatch, NO_PASS, Switches};
use scenarios::{
    HOME, STAFF_PIN, drain, eligible, fast_sync, inactive, loaded_kiosk, without_plan,
};

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
        let reason = parked[0].entry.last_error.clone();
        assert!(
            matches!(&reason, Some(SendProblem::Refused { said: Some(said), .. }) if said.contains(NO_PASS)),
            "staff read the server's reason, in its words: {reason:?}"
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
    let (sim, _dir, kiosk) = loaded_kiosk(1000, Limits::unlimited()).await;
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
    let member = without_plan(&sim, LISBON, <[CoworkerTimePass]>::is_empty)[0];
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

fn unused(passes: &[CoworkerTimePass]) -> usize {
    passes.iter().filter(|p| !p.used).count()
}

/// A member without a plan who bought ten day passes (three used) checks in: the kiosk says
/// which pass and how many are left, Nexudus uses that very pass (the check-in names it), and
/// coming back the same day after a check-out uses no second one, as a day pass is valid for
/// the calendar day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_on_day_passes_is_told_what_was_used_and_a_day_costs_one_pass() {
    let (sim, _dir, kiosk) = loaded_kiosk(1000, Limits::unlimited()).await;
    let member = without_plan(&sim, HOME, |p| unused(p) == 7)[0];
    let TapOutcome::Welcome { pass, .. } = kiosk.members().tap(member).unwrap() else {
        panic!("a day pass lets them in");
    };
    let pass = pass.expect("the confirmation names the pass");
    assert_eq!(
        (pass.name.as_str(), pass.left, pass.of),
        ("Day Pass", 6, None)
    );
    assert_eq!(drain(&kiosk, Duration::from_secs(10)).await.parked, 0);
    let theirs = |sim: &SimHandle| -> Vec<CoworkerTimePass> {
        sim.passes()
            .into_iter()
            .filter(|p| p.coworker_id == member)
            .collect()
    };
    assert_eq!(unused(&theirs(&sim)), 6, "Nexudus used one");
    let record = sim
        .checkins()
        .into_iter()
        .find(|c| c.coworker_id == Some(member))
        .unwrap();
    let used = theirs(&sim)
        .into_iter()
        .find(|p| Some(p.unique_id.to_string()) == record.coworker_time_pass_guid)
        .expect("the check-in names the pass it used");
    assert!(used.used);
    // Out for lunch, back in the afternoon.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(matches!(
        kiosk.members().tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let TapOutcome::Welcome { pass, .. } = kiosk.members().tap(member).unwrap() else {
        panic!("back in on the day's pass");
    };
    assert_eq!(
        pass, None,
        "the morning's pass covers the day: nothing more is used"
    );
    assert_eq!(drain(&kiosk, Duration::from_secs(10)).await.parked, 0);
    assert_eq!(unused(&theirs(&sim)), 6, "still six: one pass for the day");
    assert_eq!(
        sim.checkins()
            .iter()
            .filter(|c| c.coworker_id == Some(member))
            .count(),
        2
    );
}

/// A member whose passes are all used, and one whose pass has expired, are each refused with
/// their own reason, and the refusal reaches Nexudus with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spent_and_expired_passes_are_refused_each_with_its_own_reason() {
    let (sim, _dir, kiosk) = loaded_kiosk(1000, Limits::unlimited()).await;
    // The passes used lately come with the member pull after the first load.
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;
    let spent = without_plan(&sim, HOME, |p| !p.is_empty() && unused(p) == 0)[0];
    let expired = without_plan(&sim, HOME, |p| p.len() == 1 && unused(p) == 1)[0];
    let none = without_plan(&sim, HOME, <[CoworkerTimePass]>::is_empty)[0];
    for (member, reason) in [
        (spent, Refusal::PassSpent),
        (expired, Refusal::PassExpired),
        (none, Refusal::NoPlan),
    ] {
        let outcome = kiosk.members().tap(member).unwrap();
        assert!(
            matches!(outcome, TapOutcome::Rejected { reason: r, .. } if r == reason),
            "{member}: {outcome:?}"
        );
    }
    assert_eq!(drain(&kiosk, Duration::from_secs(10)).await.parked, 0);
    let failed = sim.failed_checkins();
    let described = |m| {
        failed
            .iter()
            .find(|f| f.coworker_id == Some(m))
            .and_then(|f| f.description.clone())
            .unwrap_or_default()
    };
    assert!(
        described(spent).contains("every pass is used"),
        "{failed:?}"
    );
    assert!(described(expired).contains("expired"), "{failed:?}");
    assert!(sim.checkins().is_empty(), "no one was let in");
}

/// A member's last day pass, spent on two kiosks of the location while both are offline (one
/// checks them in and out, the other in again later that day): both let the member in, Nexudus
/// takes both check-ins on the one pass (a day pass covers the calendar day), nobody is charged
/// twice and nothing is refused; afterwards both kiosks know the pass is used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_pass_spent_on_two_kiosks_while_offline_is_used_once() {
    let (sim, a_dir, a) = loaded_kiosk(1000, Limits::unlimited()).await;
    let member = without_plan(&sim, HOME, <[CoworkerTimePass]>::is_empty)[0];
    // Reception sells them one day pass, as an administrator does through the API.
    let admin = scenarios::other_client(&sim, "reception").await;
    admin
        .create_time_passes(&nexudus::TimePassWrite {
            coworker_id: member,
            business_id: HOME,
            time_pass_id: 61_001,
            create_multiple: 1,
            ..nexudus::TimePassWrite::default()
        })
        .await
        .unwrap();
    let b_dir = tempfile::tempdir().unwrap();
    let b = scenarios::open_kiosk(b_dir.path(), Limits::unlimited());
    scenarios::connect(&b, &sim).await;
    for kiosk in [&a, &b] {
        kiosk.account().sync_now();
        kiosk.account().sync_once(&fast_sync()).await;
    }
    sim.set_outage(true);
    let TapOutcome::Welcome { pass, .. } = a.members().tap(member).unwrap() else {
        panic!("in on A");
    };
    assert_eq!(pass.map(|p| p.left), Some(0), "A says it is their last");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(matches!(
        a.members().tap(member).unwrap(),
        TapOutcome::Goodbye { .. }
    ));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(
        matches!(b.members().tap(member).unwrap(), TapOutcome::Welcome { .. }),
        "B, offline, knows only that the pass was unused"
    );
    sim.set_outage(false);
    for kiosk in [&a, &b] {
        let status = drain(kiosk, Duration::from_secs(20)).await;
        assert_eq!((status.pending, status.parked), (0, 0), "{status:?}");
    }
    let checkins: Vec<_> = sim
        .checkins()
        .into_iter()
        .filter(|c| c.coworker_id == Some(member))
        .collect();
    assert_eq!(checkins.len(), 2, "both visits are in Nexudus");
    assert!(
        checkins
            .iter()
            .all(|c| c.coworker_time_pass_guid == checkins[0].coworker_time_pass_guid),
        "on the one pass"
    );
    let theirs: Vec<_> = sim
        .passes()
        .into_iter()
        .filter(|p| p.coworker_id == member)
        .collect();
    assert_eq!(
        (theirs.len(), unused(&theirs)),
        (1, 0),
        "one pass, used once"
    );
    assert!(sim.failed_checkins().is_empty(), "nothing refused");
    for kiosk in [&a, &b] {
        kiosk.account().sync_now();
        kiosk.account().sync_once(&fast_sync()).await;
    }
    for dir in [a_dir.path(), b_dir.path()] {
        let store = kiosk::store::Store::open(&dir.join("kiosk.db")).unwrap();
        let known = store.read(|tx| tx.member_passes(member)).unwrap();
        assert!(
            known.len() == 1 && known[0].used,
            "each kiosk knows the pass is used: {known:?}"
        );
    }
}
