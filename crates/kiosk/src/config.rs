//! How a face opens a kiosk.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use crate::domain::clock::{Clock, SystemClock};
use crate::domain::views::Capabilities;
use crate::secrets::SecretStore;

/// `Source` of every check-in the kiosk makes: 4 = Tile. A PIN or a card at the kiosk is still
/// the kiosk's own check-in; how the member identified is kept locally (`method`).
pub const KIOSK_SOURCE: i64 = 4;

/// The production API.
pub const NEXUDUS_BASE_URL: &str = "https://spaces.nexudus.com";

/// How to open a kiosk.
#[derive(Debug, Clone)]
pub struct KioskConfig {
    /// Where the database (and, without a keyring, the secrets file) live; `None`: in memory.
    pub data_dir: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    /// Where secrets live; by default the OS keyring, or a file in `data_dir`.
    pub secrets: Option<Arc<SecretStore>>,
    /// The API client's limits (the published ones by default).
    pub limits: nexudus::Limits,
    pub request_timeout: StdDuration,
    /// Demo mode: running against the built-in simulator.
    pub demo: bool,
    /// Sets the staff PIN when none is set yet (demo mode shows it on screen).
    pub initial_staff_pin: Option<String>,
    /// Talk to this API base instead of the one stored at login (IT's `--api-base`).
    pub api_base_override: Option<String>,
    /// What the face opening the kiosk can do; the status tells the UI.
    pub capabilities: Capabilities,
    /// How long the staff desk reuses Nexudus's refusals of the day once read: the desk reads
    /// again on every burst of events, which must not cost a request each.
    pub refusals_kept_for: StdDuration,
    /// The most members' photos take on disk (`services/photos.rs`).
    pub photo_cache_bytes: u64,
}

impl Default for KioskConfig {
    fn default() -> Self {
        Self {
            data_dir: None,
            clock: Arc::new(SystemClock),
            secrets: None,
            limits: nexudus::Limits::default(),
            request_timeout: StdDuration::from_secs(30),
            demo: false,
            initial_staff_pin: None,
            api_base_override: None,
            capabilities: Capabilities::default(),
            refusals_kept_for: StdDuration::from_mins(1),
            photo_cache_bytes: crate::domain::photos::CACHE_BYTES,
        }
    }
}
