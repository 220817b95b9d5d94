//! Whole member records, read one at a time: the only answer with a member's PIN (list answers
//! are projections and batch answers leave it out, as Nexudus documents). The fill reads them in
//! the background, the location's members and the most recently changed first, so that PINs work
//! offline; a PIN the kiosk does not know yet is looked up online with the documented filter.

use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use futures::TryStreamExt;
use nexudus::{ApiError, Client, CoworkerQuery, Paging};
use tracing::{debug, info};

use super::{SyncEngine, SyncError, wire};
use crate::domain::events::Event;
use crate::domain::views::Connectivity;
use crate::error::StoreError;
use crate::shared::Shared;

/// A PIN shorter than this is not looked up online: with a filter that matches any PIN
/// containing it, it would find half the account.
const SHORTEST_PIN: usize = 4;

/// The most members one online look-up reads whole to compare PINs.
const MOST_CANDIDATES: usize = 3;

/// How long a member waits at the pad for an online look-up before "PIN not recognised".
pub(crate) const LOOKUP_TIMEOUT: StdDuration = StdDuration::from_secs(3);

/// After this many members read whole, the search index is rebuilt (their companies).
const REINDEX_AFTER: usize = 50;

/// Reads member `id`'s whole record and keeps it (an archived or vanished member leaves the
/// cache). Answers whether anything the grid or search shows changed, and the member as kept.
async fn read_whole(
    shared: &Shared,
    api: &Client,
    id: i64,
) -> Result<(bool, Option<crate::domain::model::Member>), SyncError> {
    let record = match api.coworker(id).await {
        Ok(c) => Some(c),
        Err(ApiError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let key = &shared.device_key;
    let changed = shared.store.write(|tx| {
        let cached = tx.member(id)?;
        let Some(c) = record.filter(|c| c.archived != Some(true)) else {
            tx.remove_member(id)?;
            return Ok::<_, StoreError>((cached.is_some(), None));
        };
        let member = wire::member(&c, cached.as_ref(), key, wire::Read::Whole);
        let shown = |m: &crate::domain::model::Member| {
            (
                m.full_name.clone(),
                m.company.clone(),
                m.active,
                m.home_location,
                m.locations.clone(),
            )
        };
        let changed = cached.as_ref().map(shown) != Some(shown(&member));
        tx.upsert_member(&member)?;
        tx.set_full_read(id)?;
        Ok((changed, Some(member)))
    })?;
    Ok(changed)
}

impl SyncEngine {
    /// Reads up to `fill_batch` whole records of members the kiosk lacks them for. Answers how
    /// soon to come back, while some remain.
    pub(super) async fn fill(&self, api: &Client) -> Result<Option<StdDuration>, SyncError> {
        let batch = self.options.fill_batch;
        let Some(location) = self.shared.settings().location.map(|l| l.id) else {
            return Ok(None);
        };
        if batch == 0 {
            return Ok(None);
        }
        let ids = self
            .shared
            .store
            .read(|tx| tx.members_to_fill(location, batch + 1))?;
        for id in ids.iter().take(batch) {
            if self.is_stopping() {
                break;
            }
            if read_whole(&self.shared, api, *id).await?.0 {
                self.shared.fill_unindexed.fetch_add(1, Ordering::SeqCst);
            }
        }
        let more = ids.len() > batch;
        let unindexed = self.shared.fill_unindexed.load(Ordering::SeqCst);
        if unindexed >= REINDEX_AFTER || (!more && unindexed > 0) {
            self.shared.fill_unindexed.store(0, Ordering::SeqCst);
            self.shared.rebuild_index()?;
            self.shared.emit(Event::MembersChanged);
        }
        if !more {
            let (filled, total) = self.shared.store.read(|tx| tx.fill_progress())?;
            debug!(filled, total, "every member's whole record is read");
        }
        Ok(more.then_some(self.options.fill_every))
    }
}

/// Looks a PIN the cache does not know up online: the documented filter
/// `Coworker_AccessPincode`, then each candidate's whole record (the filter may match any PIN
/// containing the one typed, and the list answer carries no PIN to check). Answers the member
/// whose PIN is exactly this one, now kept in the cache so the PIN works offline next time.
/// `None` when the kiosk is not online, the PIN is too short, no one or more than one member
/// has it, or the look-up fails or takes too long.
pub(crate) async fn look_up_pin(shared: &Shared, pin: &str) -> Option<i64> {
    let pin = pin.trim();
    if pin.len() < SHORTEST_PIN || shared.connectivity() != Connectivity::Online {
        return None;
    }
    let api = shared.api()?;
    if shared.pin_lookups.check().is_err() {
        info!("online PIN look-ups are coming too fast: this one is not made");
        return None;
    }
    let look_up = async {
        let query = CoworkerQuery {
            access_pincode: Some(pin.to_owned()),
            paging: Paging {
                size: MOST_CANDIDATES as u32 + 1,
                ..Paging::default()
            },
            ..CoworkerQuery::default()
        };
        // The first page is enough: more candidates than it holds is too many anyway.
        let candidates: Vec<nexudus::Coworker> = std::pin::pin!(api.coworker_pages(query))
            .try_next()
            .await?
            .map(|p| p.records)
            .unwrap_or_default();
        if candidates.is_empty() || candidates.len() > MOST_CANDIDATES {
            return Ok::<_, SyncError>(None);
        }
        let hash = shared.device_key.hash("pin", pin);
        let mut found = Vec::new();
        for c in &candidates {
            let (_, member) = read_whole(shared, &api, c.id).await?;
            if member.is_some_and(|m| m.pin_hash.as_ref() == Some(&hash)) {
                found.push(c.id);
            }
        }
        Ok((found.len() == 1).then(|| found[0]))
    };
    match tokio::time::timeout(LOOKUP_TIMEOUT, look_up).await {
        Ok(Ok(Some(id))) => {
            // A member new to the cache joins the grid.
            if let Err(e) = shared.rebuild_index() {
                debug!(error = %e, "index after a PIN look-up");
            }
            Some(id)
        }
        Ok(Ok(None)) => None,
        Ok(Err(e)) => {
            debug!(error = %e, "online PIN look-up failed");
            None
        }
        Err(_) => {
            debug!("online PIN look-up took too long");
            None
        }
    }
}
