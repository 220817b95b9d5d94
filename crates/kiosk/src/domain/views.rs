//! What the faces see: the DTOs every call answers with (types for the UI are generated from
//! these by ts-rs), and how a name is shown. Nothing here reads the store or the network.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::model::OutboxEntry;
use crate::domain::passes::PassUse;
use crate::domain::rules::Refusal;
use crate::domain::settings::{Location, PrivacyMode};

/// Whether the kiosk reaches Nexudus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// The last exchange with Nexudus succeeded (the queue may still be sending).
    Online,
    /// Nexudus cannot be reached; taps keep queueing.
    Offline,
    /// Nexudus asked the kiosk to slow down (or the kiosk's own limits hold it back).
    Throttled,
    /// The session ended: a staff member must log in; taps keep queueing.
    NeedsLogin,
    /// The account lacks a role a call needs (`Status.problem` names the call): the rest
    /// works, and what needs the role waits for an administrator to grant it.
    MissingRole,
    /// No account: nothing to sync to.
    #[default]
    NotConfigured,
}

impl Connectivity {
    pub const ALL: [Self; 6] = [
        Self::Online,
        Self::Offline,
        Self::Throttled,
        Self::NeedsLogin,
        Self::MissingRole,
        Self::NotConfigured,
    ];

    /// Its name as the faces and the command line show it (`needs_login`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Offline => "offline",
            Self::Throttled => "throttled",
            Self::NeedsLogin => "needs_login",
            Self::MissingRole => "missing_role",
            Self::NotConfigured => "not_configured",
        }
    }
}

/// A member's tile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Tile {
    pub member_id: i64,
    /// The name as the privacy mode allows.
    pub name: String,
    /// What tells two members of one name apart (the company, else the first team), where the
    /// privacy mode shows more than initials.
    pub detail: Option<String>,
    /// Active and of this location: a tap checks in here (search also finds the others, who
    /// get a clear refusal).
    pub here: bool,
    pub initials: String,
    /// Photos are on: the screen may ask for this member's (`member_photo`), and shows the
    /// initials until one comes.
    pub photo: bool,
    /// Checked in here since (UTC), if in.
    pub in_since: Option<DateTime<Utc>>,
    /// The same, as the location's wall-clock time ("09:12").
    pub in_since_local: Option<String>,
}

/// What a tap did: what the member sees. A refusal comes as its reason's code; the face words
/// it in the member's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TapOutcome {
    /// Checked in. `checkin`: the check-in, for "Not you? Undo" (`undo_tap`).
    Welcome {
        member_id: i64,
        first_name: String,
        at: DateTime<Utc>,
        at_local: String,
        checkin: Uuid,
        /// The pass it uses, for a member without a plan ("Day Pass: 7 left").
        pass: Option<PassUse>,
    },
    /// Checked out of `checkin` (which `undo_tap` can open again).
    Goodbye {
        member_id: i64,
        first_name: String,
        at: DateTime<Utc>,
        at_local: String,
        minutes: i64,
        checkin: Uuid,
    },
    /// "Not you? Undo": the tap taken back. `in_since` is what stands again: none after an
    /// undone check-in (the member is out), the check-in's start after an undone check-out.
    Undone {
        member_id: i64,
        first_name: String,
        in_since: Option<DateTime<Utc>>,
        in_since_local: Option<String>,
    },
    /// A refusal. By PIN or card it names nobody (no id, an empty first name): a guessed PIN
    /// must not tell whose it is.
    Rejected {
        member_id: Option<i64>,
        first_name: String,
        reason: Refusal,
    },
    /// A second tap within the double-tap window: nothing recorded, the first answer stands.
    /// `first`: what that first tap was (a welcome, a goodbye, a refusal), to say it again;
    /// it names the member as that first answer did.
    Ignored {
        member_id: Option<i64>,
        first_name: String,
        first: IgnoredAfter,
    },
}

/// What the tap before an ignored one did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum IgnoredAfter {
    CheckedIn,
    CheckedOut,
    Refused,
}

/// What the face the kiosk runs in can do, as the face declared it when it opened the kiosk.
/// The UI shows a control only where its face can act on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Capabilities {
    /// Start the kiosk when the computer starts (the desktop app).
    pub autostart: bool,
    /// Leave full-screen kiosk mode (the desktop app).
    pub leave_kiosk: bool,
    /// Pair tablets with a code (the browser face on a network address).
    pub pairing: bool,
    /// Read a visitor's QR code with a camera, where the browser has one (the browser face; the
    /// desktop app's WebKitGTK on Linux has no camera access, so it reads QR codes through a
    /// USB 2D scanner).
    pub camera: bool,
    /// Serve `GET /metrics` to a scraper holding a token staff made (`kiosk serve`).
    pub metrics: bool,
}

/// The status bar and the staff panel's sync view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Status {
    pub connectivity: Connectivity,
    /// Since when the connectivity is what it is (offline since, throttled since...).
    pub connectivity_since: Option<DateTime<Utc>>,
    /// The last successful exchange with Nexudus: moves with every one, mid-drain too.
    pub last_sync: Option<DateTime<Utc>>,
    /// When the sync engine tries again, when it is waiting (offline, throttled).
    pub next_try: Option<DateTime<Utc>>,
    /// What the last failed exchange said, for staff (which call, which role): cleared by the
    /// next success.
    pub problem: Option<crate::error::ErrorDto>,
    pub pending: i64,
    pub parked: i64,
    pub demo: bool,
    /// Demo mode shows its staff PIN so anyone trying it can open the staff panel.
    pub demo_staff_pin: Option<String>,
    /// No staff PIN yet: the first staff member to open the panel chooses one.
    pub staff_pin_set: bool,
    pub location: Option<Location>,
    pub members: usize,
    pub capabilities: Capabilities,
    /// "Forgot your PIN?" is offered: online, and the account can e-mail a member their PIN.
    pub pin_reminder: bool,
    /// A first load of the account's members under way: the grid is not whole yet.
    pub loading: Option<MemberLoad>,
    /// Who the kiosk is logged in as, and where: the staff panel shows it.
    pub account: Option<AccountView>,
}

/// A load of the account's members the grid does not show whole yet (a first load, or the
/// first after a login to another account), as far as it has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MemberLoad {
    /// Members read so far.
    pub loaded: u64,
    /// How many the account has, where Nexudus said (`TotalItems`).
    pub total: Option<u64>,
    /// About how long the rest takes, from the limits and the pace so far.
    pub seconds_left: Option<u64>,
}

/// "loading, 2130 of 5000, about 40 s left", for `kiosk status`.
impl std::fmt::Display for MemberLoad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "loading, {}", self.loaded)?;
        if let Some(total) = self.total {
            write!(f, " of {total}")?;
        }
        if let Some(left) = self.seconds_left {
            write!(f, ", about {left} s left")?;
        }
        Ok(())
    }
}

/// The Nexudus login the kiosk holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AccountView {
    /// The e-mail the kiosk logged in with.
    pub user: Option<String>,
    /// The API's address (`https://spaces.nexudus.com`, a simulator's in demo mode).
    pub base_url: String,
}

/// One line of the sync queue in the staff panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QueueItem {
    pub entry: OutboxEntry,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    /// For a visitor's entry, the visitor's name (staff see it; the public screen never does).
    pub visitor_name: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

/// One line of the staff audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AuditLine {
    pub at: DateTime<Utc>,
    pub action: String,
    pub detail: String,
}

/// The code tablets pair with, for the staff panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PairingInfo {
    /// Empty where the face needs no pairing.
    pub code: String,
    /// When the code stops working (it also stops once a tablet used it).
    pub expires_at: Option<DateTime<Utc>>,
    pub required: bool,
}

/// The first word of a name, for "Welcome, Zoë".
pub fn first_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_owned()
}

/// Namesakes on one screen are told apart: a tile whose shown name appears more than once
/// among `tiles` and that has nothing else to show gets its member's plan (`plans`, in the same
/// order) as its detail: a hint the member knows, never more than the privacy mode shows
/// (`detailed` is false where it shows initials only). The grid comes in name order, where
/// namesakes are neighbours and a look at each tile's neighbours finds them (a grid of 20,000
/// costs no hashing); a short list in another order (a search) is counted.
pub fn tell_namesakes_apart(tiles: &mut [Tile], plans: &[Option<&str>], detailed: bool) {
    const COUNTED_UP_TO: usize = 64;
    if !detailed {
        return;
    }
    let shared = |i: usize| {
        let name = &tiles[i].name;
        if tiles.len() <= COUNTED_UP_TO {
            tiles.iter().filter(|t| &t.name == name).count() > 1
        } else {
            (i > 0 && tiles[i - 1].name == *name)
                || tiles.get(i + 1).is_some_and(|t| t.name == *name)
        }
    };
    // Only a tile with nothing to show is looked at (most have a company or a team).
    let hinted: Vec<usize> = (0..tiles.len())
        .filter(|&i| tiles[i].detail.is_none() && plans[i].is_some() && shared(i))
        .collect();
    for i in hinted {
        tiles[i].detail = plans[i].map(str::to_owned);
    }
}

/// The name as the privacy mode allows on the public grid.
pub fn display_name(full: &str, mode: PrivacyMode) -> String {
    let words: Vec<&str> = full.split_whitespace().collect();
    match mode {
        PrivacyMode::FullName | PrivacyMode::SearchOnly => full.to_owned(),
        PrivacyMode::FirstNameInitial => match words.as_slice() {
            [] => String::new(),
            [only] => (*only).to_owned(),
            [head, .., last] => format!(
                "{head} {}.",
                last.chars()
                    .next()
                    .map(|c| c.to_uppercase().collect::<String>())
                    .unwrap_or_default()
            ),
        },
        PrivacyMode::Initials => crate::domain::fold::initials(full),
    }
}

/// A UTC time as the location's wall clock shows it.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

/// "09:12" at the location.
pub fn hh_mm(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(name: &str, detail: Option<&str>) -> Tile {
        Tile {
            member_id: 1,
            name: name.to_owned(),
            detail: detail.map(str::to_owned),
            here: true,
            initials: String::new(),
            photo: false,
            in_since: None,
            in_since_local: None,
        }
    }

    #[test]
    fn namesakes_without_a_company_or_team_are_told_apart_by_their_plan() {
        let mut tiles = vec![
            tile("Agnieszka Chen", Some("Founders Circle")),
            tile("Agnieszka Chen", None),
            tile("Zoë Ødegaard", None),
        ];
        let plans = [Some("Hot Desk"), Some("Dedicated Desk"), Some("Hot Desk")];
        tell_namesakes_apart(&mut tiles, &plans, true);
        let details: Vec<Option<&str>> = tiles.iter().map(|t| t.detail.as_deref()).collect();
        assert_eq!(
            details,
            [Some("Founders Circle"), Some("Dedicated Desk"), None],
            "the company stays; the namesake without one shows the plan; a unique name shows nothing more"
        );

        let mut initials = vec![tile("AC", None), tile("AC", None)];
        tell_namesakes_apart(&mut initials, &plans[..2], false);
        assert!(
            initials.iter().all(|t| t.detail.is_none()),
            "initials only: nothing more, namesakes or not"
        );
    }
}
