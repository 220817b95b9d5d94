//! What staff do: the staff PIN, settings, the sync queue, the audit log.

use chrono::{DateTime, Utc};

use super::{Kiosk, STAFF_ATTEMPTS_KEY, STAFF_PIN_KEY, Staff};

const LOGO_KEY: &str = "brand_logo";
use crate::error::{KioskError, StoreError};
use crate::guard::{self, Attempts};
use crate::model::{OutboxStatus, RecordKind};
use crate::settings::{Location, PrivacyMode, Settings};
use crate::staff_pin;
use crate::store::Tx;
use crate::views::{AuditLine, QueueItem, Tile};

impl Kiosk {
    /// The members in at this location now as tiles, longest in first, by full name whatever
    /// the grid's privacy (staff only): the staff desk's presence, members only.
    pub fn who_is_in(&self, staff: &Staff) -> Result<Vec<Tile>, KioskError> {
        let settings = Settings {
            privacy: PrivacyMode::FullName,
            ..self.settings()
        };
        let people = self.presence(staff)?;
        self.tiles(
            people.iter().filter_map(|p| {
                Some(crate::index::Listed {
                    id: p.member_id?,
                    name: p.name.as_str(),
                    detail: None,
                    here: true,
                })
            }),
            &settings,
        )
    }

    /// The sync queue for the staff panel: parked entries first, then what waits. Staff only.
    pub fn queue(&self, _staff: &Staff, limit: i64) -> Result<Vec<QueueItem>, KioskError> {
        self.shared.store.read(|tx| {
            let mut entries = tx.outbox_with(OutboxStatus::Parked, limit)?;
            entries.extend(tx.outbox_with(OutboxStatus::Pending, limit)?);
            entries.extend(tx.outbox_with(OutboxStatus::Claimed, limit)?);
            entries
                .into_iter()
                .map(|entry| {
                    let mut visitor_name = None;
                    let (member_id, at) = match entry.op.record() {
                        RecordKind::Checkin => {
                            tx.checkin(entry.target)?.map_or((None, None), |c| {
                                (Some(c.member_id), Some(c.to_time.unwrap_or(c.from_time)))
                            })
                        }
                        RecordKind::Failed => tx
                            .failed(entry.target)?
                            .map_or((None, None), |f| (f.member_id, Some(f.attempt_time))),
                        RecordKind::Visitor => {
                            let v = tx.visitor(entry.target)?;
                            visitor_name = v.as_ref().map(|v| v.full_name.clone());
                            let at = v.and_then(|v| {
                                v.departed_at.or(v.arrived_at).or(Some(v.expected_arrival))
                            });
                            (None, at)
                        }
                    };
                    let member_name = member_id
                        .and_then(|id| tx.member(id).ok().flatten())
                        .map(|m| m.full_name);
                    Ok(QueueItem {
                        entry,
                        member_id,
                        member_name,
                        visitor_name,
                        at,
                    })
                })
                .collect::<Result<Vec<_>, KioskError>>()
        })
    }

    /// Puts a parked entry back in the queue, where it always was.
    pub fn retry_parked(&self, staff: &Staff, entry_id: i64) -> Result<(), KioskError> {
        self.settle_parked(staff, entry_id, "queue_retry", |tx, now| {
            tx.unpark(entry_id, now)
        })?;
        self.shared.nudge.notify_one();
        Ok(())
    }

    /// Drops a parked entry for good.
    pub fn discard_parked(&self, staff: &Staff, entry_id: i64) -> Result<(), KioskError> {
        self.settle_parked(staff, entry_id, "queue_discard", |tx, now| {
            tx.discard(entry_id, now)
        })
    }

    /// What staff do to a parked entry: needs the staff PIN, and is written to the audit log
    /// with what the entry was and why it was refused.
    fn settle_parked(
        &self,
        staff: &Staff,
        entry_id: i64,
        action: &str,
        apply: impl FnOnce(&Tx<'_>, DateTime<Utc>) -> Result<bool, StoreError>,
    ) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            let entry = tx.outbox_entry(entry_id)?;
            match entry {
                Some(e) if apply(tx, now)? => {
                    let detail = format!(
                        "entry {entry_id} ({} of {}): {}; by staff at the {}",
                        e.op.as_str(),
                        e.target,
                        e.last_error.unwrap_or_default(),
                        staff.caller().describe()
                    );
                    tx.audit(now, action, &detail)?;
                    Ok(())
                }
                _ => Err(KioskError::NotParked(entry_id)),
            }
        })?;
        self.shared.emit_progress();
        Ok(())
    }

    /// Asks the sync engine for a round now, pulling members and today's check-ins too.
    pub fn sync_now(&self) {
        self.shared
            .pull_now
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.shared.nudge.notify_one();
    }

    // ---- staff --------------------------------------------------------------------------------

    pub fn staff_pin_is_set(&self) -> Result<bool, KioskError> {
        Ok(self
            .shared
            .store
            .read(|tx| tx.get_setting(STAFF_PIN_KEY))?
            .is_some())
    }

    /// Checks the staff PIN, counting wrong tries ([`guard::STAFF_PIN`]): the fifth wrong try
    /// in a row locks the panel for a while that grows with each further one.
    pub(super) fn verify_staff_pin(&self, pin: &str) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let (stored, attempts) = self.shared.store.read(|tx| {
            let attempts: Attempts = tx
                .get_setting(STAFF_ATTEMPTS_KEY)?
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            Ok::<_, StoreError>((tx.get_setting(STAFF_PIN_KEY)?, attempts))
        })?;
        if let Some(seconds) = attempts.locked_for(now) {
            return Err(KioskError::LockedOut { seconds });
        }
        let Some(stored) = stored else {
            return Err(KioskError::NoStaffPin);
        };
        let good = staff_pin::matches(pin, &stored);
        let next = if good {
            Attempts::default()
        } else {
            attempts.failed(&guard::STAFF_PIN, now)
        };
        if next != attempts {
            self.shared.store.write(|tx| {
                tx.set_setting(
                    STAFF_ATTEMPTS_KEY,
                    &serde_json::to_string(&next).unwrap_or_default(),
                )?;
                if let Some(seconds) = next.locked_for(now) {
                    tx.audit(
                        now,
                        "staff_pin_lockout",
                        &format!("{} wrong tries; locked for {seconds} s", next.failures),
                    )?;
                }
                Ok::<_, StoreError>(())
            })?;
        }
        match (good, next.locked_for(now)) {
            (true, _) => Ok(()),
            (false, Some(seconds)) => Err(KioskError::LockedOut { seconds }),
            (false, None) => Err(KioskError::WrongPin {
                tries_left: next.tries_left(&guard::STAFF_PIN),
            }),
        }
    }

    /// Changes the settings (staff only). A new location rebuilds the grid.
    pub fn update_settings(&self, _staff: &Staff, settings: Settings) -> Result<(), KioskError> {
        settings.validate()?;
        self.shared.save_settings(settings, "settings_changed")?;
        self.shared.nudge.notify_one();
        Ok(())
    }

    /// The space's logo as a `data:` URL, if staff set one (kept on the kiosk: shown offline).
    pub fn logo(&self) -> Result<Option<String>, KioskError> {
        Ok(self.shared.store.read(|tx| tx.get_setting(LOGO_KEY))?)
    }

    /// Sets the space's logo (a PNG, JPEG or WebP `data:` URL of at most 256 KB), or removes it.
    pub fn set_logo(&self, staff: &Staff, image: Option<&str>) -> Result<(), KioskError> {
        if let Some(image) = image {
            crate::brand::validate_logo(image)?;
        }
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            match image {
                Some(image) => tx.set_setting(LOGO_KEY, image)?,
                None => tx.delete_setting(LOGO_KEY)?,
            }
            let what = if image.is_some() { "set" } else { "removed" };
            tx.audit(
                now,
                "logo_changed",
                &format!("{what}, by staff at the {}", staff.caller().describe()),
            )
        })?;
        self.shared.emit(crate::events::Event::SettingsChanged);
        Ok(())
    }

    /// The locations of the account, for the picker (read at the last sync).
    pub fn locations(&self) -> Result<Vec<Location>, KioskError> {
        let rows = self.shared.store.read(|tx| tx.locations())?;
        Ok(rows
            .into_iter()
            .map(|l| Location {
                id: l.id,
                name: l.name,
                time_zone: l.time_zone.unwrap_or_else(|| "UTC".into()),
                nexudus_zone: l.nexudus_zone,
                zone_set_by_staff: false,
            })
            .collect())
    }

    /// The newest audit-log entries (staff only).
    pub fn audit_log(&self, _staff: &Staff, limit: i64) -> Result<Vec<AuditLine>, KioskError> {
        let entries = self.shared.store.read(|tx| tx.audit_entries(limit))?;
        Ok(entries
            .into_iter()
            .map(|e| AuditLine {
                at: e.at,
                action: e.action,
                detail: e.detail,
            })
            .collect())
    }
}
