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
        .find(|l| l.check == kiosk::doctor::Check::Records)
        .expect("the doctor has a line for records");
    assert!(
        line.detail()
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

/// An administrator's write to the simulated account, as an operator's tool makes it: answers
/// the envelope.
async fn admin_post(sim: &nexudus_sim::SimHandle, path: &str, body: Value) -> Value {
    let http = reqwest::Client::new();
    let base = sim.base_url().trim_end_matches('/').to_owned();
    let token: Value = http
        .post(format!("{base}/api/token"))
        .header("client_id", "operator")
        .form(&[
            ("grant_type", "password"),
            ("username", nexudus_sim::DEMO_EMAIL),
            ("password", nexudus_sim::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    http.post(format!("{base}{path}"))
        .bearer_auth(
            token["access_token"]
                .as_str()
                .unwrap_or_else(|| panic!("no token: {token}")),
        )
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn created(envelope: &Value) -> i64 {
    assert_eq!(envelope["WasSuccessful"], true, "{envelope}");
    envelope["Value"]["Id"].as_i64().unwrap()
}

/// An account built the way an operator builds one, through the documented writes: a member
/// given a plan at creation, one whose PIN Nexudus gave with a leading zero, a contract added
/// later, a guest invited with every documented field and a code that starts with zero. The
/// kiosk reads them as Nexudus holds them: the PIN keeps its zero, the code stays a string,
/// the member with a new contract may check in, and signing the guest in loses no field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_an_operator_built_reads_as_nexudus_holds_it() {
    let (sim, _dir, kiosk) = loaded_kiosk(60, Limits::unlimited()).await;
    let planned = created(
        &admin_post(
            &sim,
            "/api/spaces/coworkers",
            json!({"FullName": "Ola Nordmann", "Email": "ola@example.com",
                   "InvoicingBusinessId": HOME, "TariffId": 41_000, "AccessPincode": "04321"}),
        )
        .await,
    );
    let later = created(
        &admin_post(
            &sim,
            "/api/spaces/coworkers",
            json!({"FullName": "Kari Nordmann", "Email": "kari@example.com",
                   "InvoicingBusinessId": HOME}),
        )
        .await,
    );
    let given = sim
        .coworkers()
        .into_iter()
        .find(|c| c.id == later)
        .and_then(|c| c.access_pincode)
        .unwrap();
    assert_eq!(
        given.len(),
        5,
        "Nexudus gives a new customer a 5-digit PIN: {given}"
    );
    created(
        &admin_post(
            &sim,
            "/api/billing/coworkercontracts",
            json!({"CoworkerId": later, "TariffId": 41_001}),
        )
        .await,
    );
    let host = eligible(&sim)[0];
    let every_field = json!({
        "BusinessId": HOME, "FullName": "Zoë Ødegaard", "Email": "zoe@example.com",
        "ExpectedArrival": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "CoworkerId": host, "VisitorSource": 1, "HostApprovalStatus": 1,
        "VisitorCode": "012345", "Notes": "Parking space 4", "CustomerNotes": "Bring the contract",
        "VisitReason": "Interview", "CompanyName": "Fjord AS",
        "PhoneNumber": "+47 555 0100", "Notified": true, "HasAgreedTerms": true,
        "CheckInNow": false
    });
    let guest = created(&admin_post(&sim, "/api/spaces/visitors", every_field.clone()).await);
    kiosk.account().sync_now();
    kiosk.account().sync_once(&fast_sync()).await;

    let pin = kiosk
        .members()
        .tap_pin_from(kiosk::domain::attempts::Caller::Screen, "04321")
        .await
        .unwrap();
    assert!(
        matches!(pin, TapOutcome::Welcome { member_id, .. } if member_id == planned),
        "the PIN with its leading zero: {pin:?}"
    );
    assert!(
        kiosk
            .members()
            .tap_pin_from(kiosk::domain::attempts::Caller::Screen, "4321")
            .await
            .is_err(),
        "without the zero it is another PIN"
    );
    assert!(
        matches!(
            kiosk.members().tap(later).unwrap(),
            TapOutcome::Welcome { .. }
        ),
        "a contract added after the customer counts"
    );
    let signed_in = kiosk
        .visitors()
        .sign_in(kiosk::domain::attempts::Caller::Screen, "012345")
        .unwrap();
    assert!(
        matches!(signed_in, kiosk::services::VisitorOutcome::Arrived { .. }),
        "the code with its leading zero: {signed_in:?}"
    );
    let status = drain(&kiosk, Duration::from_secs(20)).await;
    let staff = kiosk.staff().by_pin(scenarios::STAFF_PIN).unwrap();
    let parked: Vec<_> = kiosk
        .desk()
        .queue(&staff, 10)
        .unwrap()
        .into_iter()
        .map(|q| (q.entry.op, q.entry.last_error))
        .collect();
    assert_eq!((status.pending, status.parked), (0, 0), "{parked:?}");
    let record = sim.visitors().into_iter().find(|v| v.id == guest).unwrap();
    assert!(record.arrived);
    assert_eq!(record.visitor_code, "012345");
    assert_eq!(
        (
            record.notes.as_deref(),
            record.customer_notes.as_deref(),
            record.visit_reason.as_deref(),
            record.company_name.as_deref(),
            record.phone_number.as_deref(),
            record.notified,
            record.has_agreed_terms,
            record.coworker_id,
        ),
        (
            Some("Parking space 4"),
            Some("Bring the contract"),
            Some("Interview"),
            Some("Fjord AS"),
            Some("+47 555 0100"),
            true,
            true,
            Some(host),
        ),
        "signing in kept every field the invitation had"
    );
}
