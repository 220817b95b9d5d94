//! The check-in kiosk's core: the offline member cache, durable check-ins, exactly-once sync to
//! Nexudus, and auto-checkout. One [`Kiosk`] service is all the faces call, through one
//! definition of each call ([`calls`]); nothing of tauri, gtk, webkit or axum is in this
//! crate's tree. `docs/architecture.md` draws the rooms and the rules between them.

mod access;
pub mod autocheckout;
pub mod brand;
pub mod calls;
pub mod clock;
pub mod config;
pub mod desk;
pub mod doctor;
pub mod error;
pub mod events;
pub mod fold;
pub mod guard;
pub mod index;
pub mod kiosk;
pub mod model;
pub mod rules;
pub mod secrets;
pub mod settings;
mod shared;
pub mod staff_pin;
pub mod store;
pub mod sync;
#[cfg(test)]
mod ts_export;
pub mod views;

pub use calls::{Face, NoFace};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{KIOSK_SOURCE, KioskConfig, NEXUDUS_BASE_URL};
pub use error::{ErrorDto, Invalid, KioskError, SecretsError, StoreError};
pub use events::Event;
pub use kiosk::Kiosk;
pub use settings::{AutoCheckoutRule, Location, PrivacyMode, Settings};
pub use sync::{SyncError, SyncHandle, SyncOptions};
pub use views::{
    AuditLine, Capabilities, Connectivity, PairingInfo, QueueItem, Status, TapOutcome, Tile,
};
