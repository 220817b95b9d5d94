//! Visitors' photos, where staff switch them on: one per visit, or none by the visitor's choice.

use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::Tx;
use super::values::{Id, Ts};
use crate::error::StoreError;

impl Tx<'_> {
    /// Keeps a visit's photo (`None`: they chose not to have one); the first answer stands.
    pub fn keep_visitor_photo(
        &self,
        visit: Uuid,
        photo: Option<&[u8]>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO visitor_photos (visit, photo, taken_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (visit) DO NOTHING",
            params![Id(visit), photo, Ts(at)],
        )?;
        Ok(())
    }

    /// Whether the visitor of `visit` answered the camera (a photo, or none by choice).
    pub fn visitor_photo_answered(&self, visit: Uuid) -> Result<bool, StoreError> {
        Ok(self
            .row(
                "SELECT 1 FROM visitor_photos WHERE visit = ?1",
                [Id(visit)],
                |_| Ok(()),
            )?
            .is_some())
    }

    /// A visit's photo, where one was taken.
    pub fn visitor_photo(&self, visit: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .row(
                "SELECT photo FROM visitor_photos WHERE visit = ?1",
                [Id(visit)],
                |r| r.get::<_, Option<Vec<u8>>>("photo"),
            )?
            .flatten())
    }
}
