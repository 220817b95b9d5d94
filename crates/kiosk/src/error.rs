//! Errors by layer, each with a stable code the faces show as `{ code, message }`. A face
//! never matches on a message: it words the code (and the data the DTO carries) itself. Every
//! code is one variant of [`ErrorCode`], which the UI receives as a TypeScript union.

use serde::Serialize;

/// Every code an error crosses to a face with: the core's, the store's, the Nexudus client's
/// and the faces' own refusals. Stable: the UI words them and scripts match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The kiosk's own.
    Invalid,
    Secrets,
    UnknownMember,
    UnknownPin,
    UnknownCard,
    UnknownCode,
    WrongPin,
    LockedOut,
    StaffSessionEnded,
    ScreenOnly,
    WrongCode,
    UnknownDevice,
    UnknownScrapeToken,
    UnknownKiosk,
    PeerUnreachable,
    PeerWrongKey,
    PeerUnpaired,
    PeerBadAnswer,
    NoStaffPin,
    NothingToUndo,
    NotParked,
    NoLocation,
    DataDir,
    Unsupported,
    UnknownCall,
    SyncStopped,
    AnswerEncoding,
    CallAborted,
    PinHash,
    UndoRaced,
    Autostart,
    ReminderUnavailable,
    TooManyReminders,
    // The store's.
    DatabaseTooNew,
    DatabaseCorrupt,
    DiskFull,
    DatabaseError,
    // Nexudus's, as the client classifies them.
    Validation,
    Unauthorized,
    TwoFactorRequired,
    MustResetPassword,
    LoginRefused,
    Forbidden,
    NotFound,
    NotAllowed,
    Throttled,
    RateLimited,
    ServerError,
    UnexpectedStatus,
    Offline,
    ConnectionLost,
    Timeout,
    MalformedAnswer,
    InvalidRequest,
    // The browser face's own refusals of a request.
    NoHost,
    ForeignHost,
    ForeignOrigin,
    TooManyStreams,
    PairingRequired,
    /// `GET /metrics` without a scrape token in use.
    ScrapeTokenRequired,
    TooLarge,
    MethodNotAllowed,
    UnsupportedMediaType,
    Refused,
    Internal,
}

impl ErrorCode {
    /// The code of a Nexudus client error: one per way the client classifies a failure (the
    /// client itself has none: what a face reads is the kiosk's to say).
    pub fn of_api(e: &nexudus::ApiError) -> Self {
        use nexudus::{ApiError, LoginError};
        match e {
            ApiError::Validation { .. } => Self::Validation,
            ApiError::Unauthorized => Self::Unauthorized,
            ApiError::Login(LoginError::TwoFactorRequired) => Self::TwoFactorRequired,
            ApiError::Login(LoginError::MustResetPassword) => Self::MustResetPassword,
            ApiError::Login(_) => Self::LoginRefused,
            ApiError::Forbidden { .. } => Self::Forbidden,
            ApiError::NotFound { .. } => Self::NotFound,
            ApiError::NotAllowed { .. } => Self::NotAllowed,
            ApiError::Throttled { .. } => Self::Throttled,
            ApiError::RateLimited { .. } => Self::RateLimited,
            ApiError::Server { .. } => Self::ServerError,
            ApiError::UnexpectedStatus { .. } => Self::UnexpectedStatus,
            ApiError::Connect(_) => Self::Offline,
            ApiError::ConnectionLost(_) => Self::ConnectionLost,
            ApiError::Timeout(_) => Self::Timeout,
            ApiError::Malformed { .. } => Self::MalformedAnswer,
            ApiError::InvalidRequest(_) => Self::InvalidRequest,
        }
    }
}

/// The code as the faces see it (`wrong_pin`), for logs and the command line.
impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(code)) => f.write_str(&code),
            _ => write!(f, "{self:?}"),
        }
    }
}

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
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooNew { .. } => ErrorCode::DatabaseTooNew,
            Self::Corrupt(_) => ErrorCode::DatabaseCorrupt,
            Self::DiskFull => ErrorCode::DiskFull,
            Self::Sqlite(_) | Self::Migration(_) | Self::Data(_) => ErrorCode::DatabaseError,
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
    #[error("no scrape token in use has Id {0}")]
    UnknownScrapeToken(i64),
    /// No kiosk of that name is heard of on the network (or it announced no certificate).
    #[error("no kiosk named {0:?} is heard of on the network")]
    UnknownKiosk(String),
    /// Another kiosk did not answer a pairing.
    #[error("the other kiosk did not answer: {0}")]
    PeerUnreachable(String),
    /// Another kiosk answered with a certificate other than the one it announced or was
    /// paired with.
    #[error("the other kiosk's certificate is not the one it announced")]
    PeerWrongKey,
    /// Another kiosk no longer knows this one.
    #[error("the other kiosk no longer knows this one: pair them again")]
    PeerUnpaired,
    /// Another kiosk answered something that is not a kiosk's answer.
    #[error("the other kiosk's answer is not a kiosk's: {0}")]
    PeerBadAnswer(String),
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
    /// A call's answer could not be written as JSON for the face.
    #[error("the answer could not be written as JSON: {0}")]
    AnswerEncoding(String),
    /// A call's task ended before it answered (it panicked, or the runtime is stopping).
    #[error("the call stopped before it answered: {0}")]
    CallAborted(String),
    /// The staff PIN could not be hashed (the hasher refused its input or salt).
    #[error("the staff PIN could not be hashed: {0}")]
    PinHash(String),
    /// The sync queue changed under a tap being taken back; the member may try again.
    #[error("the sync queue changed while the tap was being taken back; try again")]
    UndoRaced,
    /// The face's start-at-login setting could not be read or changed.
    #[error("start at login cannot be changed here: {0}")]
    Autostart(String),
    /// "Forgot your PIN?" needs the kiosk online and an account that offers a PIN reminder.
    #[error("a PIN reminder cannot be sent now: ask at reception")]
    ReminderUnavailable,
    /// This kiosk asked for PIN reminders too often lately.
    #[error("too many PIN reminders asked at this kiosk; try again in {seconds} s")]
    TooManyReminders { seconds: i64 },
}

impl KioskError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Store(e) => e.code(),
            Self::Api(e) => ErrorCode::of_api(e),
            Self::Invalid(_) => ErrorCode::Invalid,
            Self::Secrets(_) => ErrorCode::Secrets,
            Self::UnknownMember(_) => ErrorCode::UnknownMember,
            Self::UnknownPin => ErrorCode::UnknownPin,
            Self::UnknownCard => ErrorCode::UnknownCard,
            Self::UnknownCode => ErrorCode::UnknownCode,
            Self::WrongPin { .. } => ErrorCode::WrongPin,
            Self::LockedOut { .. } => ErrorCode::LockedOut,
            Self::StaffSessionEnded => ErrorCode::StaffSessionEnded,
            Self::ScreenOnly => ErrorCode::ScreenOnly,
            Self::WrongCode => ErrorCode::WrongCode,
            Self::UnknownDevice(_) => ErrorCode::UnknownDevice,
            Self::UnknownScrapeToken(_) => ErrorCode::UnknownScrapeToken,
            Self::UnknownKiosk(_) => ErrorCode::UnknownKiosk,
            Self::PeerUnreachable(_) => ErrorCode::PeerUnreachable,
            Self::PeerWrongKey => ErrorCode::PeerWrongKey,
            Self::PeerUnpaired => ErrorCode::PeerUnpaired,
            Self::PeerBadAnswer(_) => ErrorCode::PeerBadAnswer,
            Self::NoStaffPin => ErrorCode::NoStaffPin,
            Self::NothingToUndo => ErrorCode::NothingToUndo,
            Self::NotParked(_) => ErrorCode::NotParked,
            Self::NoLocation => ErrorCode::NoLocation,
            Self::DataDir { .. } => ErrorCode::DataDir,
            Self::Unsupported => ErrorCode::Unsupported,
            Self::UnknownCall(_) => ErrorCode::UnknownCall,
            Self::SyncStopped => ErrorCode::SyncStopped,
            Self::AnswerEncoding(_) => ErrorCode::AnswerEncoding,
            Self::CallAborted(_) => ErrorCode::CallAborted,
            Self::PinHash(_) => ErrorCode::PinHash,
            Self::UndoRaced => ErrorCode::UndoRaced,
            Self::Autostart(_) => ErrorCode::Autostart,
            Self::ReminderUnavailable => ErrorCode::ReminderUnavailable,
            Self::TooManyReminders { .. } => ErrorCode::TooManyReminders,
        }
    }

    /// The stable `{ code, message }` the UI shows; it never matches on message text.
    pub fn to_dto(&self) -> ErrorDto {
        ErrorDto {
            code: self.code(),
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
                Self::LockedOut { seconds } | Self::TooManyReminders { seconds } => Some(*seconds),
                _ => None,
            },
            role: match self {
                Self::Api(nexudus::ApiError::Forbidden { role, .. }) => role.clone(),
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
    pub code: ErrorCode,
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
    /// With `forbidden`: the Nexudus role the account lacks, where known (`Checkin-Create`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub role: Option<String>,
}

impl ErrorDto {
    /// An error of a face itself (not of the core), e.g. a refused request.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            tries_left: None,
            seconds: None,
            role: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nexudus::ApiError;

    #[test]
    fn a_nexudus_error_crosses_with_the_code_faces_have_always_read() {
        let errors = [
            (ApiError::Unauthorized, "unauthorized"),
            (ApiError::Connect("refused".into()), "offline"),
            (ApiError::ConnectionLost("reset".into()), "connection_lost"),
            (
                ApiError::Forbidden {
                    message: "no role".into(),
                    role: None,
                },
                "forbidden",
            ),
            (
                ApiError::Malformed {
                    status: 200,
                    detail: "cut".into(),
                },
                "malformed_answer",
            ),
            (
                ApiError::Timeout(std::time::Duration::from_secs(1)),
                "timeout",
            ),
        ];
        for (e, code) in errors {
            assert_eq!(ErrorCode::of_api(&e).to_string(), code, "{e}");
        }
    }

    #[test]
    fn every_code_reaches_the_face_as_its_snake_case_name() {
        let dto = KioskError::LockedOut { seconds: 30 }.to_dto();
        let json = serde_json::to_value(&dto).unwrap();
        assert_eq!(json["code"], "locked_out");
        assert_eq!(json["seconds"], 30);
        assert_eq!(KioskError::UndoRaced.code().to_string(), "undo_raced");
    }
}
