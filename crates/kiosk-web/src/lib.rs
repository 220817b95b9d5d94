//! The kiosk's browser face (HTTP + Server-Sent Events) and the boot both faces share.

pub mod boot;
pub mod http;

pub use boot::{BootOptions, DemoChoice, Running, boot};
