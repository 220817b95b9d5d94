//! `kiosk doctor`: checks a Nexudus account before a location goes live. Every role the kiosk
//! needs is tried with a harmless read, the location and its time zone are looked up, members and
//! active contracts are counted, and the three shapes of member answers are checked for the
//! fields the kiosk uses. Nothing is written unless a write test is asked for (one check-in
//! created and closed for a member the operator names). One line per check: what is wrong, what
//! breaks, and what to do.

mod english;
mod found;
mod report;

use chrono::{Duration, Utc};
use futures::{StreamExt, TryStreamExt};
use nexudus::{
    ApiError, CheckinQuery, CheckinWrite, Client, ContractQuery, CoworkerQuery, FailedCheckinQuery,
    Paging, Source,
};

use crate::config::KIOSK_SOURCE;
use crate::domain::unread::{RecordList, UnreadRecord};

pub use found::{Breaks, Check, Failure, Found, Place, Unread};

pub use report::{DoctorLine, DoctorReport, Finding, login_finding, no_login, no_password};

/// What the checks collect as they go.
struct Doctor<'a> {
    api: &'a Client,
    lines: Vec<DoctorLine>,
    requests: u32,
}

impl Doctor<'_> {
    fn line(&mut self, check: Check, ok: bool, found: Found) {
        let finding = if ok { Finding::Ok } else { Finding::Fail };
        self.lines.push(DoctorLine {
            check,
            finding,
            found,
        });
    }

    /// A check not made, and why.
    fn skipped(&mut self, check: Check, found: Found) {
        self.lines.push(DoctorLine {
            check,
            finding: Finding::NotChecked,
            found,
        });
    }

    /// Runs one read that needs `role`; records the role's line and answers the result.
    async fn role<T>(
        &mut self,
        role: &str,
        breaks: Breaks,
        read: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Option<T> {
        self.noted(role, breaks, read.await)
    }

    /// [`Doctor::role`] for a read already made (one request).
    fn noted<T>(&mut self, role: &str, breaks: Breaks, read: Result<T, ApiError>) -> Option<T> {
        self.requests += 1;
        let check = Check::Role {
            role: role.to_owned(),
        };
        match read {
            Ok(v) => {
                self.line(check, true, Found::Allowed);
                Some(v)
            }
            Err(e) => {
                self.line(check, false, Found::of_error(&e, role, breaks));
                None
            }
        }
    }
}

fn one(size: u32) -> Paging {
    Paging {
        size,
        ..Paging::default()
    }
}

/// Checks the account `api` is logged in to, for `location` (a BusinessId) if one is chosen.
/// `write_test`: a member to check in and out once (the only writes the doctor makes).
/// `known_unread`: the records the kiosk's own reads met that did not read, named with those
/// the checks meet.
pub async fn check_account(
    api: &Client,
    location: Option<i64>,
    write_test: Option<i64>,
    known_unread: &[UnreadRecord],
) -> DoctorReport {
    let mut d = Doctor {
        api,
        lines: Vec::new(),
        requests: 0,
    };
    // The first read (the locations) says whether the login holds: without it every other
    // check would fail the same way, so they are not sent.
    let places = match api.businesses().try_collect::<Vec<_>>().await {
        Err(e) if e.needs_login() || e.is_transient() || matches!(e, ApiError::Connect(_)) => {
            let base = api.base_url().as_str().trim_end_matches('/');
            return DoctorReport::stopped(login_finding(&e, base), 1);
        }
        read => read,
    };
    check_location(&mut d, places, location).await;
    check_members(&mut d).await;
    check_contracts(&mut d).await;
    check_passes(&mut d).await;
    check_pin_reminder(&mut d).await;
    check_checkins(&mut d, location).await;
    let teams = d.api.teams().take(1).try_collect::<Vec<_>>();
    d.role("Team-List", Breaks::TeamNames, teams).await;
    let one_visitor = nexudus::VisitorQuery {
        business_id: location,
        paging: one(1),
        ..nexudus::VisitorQuery::default()
    };
    let visitors = d.api.visitor_page(&one_visitor);
    d.role("Visitor-List", Breaks::VisitorCodes, visitors).await;
    d.skipped(
        roles(&["Visitor-Read", "Visitor-Create", "Visitor-Edit"]),
        Found::VisitorWritesNotChecked,
    );
    match (write_test, location) {
        (Some(member), Some(location)) => check_write(&mut d, member, location).await,
        (Some(_), None) => d.skipped(Check::WriteTest, Found::WriteNeedsLocation),
        (None, _) => d.skipped(
            roles(&["Checkin-Create", "Checkin-Edit", "Checkin-Delete"]),
            Found::WritesNotChecked,
        ),
    }
    unread_records(&mut d, known_unread);
    DoctorReport::new(d.lines, d.requests)
}

/// A total as the report carries it (a number every face reads exactly).
fn count(total: u64) -> u32 {
    u32::try_from(total).unwrap_or(u32::MAX)
}

fn roles(names: &[&str]) -> Check {
    Check::Roles {
        roles: names.iter().map(|&r| r.to_owned()).collect(),
    }
}

/// The records that did not read: those the kiosk met, and those the checks met just now.
/// Each costs only itself (the others are read), so the line passes; it names each record and
/// field, never a value, so it is fixed in Nexudus.
fn unread_records(d: &mut Doctor<'_>, known: &[UnreadRecord]) {
    let mut records: Vec<Unread> = known
        .iter()
        .map(|r| Unread {
            list: r.list,
            record_id: r.record_id,
            field: r.field.clone(),
            shape: r.shape.clone(),
        })
        .collect();
    for (path, reads) in d.api.take_reads() {
        let Some(list) = RecordList::of_path(path) else {
            continue;
        };
        for bad in reads.skipped {
            let record = Unread {
                list,
                record_id: bad.id,
                field: bad.field,
                shape: bad.shape,
            };
            if !records.contains(&record) {
                records.push(record);
            }
        }
    }
    d.line(Check::Records, true, Found::unread(records));
}

/// `places`: the account's locations as read (the first request, which also tried the login).
async fn check_location(
    d: &mut Doctor<'_>,
    places: Result<Vec<nexudus::Business>, ApiError>,
    location: Option<i64>,
) {
    let Some(places) = d.noted("Business-List", Breaks::LocationPicker, places) else {
        return;
    };
    let locations: Vec<Place> = places
        .iter()
        .map(|b| Place {
            id: b.id,
            name: b.name.clone(),
        })
        .collect();
    let zones = d.api.simple_time_zones().try_collect::<Vec<_>>();
    let zones = d
        .role("SimpleTimeZone-List", Breaks::TimeZones, zones)
        .await
        .unwrap_or_default();
    let Some(id) = location else {
        d.line(
            Check::Location,
            false,
            Found::NoLocationChosen { locations },
        );
        return;
    };
    let Some(place) = places.iter().find(|b| b.id == id) else {
        d.line(
            Check::Location,
            false,
            Found::NotALocation { id, locations },
        );
        return;
    };
    let zone = place
        .simple_time_zone_id
        .and_then(|z| zones.iter().find(|t| t.id == z));
    let name = place.name.clone();
    match zone.map(|z| (z, z.iana())) {
        Some((z, Some(tz))) => d.line(
            Check::Location,
            true,
            Found::LocationZone {
                name,
                id: place.id,
                zone: z.name.clone(),
                iana: tz.name().to_owned(),
            },
        ),
        Some((z, None)) => d.line(
            Check::Location,
            false,
            Found::ZoneNotInCldr {
                name,
                zone: z.name.clone(),
            },
        ),
        None => d.line(Check::Location, false, Found::NoZone { name }),
    }
}

async fn check_members(d: &mut Doctor<'_>) {
    let query = CoworkerQuery {
        paging: one(5),
        ..CoworkerQuery::default()
    };
    let page = d.api.coworkers_page(&query, 1);
    let Some(page) = d.role("Coworker-List", Breaks::NoMembers, page).await else {
        return;
    };
    d.line(
        Check::Members,
        page.total_items > 0,
        Found::MemberCount {
            count: count(page.total_items),
        },
    );
    let Some(first) = page.records.first() else {
        return;
    };
    let usable = page
        .records
        .iter()
        .all(|c| !c.full_name.is_empty() && c.updated_on.is_some());
    d.line(
        Check::ListFields,
        usable,
        if usable {
            Found::ListFieldsThere
        } else {
            Found::ListFieldsMissing
        },
    );
    let ids: Vec<i64> = page.records.iter().map(|c| c.id).collect();
    check_member_batch(d, &ids).await;
    check_one_member(d, first.id).await;
}

/// The batch read of whole records: teams and other locations come from it.
async fn check_member_batch(d: &mut Doctor<'_>, ids: &[i64]) {
    let batch = d.api.coworkers_by_ids(ids);
    if let Some(batch) = d.role("Coworker-Read", Breaks::MemberDetails, batch).await {
        let whole = batch
            .iter()
            .all(|c| c.teams.is_some() && c.businesses.is_some());
        d.line(
            Check::BatchFields,
            whole,
            if whole {
                Found::BatchFieldsThere
            } else {
                Found::BatchFieldsMissing
            },
        );
    }
}

/// One whole record: the only answer with a member's PIN.
async fn check_one_member(d: &mut Doctor<'_>, id: i64) {
    d.requests += 1;
    match d.api.coworker(id).await {
        Ok(c) => d.line(
            Check::OneRecord,
            true,
            if c.access_pincode.is_some() {
                Found::RecordWithPin
            } else {
                Found::RecordWithoutPin
            },
        ),
        Err(e) => d.line(
            Check::OneRecord,
            false,
            Found::of_error(&e, "Coworker-Read", Breaks::OfflinePins),
        ),
    }
}

async fn check_contracts(d: &mut Doctor<'_>) {
    let query = ContractQuery {
        active: Some(true),
        paging: one(1),
        ..ContractQuery::default()
    };
    let page = d.api.contracts_page(&query, 1);
    if let Some(page) = d.role("CoworkerContract-List", Breaks::Plans, page).await {
        let count = count(page.total_items);
        d.line(
            Check::ActiveContracts,
            true,
            Found::ActiveContracts { count },
        );
    }
}

async fn check_passes(d: &mut Doctor<'_>) {
    let query = nexudus::TimePassQuery {
        used: Some(false),
        paging: one(1),
        ..nexudus::TimePassQuery::default()
    };
    let page = d.api.time_passes_page(&query, 1);
    if let Some(page) = d.role("CoworkerTimePass-List", Breaks::Passes, page).await {
        let count = count(page.total_items);
        d.line(Check::UnusedPasses, true, Found::UnusedPasses { count });
    }
}

/// Whether "Forgot your PIN?" can be offered: a customers' command that e-mails a PIN.
async fn check_pin_reminder(d: &mut Doctor<'_>) {
    d.requests += 1;
    let found = match d.api.coworker_commands().await {
        Ok(commands) => match crate::sync::pin_reminder_command(&commands) {
            Some(c) => Found::ReminderOffered {
                command: c.key.clone(),
            },
            None => Found::ReminderNoCommand,
        },
        Err(e) => Found::ReminderUnreadable {
            error: Failure::of(&e),
        },
    };
    d.line(Check::PinReminder, true, found);
}

async fn check_checkins(d: &mut Doctor<'_>, location: Option<i64>) {
    let query = CheckinQuery {
        business_id: location,
        from_time_after: Some(Utc::now() - Duration::days(7)),
        paging: one(1),
        ..CheckinQuery::default()
    };
    let page = d.api.checkins_page(&query, 1);
    let page = d.role("Checkin-List", Breaks::OtherCheckins, page).await;
    if let Some(c) = page.and_then(|p| p.records.into_iter().next()) {
        let read = d.api.checkin(c.id);
        d.role("Checkin-Read", Breaks::CheckOuts, read).await;
    } else {
        d.skipped(
            Check::Role {
                role: "Checkin-Read".into(),
            },
            Found::NoRecentCheckin,
        );
    }
    let failed = d
        .api
        .failed_checkins(FailedCheckinQuery {
            paging: one(1),
            ..FailedCheckinQuery::default()
        })
        .take(1)
        .try_collect::<Vec<_>>();
    d.role("FailedCheckin-List", Breaks::FailedTwice, failed)
        .await;
}

/// One check-in created, read and closed for `member`: the only writes the doctor makes. Not
/// made for a member who is in now (it would be a second visit) or where that cannot be told.
async fn check_write(d: &mut Doctor<'_>, member: i64, location: i64) {
    let open = CheckinQuery {
        coworker_id: Some(member),
        from_time_after: Some(Utc::now() - Duration::days(7)),
        paging: one(20),
        ..CheckinQuery::default()
    };
    d.requests += 1;
    match d.api.checkins_page(&open, 1).await {
        Ok(page) => {
            if let Some(c) = page.records.iter().find(|c| c.to_time.is_none()) {
                d.skipped(
                    Check::WriteTest,
                    Found::MemberIsIn {
                        member,
                        checkin: c.id,
                        since: c.from_time,
                    },
                );
                return;
            }
        }
        Err(e) => {
            d.skipped(
                Check::WriteTest,
                Found::PresenceUnknown {
                    member,
                    error: Failure::of(&e),
                },
            );
            return;
        }
    }
    let mut write = CheckinWrite::new(location, Utc::now());
    write.coworker_id = Some(member);
    write.source = Source::from_code(KIOSK_SOURCE);
    write.system_id = Some(format!("kiosk-doctor-{}", uuid::Uuid::now_v7()));
    d.requests += 1;
    let id = match d.api.create_checkin(&write).await {
        Ok(id) => id,
        Err(e) => {
            let found = Found::of_error(&e, "Checkin-Create", Breaks::NoCheckins);
            d.line(Check::WriteCheckIn, false, found);
            return;
        }
    };
    d.line(
        Check::WriteCheckIn,
        true,
        Found::CheckinCreated {
            checkin: id,
            member,
        },
    );
    d.requests += 2;
    let closed = async {
        let mut out = CheckinWrite::from(&d.api.checkin(id).await?);
        out.to_time = Some(Utc::now().max(write.from_time));
        d.api.update_checkin(&out).await
    }
    .await;
    if let Err(e) = closed {
        let why = Found::of_error(&e, "Checkin-Edit", Breaks::NoCheckouts);
        d.line(Check::WriteCheckOut, false, left_behind(id, true, why));
        return;
    }
    d.line(
        Check::WriteCheckOut,
        true,
        Found::CheckinClosed { checkin: id },
    );
    // What "Not you? Undo" sends; it also leaves no test visit behind.
    d.requests += 1;
    match d.api.delete_checkin(id).await {
        Ok(()) => d.line(
            Check::WriteUndo,
            true,
            Found::CheckinDeleted { checkin: id },
        ),
        Err(e) => {
            let why = Found::of_error(&e, "Checkin-Delete", Breaks::UndoWaits);
            d.line(Check::WriteUndo, false, left_behind(id, false, why));
        }
    }
}

fn left_behind(checkin: i64, open: bool, why: Found) -> Found {
    Found::TestCheckinLeft {
        checkin,
        open,
        why: Box::new(why),
    }
}
