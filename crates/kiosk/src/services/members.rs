//! Members: the grid and the search the screen shows, and their taps (`taps.rs`, `undo.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use super::wrong_tries::WrongTries;
use crate::domain::index::Listed;
use crate::domain::settings::{Location, PrivacyMode, Settings};
use crate::domain::views::{TapOutcome, Tile, display_name, hh_mm};
use crate::error::{Invalid, KioskError};
use crate::shared::Shared;

/// No name or company is longer; a longer search is someone testing the kiosk, not a member.
pub const SEARCH_LONGEST: usize = 100;

/// Each member's latest tap: when, and what it answered.
type RecentTaps = HashMap<i64, (DateTime<Utc>, TapOutcome)>;

/// The members' screen: the grid, the search, and every tap (a tile, a PIN, a card, "Not you?
/// Undo"). Cheap to clone; every clone is the same.
#[derive(Debug, Clone)]
pub struct Members {
    pub(super) shared: Arc<Shared>,
    /// Members who tapped lately, for the double-tap window and undo (in memory: a restart
    /// within the window is no concern).
    pub(super) recent: Arc<Mutex<RecentTaps>>,
    pub(super) tries: WrongTries,
}

impl Members {
    pub(crate) fn new(shared: Arc<Shared>, tries: WrongTries) -> Self {
        Self {
            shared,
            recent: Arc::default(),
            tries,
        }
    }

    /// Forgets a member's latest tap, so the next one counts whatever the window (staff acting
    /// on purpose).
    pub(super) fn forget_tap(&self, member_id: i64) {
        self.recent.lock().unwrap().remove(&member_id);
    }

    pub(super) fn tiles<'a>(
        &self,
        members: impl IntoIterator<Item = Listed<'a>>,
        settings: &Settings,
    ) -> Result<Vec<Tile>, KioskError> {
        let location = settings.location.as_ref();
        let open: HashMap<i64, DateTime<Utc>> = match location {
            Some(l) => self
                .shared
                .store
                .read(|tx| tx.open_checkins(l.id))?
                .into_iter()
                .map(|c| (c.member_id, c.from_time))
                .collect(),
            None => HashMap::new(),
        };
        let tz = location.map_or(chrono_tz::UTC, Location::tz);
        let detailed = settings.privacy != PrivacyMode::Initials;
        let photos = settings.photo_address().is_some();
        let mut plans = Vec::new();
        let mut tiles: Vec<Tile> = members
            .into_iter()
            .map(|m| {
                plans.push(m.plan);
                let in_since = open.get(&m.id).copied();
                Tile {
                    member_id: m.id,
                    name: display_name(m.name, settings.privacy),
                    detail: m.detail.filter(|_| detailed).map(str::to_owned),
                    here: m.here,
                    initials: crate::domain::fold::initials(m.name),
                    photo: photos,
                    in_since,
                    in_since_local: in_since.map(|t| hh_mm(t, tz)),
                }
            })
            .collect();
        crate::domain::views::tell_namesakes_apart(&mut tiles, &plans, detailed);
        Ok(tiles)
    }

    /// The grid: active members of this location in name order, with who is in. Empty in
    /// search-only privacy mode.
    pub fn grid(&self) -> Result<Vec<Tile>, KioskError> {
        let settings = self.shared.settings();
        if settings.privacy == PrivacyMode::SearchOnly {
            return Ok(Vec::new());
        }
        let index = self.shared.index.read().unwrap();
        self.tiles(index.grid(), &settings)
    }

    /// Search as you type: any word of the name or company, case- and accent-insensitive. In
    /// search-only mode nothing shows before 3 letters.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Tile>, KioskError> {
        if query.chars().count() > SEARCH_LONGEST {
            return Err(Invalid::new(
                "query",
                format!("a search is at most {SEARCH_LONGEST} characters"),
            )
            .into());
        }
        let settings = self.shared.settings();
        let letters = crate::domain::fold::letters(query);
        if settings.privacy == PrivacyMode::SearchOnly && letters < 3 {
            return Ok(Vec::new());
        }
        let index = self.shared.index.read().unwrap();
        self.tiles(index.search(query, limit), &settings)
    }

    /// How many members the cache holds.
    pub fn member_count(&self) -> usize {
        self.shared.member_count()
    }
}

#[cfg(test)]
mod tests;
