//! The kiosk's browser face: the `Kiosk` over HTTP + Server-Sent Events for browser tablets.
//! Start-up (demo mode, the data directory) is `kiosk-boot`'s, shared with the desktop app.

pub mod discovery;
pub mod http;
pub mod peering;
#[cfg(target_os = "linux")]
pub mod systemd;
pub mod tls;

pub use kiosk_boot::logs::LOG_FILES_KEPT;
pub use kiosk_boot::{BootOptions, DemoChoice, Running, boot};
