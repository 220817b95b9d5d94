//! Errors by layer, each with a stable code the faces show as `{ code, message }`.

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
    Sqlite(#[from] rusqlite::Error),
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

    /// Classifies a SQLite error: a full disk and a damaged file deserve their own words.
    pub(crate) fn from_sqlite(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Self::Corrupt(e.to_string())
            }
            _ => Self::Sqlite(e),
        }
    }
}

/// What the faces get from any `Kiosk` call that fails.
#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Api(#[from] nexudus::ApiError),
    #[error("no member with Id {0}")]
    UnknownMember(i64),
    #[error("no member has that PIN")]
    UnknownPin,
    #[error("that card is not known")]
    UnknownCard,
    #[error("wrong staff PIN")]
    WrongPin { tries_left: u32 },
    #[error("too many wrong PINs; try again in {seconds} s")]
    LockedOut { seconds: i64 },
    #[error("{0}")]
    Invalid(String),
    #[error("no location is chosen yet: staff must pick one in the staff panel")]
    NoLocation,
    #[error("cannot keep the session safe: {0}")]
    Secrets(String),
    #[error("the sync engine has stopped")]
    SyncStopped,
}

impl KioskError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Store(e) => e.code(),
            Self::Api(e) => e.code(),
            Self::UnknownMember(_) => "unknown_member",
            Self::UnknownPin => "unknown_pin",
            Self::UnknownCard => "unknown_card",
            Self::WrongPin { .. } => "wrong_pin",
            Self::LockedOut { .. } => "locked_out",
            Self::Invalid(_) => "invalid",
            Self::NoLocation => "no_location",
            Self::Secrets(_) => "secrets",
            Self::SyncStopped => "sync_stopped",
        }
    }

    /// The stable `{ code, message }` the UI shows; it never matches on message text.
    pub fn to_dto(&self) -> ErrorDto {
        ErrorDto {
            code: self.code().to_owned(),
            message: self.to_string(),
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

/// The error as it crosses into a face.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ErrorDto {
    pub code: String,
    pub message: String,
}
