//! Walk-ins: a visitor without an invitation registers at the kiosk (name, e-mail, company,
//! whom they visit, the space's terms where staff set them) and is sent to Nexudus as a new
//! Visitor (`VisitorSource` NexIO) by the outbox, exactly once. Where staff switch on host
//! approval, the visitor waits for the host's answer on a screen of their own; the kiosk stays
//! free for the next person, and each waiting visitor shows by first name in a strip.
//!
//! Offline with host approval on, nobody can answer: the walk-in is recorded all the same (sent
//! once the kiosk is back online, asking the host as usual), and the visitor is asked to see
//! reception at once rather than wait for an answer that cannot come.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use nexudus::HostApproval;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{VisitorOutcome, Visitors};
use crate::domain::attempts::Caller;
use crate::domain::model::{OutboxOp, VisitorRow, WalkInRow};
use crate::domain::settings::PrivacyMode;
use crate::domain::views::{Connectivity, display_name, first_name, hh_mm};
use crate::error::{Invalid, KioskError, StoreError};
use crate::store::GuestRow;

/// What a walk-in gives at the kiosk.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
pub struct WalkIn {
    pub full_name: String,
    pub email: String,
    pub company: Option<String>,
    /// The member they visit, as found by `visitor_hosts`.
    pub host_id: i64,
    /// Their signature of the location's agreement, where staff set one; none on the first
    /// try, which answers `invalid` on field `agreement` when they must sign (a returning
    /// visitor who signed this version, known by the e-mail and name typed, need not).
    pub signing: Option<super::Signing>,
    /// The visit of the previous badge they showed (`VisitorOutcome::Returning`): an e-mail
    /// left blank is the one they gave then.
    #[serde(default)]
    pub returning: Option<Uuid>,
    /// Their photo, or their choice not to have one, where staff ask for photos; none on the
    /// first try, which answers `invalid` on field `photo` when one is asked.
    #[serde(default)]
    pub photo: Option<super::VisitorPhoto>,
}

/// A member a walk-in may visit, as the search shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Host {
    pub member_id: i64,
    pub name: String,
}

/// How many hosts a search shows: enough to pick from, too few to page through the members.
const HOSTS_SHOWN: usize = 5;

/// How long a walk-in's answer stays in the waiting strip after the host answered.
const DECIDED_SHOWN: Duration = Duration::minutes(2);

/// The longest name, e-mail or company the form takes.
const FIELD_LONGEST: usize = 120;

fn field(name: &'static str, value: &str, required: bool) -> Result<Option<String>, Invalid> {
    let value = value.trim();
    if value.chars().count() > FIELD_LONGEST {
        return Err(Invalid::new(
            name,
            format!("at most {FIELD_LONGEST} characters"),
        ));
    }
    if value.is_empty() && required {
        return Err(Invalid::new(name, "is needed"));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// An address that can receive mail, as far as a form can tell: something, one `@`, and a
/// domain with a dot.
pub(super) fn plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

impl Visitors {
    /// Members a walk-in may visit whose name starts with what they typed (two letters at
    /// least, three where the privacy mode is search only), named as the privacy mode allows
    /// but never as bare initials, and nothing of whether they are in.
    pub fn hosts(&self, query: &str) -> Result<Vec<Host>, KioskError> {
        let privacy = self.shared.settings().privacy;
        // Where the grid shows nobody, finding a host asks as much as finding oneself.
        let shortest = if privacy == PrivacyMode::SearchOnly {
            3
        } else {
            2
        };
        if crate::domain::fold::letters(query) < shortest {
            return Ok(Vec::new());
        }
        let mode = match privacy {
            PrivacyMode::Initials => PrivacyMode::FirstNameInitial,
            mode => mode,
        };
        let tiles = self.members.search(query, HOSTS_SHOWN * 4)?;
        let hosts = self.shared.store.read(|tx| {
            let mut hosts = Vec::new();
            for t in tiles.iter().filter(|t| t.here).take(HOSTS_SHOWN) {
                if let Some(m) = tx.member(t.member_id)? {
                    hosts.push(Host {
                        member_id: m.id,
                        name: display_name(&m.full_name, mode),
                    });
                }
            }
            Ok::<_, StoreError>(hosts)
        })?;
        Ok(hosts)
    }

    /// A returning walk-in's company, from their e-mail and name as typed now (both: the
    /// e-mail alone tells nothing), where staff have the kiosk remember walk-ins.
    pub fn returning_company(
        &self,
        email: &str,
        full_name: &str,
    ) -> Result<Option<String>, KioskError> {
        if self.shared.settings().visitors.remember_days == 0 {
            return Ok(None);
        }
        let Some(signer) = crate::domain::agreements::signer_key(email, full_name) else {
            return Ok(None);
        };
        Ok(self
            .shared
            .store
            .read(|tx| tx.guest_by_signer(&signer))?
            .and_then(|g| g.company))
    }

    /// A walk-in registers. Recorded durably before the answer, sent by the outbox.
    pub fn walk_in(&self, caller: Caller, walk_in: &WalkIn) -> Result<VisitorOutcome, KioskError> {
        self.tries.allowed(caller)?;
        let settings = self.shared.settings();
        let location = settings.location.clone().ok_or(KioskError::NoLocation)?;
        let rules = &settings.visitors;
        if !rules.walk_ins {
            return Err(Invalid::new("walk_ins", "this kiosk does not register walk-ins").into());
        }
        let full_name = field("full_name", &walk_in.full_name, true)?.unwrap_or_default();
        // A returning guest who showed a previous badge need not type their e-mail again.
        let remembered = match walk_in.returning {
            Some(visit) if walk_in.email.trim().is_empty() => self
                .shared
                .store
                .read(|tx| tx.guest_by_visit(visit))?
                .map(|g| g.email),
            _ => None,
        };
        let email = match remembered {
            Some(email) => email,
            None => field("email", &walk_in.email, true)?.unwrap_or_default(),
        };
        if !plausible_email(&email) {
            return Err(Invalid::new("email", "is not an e-mail address").into());
        }
        let company = field("company", walk_in.company.as_deref().unwrap_or(""), false)?;
        let host = self
            .shared
            .store
            .read(|tx| tx.member(walk_in.host_id))?
            .filter(|m| m.active)
            .ok_or_else(|| Invalid::new("host_id", "is not a member here"))?;
        let now = self.shared.clock.now();
        let local_id = Uuid::now_v7();
        let signer = crate::domain::agreements::signer_key(&email, &full_name);
        // The agreement: signed before, or signed now (its copy kept with the registration).
        let copy = match rules.agreement() {
            None => None,
            Some(agreement) => {
                let returning = match &signer {
                    Some(s) => self
                        .shared
                        .store
                        .read(|tx| tx.has_signed(s, agreement.version))?,
                    None => false,
                };
                match (&walk_in.signing, returning) {
                    (_, true) => None,
                    (None, false) => {
                        return Err(
                            Invalid::new("agreement", "the agreement must be signed").into()
                        );
                    }
                    (Some(signing), false) => Some(super::agreements::signed_copy(
                        agreement,
                        signing,
                        local_id,
                        &full_name,
                        signer.clone(),
                        now,
                        location.tz(),
                    )?),
                }
            }
        };
        let agreed = rules.agreement().is_some();
        let photo = match (&walk_in.photo, rules.photos) {
            (_, false) => None,
            (None, true) => {
                return Err(Invalid::new(
                    "photo",
                    "the visitor's photo, or their choice not to have one",
                )
                .into());
            }
            (Some(photo), true) => Some(photo.bytes()?),
        };
        let ask_host = rules.host_approval;
        let reachable = matches!(
            self.shared.connectivity(),
            Connectivity::Online | Connectivity::Throttled | Connectivity::MissingRole
        );
        let row = VisitorRow {
            local_id,
            nexudus_id: None,
            location_id: location.id,
            full_name,
            code: None,
            host_id: Some(host.id),
            host_name: Some(host.full_name.clone()),
            expected_arrival: now,
            arrived_at: (!ask_host).then_some(now),
            departed_at: None,
            approval: if ask_host {
                HostApproval::Requested
            } else {
                HostApproval::NotRequired
            },
            walk_in: Some(WalkInRow {
                email: Some(email),
                company,
                agreed_terms: agreed,
            }),
            asked_at: None,
            signer,
        };
        let badge = rules.printer().is_some() && !ask_host;
        self.shared.store.write(|tx| {
            tx.insert_walk_in(&row)?;
            if let Some((signed, pdf)) = &copy {
                tx.keep_signed(signed, pdf)?;
            }
            if let Some(photo) = &photo {
                tx.keep_visitor_photo(row.local_id, photo.as_deref(), now)?;
            }
            if rules.remember_days > 0 {
                let w = row.walk_in.clone().unwrap_or_default();
                tx.remember_guest(&GuestRow {
                    visit: row.local_id,
                    signer: row.signer.clone(),
                    full_name: row.full_name.clone(),
                    company: w.company,
                    email: w.email.unwrap_or_default(),
                    seen_at: now,
                })?;
            }
            if badge {
                tx.queue_badge(row.local_id, now)?;
            }
            tx.enqueue(OutboxOp::VisitorCreated, row.local_id, now)
        })?;
        self.shared.nudge.notify_one();
        if badge {
            self.shared.badge_queued.notify_one();
        }
        self.shared.emit_progress();
        let first = first_name(&row.full_name);
        Ok(if !ask_host {
            VisitorOutcome::Arrived {
                visit: row.local_id,
                first_name: first,
                host_name: row.host_name,
                at_local: hh_mm(now, location.tz()),
            }
        } else if reachable {
            waiting_state(&row, now, rules.approval_wait(), location.tz())
        } else {
            VisitorOutcome::SeeReception { first_name: first }
        })
    }

    /// Where a waiting walk-in stands: still waiting (and how long), in, declined, or sent to
    /// reception after no answer.
    pub fn waiting(&self, visit: Uuid) -> Result<VisitorOutcome, KioskError> {
        let row = self
            .shared
            .store
            .read(|tx| tx.visitor(visit))?
            .filter(|v| v.walk_in.is_some() || v.asked_at.is_some())
            .ok_or(KioskError::UnknownCode)?;
        let settings = self.shared.settings();
        let tz = settings.location.map_or(chrono_tz::UTC, |l| l.tz());
        Ok(waiting_state(
            &row,
            self.shared.clock.now(),
            settings.visitors.approval_wait(),
            tz,
        ))
    }

    /// The walk-ins of the last minutes, waiting or just answered, for the strip the screen
    /// shows (first names only).
    pub fn walk_ins_now(&self) -> Result<Vec<VisitorOutcome>, KioskError> {
        let settings = self.shared.settings();
        let Some(location) = settings.location else {
            return Ok(Vec::new());
        };
        let (wait, tz) = (settings.visitors.approval_wait(), location.tz());
        let now = self.shared.clock.now();
        let since = now - wait - DECIDED_SHOWN;
        let rows = self
            .shared
            .store
            .read(|tx| tx.walk_ins_since(location.id, since))?;
        Ok(rows
            .iter()
            .filter(|v| v.approval != HostApproval::NotRequired)
            .map(|v| waiting_state(v, now, wait, tz))
            .collect())
    }

    /// Today's visitors whose name starts with what was typed (three letters at least), for a
    /// guest who has no code at hand. Search only: nothing lists the guests. A search that
    /// finds nobody counts as a wrong try, so names cannot be fished for.
    pub fn find(&self, caller: Caller, query: &str) -> Result<Vec<FoundVisitor>, KioskError> {
        self.tries.allowed(caller)?;
        if crate::domain::fold::letters(query) < 3 {
            return Ok(Vec::new());
        }
        let location = self.shared.location()?;
        let since = self.shared.clock.now() - crate::domain::model::VISITORS_DAY;
        let rows = self
            .shared
            .store
            .read(|tx| tx.visitors_named(location.id, since, query, FOUND_SHOWN))?;
        if rows.is_empty() {
            self.tries.wrong(caller);
        }
        Ok(rows
            .iter()
            // A walk-in still waiting or declined is reception's; an expected guest whose host
            // must approve may ask at the screen.
            .filter(|v| v.may_sign_in() || v.walk_in.is_none())
            .map(|v| FoundVisitor {
                visit: v.local_id,
                name: display_name(&v.full_name, PrivacyMode::FirstNameInitial),
                host_name: v.host_name.as_deref().map(first_name),
                signed_in: v.inside(),
            })
            .collect())
    }
}

/// Where a walk-in stands at `now`: waiting (and how long), in, declined, or sent to reception
/// after `wait` without an answer.
/// Where a visitor waiting for their host's answer stands: waiting (with the time left),
/// declined, sent to reception, or signed in.
pub(super) fn waiting_state(
    v: &VisitorRow,
    now: DateTime<Utc>,
    wait: Duration,
    tz: Tz,
) -> VisitorOutcome {
    let first_name = first_name(&v.full_name);
    match v.approval {
        HostApproval::Rejected => VisitorOutcome::Declined { first_name },
        HostApproval::Requested => {
            let left = v.waiting_since() + wait - now;
            if left <= Duration::zero() {
                VisitorOutcome::SeeReception { first_name }
            } else {
                VisitorOutcome::Waiting {
                    visit: v.local_id,
                    first_name,
                    host_name: v.host_name.clone(),
                    seconds_left: u32::try_from(left.num_seconds()).unwrap_or(0),
                }
            }
        }
        // Approved after the wait ran out: the visitor was sent to reception already.
        _ if v.arrived_at.is_none() => VisitorOutcome::SeeReception { first_name },
        _ => VisitorOutcome::Arrived {
            visit: v.local_id,
            first_name,
            host_name: v.host_name.clone(),
            at_local: hh_mm(v.arrived_at.unwrap_or(now), tz),
        },
    }
}

/// How many visitors a name search shows.
const FOUND_SHOWN: usize = 3;

/// A visitor found by name: their first name and initial, whom they visit (first name), and
/// whether they are in (to offer sign-in or sign-out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FoundVisitor {
    pub visit: Uuid,
    pub name: String,
    pub host_name: Option<String>,
    pub signed_in: bool,
}

#[cfg(test)]
mod tests;
