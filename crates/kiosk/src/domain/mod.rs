//! The kiosk's vocabulary: records, rules, what the faces see, settings, the member index, time,
//! wrong tries. Nothing here does I/O (no SQLite, no network, no files, no tasks), so everything
//! here is tested with values alone. Read this folder first; every other room speaks it.

pub mod agreements;
pub mod attempts;
pub mod autocheckout;
pub mod badges;
pub mod brand;
pub mod clock;
pub mod desk_views;
pub mod events;
pub mod fold;
pub mod heartbeat;
pub mod index;
pub mod model;
pub mod passes;
pub mod peers;
pub mod photos;
pub mod problem;
pub mod rules;
pub mod settings;
pub mod staff_pin;
pub mod tally;
pub mod unread;
pub mod views;
