//! The staff desk's views (issue 14) and the pure decisions behind them: how a check-in was
//! made, in words staff know; what staff should do about a parked entry; how many people were
//! in, hour by hour, and when the day peaked. The `Kiosk` methods that fill them are in
//! `kiosk/desk.rs`.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::heartbeat::Seen;
use crate::domain::model::{CheckinRow, Origin, OutboxEntry};
use crate::domain::problem::SendProblem;
use crate::domain::unread::UnreadRecord;
use crate::domain::views::Connectivity;
use crate::error::ErrorCode;

/// How someone came in, as staff say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// At this kiosk: a tile, a PIN, a card, or staff on the member's behalf.
    Tile,
    Pin,
    Card,
    Staff,
    /// Another kiosk on the account (a check-in with Source Tile this kiosk did not make).
    OtherKiosk,
    Door,
    /// Source Manual: staff in Nexudus's dashboard, or the member at NexIO [doc: learn.nexudus.com,
    /// Check-ins: "Manual / NexIO"].
    Dashboard,
    Network,
    Sensor,
    /// Nexudus says nothing of how.
    Nexudus,
    /// A visitor: by invitation, or registered here as a walk-in.
    Invited,
    WalkIn,
}

impl How {
    /// How a check-in the kiosk holds was made.
    pub fn of(row: &CheckinRow) -> Self {
        match row.origin {
            Origin::Kiosk => match row.method.as_str() {
                "pin" => Self::Pin,
                "card" => Self::Card,
                "staff" => Self::Staff,
                _ => Self::Tile,
            },
            Origin::Server => match nexudus::Source::from_code(row.source) {
                nexudus::Source::Tile => Self::OtherKiosk,
                nexudus::Source::DoorAccess => Self::Door,
                nexudus::Source::Manual => Self::Dashboard,
                nexudus::Source::NetworkActivity => Self::Network,
                nexudus::Source::Sensor => Self::Sensor,
                _ => Self::Nexudus,
            },
        }
    }
}

/// Someone in the building now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Presence {
    /// A member's Id; none for a visitor.
    pub member_id: Option<i64>,
    /// A visitor's visit; none for a member.
    pub visit: Option<Uuid>,
    /// The full name: the desk is for staff.
    pub name: String,
    /// A member's company, or whom a visitor visits.
    pub detail: Option<String>,
    pub since: DateTime<Utc>,
    pub since_local: String,
    pub how: How,
    /// The member's open check-in, for a check-out on their behalf.
    pub checkin: Option<Uuid>,
}

/// An arrival or a departure today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Movement {
    pub at: DateTime<Utc>,
    pub at_local: String,
    pub name: String,
    pub member_id: Option<i64>,
    pub arrival: bool,
    pub how: How,
    /// The check-in (a departure's, for correcting its time).
    pub checkin: Option<Uuid>,
}

/// A refused attempt today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FailedLine {
    pub at: DateTime<Utc>,
    pub at_local: String,
    pub name: Option<String>,
    /// Why this kiosk refused it, as a code the screen words in the reader's language; none
    /// for a refusal read from Nexudus (then `description` is Nexudus's own words).
    pub reason: Option<crate::domain::rules::Refusal>,
    /// What Nexudus says of it (or, for the kiosk's own, the English sent to Nexudus).
    pub description: String,
    /// Refused by this kiosk (else read from Nexudus).
    pub here: bool,
}

/// What staff should do about a parked entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Advice {
    /// The account lacks a role: an administrator grants it, then Retry.
    GrantRole,
    /// Nexudus refused the record (a plan, a pass, a field): fix it in Nexudus, then Retry; or
    /// Discard if the visit should not count.
    FixInNexudusThenRetry,
    /// The record is gone (deleted in Nexudus, or from the kiosk): nothing to send; Discard.
    Discard,
    /// It could not be sent for a reason that may pass: Retry.
    Retry,
}

impl Advice {
    /// What a parked entry's problem asks of staff.
    pub fn for_problem(problem: &SendProblem) -> Self {
        match problem {
            SendProblem::MissingRole { .. } | SendProblem::UndoNeedsRole { .. } => Self::GrantRole,
            SendProblem::Refused {
                code: ErrorCode::NotFound,
                ..
            }
            | SendProblem::CheckinNeverSent
            | SendProblem::MissingHere { .. }
            | SendProblem::DeletedInNexudus { .. }
            | SendProblem::TakenBack => Self::Discard,
            SendProblem::Refused { .. } => Self::FixInNexudusThenRetry,
            SendProblem::CheckinRefused { why } => match Self::for_problem(why) {
                Self::Retry => Self::FixInNexudusThenRetry,
                advice => advice,
            },
            SendProblem::WaitingFor { .. }
            | SendProblem::Passing { .. }
            | SendProblem::Interrupted => Self::Retry,
            SendProblem::Text { said } => Self::for_older_text(said),
        }
    }

    /// An older kiosk's sentence (before problems were stored as codes), read for its words.
    fn for_older_text(reason: &str) -> Self {
        let r = reason.to_lowercase();
        if r.contains("role") || r.contains("forbidden") || r.contains("403") {
            Self::GrantRole
        } else if r.contains("deleted")
            || r.contains("missing from the kiosk")
            || r.contains("never reached")
            || r.contains("not found")
        {
            Self::Discard
        } else if r.contains("refused")
            || r.contains("invalid")
            || r.contains("required")
            || r.contains("400")
            || r.contains("was not successful")
        {
            Self::FixInNexudusThenRetry
        } else {
            Self::Retry
        }
    }
}

/// A parked entry, with what it is about and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ParkedLine {
    pub entry: OutboxEntry,
    pub name: Option<String>,
    pub advice: Advice,
}

/// The day at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Today {
    /// Arrivals and departures, oldest first.
    pub timeline: Vec<Movement>,
    pub failed: Vec<FailedLine>,
    pub parked: Vec<ParkedLine>,
    /// Nexudus's own refusals could be read (else only this kiosk's are shown).
    pub server_failed_read: bool,
    /// This kiosk's check-ins today merged with another kiosk's of the same member (the member
    /// tapped on both before they heard of each other): closed at their start as the later one.
    pub merged: u32,
}

/// The busiest moment of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Peak {
    pub count: u32,
    pub at: DateTime<Utc>,
    pub at_local: String,
}

/// People in the building by hour of the location's day.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Occupancy {
    /// For each hour 0-23, the people in at some time in it, today (hours to come: 0).
    pub today: Vec<u32>,
    /// The same hour on the same weekday, on average over `weeks` weeks before today.
    pub typical: Vec<f32>,
    pub weeks: u32,
    pub peak: Option<Peak>,
}

/// Everyone in the building now, for a fire roll-call, and how fresh that is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RollCall {
    pub generated_at: DateTime<Utc>,
    pub generated_local: String,
    pub location: String,
    /// The last successful exchange with Nexudus: check-ins made elsewhere since then are
    /// missing.
    pub data_as_of: Option<DateTime<Utc>>,
    pub connectivity: Connectivity,
    pub people: Vec<Presence>,
}

/// How long a refresh token lives unrenewed: "Refresh tokens live 15 days" (docs/nexudus-api.md,
/// section 1). The kiosk renews it whenever its access token runs out, so only a kiosk that
/// cannot reach Nexudus for that long loses its login.
pub const LOGIN_LIVES: Duration = Duration::days(15);

/// How long before its login runs out an offline kiosk says so on the desk.
pub const LOGIN_WARNING: Duration = Duration::days(4);

/// Whether the desk warns that the login runs out soon: a kiosk that reaches Nexudus renews it
/// by itself, one that does not loses it at `good_until`.
pub fn login_runs_out_soon(
    good_until: Option<DateTime<Utc>>,
    connectivity: Connectivity,
    now: DateTime<Utc>,
) -> bool {
    good_until.is_some_and(|until| {
        until - now <= LOGIN_WARNING
            && !matches!(
                connectivity,
                Connectivity::Online | Connectivity::NotConfigured
            )
    })
}

/// This kiosk's health, for staff and for `kiosk status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Health {
    /// When this was put together.
    pub at: DateTime<Utc>,
    /// Whose view it is: this process's, or the running kiosk's as it saved it.
    pub seen: Seen,
    pub connectivity: Connectivity,
    pub last_sync: Option<DateTime<Utc>>,
    pub pending: i64,
    pub parked: i64,
    /// Requests this kiosk sent Nexudus in the last hour and day, and what the account allows.
    pub requests_last_hour: u32,
    pub requests_last_day: u32,
    pub hourly_budget: Option<u32>,
    pub daily_budget: Option<u32>,
    /// The database file's size, in bytes.
    pub database_bytes: u64,
    pub version: String,
    /// The account's records that did not read (each costs only itself): fixed in Nexudus.
    pub unread: Vec<UnreadRecord>,
    /// When the Nexudus login runs out unless the kiosk renews it before ([`LOGIN_LIVES`] after
    /// its last renewal), where known.
    pub login_good_until: Option<DateTime<Utc>>,
    /// It runs out within [`LOGIN_WARNING`] and the kiosk cannot reach Nexudus to renew it.
    pub login_runs_out_soon: bool,
    /// A first load of members under way (this process's own view only).
    pub loading: Option<crate::domain::views::MemberLoad>,
}

impl std::fmt::Display for Health {
    /// What `kiosk status` prints: one line a fact.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let of = |budget: Option<u32>| budget.map_or_else(String::new, |b| format!(" of {b}"));
        writeln!(f, "seen by:      {}", self.seen.describe(self.at))?;
        writeln!(f, "connectivity: {}", self.connectivity.as_str())?;
        if self.connectivity == Connectivity::NeedsLogin {
            writeln!(
                f,
                "what to do:   log in to Nexudus again in the staff panel (Account); taps keep \
                 being taken and wait to be sent"
            )?;
        }
        if let Some(load) = self.loading {
            writeln!(f, "members:      {load}")?;
        }
        match self.last_sync {
            Some(at) => writeln!(f, "last sync:    {}", at.format("%Y-%m-%d %H:%M:%S UTC"))?,
            None => writeln!(f, "last sync:    never")?,
        }
        if let Some(until) = self.login_good_until {
            writeln!(
                f,
                "login:        good until {}{}",
                until.format("%Y-%m-%d %H:%M UTC"),
                if self.login_runs_out_soon {
                    " unless the kiosk reaches Nexudus before: after that a staff member logs in \
                     again (taps keep being taken)"
                } else {
                    " (renewed by itself while online)"
                }
            )?;
        }
        writeln!(
            f,
            "queue:        {} pending, {} parked",
            self.pending, self.parked
        )?;
        writeln!(
            f,
            "API requests: {}{} in the last hour, {}{} in the last day",
            self.requests_last_hour,
            of(self.hourly_budget),
            self.requests_last_day,
            of(self.daily_budget)
        )?;
        writeln!(
            f,
            "database:     {:.1} MB",
            self.database_bytes as f64 / 1_048_576.0
        )?;
        write!(f, "version:      {}", self.version)?;
        if !self.unread.is_empty() {
            write!(
                f,
                "\nunread:       {} {} not read (fix in Nexudus)",
                self.unread.len(),
                if self.unread.len() == 1 {
                    "record"
                } else {
                    "records"
                }
            )?;
            for record in &self.unread {
                write!(f, "\n              {}", record.describe())?;
            }
        }
        Ok(())
    }
}

/// A visit: who, from when, until when (none: still in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit<K> {
    pub who: K,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
}

/// The location's day `day` as UTC instants, midnight to midnight.
fn day_bounds(day: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map_or_else(
                || d.and_time(NaiveTime::MIN).and_utc(),
                |t| t.with_timezone(&Utc),
            )
    };
    (at(day), at(day + Duration::days(1)))
}

/// The location's day `now` falls in, and its midnight.
pub fn today_at(now: DateTime<Utc>, tz: Tz) -> (NaiveDate, DateTime<Utc>) {
    let day = now.with_timezone(&tz).date_naive();
    (day, day_bounds(day, tz).0)
}

/// For each hour of `day` at the location, how many different people were in at some time in
/// it; a visit still open counts until `now`.
pub fn by_hour<K: Eq + Copy>(
    visits: &[Visit<K>],
    day: NaiveDate,
    tz: Tz,
    now: DateTime<Utc>,
) -> Vec<u32> {
    let (start, _) = day_bounds(day, tz);
    (0..24)
        .map(|h| {
            let from = start + Duration::hours(h);
            let to = from + Duration::hours(1);
            let mut seen: Vec<K> = Vec::new();
            for v in visits {
                let end = v.to.unwrap_or(now);
                if v.from < to && end > from && v.from <= now && !seen.contains(&v.who) {
                    seen.push(v.who);
                }
            }
            u32::try_from(seen.len()).unwrap_or(u32::MAX)
        })
        .collect()
}

/// The most people in at once during `day`, and when it was first reached.
pub fn peak<K>(
    visits: &[Visit<K>],
    day: NaiveDate,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<(u32, DateTime<Utc>)> {
    let (start, end) = day_bounds(day, tz);
    let mut changes: Vec<(DateTime<Utc>, i32)> = Vec::new();
    for v in visits {
        let from = v.from.max(start);
        let to = v.to.unwrap_or(now).min(end);
        if from < to {
            changes.push((from, 1));
            changes.push((to, -1));
        }
    }
    // A departure and an arrival at the same instant: the departure first.
    changes.sort_by_key(|&(at, delta)| (at, delta));
    let mut inside = 0i32;
    let mut best: Option<(u32, DateTime<Utc>)> = None;
    for (at, delta) in changes {
        inside += delta;
        let count = u32::try_from(inside).unwrap_or(0);
        if count > 0 && best.is_none_or(|(b, _)| count > b) {
            best = Some((count, at));
        }
    }
    best
}

/// The average of the same hours over earlier days (one list of 24 per day).
pub fn average(days: &[Vec<u32>]) -> Vec<f32> {
    (0..24)
        .map(|h| {
            if days.is_empty() {
                0.0
            } else {
                days.iter()
                    .map(|d| d.get(h).copied().unwrap_or(0) as f32)
                    .sum::<f32>()
                    / days.len() as f32
            }
        })
        .collect()
}

/// The hour of the day `at` falls in at the location.
pub fn hour_of(at: DateTime<Utc>, tz: Tz) -> u32 {
    at.with_timezone(&tz).hour()
}

#[cfg(test)]
mod tests;
