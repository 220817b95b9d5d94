use chrono::TimeZone;

use super::*;

#[test]
fn a_location_gets_the_iana_zone_of_its_windows_zone_and_keeps_it_when_the_list_is_missing() {
    let business = |id, zone| nexudus::Business {
        id,
        name: format!("L{id}"),
        simple_time_zone_id: zone,
    };
    let zone = |id, name: &str| nexudus::SimpleTimeZone {
        id,
        name: name.into(),
        description: None,
    };
    let businesses = [
        business(1, Some(11)),
        business(2, Some(12)),
        business(3, None),
    ];
    let zones = [
        zone(11, "AUS Eastern Standard Time"),
        zone(12, "Mars Standard Time"),
    ];
    let rows = locations(&businesses, &zones, &[]);
    let pairs: Vec<_> = rows
        .iter()
        .map(|r| (r.time_zone.as_deref(), r.nexudus_zone.as_deref()))
        .collect();
    assert_eq!(
        pairs,
        [
            (Some("Australia/Sydney"), Some("AUS Eastern Standard Time")),
            (None, Some("Mars Standard Time")),
            (None, None),
        ],
        "mapped through CLDR; an unknown Windows name maps to nothing"
    );
    let again = locations(&businesses, &[], &rows);
    assert_eq!(again, rows, "no zone list (a missing role) erases no zone");
}

fn row(origin: Origin) -> CheckinRow {
    CheckinRow {
        nexudus_id: Some(55),
        from_time: Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 0).unwrap(),
        auto_checkout: true,
        teams: Some("Blue".into()),
        plan: Some("Hot Desk".into()),
        origin,
        ..CheckinRow::sample(42)
    }
}

#[test]
fn the_kiosks_own_check_in_carries_its_system_id_and_a_server_one_keeps_the_servers() {
    let ours = row(Origin::Kiosk);
    assert_eq!(
        checkin_write(&ours).system_id,
        Some(ours.local_id.to_string())
    );
    let mut theirs = row(Origin::Server);
    assert_eq!(checkin_write(&theirs).system_id, None);
    theirs.server_fields.system_id = Some("door-7".into());
    assert_eq!(checkin_write(&theirs).system_id.as_deref(), Some("door-7"));
}

#[test]
fn a_check_in_read_from_the_server_goes_back_with_every_field_the_kiosk_does_not_own() {
    let server: nexudus::Checkin = serde_json::from_value(serde_json::json!({
        "Id": 55, "BusinessId": 1, "CoworkerId": 42, "FromTime": "2025-01-15T10:30:00Z",
        "Source": 2, "CoworkerTimePassGuid": "pass-1", "CountsTowardsPlanLimits": true,
        "SomeFieldNotModelled": {"a": 1}
    }))
    .unwrap();
    let kept = server_checkin(&server).expect("it names a member");
    // Stored and read back as the store does.
    let stored = serde_json::to_string(&kept.server_fields).unwrap();
    let back = CheckinRow {
        server_fields: serde_json::from_str(&stored).unwrap(),
        to_time: Some(Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0).unwrap()),
        ..kept
    };
    let body = serde_json::to_value(checkin_write(&back)).unwrap();
    assert_eq!(
        body["CoworkerTimePassGuid"], "pass-1",
        "the pass it charged"
    );
    assert_eq!(body["CountsTowardsPlanLimits"], true);
    assert_eq!(
        body["SomeFieldNotModelled"],
        serde_json::json!({"a": 1}),
        "a field the client does not model survives the round trip"
    );
    assert_eq!(body["Id"], 55);
    assert_eq!(body["ToTime"], "2025-01-15T12:00:00Z");
}

#[test]
fn a_plan_is_the_names_of_the_contracts_that_cover_the_moment() {
    let at = Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 0).unwrap();
    let contract =
        |id: i64, member: i64, name: &str, start_days: i64, cancelled_days: Option<i64>| {
            nexudus::CoworkerContract {
                id,
                coworker_id: Some(member),
                tariff_id: Some(1),
                tariff_name: Some(name.into()),
                start_date: Some(at + chrono::Duration::days(start_days)),
                renewal_date: None,
                active: true,
                cancelled: cancelled_days.is_some(),
                cancellation_date: cancelled_days.map(|d| at + chrono::Duration::days(d)),
            }
        };
    let plans = plans(
        &[
            contract(1, 7, "Hot Desk", -30, None),
            contract(2, 7, "Night Owl", -1, None),
            contract(3, 7, "Hot Desk", -3, None),
            contract(4, 8, "Dedicated Desk", 2, None),
            contract(5, 9, "Hot Desk", -30, Some(-1)),
            contract(6, 10, "Hot Desk", -30, Some(5)),
        ],
        at,
    );
    assert_eq!(
        plans.get(&7).map(String::as_str),
        Some("Hot Desk, Night Owl")
    );
    assert_eq!(plans.get(&8), None, "not begun yet");
    assert_eq!(plans.get(&9), None, "cancelled already");
    assert_eq!(
        plans.get(&10).map(String::as_str),
        Some("Hot Desk"),
        "cancelled from a later date: still covers today"
    );
}

#[test]
fn a_batch_record_brings_the_collections_and_the_list_keeps_what_the_batch_leaves_out() {
    let list: nexudus::Coworker = serde_json::from_value(serde_json::json!({
        "Id": 42, "FullName": "Zoë Ødegaard", "Active": true, "CompanyName": "Nordlys",
        "AccessPincode": "2468", "InvoicingBusinessId": 1001
    }))
    .unwrap();
    let batch: nexudus::Coworker = serde_json::from_value(serde_json::json!({
        "Id": 42, "FullName": "Zoë Ødegaard", "Active": false, "CompanyName": null,
        "AccessPincode": null, "Teams": [3], "Businesses": [1001, 1002],
        "InvoicingBusinessId": 1001
    }))
    .unwrap();
    let c = merged(&list, Some(&batch));
    assert_eq!(
        c.access_pincode.as_deref(),
        Some("2468"),
        "the list's PIN stays"
    );
    assert_eq!(
        c.company_name.as_deref(),
        Some("Nordlys"),
        "and its company"
    );
    assert_eq!(c.teams, Some(vec![3]), "the batch's collections come");
    assert!(!c.active, "the batch's own fields win");
    assert_eq!(merged(&list, None), list);
}

#[test]
fn a_list_answer_without_teams_keeps_the_teams_the_cache_had() {
    let key = DeviceKey::from_bytes([7; 32]);
    let list: nexudus::Coworker = serde_json::from_value(serde_json::json!({
        "Id": 42, "FullName": "Zoë Ødegaard", "Active": true, "CompanyName": ""
    }))
    .unwrap();
    let cached = Member {
        teams: vec![3],
        locations: vec![9],
        ..member(&list, None, &key, Read::Partial)
    };
    let merged = member(&list, Some(&cached), &key, Read::Partial);
    assert_eq!(merged.teams, vec![3]);
    assert_eq!(merged.locations, vec![9]);
    assert_eq!(merged.company, None, "an empty company is no company");
    let planned = Member {
        plan: Some("Hot Desk".into()),
        ..cached
    };
    assert_eq!(
        member(&list, Some(&planned), &key, Read::Partial)
            .plan
            .as_deref(),
        Some("Hot Desk"),
        "an answer without a plan field keeps the plan the contracts gave"
    );
}

#[test]
fn only_a_whole_record_says_a_member_has_no_pin() {
    let key = DeviceKey::from_bytes([7; 32]);
    let no_pin: nexudus::Coworker = serde_json::from_value(serde_json::json!({
        "Id": 42, "FullName": "Zoë Ødegaard", "Active": true, "AccessPincode": null
    }))
    .unwrap();
    let cached = Member {
        pin_hash: Some(key.hash("pin", "2468")),
        ..member(&no_pin, None, &key, Read::Partial)
    };
    assert_eq!(
        member(&no_pin, Some(&cached), &key, Read::Partial).pin_hash,
        cached.pin_hash,
        "a list or batch answer (never with a PIN) keeps the PIN the cache had"
    );
    assert_eq!(
        member(&no_pin, Some(&cached), &key, Read::Whole).pin_hash,
        None,
        "a whole record without a PIN removes it"
    );
    let with_pin = nexudus::Coworker {
        access_pincode: Some("1357".into()),
        ..no_pin
    };
    assert_eq!(
        member(&with_pin, Some(&cached), &key, Read::Partial).pin_hash,
        Some(key.hash("pin", "1357")),
        "a PIN in any answer is taken"
    );
}
