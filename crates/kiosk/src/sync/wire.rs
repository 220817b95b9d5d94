//! Between Nexudus records and the kiosk's rows: the only place the engine maps one to the
//! other. Field names on the wire belong to the client (`nexudus`); nothing here spells one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use nexudus::{CheckinWrite, FailedCheckinWrite, Source};
use uuid::Uuid;

use crate::domain::model::{CheckinRow, FailedRow, Member, Origin};
use crate::domain::passes::Pass;
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

/// A pass as the kiosk keeps it; `None` for one that names no member.
pub(super) fn pass(p: &nexudus::CoworkerTimePass) -> Option<Pass> {
    Some(Pass {
        id: p.id,
        member_id: p.coworker_id?,
        name: p
            .time_pass_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Pass".to_owned()),
        used: p.used,
        expires: p.expire_date,
        price_cents: (p.price.unwrap_or(0.0) * 100.0).round() as i64,
        bought: p.is_from_tariff == Some(true) || p.coworker_product_unique_id.is_some(),
        remaining_uses: p.remaining_uses,
        total_uses: p.total_uses,
        pending_since: None,
    })
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
mod tests;
