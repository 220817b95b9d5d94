//! Typed client of the Nexudus Spaces API, as the check-in kiosk uses it.
//!
//! Knows HTTP, JSON, auth, paging, throttling and how to classify an error; knows nothing of
//! SQLite or kiosks. The contract is `shared/nexudus-api.md`.

#[macro_use]
mod codes;

pub mod auth;
mod client;
pub mod commands;
mod counter;
pub mod error;
pub mod limits;
pub mod model;
pub mod passes;
pub mod query;
pub mod records;
pub mod roles;
pub mod time;
pub mod visitors;

pub use auth::{MemoryTokenStore, Secret, StoredAccess, TokenStore};
pub use client::{Client, ClientConfig, Kept, retry_after_said};
pub use commands::CommandInfo;
pub use counter::{RequestCounter, RequestsSent};
pub use error::{ApiError, LoginError};
pub use limits::{Limiter, Limits, Rate, SendJournal, SentBefore};
pub use model::{
    BadRecord, Business, Checkin, CheckinWrite, Coworker, CoworkerContract, FailedCheckin,
    FailedCheckinWrite, FieldError, Page, ServerFields, SimpleTimeZone, Source, Team,
    WriteEnvelope, iana_zone,
};
pub use passes::{CoworkerTimePass, TimePassQuery, TimePassWrite};
pub use query::{
    CheckinQuery, ContractQuery, CoworkerQuery, FailedCheckinQuery, ListQuery, Paging,
    SortDirection, Unfiltered,
};
pub use records::{ListReads, Record};
pub use visitors::{HostApproval, Visitor, VisitorQuery, VisitorSource, VisitorWrite};
