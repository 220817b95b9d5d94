//! Between Nexudus records and the kiosk's rows: the only place the engine maps one to the
//! other. Field names on the wire belong to the client (`nexudus`); nothing here spells one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use nexudus::{CheckinWrite, FailedCheckinWrite, Source};
use uuid::Uuid;

use crate::domain::model::{CheckinRow, FailedRow, Member, Origin};
use crate::domain::views::local_time;
use crate::secrets::DeviceKey;
use crate::store::{ServerCheckin, StoredLocation};

/// The account's locations as the kiosk keeps them: each with the Windows zone Nexudus gives it
/// and the IANA zone that maps to. A zone the answer cannot tell (no zone list: a missing role,
/// or an Id not in it) stays what the kiosk knew (`known`), so a thinner answer erases nothing.
pub(super) fn locations(
    businesses: &[nexudus::Business],
    zones: &[nexudus::SimpleTimeZone],
    known: &[StoredLocation],
) -> Vec<StoredLocation> {
    businesses
        .iter()
        .map(|b| {
            let zone = b
                .simple_time_zone_id
                .and_then(|id| zones.iter().find(|z| z.id == id));
            let before = known.iter().find(|k| k.id == b.id);
            let (time_zone, nexudus_zone) = match zone {
                Some(z) => (
                    z.iana().map(|tz| tz.name().to_owned()),
                    Some(z.name.clone()),
                ),
                None => (
                    before.and_then(|k| k.time_zone.clone()),
                    before.and_then(|k| k.nexudus_zone.clone()),
                ),
            };
            StoredLocation {
                id: b.id,
                name: b.name.clone(),
                time_zone,
                nexudus_zone,
            }
        })
        .collect()
}

/// One member's record from a list page and from the batch read of whole records: the batch's
/// collections (teams, locations) and whatever it populates, the list's fields where the batch
/// leaves them out (Nexudus documents batch answers as partial: no PIN, no company...).
pub(super) fn merged(
    list: &nexudus::Coworker,
    batch: Option<&nexudus::Coworker>,
) -> nexudus::Coworker {
    let Some(b) = batch else {
        return list.clone();
    };
    let mut c = b.clone();
    let or = |mine: &mut Option<String>, theirs: &Option<String>| {
        if mine.as_deref().is_none_or(str::is_empty) {
            mine.clone_from(theirs);
        }
    };
    or(&mut c.company_name, &list.company_name);
    or(&mut c.access_pincode, &list.access_pincode);
    or(&mut c.access_card_id, &list.access_card_id);
    or(&mut c.tariff_name, &list.tariff_name);
    or(&mut c.email, &list.email);
    if c.full_name.is_empty() {
        c.full_name.clone_from(&list.full_name);
    }
    c.invoicing_business_id = c.invoicing_business_id.or(list.invoicing_business_id);
    c.coworker_type = c.coworker_type.or(list.coworker_type);
    c.archived = c.archived.or(list.archived);
    c.updated_on = c.updated_on.or(list.updated_on);
    c
}

/// A server check-in as the store finds the kiosk's own row for it.
pub(super) fn server_key(r: &nexudus::Checkin) -> ServerCheckin {
    ServerCheckin {
        id: r.id,
        system_id: r.system_id.clone(),
        member_id: r.coworker_id,
        location_id: r.business_id,
        from_time: r.from_time,
    }
}

/// Which answer a member's record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Read {
    /// A list page merged with the batch read: partial, never with a PIN (documented).
    Partial,
    /// The one-record read: every field, so an empty PIN means the member has none.
    Whole,
}

/// A member as the cache keeps it, from a record the server sent. `cached`: what the cache had,
/// kept where the answer leaves a field out (list answers carry no teams or locations, and only
/// a whole record says a member's PIN).
pub(super) fn member(
    c: &nexudus::Coworker,
    cached: Option<&Member>,
    key: &DeviceKey,
    read: Read,
) -> Member {
    Member {
        id: c.id,
        full_name: c.full_name.clone(),
        // An answer without a company keeps the one the cache had (answers are partial).
        company: c
            .company_name
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| cached.and_then(|m| m.company.clone())),
        active: c.active,
        // Plans are contracts (see `plans`); an answer with no plan field keeps what they gave.
        plan: c
            .tariff_name
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| cached.and_then(|m| m.plan.clone())),
        home_location: c.invoicing_business_id,
        locations: c
            .businesses
            .clone()
            .or_else(|| cached.map(|m| m.locations.clone()))
            .unwrap_or_default(),
        teams: c
            .teams
            .clone()
            .or_else(|| cached.map(|m| m.teams.clone()))
            .unwrap_or_default(),
        pin_hash: match (
            c.access_pincode.as_deref().filter(|p| !p.trim().is_empty()),
            read,
        ) {
            (Some(pin), _) => Some(key.hash("pin", pin)),
            (None, Read::Whole) => None,
            (None, Read::Partial) => cached.and_then(|m| m.pin_hash.clone()),
        },
        card_hash: c
            .access_card_id
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| key.hash("card", p)),
        updated_on: c.updated_on,
    }
}

/// Each member's plan from the account's contracts: the names of the contracts that cover
/// `at`, joined as `TariffAtTheTimeOfCheckin` takes them. A member missing here has no plan.
pub(super) fn plans(
    contracts: &[nexudus::CoworkerContract],
    at: DateTime<Utc>,
) -> BTreeMap<i64, String> {
    let mut plans: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for c in contracts.iter().filter(|c| c.covers(at)) {
        if let (Some(member), Some(name)) = (c.coworker_id, c.tariff_name.as_deref()) {
            let names = plans.entry(member).or_default();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    plans
        .into_iter()
        .map(|(member, names)| (member, names.join(", ")))
        .collect()
}

/// The POST or PUT of a check-in: the kiosk's fields, its `SystemId` if it made it, and what
/// the server set that the kiosk does not own, as the server last gave it.
pub(super) fn checkin_write(row: &CheckinRow) -> CheckinWrite {
    let mut w = CheckinWrite::new(row.location_id, row.from_time);
    w.id = row.nexudus_id;
    w.coworker_id = Some(row.member_id);
    w.to_time = row.to_time;
    w.from_time_local = row.from_time_local;
    w.to_time_local = row.to_time_local;
    w.source = Source::from_code(row.source);
    w.auto_checkout = Some(row.auto_checkout);
    w.teams_at_the_time_of_checkin.clone_from(&row.teams);
    w.tariff_at_the_time_of_checkin.clone_from(&row.plan);
    if row.origin == Origin::Kiosk {
        w.system_id = Some(row.local_id.to_string());
    }
    if row.server_fields == nexudus::ServerFields::default() {
        return w;
    }
    w.carrying(&row.server_fields)
}

/// The POST of a refused attempt.
pub(super) fn failed_write(row: &FailedRow) -> FailedCheckinWrite {
    let mut w = FailedCheckinWrite::new(row.location_id, row.attempt_time);
    w.checkin_attempt_time_local = row.attempt_local;
    w.coworker_id = row.member_id;
    w.source = Source::from_code(row.source);
    w.teams_at_the_time_of_checkin.clone_from(&row.teams);
    w.tariff_at_the_time_of_checkin.clone_from(&row.plan);
    w.description = Some(row.description.clone());
    w.system_id = Some(row.local_id.to_string());
    w
}

/// A check-in another kiosk, a door or staff made, as the kiosk keeps it. `None`: it names no
/// member (the grid cannot show it).
pub(super) fn server_checkin(r: &nexudus::Checkin) -> Option<CheckinRow> {
    Some(CheckinRow {
        local_id: Uuid::now_v7(),
        nexudus_id: Some(r.id),
        member_id: r.coworker_id?,
        location_id: r.business_id,
        from_time: r.from_time,
        from_time_local: r.from_time_local,
        to_time: r.to_time,
        to_time_local: r.to_time_local,
        source: r.source.code(),
        method: "server".into(),
        auto_checkout: r.auto_checkout.unwrap_or(false),
        teams: r.teams_at_the_time_of_checkin.clone(),
        plan: r.tariff_at_the_time_of_checkin.clone(),
        origin: Origin::Server,
        server_fields: r.server_fields(),
    })
}

/// When the server closed a check-in, at the location's wall clock if it did not say.
pub(super) fn closed_at(
    r: &nexudus::Checkin,
    tz: Tz,
) -> Option<(DateTime<Utc>, Option<chrono::NaiveDateTime>)> {
    let to = r.to_time?;
    Some((to, r.to_time_local.or_else(|| Some(local_time(to, tz)))))
}

#[cfg(test)]
mod tests {
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
}
