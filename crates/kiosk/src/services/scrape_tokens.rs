//! Tokens IT's metrics scraper reads `GET /metrics` with: made by staff (shown once), listed,
//! revoked at once. Kept only as hashes; a token's last use moves at most once a minute.

use serde::Serialize;

use super::staff_access::{Staff, StaffAccess, new_token, token_hash, use_worth_noting};
use crate::error::{KioskError, StoreError};
use crate::store::ScrapeToken;

/// A token just made: the only time it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NewScrapeToken {
    pub id: i64,
    pub token: String,
}

/// What a token is called when staff give it no name.
const UNNAMED: &str = "Prometheus";

impl StaffAccess {
    /// A new scrape token named `name` (trimmed, printable, at most 40 characters).
    pub fn new_scrape_token(
        &self,
        staff: &Staff,
        name: Option<&str>,
    ) -> Result<NewScrapeToken, KioskError> {
        let now = self.shared.clock.now();
        let token = new_token();
        let name = super::pairing::printable_name(name).unwrap_or_else(|| UNNAMED.to_owned());
        let id = self.shared.store.write(|tx| {
            let id = tx.insert_scrape_token(&name, &token_hash(&token), now)?;
            tx.audit(
                now,
                "scrape_token_made",
                &format!(
                    "scrape token {id} \"{name}\", by staff at the {}",
                    staff.caller().describe()
                ),
            )?;
            Ok::<_, StoreError>(id)
        })?;
        Ok(NewScrapeToken { id, token })
    }

    /// Every scrape token ever made, the newest first (staff only).
    pub fn scrape_tokens(&self, _staff: &Staff) -> Result<Vec<ScrapeToken>, KioskError> {
        Ok(self.shared.store.read(|tx| tx.scrape_tokens())?)
    }

    /// Revokes a scrape token at once: the next scrape with it is refused.
    pub fn revoke_scrape_token(&self, staff: &Staff, id: i64) -> Result<(), KioskError> {
        let now = self.shared.clock.now();
        let revoked = self.shared.store.write(|tx| {
            let revoked = tx.revoke_scrape_token(id, now)?;
            if revoked {
                tx.audit(
                    now,
                    "scrape_token_revoked",
                    &format!(
                        "scrape token {id}, by staff at the {}",
                        staff.caller().describe()
                    ),
                )?;
            }
            Ok::<_, StoreError>(revoked)
        })?;
        if revoked {
            Ok(())
        } else {
            Err(KioskError::UnknownScrapeToken(id))
        }
    }

    /// Whether `token` is a scrape token in use (its last use noted at most once a minute).
    pub fn scrape_token_valid(&self, token: &str) -> Result<bool, KioskError> {
        let hash = token_hash(token);
        let Some(found) = self
            .shared
            .store
            .read(|tx| tx.scrape_token_by_hash(&hash))?
        else {
            return Ok(false);
        };
        let now = self.shared.clock.now();
        if use_worth_noting(found.last_used, now) {
            self.shared
                .store
                .write_relaxed(|tx| tx.touch_scrape_token(found.id, now))?;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::token_hash;
    use crate::services::fixture::{PIN, fixture};

    #[test]
    fn a_token_is_valid_until_revoked_and_only_its_hash_is_kept() {
        let f = fixture();
        let staff = f.kiosk.staff();
        let s = staff.by_pin(PIN).unwrap();
        let made = staff
            .new_scrape_token(&s, Some("  Prometheus eu\u{7}  "))
            .unwrap();
        assert_eq!(made.token.len(), 64, "256 random bits, in hex");
        assert!(staff.scrape_token_valid(&made.token).unwrap());
        assert!(!staff.scrape_token_valid("not-a-token").unwrap());
        let listed = staff.scrape_tokens(&s).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            listed[0].name, "Prometheus eu",
            "trimmed, control characters dropped"
        );
        assert!(listed[0].last_used.is_some(), "the check noted its use");
        let store = &f.kiosk.shared.store;
        assert!(
            store
                .read(|tx| tx.scrape_token_by_hash(&made.token))
                .unwrap()
                .is_none()
                && store
                    .read(|tx| tx.scrape_token_by_hash(&token_hash(&made.token)))
                    .unwrap()
                    .is_some(),
            "the token is kept only as its hash"
        );

        staff.revoke_scrape_token(&s, made.id).unwrap();
        assert!(
            !staff.scrape_token_valid(&made.token).unwrap(),
            "a revoked token reads nothing"
        );
        assert!(
            staff.revoke_scrape_token(&s, made.id).is_err(),
            "revoking twice says there is no such token in use"
        );
        let audit: Vec<String> = store
            .read(|tx| tx.audit_entries(10))
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(audit.contains(&"scrape_token_made".to_owned()), "{audit:?}");
        assert!(
            audit.contains(&"scrape_token_revoked".to_owned()),
            "{audit:?}"
        );
    }

    #[test]
    fn a_token_without_a_name_is_called_prometheus() {
        let f = fixture();
        let staff = f.kiosk.staff();
        let s = staff.by_pin(PIN).unwrap();
        staff.new_scrape_token(&s, Some("   ")).unwrap();
        assert_eq!(staff.scrape_tokens(&s).unwrap()[0].name, "Prometheus");
    }
}
