//! The services the faces call, one per concern, each holding just the state it needs:
//! [`Members`] (the grid, search and every tap), [`Visitors`] (guests and walk-ins),
//! [`StaffAccess`] (staff sessions, the staff PIN, paired tablets), [`Desk`] (the staff desk,
//! its fixes and the sync queue), [`Account`] (the Nexudus account, status, settings and sync
//! control) and [`Photos`] (members' photos, where switched on). [`Kiosk`] only opens them and wires them together; `calls.rs` says which service
//! answers each call. The services call the sync engine ([`crate::sync`]); the engine never
//! calls them.

mod account;
mod agreements;
mod badges;
mod desk;
mod desk_fixes;
#[cfg(test)]
pub(crate) mod fixture;
mod members;
mod metrics;
mod pairing;
mod peers;
pub(crate) mod photos;
mod pin_reminder;
mod scrape_tokens;
mod staff_access;
mod taps;
mod undo;
mod visitor_photos;
mod visitors;
mod walk_ins;
mod wrong_tries;

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::config::KioskConfig;
use crate::domain::clock::Clock;
use crate::domain::events::Event;
use crate::error::KioskError;
use crate::shared::Shared;

pub use account::{Account, Readiness};
pub use agreements::{SignedCopy, Signing};
pub use badges::{BadgePrinter, Badges};
pub use desk::Desk;
pub use members::{Members, SEARCH_LONGEST};
pub use peers::PeerLine;
pub use photos::{CACHE_BYTES as PHOTO_CACHE_BYTES, Photos};
pub use scrape_tokens::NewScrapeToken;
pub use staff_access::{Paired, Staff, StaffAccess, StaffSession};
pub use undo::UNDO_WINDOW;
pub use visitor_photos::{PHOTO_MAX, VisitorPhoto};
pub use visitors::{VisitorOutcome, Visitors};
pub use walk_ins::{FoundVisitor, Host, WalkIn};
pub use wrong_tries::{WrongPins, WrongTries};

/// The kiosk: its services, opened on one database and wired together. Cheap to clone; every
/// clone is the same kiosk.
#[derive(Debug, Clone)]
pub struct Kiosk {
    pub(crate) shared: Arc<Shared>,
    members: Members,
    visitors: Visitors,
    staff: StaffAccess,
    desk: Desk,
    account: Account,
    photos: Photos,
    badges: Badges,
}

impl Kiosk {
    /// Opens the kiosk's database and secrets; re-queues whatever a crash left claimed; sets
    /// the first staff PIN from the configuration where none is set.
    pub fn open(config: KioskConfig) -> Result<Self, KioskError> {
        let initial_pin = config.initial_staff_pin.clone();
        let shared = Shared::open(config)?;
        let tries = WrongTries::new(Arc::clone(&shared));
        let members = Members::new(Arc::clone(&shared), tries.clone());
        let staff = StaffAccess::new(Arc::clone(&shared), tries.clone(), initial_pin.as_deref())?;
        Ok(Self {
            visitors: Visitors::new(Arc::clone(&shared), tries, members.clone()),
            desk: Desk::new(Arc::clone(&shared), members.clone()),
            account: Account::new(Arc::clone(&shared), staff.clone()),
            photos: Photos::new(Arc::clone(&shared)),
            badges: Badges::new(Arc::clone(&shared)),
            members,
            staff,
            shared,
        })
    }

    /// Visitors' badges: made, printed, reprinted; the printer's condition.
    pub fn badges(&self) -> &Badges {
        &self.badges
    }

    /// The grid, the search and every tap.
    pub fn members(&self) -> &Members {
        &self.members
    }

    /// Guests by code or name, and walk-ins.
    pub fn visitors(&self) -> &Visitors {
        &self.visitors
    }

    /// Staff sessions, the staff PIN, paired tablets, wrong member PINs.
    pub fn staff(&self) -> &StaffAccess {
        &self.staff
    }

    /// The staff desk, its fixes and the sync queue.
    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// The Nexudus account, the status, the settings, sync control.
    pub fn account(&self) -> &Account {
        &self.account
    }

    /// Members' photos, where the operator switched them on.
    pub fn photos(&self) -> &Photos {
        &self.photos
    }

    /// Every change the faces show, pushed.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.shared.events.subscribe()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.shared.clock)
    }
}
