//! A real account's variety (issue 24): records as an account holds them after years of
//! imports and other tools, not as today's validation would write them.

use std::time::Duration;

use kiosk::SyncOptions;
use kiosk::domain::unread::RecordList;
use kiosk::domain::views::TapOutcome;
use nexudus::Limits;
use nexudus_sim::{Faults, OddField};
use scenarios::{HOME, drain, eligible, fast_sync, loaded_kiosk};
use serde_json::{Value, json};

fn odd(list: &str, id: i64, field: &str, value: Value) -> OddField {
    OddField {
        list: list.into(),
        id,
        field: field.into(),
        value,
    }
}

/// One record of an odd shape in each list the kiosk reads (a member without a name, a
/// contract with a date that is not one, a check-in, a visitor, a location, a time zone and a
/// team each with a field of another type) costs that record only: every other record is read,
/// the member's last good copy stays on the grid, the member whose contract did not read keeps
/// their plan, and the staff desk, `kiosk status` and `kiosk doctor` name each record (list, Id,
/// field, shape, never a value) until it reads again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_odd_record_in_each_list_costs_that_record_only_and_staff_are_told_which() {
    let (sim, _dir, kiosk) = loaded_kiosk(200, Limits::unlimited()).await;
    let members_before = kiosk.account().status().unwrap().members;
    let members = eligible(&sim);
    let (nameless, odd_contract, checked_in) = (members[0], members[1], members[2]);
    let name = sim
        .coworkers()
        .into_iter()
        .find(|c| c.id == nameless)
        .unwrap()
        .full_name;
    let contract = sim
        .contracts()
        .into_iter()
        .find(|c| c.coworker_id == odd_contract && c.active)
        .expect("an eligible member has an active contract")
        .id;
    // A check-in of the location, made here and synced.
    assert!(matches!(
        kiosk.members().tap(checked_in).unwrap(),
        TapOutcome::Welcome { .. }
    ));
    drain(&kiosk, Duration::from_secs(20)).await;
    let checkin = sim
        .checkins()
        .into_iter()
        .find(|c| c.coworker_id == Some(checked_in))
        .unwrap()
        .id;
    let visitor = sim
        .visitors()
        .into_iter()
        .find(|v| v.business_id == HOME)
        .expect("guests are expected at the location")
        .id;
    let other_location = sim.businesses().into_iter().find(|b| b.id != HOME).unwrap();
    let team = sim
        .coworkers()
        .into_iter()
        .find_map(|c| c.teams.first().copied())
        .expect("some member is in a team");
    let odd_fields = vec![
        odd("/api/spaces/coworkers", nameless, "FullName", Value::Null),
        odd(
            "/api/billing/coworkercontracts",
            contract,
            "StartDate",
            json!("next Monday"),
        ),
        odd("/api/spaces/checkins", checkin, "FromTime", json!(17)),
        odd("/api/spaces/visitors", visitor, "CheckedInAt", json!(5)),
        odd("/api/sys/businesses", other_location.id, "Name", json!(12)),
        odd(
            "/api/sys/simpletimezones",
            other_location.simple_time_zone_id,
            "Name",
            json!(["GMT"]),
        ),
        odd("/api/spaces/teams", team, "Name", json!({"en": "Design"})),
    ];
    sim.set_faults(Faults {
        odd_fields,
        ..Faults::default()
    });

    // A full load and every other read, as the first sync of a day does.
    let full = SyncOptions {
        full_reload_interval: chrono::Duration::zero(),
        ..fast_sync()
    };
    kiosk.account().sync_now();
    let status = kiosk.account().sync_once(&full).await;
    assert_eq!(
        status.members, members_before,
        "every member is still there, the one that did not read as its last good copy"
    );
    assert!(
        kiosk
            .members()
            .search(&name, 5)
            .unwrap()
            .iter()
            .any(|t| t.member_id == nameless),
        "the member without a name in this answer keeps the name the kiosk had"
    );
    assert!(
        matches!(
            kiosk.members().tap(odd_contract).unwrap(),
            TapOutcome::Welcome { .. }
        ),
        "a contract that did not read takes no plan away"
    );

    let health = kiosk.desk().health().unwrap();
    let mut named: Vec<(RecordList, Option<i64>, String, String)> = health
        .unread
        .iter()
        .map(|r| (r.list, r.record_id, r.field.clone(), r.shape.clone()))
        .collect();
    named.sort();
    let mut expected = vec![
        (
            RecordList::Members,
            Some(nameless),
            "FullName".into(),
            "null".into(),
        ),
        (
            RecordList::Contracts,
            Some(contract),
            "StartDate".into(),
            "string".into(),
        ),
        (
            RecordList::CheckIns,
            Some(checkin),
            "FromTime".into(),
            "number".into(),
        ),
        (
            RecordList::Visitors,
            Some(visitor),
            "CheckedInAt".into(),
            "number".into(),
        ),
        (
            RecordList::Locations,
            Some(other_location.id),
            "Name".into(),
            "number".into(),
        ),
        (
            RecordList::TimeZones,
            Some(other_location.simple_time_zone_id),
            "Name".into(),
            "array".into(),
        ),
        (
            RecordList::Teams,
            Some(team),
            "Name".into(),
            "object".into(),
        ),
    ];
    expected.sort();
    assert_eq!(
        named, expected,
        "each list's odd record is named, and only it"
    );
    let printed = health.to_string();
    assert!(
        printed.contains(&format!("members #{nameless}: FullName came as null")),
        "`kiosk status` names it: {printed}"
    );
    assert!(
        !printed.contains("next Monday") && !printed.contains(&name),
        "no value is shown: {printed}"
    );
    let report = kiosk
        .account()
        .check_account(Some(HOME), None)
        .await
        .unwrap();
    let line = report
        .lines
        .iter()
        .find(|l| l.check == "records")
        .expect("the doctor has a line for records");
    assert!(
        line.detail
            .contains(&format!("visitors #{visitor}: CheckedInAt came as number")),
        "{line:?}"
    );

    // Corrected in Nexudus: each leaves the list when it reads again.
    sim.set_faults(Faults::default());
    kiosk.account().sync_now();
    kiosk.account().sync_once(&full).await;
    let left = kiosk.desk().health().unwrap().unread;
    assert!(left.is_empty(), "every record reads again: {left:?}");
}
