//! What each of the doctor's checks is and what it found, as codes and values: the staff panel
//! words them in the reader's language, the command line in English (`english.rs`).

use chrono::{DateTime, Utc};
use nexudus::ApiError;
use serde::Serialize;

use crate::domain::unread::RecordList;
use crate::error::ErrorCode;

/// What was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    Login,
    /// One Nexudus role, by its Nexudus name (`Coworker-List`).
    Role {
        role: String,
    },
    /// Several roles one line speaks of.
    Roles {
        roles: Vec<String>,
    },
    Location,
    Members,
    /// The fields of the members list's answer.
    ListFields,
    /// The fields of the batch read's answer (whole records).
    BatchFields,
    /// One whole member record (the only answer with a PIN).
    OneRecord,
    ActiveContracts,
    UnusedPasses,
    /// Whether "Forgot your PIN?" can be offered.
    PinReminder,
    WriteTest,
    WriteCheckIn,
    WriteCheckOut,
    WriteUndo,
    /// Records of the account that did not read.
    Records,
}

/// What stops working without a role, or when its read fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Breaks {
    LocationPicker,
    TimeZones,
    TeamNames,
    VisitorCodes,
    NoMembers,
    MemberDetails,
    OfflinePins,
    Plans,
    Passes,
    OtherCheckins,
    CheckOuts,
    FailedTwice,
    NoCheckins,
    NoCheckouts,
    UndoWaits,
}

/// A call that failed: its code, and Nexudus's own words where it gave some (quoted as they
/// came: they are Nexudus's, not the kiosk's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Failure {
    pub code: ErrorCode,
    pub said: Option<String>,
    /// The error in English, for the command line.
    #[serde(skip)]
    #[ts(skip)]
    pub message: String,
}

impl Failure {
    pub fn of(e: &ApiError) -> Self {
        Self {
            code: ErrorCode::of_api(e),
            said: e.server_words().map(str::to_owned),
            message: e.to_string(),
        }
    }
}

/// A location of the account, as the doctor lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Place {
    pub id: i64,
    pub name: String,
}

/// A record that did not read (never a value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Unread {
    pub list: RecordList,
    pub record_id: Option<i64>,
    /// The field that did not read; empty for the whole record.
    pub field: String,
    /// What came there (`null`, `number`, `missing`...).
    pub shape: String,
}

/// What a check found, with the values that say it; what to do follows from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Found {
    // The login.
    TwoFactorRequired,
    MustResetPassword,
    LoginRefused,
    LoginEnded,
    Unreachable {
        address: String,
    },
    LoginFailed {
        error: Failure,
    },
    NoPassword {
        email: String,
    },
    NoLogin,
    // A read that needs a role.
    Allowed,
    MissingRole {
        role: String,
        breaks: Breaks,
    },
    NotLoggedIn,
    NoSuchCall {
        breaks: Breaks,
    },
    CouldNotCheck {
        error: Failure,
    },
    ReadRefused {
        breaks: Breaks,
        error: Failure,
    },
    // Checks not made, and why.
    VisitorWritesNotChecked,
    WritesNotChecked,
    WriteNeedsLocation,
    NoRecentCheckin,
    MemberIsIn {
        member: i64,
        checkin: i64,
        since: DateTime<Utc>,
    },
    PresenceUnknown {
        member: i64,
        error: Failure,
    },
    // The location.
    NoLocationChosen {
        locations: Vec<Place>,
    },
    NotALocation {
        id: i64,
        locations: Vec<Place>,
    },
    LocationZone {
        name: String,
        id: i64,
        zone: String,
        iana: String,
    },
    ZoneNotInCldr {
        name: String,
        zone: String,
    },
    NoZone {
        name: String,
    },
    // Counts and answers.
    MemberCount {
        count: u32,
    },
    ListFieldsThere,
    ListFieldsMissing,
    BatchFieldsThere,
    BatchFieldsMissing,
    RecordWithPin,
    RecordWithoutPin,
    ActiveContracts {
        count: u32,
    },
    UnusedPasses {
        count: u32,
    },
    ReminderOffered {
        command: String,
    },
    ReminderNoCommand,
    ReminderUnreadable {
        error: Failure,
    },
    // The write test.
    CheckinCreated {
        checkin: i64,
        member: i64,
    },
    CheckinClosed {
        checkin: i64,
    },
    CheckinDeleted {
        checkin: i64,
    },
    /// A step of the write test failed (`why`) and left its check-in in Nexudus: still open
    /// (`open`, to close there) or closed (to delete there).
    TestCheckinLeft {
        checkin: i64,
        open: bool,
        why: Box<Found>,
    },
    // Records that did not read.
    EveryRecordRead,
    /// The first of them (`records`), and how many more the desk lists.
    RecordsUnread {
        records: Vec<Unread>,
        more: usize,
    },
}

/// How many unread records the doctor names; the desk lists them all.
pub const UNREAD_SHOWN: usize = 10;

impl Found {
    /// What an error means for a read that needs `role`.
    pub fn of_error(e: &ApiError, role: &str, breaks: Breaks) -> Self {
        match e {
            ApiError::Forbidden { .. } => Self::MissingRole {
                role: role.to_owned(),
                breaks,
            },
            ApiError::Unauthorized | ApiError::Login(_) => Self::NotLoggedIn,
            ApiError::NotFound { .. } => Self::NoSuchCall { breaks },
            other if other.is_transient() => Self::CouldNotCheck {
                error: Failure::of(other),
            },
            other => Self::ReadRefused {
                breaks,
                error: Failure::of(other),
            },
        }
    }

    /// Why a login (the doctor's own, or the kiosk's stored one) did not work.
    pub fn of_login(e: &ApiError, base_url: &str) -> Self {
        use nexudus::LoginError;
        match e {
            ApiError::Login(LoginError::TwoFactorRequired) => Self::TwoFactorRequired,
            ApiError::Login(LoginError::MustResetPassword) => Self::MustResetPassword,
            ApiError::Login(_) => Self::LoginRefused,
            ApiError::Unauthorized => Self::LoginEnded,
            ApiError::Connect(_) | ApiError::ConnectionLost(_) | ApiError::Timeout(_) => {
                Self::Unreachable {
                    address: base_url.to_owned(),
                }
            }
            other => Self::LoginFailed {
                error: Failure::of(other),
            },
        }
    }

    /// The records that did not read, the first [`UNREAD_SHOWN`] named.
    pub fn unread(mut records: Vec<Unread>) -> Self {
        if records.is_empty() {
            return Self::EveryRecordRead;
        }
        let more = records.len().saturating_sub(UNREAD_SHOWN);
        records.truncate(UNREAD_SHOWN);
        Self::RecordsUnread { records, more }
    }
}
