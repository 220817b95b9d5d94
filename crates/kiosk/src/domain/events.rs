//! Domain events: every change the faces show, pushed instead of polled.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::views::{Connectivity, TapOutcome};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A member tapped; the grid updates that member's tile.
    Tapped {
        member_id: i64,
        outcome: TapOutcome,
    },
    /// The sync queue changed.
    SyncProgress {
        pending: i64,
        parked: i64,
    },
    Connectivity {
        state: Connectivity,
    },
    /// A sync round finished.
    Synced {
        at: DateTime<Utc>,
    },
    /// The member cache or today's check-ins changed: reload the grid.
    MembersChanged,
    SettingsChanged,
    /// The account's locations were read and differ from before: the staff panel's picker
    /// reads them again.
    LocationsChanged,
    /// A first load of members went on (`load` says how far) or ended (`None`).
    MembersLoading {
        load: Option<crate::domain::views::MemberLoad>,
    },
    /// Staff revoked a paired tablet: its event stream ends, its calls are refused.
    DeviceRevoked {
        device_id: i64,
    },
    /// A visitor's badge printed, or did not (reception has it to make).
    BadgePrinted {
        visit: uuid::Uuid,
        printed: bool,
    },
    /// A kiosk was paired or unpaired with this one, or a paired kiosk's health was read: the
    /// desk's kiosks read again, and the face reads a newly paired kiosk's health at once.
    PeersChanged,
}
