//! `kiosk doctor` against the simulator: a well-equipped account passes with reads only, each
//! missing role is named with what breaks, the write test checks one member in and out, and the
//! checks pass whichever way the simulator answers the contract's open points.

use std::sync::Arc;

use kiosk::doctor::Check;
use nexudus::{Limits, Secret};
use nexudus_sim::Switches;
use scenarios::{HOME, connect, eligible, open_kiosk, quiet_sim};

/// Every answer the switches allow: all off (the restrictive default) and all on.
fn switch_positions() -> [Switches; 2] {
    [
        Switches::default(),
        Switches {
            list_has_company: true,
            exact_string_filters: true,
            rule_refusals_as_400: true,
            failed_checkins_read_only: true,
            stores_system_id: true,
            stores_source: true,
            pin_reminder_command: true,
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_equipped_account_passes_with_reads_only_in_every_switch_position() {
    for switches in switch_positions() {
        let sim = quiet_sim(120).await;
        sim.set_switches(switches.clone());
        let dir = tempfile::tempdir().unwrap();
        let kiosk = open_kiosk(dir.path(), Limits::unlimited());
        connect(&kiosk, &sim).await;
        let before = sim.requests().len();
        let report = kiosk.account().check_account(None, None).await.unwrap();
        assert!(report.all_ok(), "{switches:?}\n{}", report.to_text());
        let made: Vec<_> = sim.requests()[before..].to_vec();
        assert!(
            made.iter().all(|r| r.method == "GET"),
            "reads only: {made:?}"
        );
        assert_eq!(
            report.requests as usize,
            made.len(),
            "the report counts what the checks cost"
        );
        let location = report
            .lines
            .iter()
            .find(|l| l.check == Check::Location)
            .expect("a location line");
        assert!(
            location
                .detail()
                .contains("GMT Standard Time -> Europe/London"),
            "{location:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_missing_role_is_named_with_what_breaks() {
    let missing = [
        "CoworkerContract-List",
        "SimpleTimeZone-List",
        "Checkin-List",
    ];
    let sim = scenarios::sim_lacking(50, &missing).await;
    let api = nexudus::Client::new(
        nexudus::ClientConfig::new(&sim.base_url()).unwrap(),
        Arc::new(nexudus::MemoryTokenStore::default()),
    )
    .unwrap();
    api.login(
        scenarios::LACKING_EMAIL,
        &Secret::new(scenarios::LACKING_PASSWORD),
        None,
    )
    .await
    .unwrap();
    let report = kiosk::doctor::check_account(&api, Some(HOME), None, &[]).await;
    assert!(!report.all_ok());
    for role in missing {
        let line = report
            .lines
            .iter()
            .find(|l| {
                l.check
                    == Check::Role {
                        role: role.to_string(),
                    }
            })
            .unwrap_or_else(|| panic!("a line for {role}"));
        assert!(
            line.failed() && line.detail().starts_with(&format!("missing role {role}: ")),
            "{line:?}"
        );
        assert!(
            line.fix().is_some_and(|f| f.contains(role)),
            "says what to do: {line:?}"
        );
    }
    // Beside the roles, only what follows from them: without the zone list, the location's zone.
    let others: Vec<&Check> = report
        .lines
        .iter()
        .filter(|l| l.failed() && !matches!(l.check, Check::Role { .. }))
        .map(|l| &l.check)
        .collect();
    assert_eq!(others, [&Check::Location], "{}", report.to_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_test_checks_a_member_in_and_out_once_and_leaves_no_visit_behind() {
    let sim = quiet_sim(400).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    connect(&kiosk, &sim).await;
    let member = eligible(&sim)[0];
    let report = kiosk
        .account()
        .check_account(None, Some(member))
        .await
        .unwrap();
    assert!(report.all_ok(), "{}", report.to_text());
    let writes: Vec<(String, String)> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.path.starts_with("/api/spaces/checkins"))
        .map(|r| (r.method, r.path))
        .collect();
    let posted = writes.iter().filter(|(m, _)| m == "POST").count();
    let put = writes.iter().filter(|(m, _)| m == "PUT").count();
    let deleted = writes.iter().filter(|(m, _)| m == "DELETE").count();
    assert_eq!(
        (posted, put, deleted),
        (1, 1, 1),
        "one check-in, its check-out, and its deletion (what \"Not you? Undo\" sends): {writes:?}"
    );
    assert!(
        sim.checkins().is_empty(),
        "the test visit does not stay in the account"
    );

    // A member without a pass at a location without pay-as-you-go: the server's refusal, named.
    let planless = scenarios::without_plan(&sim, HOME, |p| {
        p.iter().all(|p| !p.usable_at(chrono::Utc::now()))
    })[0];
    let report = kiosk
        .account()
        .check_account(None, Some(planless))
        .await
        .unwrap();
    let line = report
        .lines
        .iter()
        .find(|l| l.check == Check::WriteCheckIn)
        .unwrap();
    assert!(
        line.failed() && line.detail().contains(nexudus_sim::NO_PASS),
        "{line:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_write_test_makes_no_second_visit_for_a_member_who_is_in() {
    let sim = quiet_sim(200).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    connect(&kiosk, &sim).await;
    let member = eligible(&sim)[0];
    kiosk.members().tap(member).unwrap();
    scenarios::drain(&kiosk, std::time::Duration::from_secs(10)).await;
    assert_eq!(sim.checkins().len(), 1, "the member is in");
    let before = sim.requests().len();

    let report = kiosk
        .account()
        .check_account(None, Some(member))
        .await
        .unwrap();
    let line = report
        .lines
        .iter()
        .find(|l| l.check == Check::WriteTest)
        .unwrap_or_else(|| panic!("a write test line: {}", report.to_text()));
    assert_eq!(line.finding, kiosk::doctor::Finding::NotChecked, "{line:?}");
    assert!(
        line.detail()
            .starts_with(&format!("not made: member {member} is checked in now")),
        "{line:?}"
    );
    assert_eq!(
        line.fix().as_deref(),
        Some("run again with a member who is out")
    );
    let writes: Vec<_> = sim.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert!(writes.is_empty(), "nothing written: {writes:?}");
    assert_eq!(sim.checkins().len(), 1, "still one visit");
}
