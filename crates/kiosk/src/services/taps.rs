//! Taps: a tile, a PIN or a card, recorded durably before the member sees the answer.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::Members;
use crate::config::KIOSK_SOURCE;
use crate::domain::attempts::Caller;
use crate::domain::desk_views::today_at;
use crate::domain::events::Event;
use crate::domain::model::{CheckinRow, FailedRow, Member, Origin, OutboxOp, TapMethod};
use crate::domain::rules::{self, Entitlement, Known, Refusal};
use crate::domain::settings::{Location, Settings};
use crate::domain::tally::TapKind;
use crate::domain::views::{IgnoredAfter, TapOutcome, first_name, hh_mm, local_time};
use crate::error::{KioskError, StoreError};
use crate::store::{StateKey, Tx};

/// What a member showed the kiosk in place of their tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credential {
    Pin,
    Card,
}

impl Credential {
    fn method(self) -> TapMethod {
        match self {
            Self::Pin => TapMethod::Pin,
            Self::Card => TapMethod::Card,
        }
    }

    /// What a value no member holds is refused as.
    fn unknown(self) -> KioskError {
        match self {
            Self::Pin => KioskError::UnknownPin,
            Self::Card => KioskError::UnknownCard,
        }
    }
}

impl Members {
    /// A tap on a member's tile: check in, check out, or a refusal, recorded durably before
    /// this returns.
    pub fn tap(&self, member_id: i64) -> Result<TapOutcome, KioskError> {
        self.tap_as(member_id, TapMethod::Tile)
    }

    /// A PIN from the kiosk's own pad ([`Members::tap_pin_from`] at the screen).
    pub async fn tap_pin(&self, pin: &str) -> Result<TapOutcome, KioskError> {
        self.tap_pin_from(Caller::Screen, pin).await
    }

    /// A PIN from a pad. One the cache does not know is looked up online (Nexudus gives PINs
    /// only in whole records, which the background fill reads a member at a time), so a PIN
    /// works from the first day online, and offline once the fill has read its member. Wrong
    /// PINs at one caller make the next try there wait ([`crate::domain::attempts::MEMBER_PIN`]).
    pub async fn tap_pin_from(&self, caller: Caller, pin: &str) -> Result<TapOutcome, KioskError> {
        self.tries.allowed(caller)?;
        let known = match self.tap_credential(Credential::Pin, pin) {
            Err(KioskError::UnknownPin) => crate::sync::look_up_pin(&self.shared, pin).await,
            known => return known,
        };
        if let Some(member) = known {
            self.tap_as(member, TapMethod::Pin)
        } else {
            self.tries.wrong(caller);
            self.shared.tally.unknown(TapKind::UnknownPin);
            Err(KioskError::UnknownPin)
        }
    }

    /// A card number from a reader at the screen ([`Members::tap_card_from`]).
    pub fn tap_card(&self, card: &str) -> Result<TapOutcome, KioskError> {
        self.tap_card_from(Caller::Screen, card)
    }

    /// A card number from a reader (a keyboard wedge types it and Enter); unknown cards count
    /// as wrong tries like PINs.
    pub fn tap_card_from(&self, caller: Caller, card: &str) -> Result<TapOutcome, KioskError> {
        self.tries.allowed(caller)?;
        let outcome = self.tap_credential(Credential::Card, card);
        if matches!(outcome, Err(KioskError::UnknownCard)) {
            self.tries.wrong(caller);
            self.shared.tally.unknown(TapKind::UnknownCard);
        }
        outcome
    }

    /// Finds the member by the keyed hash of a PIN or card number, then taps for them.
    fn tap_credential(
        &self,
        credential: Credential,
        value: &str,
    ) -> Result<TapOutcome, KioskError> {
        let method = credential.method();
        let hash = self.shared.device_key.hash(method.as_str(), value);
        let member = self
            .shared
            .store
            .read(|tx| match credential {
                Credential::Card => tx.member_by_card(&hash),
                Credential::Pin => tx.member_by_pin(&hash),
            })?
            .ok_or(credential.unknown())?;
        self.tap_as(member.id, method)
    }

    /// A tap for `member_id` by `method`: said again within the double-tap window; otherwise
    /// a check-out if they are in here, else a check-in or a refusal by the rules, written with
    /// its outbox entry in one durable transaction before this answers.
    pub(super) fn tap_as(
        &self,
        member_id: i64,
        method: TapMethod,
    ) -> Result<TapOutcome, KioskError> {
        let settings = self.shared.settings();
        let location = settings.location.clone().ok_or(KioskError::NoLocation)?;
        let now = self.shared.clock.now();
        if let Some(again) = self.said_again_within(member_id, now, &settings) {
            self.shared.tally.tapped(&again);
            return Ok(again);
        }
        let tap = Tap {
            member_id,
            method,
            location: &location,
            settings: &settings,
            now,
        };
        let outcome = self.shared.store.write(|tx| {
            let member = tx
                .member(member_id)?
                .ok_or(KioskError::UnknownMember(member_id))?;
            if let Some(open) = tx.open_checkin(member_id, location.id)? {
                return tap.check_out(tx, &member, &open);
            }
            let known = tap.known(tx, &member)?;
            match rules::check_in_allowed(&member, location.id, &settings, &known, now) {
                Ok(entitlement) => tap.check_in(tx, &member, entitlement),
                Err(reason) => tap.refuse(tx, &member, reason),
            }
        })?;
        self.recent
            .lock()
            .unwrap()
            .insert(member_id, (now, outcome.clone()));
        self.shared.tally.tapped(&outcome);
        self.shared.emit(Event::Tapped {
            member_id,
            outcome: outcome.clone(),
        });
        self.shared.nudge.notify_one();
        Ok(outcome)
    }

    /// The member's last answer said again, where they tapped within the double-tap window.
    fn said_again_within(
        &self,
        member_id: i64,
        now: DateTime<Utc>,
        settings: &Settings,
    ) -> Option<TapOutcome> {
        let recent = self.recent.lock().unwrap();
        let (at, before) = recent.get(&member_id)?;
        let window = Duration::seconds(i64::from(settings.double_tap_seconds));
        if now < *at || now - *at >= window {
            return None;
        }
        said_again(member_id, before)
    }
}

/// One tap being written: who, how, where, when.
struct Tap<'a> {
    member_id: i64,
    method: TapMethod,
    location: &'a Location,
    settings: &'a Settings,
    now: DateTime<Utc>,
}

impl Tap<'_> {
    /// What the kiosk knows of what lets `member` in besides a plan: read only for a member
    /// without one (a plan decides at once).
    fn known(&self, tx: &Tx<'_>, member: &Member) -> Result<Known, StoreError> {
        if member.plan.is_some() || tx.get_state(StateKey::PlansAt)?.is_none() {
            return Ok(Known::default());
        }
        let passes = match tx.get_state(StateKey::PassesAt)? {
            Some(_) => Some(tx.member_passes(member.id)?),
            None => None,
        };
        let (_, day_start) = today_at(self.now, self.location.tz());
        Ok(Known {
            plans: true,
            passes,
            in_today: tx.latest_start(member.id)?.is_some_and(|t| t >= day_start),
            today_from: day_start,
        })
    }

    /// The member is in here: their check-in closes now (never before it began: a check-in may
    /// start a second late, see `start_of_check_in`).
    fn check_out(
        &self,
        tx: &Tx<'_>,
        member: &Member,
        open: &CheckinRow,
    ) -> Result<TapOutcome, KioskError> {
        let tz = self.location.tz();
        let now = self.now.max(open.from_time);
        tx.close_checkin(open.local_id, now, Some(local_time(now, tz)))?;
        tx.enqueue(OutboxOp::CloseCheckin, open.local_id, now)?;
        Ok(TapOutcome::Goodbye {
            member_id: self.member_id,
            first_name: first_name(&member.full_name),
            at: now,
            at_local: hh_mm(now, tz),
            minutes: (now - open.from_time).num_minutes().max(0),
            checkin: open.local_id,
        })
    }

    /// The rules let the member in: a check-in from now (or a second after their last one).
    fn check_in(
        &self,
        tx: &Tx<'_>,
        member: &Member,
        entitlement: Entitlement,
    ) -> Result<TapOutcome, KioskError> {
        let tz = self.location.tz();
        let now = rules::start_of_check_in(self.now, tx.latest_start(self.member_id)?);
        let row = CheckinRow {
            local_id: Uuid::now_v7(),
            nexudus_id: None,
            member_id: self.member_id,
            location_id: self.location.id,
            from_time: now,
            from_time_local: Some(local_time(now, tz)),
            to_time: None,
            to_time_local: None,
            source: KIOSK_SOURCE,
            method: self.method.as_str().to_owned(),
            auto_checkout: self.settings.auto_checkout,
            teams: tx.team_names(&member.teams)?,
            plan: member.plan.clone(),
            origin: Origin::Kiosk,
            server_fields: nexudus::ServerFields::default(),
        };
        tx.insert_checkin(&row, now)?;
        tx.enqueue(OutboxOp::CreateCheckin, row.local_id, now)?;
        let pass = match entitlement {
            Entitlement::Pass(used) => {
                // Used here until Nexudus has the check-in: not used twice while offline.
                tx.spend_pass(used.pass_id, row.local_id)?;
                Some(used)
            }
            _ => None,
        };
        Ok(TapOutcome::Welcome {
            pass,
            member_id: self.member_id,
            first_name: first_name(&member.full_name),
            at: now,
            at_local: hh_mm(now, tz),
            checkin: row.local_id,
        })
    }

    /// The rules refuse: a failed check-in with the reason, for Nexudus and staff.
    fn refuse(
        &self,
        tx: &Tx<'_>,
        member: &Member,
        reason: Refusal,
    ) -> Result<TapOutcome, KioskError> {
        let row = FailedRow {
            local_id: Uuid::now_v7(),
            nexudus_id: None,
            member_id: Some(self.member_id),
            location_id: self.location.id,
            attempt_time: self.now,
            attempt_local: Some(local_time(self.now, self.location.tz())),
            source: KIOSK_SOURCE,
            method: self.method.as_str().to_owned(),
            reason: reason.code().to_owned(),
            description: reason.staff_description(&self.location.name),
            teams: tx.team_names(&member.teams)?,
            plan: member.plan.clone(),
        };
        tx.insert_failed(&row)?;
        tx.enqueue(OutboxOp::CreateFailed, row.local_id, self.now)?;
        // A PIN or card refused shows no name: a guessed PIN must not tell whose it is. The
        // member who typed their own knows; reception sees the reason.
        let (member_id, first_name) = if matches!(self.method, TapMethod::Tile | TapMethod::Staff) {
            (Some(self.member_id), first_name(&member.full_name))
        } else {
            (None, String::new())
        };
        Ok(TapOutcome::Rejected {
            member_id,
            first_name,
            reason,
        })
    }
}

/// A second tap within the double-tap window: the first answer, said again (the member sees
/// their name and what stands). None after an undone tap: the next tap counts as if the undone
/// one had never been.
fn said_again(member_id: i64, before: &TapOutcome) -> Option<TapOutcome> {
    let (member_id, first_name, first) = match before {
        TapOutcome::Welcome { first_name, .. } => {
            (Some(member_id), first_name, IgnoredAfter::CheckedIn)
        }
        TapOutcome::Goodbye { first_name, .. } => {
            (Some(member_id), first_name, IgnoredAfter::CheckedOut)
        }
        TapOutcome::Rejected {
            member_id,
            first_name,
            ..
        } => (*member_id, first_name, IgnoredAfter::Refused),
        TapOutcome::Ignored {
            member_id,
            first_name,
            first,
        } => (*member_id, first_name, *first),
        TapOutcome::Undone { .. } => return None,
    };
    Some(TapOutcome::Ignored {
        member_id,
        first_name: first_name.clone(),
        first,
    })
}

#[cfg(test)]
mod tests;
