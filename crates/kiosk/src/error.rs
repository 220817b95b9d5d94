//! Errors by layer, each with a stable code the faces show as `{ code, message }`. A face
//! never matches on a message: it words the code (and the data the DTO carries) itself.

use serde::Serialize;

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database was written by a newer version of the kiosk (schema {found}, this build knows {known}); update the kiosk"
    )]
    TooNew { found: i64, known: i64 },
    #[error(
        "the database file is damaged ({0}); it was left as it is for IT to inspect or restore"
    )]
    Corrupt(String),
    #[error("the disk is full: the check-in was not recorded")]
    DiskFull,
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("cannot update the database schema: {0}")]
    Migration(String),
    #[error("stored data cannot be read: {0}")]
    Data(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooNew { .. } => "database_too_new",
            Self::Corrupt(_) => "database_corrupt",
            Self::DiskFull => "disk_full",
            Self::Sqlite(_) | Self::Migration(_) | Self::Data(_) => "database_error",
        }
    }

    /// Classifies a SQLite error: a full disk and a damaged file deserve their own words, and a
    /// value in the file that does not read as its type is bad data, not a SQLite failure.
    pub(crate) fn from_sqlite(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        if let rusqlite::Error::FromSqlConversionFailure(_, _, cause) = &e {
            return Self::Data(cause.to_string());
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Self::Corrupt(e.to_string())
            }
            _ => Self::Sqlite(e),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::from_sqlite(e)
    }
}

/// A value a face sent that the kiosk refuses, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    /// The field, as the face names it (`staff_pin`, `auto_checkout_rule`, ...).
    pub field: &'static str,
    /// What is wrong, in words staff understand.
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A failure of the secret store (the OS keyring or the kiosk's private file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsError {
    #[error("the OS keyring failed: {0}")]
    Keyring(String),
    #[error("the secrets file {path} cannot be used: {message}")]
    File { path: String, message: String },
    #[error("a stored secret is damaged: {0}")]
    Damaged(String),
}

/// What the faces get from any `Kiosk` call that fails.
#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Api(#[from] nexudus::ApiError),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("cannot keep the session safe: {0}")]
    Secrets(#[from] SecretsError),
    #[error("no member with Id {0}")]
    UnknownMember(i64),
    #[error("no member has that PIN")]
    UnknownPin,
    #[error("that card is not known")]
    UnknownCard,
    /// No visitor of today at this location has that invitation code.
    #[error("no visitor expected today has that code")]
    UnknownCode,
    #[error("wrong staff PIN")]
    WrongPin { tries_left: u32 },
    #[error("too many wrong tries; try again in {seconds} s")]
    LockedOut { seconds: i64 },
    #[error("the staff session has ended: enter the staff PIN again")]
    StaffSessionEnded,
    #[error("that can be done only on the kiosk's own screen")]
    ScreenOnly,
    #[error("that pairing code is not right, or has expired")]
    WrongCode,
    #[error("no paired tablet has Id {0}")]
    UnknownDevice(i64),
    #[error("no staff PIN is set yet: set one first")]
    NoStaffPin,
    /// "Not you? Undo" too late, twice, or for a tap that is not the member's latest.
    #[error("nothing to undo: the tap is no longer the member's latest, or too long ago")]
    NothingToUndo,
    #[error("entry {0} of the sync queue is not parked")]
    NotParked(i64),
    #[error("no location is chosen yet: staff must pick one in the staff panel")]
    NoLocation,
    #[error("cannot use the data directory {path}: {message}")]
    DataDir { path: String, message: String },
    #[error("this face of the kiosk cannot do that")]
    Unsupported,
    #[error("there is no call named {0:?}")]
    UnknownCall(String),
    #[error("the sync engine has stopped")]
    SyncStopped,
    #[error("the call failed inside the kiosk: {0}")]
    Internal(String),
}

impl KioskError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
            Self::Api(e) => e.code(),
            Self::Invalid(_) => "invalid",
            Self::Secrets(_) => "secrets",
            Self::UnknownMember(_) => "unknown_member",
            Self::UnknownPin => "unknown_pin",
            Self::UnknownCard => "unknown_card",
            Self::UnknownCode => "unknown_code",
            Self::WrongPin { .. } => "wrong_pin",
            Self::LockedOut { .. } => "locked_out",
            Self::StaffSessionEnded => "staff_session_ended",
            Self::ScreenOnly => "screen_only",
            Self::WrongCode => "wrong_code",
            Self::UnknownDevice(_) => "unknown_device",
            Self::NoStaffPin => "no_staff_pin",
            Self::NothingToUndo => "nothing_to_undo",
            Self::NotParked(_) => "not_parked",
            Self::NoLocation => "no_location",
            Self::DataDir { .. } => "data_dir",
            Self::Unsupported => "unsupported",
            Self::UnknownCall(_) => "unknown_call",
            Self::SyncStopped => "sync_stopped",
            Self::Internal(_) => "internal",
        }
    }

    /// The stable `{ code, message }` the UI shows; it never matches on message text.
    pub fn to_dto(&self) -> ErrorDto {
        ErrorDto {
            code: self.code().to_owned(),
            message: self.to_string(),
            field: match self {
                Self::Invalid(e) => Some(e.field.to_owned()),
                _ => None,
            },
            tries_left: match self {
                Self::WrongPin { tries_left } => Some(*tries_left),
                _ => None,
            },
            seconds: match self {
                Self::LockedOut { seconds } => Some(*seconds),
                _ => None,
            },
        }
    }
}

impl From<rusqlite::Error> for KioskError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(StoreError::from_sqlite(e))
    }
}

impl From<KioskError> for ErrorDto {
    fn from(e: KioskError) -> Self {
        e.to_dto()
    }
}

/// The error as it crosses into a face: a stable code, the English message (for logs and IT),
/// and the data a face needs to word it in its own language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ErrorDto {
    pub code: String,
    pub message: String,
    /// With `invalid`: the field the value was refused for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// With `wrong_pin`: wrong tries left before the lock-out.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tries_left: Option<u32>,
    /// With `locked_out`: seconds until the next try.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub seconds: Option<i64>,
}

impl ErrorDto {
    /// An error of a face itself (not of the core), e.g. a refused request.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            field: None,
            tries_left: None,
            seconds: None,
        }
    }
}
