//! Tablets and other kiosks paired by a short-lived code: the code staff read out, a tablet or
//! a kiosk offering it (wrong codes made slow per address and in all, for both alike), the
//! tablets paired and revoked. This kiosk's side of pairing with another is in `peers.rs`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::staff_access::{
    PAIRING_CODE_LIFE, Paired, Staff, StaffAccess, new_token, token_hash, use_worth_noting,
};
use crate::domain::attempts::{self, Caller};
use crate::domain::events::Event;
use crate::domain::peers::{self, Heard, PeerOffer};
use crate::domain::views::PairingInfo;
use crate::error::{Invalid, KioskError, StoreError};
use crate::store::{Device, SettingKey};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredCode {
    code: String,
    expires_at: DateTime<Utc>,
}

impl StaffAccess {
    /// The code tablets pair with: the current one, or a new one when it expired or was used.
    pub fn pairing_code(&self, _staff: &Staff) -> Result<PairingInfo, KioskError> {
        let now = self.shared.clock.now();
        let stored = self.stored_code()?.filter(|c| c.expires_at > now);
        let code = match stored {
            Some(c) => c,
            None => self.new_pairing_code()?,
        };
        Ok(self.pairing_info(Some(code)))
    }

    fn pairing_info(&self, code: Option<StoredCode>) -> PairingInfo {
        let required = self.shared.config.capabilities.pairing;
        match code.filter(|_| required) {
            Some(c) => PairingInfo {
                code: c.code,
                expires_at: Some(c.expires_at),
                required,
            },
            None => PairingInfo {
                code: String::new(),
                expires_at: None,
                required,
            },
        }
    }

    fn stored_code(&self) -> Result<Option<StoredCode>, KioskError> {
        Ok(self
            .shared
            .store
            .read(|tx| tx.get_setting(SettingKey::PairingCode))?
            .and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// A new pairing code (the old one stops working), for the command line and the panel.
    pub fn new_pairing_code_info(&self) -> Result<PairingInfo, KioskError> {
        let code = self.new_pairing_code()?;
        Ok(self.pairing_info(Some(code)))
    }

    fn new_pairing_code(&self) -> Result<StoredCode, KioskError> {
        let code = StoredCode {
            code: format!("{:06}", rand::random_range(0..1_000_000)),
            expires_at: self.shared.clock.now() + PAIRING_CODE_LIFE,
        };
        let json = serde_json::to_string(&code)
            .map_err(|e| StoreError::Data(format!("pairing code: {e}")))?;
        self.shared
            .store
            .write(|tx| tx.set_setting(SettingKey::PairingCode, &json))?;
        Ok(code)
    }

    /// Takes a pairing code offered from address `from`. Wrong codes are counted per address
    /// and in all, and past the free ones each further try waits longer (`attempts::PAIR_*`);
    /// while a wait runs no code is even compared, the right one included. The caller uses the
    /// code up in the same transaction that pairs.
    fn take_code(&self, code: &str, from: &str) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let mut tries = self.pair_tries.lock().unwrap();
        let (per_source, global) = &mut *tries;
        let mine = per_source
            .get(from)
            .copied()
            .unwrap_or_default()
            .current(&attempts::PAIR_PER_SOURCE, now);
        let all = global.current(&attempts::PAIR_GLOBAL, now);
        if let Some(seconds) = [mine.locked_for(now), all.locked_for(now)]
            .into_iter()
            .flatten()
            .max()
        {
            return Err(KioskError::LockedOut { seconds });
        }
        let stored = self.stored_code()?.filter(|c| c.expires_at > now);
        let right =
            stored.is_some_and(|c| constant_time_eq(c.code.as_bytes(), code.trim().as_bytes()));
        if !right {
            let mine = mine.failed(&attempts::PAIR_PER_SOURCE, now);
            *global = all.failed(&attempts::PAIR_GLOBAL, now);
            per_source.insert(from.to_owned(), mine);
            let global_wait = global.locked_for(now);
            if global.failures == attempts::PAIR_GLOBAL.free + 1
                || mine.failures == attempts::PAIR_PER_SOURCE.free + 1
            {
                let detail = format!(
                    "{} wrong codes from {from}, {} in all; pairing waits {} s",
                    mine.failures,
                    global.failures,
                    global_wait.or(mine.locked_for(now)).unwrap_or(0)
                );
                self.shared
                    .store
                    .write(|tx| tx.audit(now, "pairing_wrong_codes", &detail))?;
            }
            return Err(KioskError::WrongCode);
        }
        per_source.remove(from);
        Ok(())
    }

    /// A tablet at address `from` offers a pairing code ([`Self::take_code`]); a right code
    /// pairs the tablet and is used up.
    pub fn pair(&self, code: &str, from: &str, name: Option<&str>) -> Result<Paired, KioskError> {
        self.take_code(code, from)?;
        let now = self.shared.clock.now();
        let token = new_token();
        let name = printable_name(name);
        let device_id = self.shared.store.write(|tx| {
            tx.delete_setting(SettingKey::PairingCode)?;
            let id = tx.insert_device(
                name.as_deref().unwrap_or("Tablet"),
                &token_hash(&token),
                from,
                now,
            )?;
            if name.is_none() {
                tx.rename_device(id, &format!("Tablet {id}"))?;
            }
            tx.audit(now, "tablet_paired", &format!("tablet {id} from {from}"))?;
            Ok::<_, StoreError>(id)
        })?;
        Ok(Paired { token, device_id })
    }

    /// Another kiosk at address `from` offers this kiosk's pairing code (the same code tablets
    /// pair with, [`Self::take_code`]), saying who it is and giving the token to read its health
    /// with. A right code pairs the two: this kiosk keeps the other's token in the secret
    /// store, its key to pin, and answers the token the other reads this one's health with.
    pub fn pair_kiosk_from(&self, from: &str, offer: &PeerOffer) -> Result<String, KioskError> {
        let name = peers::kept_name(&offer.name);
        if name.is_empty()
            || !peers::token_looks_right(&offer.token)
            || !peers::key_pin_looks_right(&offer.key_pin)
        {
            return Err(Invalid::new(
                "offer",
                "a kiosk's offer names it, and carries a token and a key pin of 64 hex digits",
            )
            .into());
        }
        self.take_code(&offer.code, from)?;
        let now = self.shared.clock.now();
        let address = peer_address(from, offer.port);
        let heard = Heard::new(
            &name,
            address.clone(),
            offer.location_id,
            &offer.version,
            offer.fingerprint.as_deref(),
        );
        let token = new_token();
        self.shared
            .secrets
            .set(&peers::secret_name(&name), &offer.token)?;
        self.shared.store.write(|tx| {
            tx.delete_setting(SettingKey::PairingCode)?;
            tx.upsert_peer(&heard, now)?;
            tx.pair_kiosk(&name, &address, &offer.key_pin, &token_hash(&token), now)?;
            tx.audit(
                now,
                "kiosk_paired",
                &format!("kiosk {name} at {address} paired by its staff with this kiosk's code"),
            )
        })?;
        self.shared.emit(Event::PeersChanged);
        Ok(token)
    }

    /// The paired tablet holding this token, if it is still paired (its last-seen time moves
    /// at most once a minute, so a busy tablet does not write on every call).
    pub fn device_for_token(&self, token: &str) -> Result<Option<i64>, KioskError> {
        let hash = token_hash(token);
        let Some(device) = self.shared.store.read(|tx| tx.device_by_token(&hash))? else {
            return Ok(None);
        };
        let now = self.shared.clock.now();
        if use_worth_noting(device.last_seen, now) {
            self.shared
                .store
                .write(|tx| tx.touch_device(device.id, now))?;
        }
        Ok(Some(device.id))
    }

    /// Every tablet ever paired, the newest first (staff only).
    pub fn devices(&self, _staff: &Staff) -> Result<Vec<Device>, KioskError> {
        Ok(self.shared.store.read(|tx| tx.devices())?)
    }

    /// Revokes a tablet at once: its next call is refused, its event stream closes, and staff
    /// sessions opened on it end.
    pub fn revoke_device(&self, staff: &Staff, id: i64) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let revoked = self.shared.store.write(|tx| {
            let revoked = tx.revoke_device(id, now)?;
            if revoked {
                tx.audit(
                    now,
                    "tablet_revoked",
                    &format!("tablet {id}, by staff at the {}", staff.caller().describe()),
                )?;
            }
            Ok::<_, StoreError>(revoked)
        })?;
        if !revoked {
            return Err(KioskError::UnknownDevice(id));
        }
        self.end_sessions_of(Caller::Tablet(id));
        self.shared.emit(Event::DeviceRevoked { device_id: id });
        Ok(())
    }
}

/// A name staff give a tablet or a scrape token, as they will read it: printable, trimmed, at
/// most 40 characters.
pub(super) fn printable_name(name: Option<&str>) -> Option<String> {
    let name = crate::domain::fold::printable(name?, 40);
    (!name.is_empty()).then_some(name)
}

/// Where another kiosk's face answers: the address it called from, the port it serves on.
fn peer_address(from: &str, port: u16) -> String {
    match from.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => format!("https://[{v6}]:{port}"),
        _ => format!("https://{from}:{port}"),
    }
}

/// Compares without stopping at the first difference, so timing tells nothing of the code.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
