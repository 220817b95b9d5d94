//! The core's records, shared by the store, the rules and the sync engine.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::problem::SendProblem;

/// A member as the cache holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub full_name: String,
    pub company: Option<String>,
    pub active: bool,
    pub plan: Option<String>,
    pub home_location: Option<i64>,
    /// Locations the member belongs to besides the home one (from one-record answers).
    pub locations: Vec<i64>,
    pub teams: Vec<i64>,
    pub pin_hash: Option<Vec<u8>>,
    pub card_hash: Option<Vec<u8>>,
    pub updated_on: Option<DateTime<Utc>>,
}

impl Member {
    /// Whether the member belongs to the location.
    pub fn belongs_to(&self, location: i64) -> bool {
        self.home_location == Some(location) || self.locations.contains(&location)
    }
}

/// How a member identified themselves at the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TapMethod {
    Tile,
    Pin,
    Card,
    /// Staff on the member's behalf, at the staff desk.
    Staff,
}

impl TapMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tile => "tile",
            Self::Pin => "pin",
            Self::Card => "card",
            Self::Staff => "staff",
        }
    }
}

/// Who made a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// This kiosk: it owns the record and syncs it.
    Kiosk,
    /// Read from the server: another kiosk, a door, staff.
    Server,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Server => "server",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "kiosk" => Some(Self::Kiosk),
            "server" => Some(Self::Server),
            _ => None,
        }
    }
}

/// A visitor of the kiosk's location as the kiosk holds it: what the front desk shows, no more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorRow {
    pub local_id: Uuid,
    pub nexudus_id: Option<i64>,
    pub location_id: i64,
    pub full_name: String,
    /// The invitation's code, in capitals.
    pub code: Option<String>,
    pub host_id: Option<i64>,
    pub host_name: Option<String>,
    pub expected_arrival: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub departed_at: Option<DateTime<Utc>>,
    /// Where the host must approve the visit, what they said (or that nobody has yet).
    pub approval: nexudus::HostApproval,
    /// Registered at this kiosk; `None` for a guest Nexudus expected.
    pub walk_in: Option<WalkInRow>,
    /// An expected visitor whose host must approve the visit asked to sign in at the screen
    /// then, and waits for the answer (a walk-in waits from when it registered).
    pub asked_at: Option<DateTime<Utc>>,
    /// Who they are for the agreement (`agreements::signer_key`: their e-mail and name, hashed).
    pub signer: Option<String>,
}

/// How far back "today's" visitors reach: a visit expected since then is today's wherever the
/// kiosk stands (the zone Nexudus reads a range in is not documented, contract section 10, so
/// the sync reads the same window).
pub const VISITORS_DAY: chrono::Duration = chrono::Duration::hours(14);

/// Visitors expected before this are wiped from the device (once nothing waits to be sent for
/// them): their day, and as many days after it as staff set.
pub fn forget_visitors_before(now: DateTime<Utc>, keep_days: u32) -> DateTime<Utc> {
    now - VISITORS_DAY - chrono::Duration::days(i64::from(keep_days))
}

/// An invitation's code as the kiosk keeps and compares it: no spaces around it, in capitals;
/// none when empty (a QR code's text is the code itself [open in the contract: its payload is
/// not documented]).
pub fn invitation_code(text: &str) -> Option<String> {
    Some(text.trim().to_uppercase()).filter(|c| !c.is_empty())
}

impl VisitorRow {
    /// Signed in and not out again.
    pub fn inside(&self) -> bool {
        self.arrived_at.is_some() && self.departed_at.is_none()
    }

    /// Whether the visitor may sign in or out by themselves: not one still waiting for their
    /// host's answer, nor one the host declined.
    pub fn may_sign_in(&self) -> bool {
        !matches!(
            self.approval,
            nexudus::HostApproval::Requested | nexudus::HostApproval::Rejected
        )
    }

    /// Since when the visitor waits for their host: a walk-in from when it registered, an
    /// expected visitor from when they asked at the screen.
    pub fn waiting_since(&self) -> DateTime<Utc> {
        self.asked_at.unwrap_or(self.expected_arrival)
    }
}

/// What a walk-in gave at the kiosk beyond their name. The e-mail stays on the device only until
/// Nexudus has the record; the company, printed on the badge, stays for the visit's day like the
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WalkInRow {
    pub email: Option<String>,
    pub company: Option<String>,
    pub agreed_terms: bool,
}

/// A check-in as the kiosk holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckinRow {
    pub local_id: Uuid,
    pub nexudus_id: Option<i64>,
    pub member_id: i64,
    pub location_id: i64,
    pub from_time: DateTime<Utc>,
    pub from_time_local: Option<NaiveDateTime>,
    pub to_time: Option<DateTime<Utc>>,
    pub to_time_local: Option<NaiveDateTime>,
    pub source: i64,
    pub method: String,
    pub auto_checkout: bool,
    pub teams: Option<String>,
    pub plan: Option<String>,
    pub origin: Origin,
    /// What the server set that the kiosk does not own, kept so a PUT sends the whole record.
    pub server_fields: nexudus::ServerFields,
}

#[cfg(test)]
impl CheckinRow {
    /// A check-in read from Nexudus (not this kiosk's), open, made with `source`.
    pub fn from_server(member_id: i64, location_id: i64, from: DateTime<Utc>, source: i64) -> Self {
        Self {
            local_id: Uuid::now_v7(),
            nexudus_id: Some(9_000 + member_id),
            member_id,
            location_id,
            from_time: from,
            from_time_local: None,
            to_time: None,
            to_time_local: None,
            source,
            method: "server".into(),
            auto_checkout: false,
            teams: None,
            plan: None,
            origin: Origin::Server,
            server_fields: nexudus::ServerFields::default(),
        }
    }
}

/// A rejected attempt as the kiosk holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRow {
    pub local_id: Uuid,
    pub nexudus_id: Option<i64>,
    pub member_id: Option<i64>,
    pub location_id: i64,
    pub attempt_time: DateTime<Utc>,
    pub attempt_local: Option<NaiveDateTime>,
    pub source: i64,
    pub method: String,
    pub reason: String,
    pub description: String,
    pub teams: Option<String>,
    pub plan: Option<String>,
}

/// What an outbox entry sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OutboxOp {
    CreateCheckin,
    CloseCheckin,
    CreateFailed,
    /// "Not you? Undo" of a check-in that may have left: its record is deleted in Nexudus.
    WithdrawCheckin,
    /// "Not you? Undo" of a check-out that may have left: the record is open again.
    ReopenCheckin,
    /// Staff put a check-out's time right: the record is put back with the new `ToTime`.
    AmendCheckout,
    /// A walk-in registered at the kiosk: a new visitor record (`VisitorSource` NexIO).
    VisitorCreated,
    /// A visitor signed in at the kiosk: `Arrived` and `ArrivalDate` on their record.
    VisitorArrived,
    /// A visitor signed out: `DepartureDate` on their record.
    VisitorDeparted,
}

/// The kind of record an outbox entry sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Checkin,
    Failed,
    Visitor,
}

impl OutboxOp {
    /// The kind of record the entry sends.
    pub fn record(self) -> RecordKind {
        match self {
            Self::CreateCheckin
            | Self::CloseCheckin
            | Self::WithdrawCheckin
            | Self::ReopenCheckin
            | Self::AmendCheckout => RecordKind::Checkin,
            Self::CreateFailed => RecordKind::Failed,
            Self::VisitorCreated | Self::VisitorArrived | Self::VisitorDeparted => {
                RecordKind::Visitor
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateCheckin => "create_checkin",
            Self::CloseCheckin => "close_checkin",
            Self::CreateFailed => "create_failed",
            Self::WithdrawCheckin => "withdraw_checkin",
            Self::ReopenCheckin => "reopen_checkin",
            Self::AmendCheckout => "amend_checkout",
            Self::VisitorCreated => "visitor_created",
            Self::VisitorArrived => "visitor_arrived",
            Self::VisitorDeparted => "visitor_departed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "create_checkin" => Some(Self::CreateCheckin),
            "close_checkin" => Some(Self::CloseCheckin),
            "create_failed" => Some(Self::CreateFailed),
            "withdraw_checkin" => Some(Self::WithdrawCheckin),
            "reopen_checkin" => Some(Self::ReopenCheckin),
            "amend_checkout" => Some(Self::AmendCheckout),
            "visitor_created" => Some(Self::VisitorCreated),
            "visitor_arrived" => Some(Self::VisitorArrived),
            "visitor_departed" => Some(Self::VisitorDeparted),
            _ => None,
        }
    }
}

/// The state of an outbox entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Claimed,
    Done,
    /// Permanently refused by the server: waits for staff to retry or discard it.
    Parked,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Claimed => "claimed",
            Self::Done => "done",
            Self::Parked => "parked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "claimed" => Some(Self::Claimed),
            "done" => Some(Self::Done),
            "parked" => Some(Self::Parked),
            _ => None,
        }
    }
}

/// One write waiting to be sent, or sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct OutboxEntry {
    pub id: i64,
    pub op: OutboxOp,
    pub target: Uuid,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last try did not send it (or, once done, why it was taken out of the queue).
    pub last_error: Option<SendProblem>,
    /// A send may have reached the server: it must be looked up before it is sent again.
    pub in_doubt: bool,
    pub created_at: DateTime<Utc>,
}

/// The record an outbox entry sends, read with the entry when it is claimed. `None`: gone
/// from the database (it cannot be sent).
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Checkin(CheckinRow),
    Failed(FailedRow),
    Visitor(VisitorRow),
}

#[cfg(test)]
impl CheckinRow {
    /// An open check-in of `member_id` at location 1, made now by this kiosk: for tests.
    pub(crate) fn sample(member_id: i64) -> Self {
        Self {
            local_id: Uuid::now_v7(),
            nexudus_id: None,
            member_id,
            location_id: 1,
            from_time: Utc::now(),
            from_time_local: None,
            to_time: None,
            to_time_local: None,
            source: 4,
            method: "tile".into(),
            auto_checkout: false,
            teams: None,
            plan: None,
            origin: Origin::Kiosk,
            server_fields: nexudus::ServerFields::default(),
        }
    }
}
