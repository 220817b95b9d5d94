//! `kiosk doctor`: checks a Nexudus account before a location goes live. Every role the kiosk
//! needs is tried with a harmless read, the location and its time zone are looked up, members and
//! active contracts are counted, and the three shapes of member answers are checked for the
//! fields the kiosk uses. Nothing is written unless a write test is asked for (one check-in
//! created and closed for a member the operator names). One line per check: what is wrong, what
//! breaks, and what to do.

use chrono::{Duration, Utc};
use futures::{StreamExt, TryStreamExt};
use nexudus::{
    ApiError, CheckinQuery, CheckinWrite, Client, ContractQuery, CoworkerQuery, FailedCheckinQuery,
    Paging, Source,
};
use serde::Serialize;

use crate::config::KIOSK_SOURCE;
use crate::domain::unread::{RecordList, UnreadRecord, describe};

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    Ok,
    Fail,
    /// Not checked (it would write, or it could not be told): the line says why.
    NotChecked,
}

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DoctorLine {
    /// What was checked, e.g. "role Coworker-List".
    pub check: String,
    pub finding: Finding,
    /// What was found; where it failed, what breaks.
    pub detail: String,
    /// What to do, where something is wrong or was not checked.
    pub fix: Option<String>,
}

impl DoctorLine {
    pub fn failed(&self) -> bool {
        self.finding == Finding::Fail
    }
}

/// Every check, and what they cost of the account's request budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DoctorReport {
    pub lines: Vec<DoctorLine>,
    /// Requests the checks made.
    pub requests: u32,
    /// The same as a share of the 5,000 requests an hour Nexudus allows a client.
    pub share_of_hourly_budget: String,
}

impl DoctorReport {
    /// Whether no check failed (some may not have been made).
    pub fn all_ok(&self) -> bool {
        !self.lines.iter().any(DoctorLine::failed)
    }

    /// A report of one finding that ends the checks (no login): nothing else could succeed.
    pub fn stopped(line: DoctorLine, requests: u32) -> Self {
        Self {
            lines: vec![line],
            requests,
            share_of_hourly_budget: share(requests),
        }
    }

    /// The report as the command line prints it: one line per finding, with what to do, then
    /// what the checks cost.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for l in &self.lines {
            let mark = match l.finding {
                Finding::Ok => "ok  ",
                Finding::Fail => "FAIL",
                Finding::NotChecked => "skip",
            };
            let _ = write!(out, "{mark} {}: {}", l.check, l.detail);
            if let Some(fix) = &l.fix {
                let _ = write!(out, "; what to do: {fix}");
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "The checks made {} request{} ({} of the hour's 5,000).",
            self.requests,
            if self.requests == 1 { "" } else { "s" },
            self.share_of_hourly_budget
        );
        out
    }
}

/// `requests` as a share of the hour's budget ("0.3%").
fn share(requests: u32) -> String {
    format!(
        "{:.1}%",
        f64::from(requests) * 100.0 / f64::from(HOURLY_BUDGET)
    )
}

/// Why a login (the doctor's own, or the kiosk's stored one) did not work, and what to do: the
/// one finding before anything else can be checked.
pub fn login_finding(e: &ApiError, base_url: &str) -> DoctorLine {
    use nexudus::LoginError;
    let (detail, fix) = match e {
        ApiError::Login(LoginError::TwoFactorRequired) => (
            "this account uses two-factor sign-in".to_owned(),
            "run again with --totp CODE, the code its authenticator app shows now".to_owned(),
        ),
        ApiError::Login(LoginError::MustResetPassword) => (
            "Nexudus asks this account for a new password".to_owned(),
            "sign in once on the Nexudus website to set it, then run again".to_owned(),
        ),
        ApiError::Login(_) => (
            "Nexudus refused that e-mail and password".to_owned(),
            "check both (the password goes in KIOSK_NEXUDUS_PASSWORD)".to_owned(),
        ),
        ApiError::Unauthorized => (
            "the kiosk's Nexudus login has ended (a password change, or it was signed out)"
                .to_owned(),
            "log in again on the kiosk's screen (staff panel, Account), or give --email".to_owned(),
        ),
        ApiError::Connect(_) | ApiError::ConnectionLost(_) | ApiError::Timeout(_) => (
            format!("Nexudus could not be reached at {base_url}"),
            "check this machine's network, or the address given with --api-base".to_owned(),
        ),
        other => (
            format!("the login did not work: {other}"),
            "run again in a few minutes; if it lasts, check the address (--api-base)".to_owned(),
        ),
    };
    DoctorLine {
        check: "login".into(),
        finding: Finding::Fail,
        detail,
        fix: Some(fix),
    }
}

/// An account was given on the command line without its password.
pub fn no_password(email: &str) -> DoctorLine {
    DoctorLine {
        check: "login".into(),
        finding: Finding::Fail,
        detail: format!("no password for {email}"),
        fix: Some("put it in KIOSK_NEXUDUS_PASSWORD (not on the command line)".into()),
    }
}

/// The kiosk holds no login and none was given.
pub fn no_login() -> DoctorLine {
    DoctorLine {
        check: "login".into(),
        finding: Finding::Fail,
        detail: "this kiosk is not logged in to Nexudus".into(),
        fix: Some(
            "log in on the kiosk's screen (the first-run setup, or the staff panel), or give \
             --email with the password in KIOSK_NEXUDUS_PASSWORD"
                .into(),
        ),
    }
}

const HOURLY_BUDGET: u32 = 5000;

/// What the checks collect as they go.
struct Doctor<'a> {
    api: &'a Client,
    lines: Vec<DoctorLine>,
    requests: u32,
}

impl Doctor<'_> {
    fn line(
        &mut self,
        check: impl Into<String>,
        ok: bool,
        detail: impl Into<String>,
        fix: Option<&str>,
    ) {
        let finding = if ok { Finding::Ok } else { Finding::Fail };
        self.push(check, finding, detail, fix);
    }

    /// A check not made, and why.
    fn skipped(&mut self, check: impl Into<String>, detail: impl Into<String>, fix: Option<&str>) {
        self.push(check, Finding::NotChecked, detail, fix);
    }

    fn push(
        &mut self,
        check: impl Into<String>,
        finding: Finding,
        detail: impl Into<String>,
        fix: Option<&str>,
    ) {
        self.lines.push(DoctorLine {
            check: check.into(),
            finding,
            detail: detail.into(),
            fix: fix.map(str::to_owned),
        });
    }

    /// Runs one read that needs `role`; records the role's line and answers the result.
    async fn role<T>(
        &mut self,
        role: &str,
        breaks: &str,
        read: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Option<T> {
        self.noted(role, breaks, read.await)
    }

    /// [`Doctor::role`] for a read already made (one request).
    fn noted<T>(&mut self, role: &str, breaks: &str, read: Result<T, ApiError>) -> Option<T> {
        self.requests += 1;
        match read {
            Ok(v) => {
                self.line(format!("role {role}"), true, "allowed", None);
                Some(v)
            }
            Err(e) => {
                let (detail, fix) = explain(&e, role, breaks);
                self.line(format!("role {role}"), false, detail, Some(&fix));
                None
            }
        }
    }
}

/// What an error means for a check, and what to do about it.
fn explain(e: &ApiError, role: &str, breaks: &str) -> (String, String) {
    match e {
        ApiError::Forbidden { .. } => (
            format!("missing role {role}: {breaks}"),
            format!("give the kiosk's Nexudus user the {role} role (Settings > Users)"),
        ),
        ApiError::Unauthorized | ApiError::Login(_) => (
            "not logged in, or the session has ended".into(),
            "log in again in the staff panel, or give --email and the password".into(),
        ),
        ApiError::NotFound { .. } => (
            format!("the server has no such call: {breaks}"),
            "check the API address (it should be https://spaces.nexudus.com)".into(),
        ),
        other if other.is_transient() => (
            format!("could not check: {other}"),
            "check the network and run the doctor again".into(),
        ),
        other => (
            format!("refused: {other}"),
            format!("{breaks}; see the error"),
        ),
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
    d.role("Team-List", "team names are missing from check-ins", teams)
        .await;
    let one_visitor = nexudus::VisitorQuery {
        business_id: location,
        paging: nexudus::Paging {
            size: 1,
            ..nexudus::Paging::default()
        },
        ..nexudus::VisitorQuery::default()
    };
    let visitors = d.api.visitor_page(&one_visitor);
    d.role(
        "Visitor-List",
        "expected visitors cannot sign in with their invitation's code",
        visitors,
    )
    .await;
    d.skipped(
        "roles Visitor-Read, Visitor-Create, Visitor-Edit",
        "not checked: the doctor writes no visitor (invited guests need Visitor-Edit to sign \
         in, walk-ins Visitor-Create)",
        None,
    );
    match (write_test, location) {
        (Some(member), Some(location)) => check_write(&mut d, member, location).await,
        (Some(_), None) => d.skipped(
            "write test",
            "not made: the test check-in needs a location",
            Some("give --location ID (one of the account's, listed above)"),
        ),
        (None, _) => d.skipped(
            "roles Checkin-Create, Checkin-Edit, Checkin-Delete",
            "not checked: the doctor writes nothing unless asked",
            Some("to check them, run again with --write-test MEMBER_ID (a member who is out)"),
        ),
    }
    unread_records(&mut d, known_unread);
    let requests = d.requests;
    DoctorReport {
        lines: d.lines,
        requests,
        share_of_hourly_budget: share(requests),
    }
}

/// The records that did not read: those the kiosk met, and those the checks met just now.
/// Each costs only itself (the others are read), so the line passes; it names each record and
/// field, never a value, so it is fixed in Nexudus.
fn unread_records(d: &mut Doctor<'_>, known: &[UnreadRecord]) {
    use std::fmt::Write as _;
    const SHOWN: usize = 10;
    let mut lines: Vec<String> = known.iter().map(UnreadRecord::describe).collect();
    for (path, reads) in d.api.take_reads() {
        let Some(list) = RecordList::of_path(path) else {
            continue;
        };
        for bad in reads.skipped {
            let line = describe(list, bad.id, &bad.field, &bad.shape);
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    if lines.is_empty() {
        d.line("records", true, "every record read", None);
        return;
    }
    let more = lines.len().saturating_sub(SHOWN);
    let mut detail = format!(
        "{} did not read and are left out (the others are read): {}",
        lines.len(),
        lines[..lines.len().min(SHOWN)].join("; ")
    );
    if more > 0 {
        let _ = write!(detail, "; and {more} more (the staff desk lists them all)");
    }
    d.line(
        "records",
        true,
        detail,
        Some("correct that field of each record in Nexudus; the kiosk reads it again by itself"),
    );
}

/// `places`: the account's locations as read (the first request, which also tried the login).
async fn check_location(
    d: &mut Doctor<'_>,
    places: Result<Vec<nexudus::Business>, ApiError>,
    location: Option<i64>,
) {
    let Some(places) = d.noted("Business-List", "the location picker is empty", places) else {
        return;
    };
    let listed = places
        .iter()
        .map(|b| format!("{} {}", b.id, b.name))
        .collect::<Vec<_>>()
        .join(", ");
    let zones = d.api.simple_time_zones().try_collect::<Vec<_>>();
    let zones = d
        .role(
            "SimpleTimeZone-List",
            "locations run in UTC: local times, auto-checkout and \"today\" are off",
            zones,
        )
        .await
        .unwrap_or_default();
    let Some(id) = location else {
        d.line(
            "location",
            false,
            format!("none chosen; the account has {listed}"),
            Some("run again with --location ID (one of those), or choose it on the kiosk's screen"),
        );
        return;
    };
    let Some(place) = places.iter().find(|b| b.id == id) else {
        d.line(
            "location",
            false,
            format!("{id} is not a location of this account, which has {listed}"),
            Some("run again with --location ID (one of those)"),
        );
        return;
    };
    let zone = place
        .simple_time_zone_id
        .and_then(|z| zones.iter().find(|t| t.id == z));
    match zone.map(|z| (z, z.iana())) {
        Some((z, Some(tz))) => d.line(
            "location",
            true,
            format!("{} ({}): {} -> {}", place.name, place.id, z.name, tz.name()),
            None,
        ),
        Some((z, None)) => d.line(
            "location",
            false,
            format!(
                "{}: Nexudus's zone {:?} has no IANA zone in CLDR",
                place.name, z.name
            ),
            Some("set the zone by hand in the staff panel"),
        ),
        None => d.line(
            "location",
            false,
            format!("{}: no time zone the kiosk can read", place.name),
            Some("set the zone by hand in the staff panel"),
        ),
    }
}

async fn check_members(d: &mut Doctor<'_>) {
    let query = CoworkerQuery {
        paging: one(5),
        ..CoworkerQuery::default()
    };
    let page = d.api.coworkers_page(&query, 1);
    let Some(page) = d
        .role(
            "Coworker-List",
            "no member loads: the grid stays empty",
            page,
        )
        .await
    else {
        return;
    };
    d.line(
        "members",
        page.total_items > 0,
        format!("{} in the account", page.total_items),
        (page.total_items == 0).then_some("add members in Nexudus, or check the account"),
    );
    let Some(first) = page.records.first() else {
        return;
    };
    let usable = page
        .records
        .iter()
        .all(|c| !c.full_name.is_empty() && c.updated_on.is_some());
    d.line(
        "list answer fields",
        usable,
        if usable {
            "FullName and UpdatedOn are there (PINs come from whole records, as documented)"
                .to_owned()
        } else {
            "FullName or UpdatedOn missing: tiles lack names, or every pull is a full load"
                .to_owned()
        },
        (!usable).then_some("report this to the kiosk's maintainers with the doctor's output"),
    );
    let ids: Vec<i64> = page.records.iter().map(|c| c.id).collect();
    check_member_batch(d, &ids).await;
    check_one_member(d, first.id).await;
}

/// The batch read of whole records: teams and other locations come from it.
async fn check_member_batch(d: &mut Doctor<'_>, ids: &[i64]) {
    let batch = d.api.coworkers_by_ids(ids);
    if let Some(batch) = d
        .role(
            "Coworker-Read",
            "members' teams, other locations and PINs are unknown",
            batch,
        )
        .await
    {
        let whole = batch
            .iter()
            .all(|c| c.teams.is_some() && c.businesses.is_some());
        d.line(
            "batch answer fields",
            whole,
            if whole {
                "Teams and Businesses are there"
            } else {
                "Teams or Businesses missing: members of other locations are refused"
            },
            (!whole).then_some("report this to the kiosk's maintainers with the doctor's output"),
        );
    }
}

/// One whole record: the only answer with a member's PIN.
async fn check_one_member(d: &mut Doctor<'_>, id: i64) {
    d.requests += 1;
    match d.api.coworker(id).await {
        Ok(c) => d.line(
            "one-record answer",
            true,
            if c.access_pincode.is_some() {
                "read; it carries the member's PIN"
            } else {
                "read; this member has no PIN (PINs come only from this answer)"
            },
            None,
        ),
        Err(e) => {
            let (detail, fix) = explain(&e, "Coworker-Read", "PINs never work offline");
            d.line("one-record answer", false, detail, Some(&fix));
        }
    }
}

async fn check_contracts(d: &mut Doctor<'_>) {
    let query = ContractQuery {
        active: Some(true),
        paging: one(1),
        ..ContractQuery::default()
    };
    let page = d.api.contracts_page(&query, 1);
    if let Some(page) = d
        .role(
            "CoworkerContract-List",
            "plans are unknown: the kiosk refuses no one for want of a plan",
            page,
        )
        .await
    {
        d.line(
            "active contracts",
            true,
            format!("{} (members with a plan)", page.total_items),
            None,
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
    if let Some(page) = d
        .role(
            "CoworkerTimePass-List",
            "passes are unknown: members without a plan are let in, and Nexudus decides",
            page,
        )
        .await
    {
        d.line(
            "unused passes",
            true,
            format!(
                "{} (day passes and bundles members can check in with)",
                page.total_items
            ),
            None,
        );
    }
}

/// Whether "Forgot your PIN?" can be offered: a customers' command that e-mails a PIN.
async fn check_pin_reminder(d: &mut Doctor<'_>) {
    d.requests += 1;
    let (detail, fix) = match d.api.coworker_commands().await {
        Ok(commands) => match crate::sync::pin_reminder_command(&commands) {
            Some(c) => (format!("offered (the account's command {})", c.key), None),
            None => (
                "not offered: the account lists no command that e-mails a member their PIN \
                 (members who forget theirs ask at reception)"
                    .to_owned(),
                None,
            ),
        },
        Err(e) => (
            format!(
                "not offered: the command list could not be read ({e}); members who forget \
                 their PIN ask at reception"
            ),
            None,
        ),
    };
    d.line("\"Forgot your PIN?\"", true, detail, fix);
}

async fn check_checkins(d: &mut Doctor<'_>, location: Option<i64>) {
    let query = CheckinQuery {
        business_id: location,
        from_time_after: Some(Utc::now() - Duration::days(7)),
        paging: one(1),
        ..CheckinQuery::default()
    };
    let page = d.api.checkins_page(&query, 1);
    let page = d
        .role(
            "Checkin-List",
            "other kiosks' and doors' check-ins never show; lost writes cannot be looked up",
            page,
        )
        .await;
    if let Some(c) = page.and_then(|p| p.records.into_iter().next()) {
        let read = d.api.checkin(c.id);
        d.role(
            "Checkin-Read",
            "check-outs cannot be sent (each reads the record first)",
            read,
        )
        .await;
    } else {
        d.skipped(
            "role Checkin-Read",
            "not checked: no check-in in the last week to read",
            None,
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
    d.role(
        "FailedCheckin-List",
        "a refusal whose answer was lost may be recorded twice",
        failed,
    )
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
                    "write test",
                    format!(
                        "not made: member {member} is checked in now (check-in {}, since {} \
                         UTC), and a test check-in would be a second visit",
                        c.id,
                        c.from_time.format("%Y-%m-%d %H:%M")
                    ),
                    Some("run again with a member who is out"),
                );
                return;
            }
        }
        Err(e) => {
            d.skipped(
                "write test",
                format!("not made: whether member {member} is in could not be read ({e})"),
                Some("give the kiosk's user the Checkin-List role, then run again"),
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
            let (detail, fix) = explain(&e, "Checkin-Create", "no check-in reaches Nexudus");
            d.line("write test: check in", false, detail, Some(&fix));
            return;
        }
    };
    d.line(
        "write test: check in",
        true,
        format!("check-in {id} created for member {member}"),
        None,
    );
    d.requests += 2;
    let closed = async {
        let mut out = CheckinWrite::from(&d.api.checkin(id).await?);
        out.to_time = Some(Utc::now().max(write.from_time));
        d.api.update_checkin(&out).await
    }
    .await;
    match closed {
        Ok(_) => d.line(
            "write test: check out",
            true,
            format!("check-in {id} closed (read first, then put back)"),
            None,
        ),
        Err(e) => {
            let (detail, fix) = explain(&e, "Checkin-Edit", "no check-out reaches Nexudus");
            d.line(
                "write test: check out",
                false,
                format!("{detail} (check-in {id} is still open: close it in Nexudus)"),
                Some(&fix),
            );
            return;
        }
    }
    // What "Not you? Undo" sends; it also leaves no test visit behind.
    d.requests += 1;
    match d.api.delete_checkin(id).await {
        Ok(()) => d.line(
            "write test: undo",
            true,
            format!("check-in {id} deleted, as a check-in taken back at the kiosk is"),
            None,
        ),
        Err(e) => {
            let (detail, fix) = explain(
                &e,
                "Checkin-Delete",
                "a check-in taken back at the kiosk (\"Not you? Undo\") waits for staff",
            );
            d.line(
                "write test: undo",
                false,
                format!("{detail} (the test check-in {id} stays: delete it in Nexudus)"),
                Some(&fix),
            );
        }
    }
}
