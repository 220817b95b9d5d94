//! The check-in kiosk's core: the offline member cache, durable check-ins, exactly-once sync to
//! Nexudus, and auto-checkout. One [`Kiosk`] service is all the faces call; nothing of tauri,
//! gtk, webkit or axum is in this crate's tree.

pub mod autocheckout;
pub mod clock;
pub mod error;
pub mod events;
pub mod fold;
pub mod index;
pub mod kiosk;
#[cfg(test)]
mod kiosk_tests;
pub mod model;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod staff_pin;
pub mod store;
pub mod sync;
#[cfg(test)]
mod ts_export;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ErrorDto, KioskError, StoreError};
pub use events::{Connectivity, Event};
pub use kiosk::{Kiosk, KioskConfig, QueueItem, Status, TapOutcome, Tile};
pub use settings::{AutoCheckoutRule, Location, PrivacyMode, Settings};
pub use sync::{SyncHandle, SyncOptions};
