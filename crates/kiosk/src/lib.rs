//! The check-in kiosk's core: the offline member cache, durable check-ins, exactly-once sync to
//! Nexudus, and auto-checkout. Its folders are its layers: [`domain`] (the vocabulary, no I/O),
//! [`store`] (the only SQL), [`sync`] (the engine), [`services`] (one per concern, wired by
//! [`Kiosk`]) and [`calls`] (every call a face can make, declared once). Nothing of tauri, gtk,
//! webkit or axum is in this crate's tree. `docs/architecture.md` draws the layers and the rules
//! between them.

pub mod calls;
pub mod config;
pub mod doctor;
pub mod domain;
pub mod error;
mod limits;
pub mod secrets;
pub mod services;
mod shared;
pub mod store;
pub mod sync;
#[cfg(test)]
mod ts_export;

pub use calls::{Face, NoFace};
pub use config::{KIOSK_SOURCE, KioskConfig, NEXUDUS_BASE_URL};
pub use domain::clock::{Clock, ManualClock, SystemClock};
pub use domain::events::Event;
pub use domain::settings::{AutoCheckoutRule, Location, PrivacyMode, Settings};
pub use domain::views::{
    AccountView, AuditLine, Capabilities, Connectivity, MemberLoad, PairingInfo, QueueItem, Status,
    TapOutcome, Tile,
};
pub use error::{ErrorCode, ErrorDto, Invalid, KioskError, SecretsError, StoreError};
pub use services::photos::{
    CACHE_BYTES as PHOTO_CACHE_BYTES, FETCH_BURST as PHOTO_FETCH_BURST,
    FETCHES_PER_MINUTE as PHOTO_FETCHES_PER_MINUTE,
};
pub use services::{Kiosk, NewScrapeToken, Readiness};
pub use sync::{SyncError, SyncHandle, SyncOptions};
