//! Pull: locations and teams, members (a full load daily, deltas between), and today's
//! check-ins of the location, each when it is due or when staff ask.

use crate::store::StateKey;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

use chrono::Duration;
use futures::{StreamExt, TryStreamExt};
use nexudus::{ApiError, CheckinQuery, Client, CoworkerQuery, Paging};
use tracing::{debug, info, instrument, warn};

use super::{SyncEngine, SyncError, decide, wire};
use crate::domain::events::Event;
use crate::domain::model::{Member, Origin, OutboxOp};
use crate::domain::unread::RecordList;
use crate::domain::views::Connectivity;
use crate::error::StoreError;
use crate::store::StoredLocation;

/// A read the account may not be allowed (or the server may not have) answers "nothing".
fn optional<T>(read: Result<Vec<T>, ApiError>) -> Result<Vec<T>, ApiError> {
    match read {
        Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => Ok(Vec::new()),
        other => other,
    }
}

impl SyncEngine {
    pub(super) fn due(&self, key: StateKey, every: Duration) -> Result<bool, StoreError> {
        let last = self.shared.store.read(|tx| tx.get_state_time(key))?;
        let now = self.shared.clock.now();
        Ok(last.is_none_or(|t| now - t >= every || t > now))
    }

    pub(super) fn mark(&self, key: StateKey) -> Result<(), StoreError> {
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| tx.set_state_time(key, now))
    }

    /// The pulls that are due. Answers the refusal of a read the account lacks a role for, when
    /// the rest could go on without it (the contracts).
    pub(super) async fn pull(&self, api: &Client) -> Result<Option<ApiError>, SyncError> {
        let asked = self.shared.pull_now.swap(false, Ordering::SeqCst);
        let full = self.due(StateKey::MembersFullAt, self.options.full_reload_interval)?;
        let mut missing_role = None;
        if full || asked {
            // Locations and their zones, and whether the account can e-mail a member their
            // PIN: daily, and whenever staff ask for a sync.
            missing_role = self.pull_reference(api).await?;
            super::reminders::discover(&self.shared, api).await?;
        }
        if full {
            self.pull_members(api, true).await?;
            // The first refusal of the round is the one named (a first run waits on the
            // location list, refused before this).
            missing_role = missing_role.or(self.pull_entitlements(api).await?);
            self.mark(StateKey::MembersFullAt)?;
            self.mark(StateKey::MembersDeltaAt)?;
        } else if asked || self.due(StateKey::MembersDeltaAt, self.options.member_interval)? {
            self.pull_members(api, false).await?;
            // The first refusal of the round is the one named (a first run waits on the
            // location list, refused before this).
            missing_role = missing_role.or(self.pull_entitlements(api).await?);
            self.mark(StateKey::MembersDeltaAt)?;
        }
        if asked || self.due(StateKey::CheckinsAt, self.options.checkin_interval)? {
            self.pull_checkins(api).await?;
            self.pull_visitors(api).await?;
            self.mark(StateKey::CheckinsAt)?;
        }
        Ok(missing_role)
    }

    /// Locations (for the picker, each with its zone) and team names (for the records).
    /// Answers the refusal of the location list, which the rest of the round goes on without:
    /// it is said at once (a first run waits on that list), and again at the round's end.
    async fn pull_reference(&self, api: &Client) -> Result<Option<ApiError>, SyncError> {
        let read = api.businesses().try_collect::<Vec<_>>().await;
        let refused = match &read {
            Err(e @ ApiError::Forbidden { .. }) => Some(e.clone()),
            _ => None,
        };
        if let Some(e) = &refused {
            let problem = crate::error::KioskError::Api(e.clone()).to_dto();
            self.shared.note_problem(problem, None);
            self.shared.set_connectivity(Connectivity::MissingRole);
        }
        let locations = optional(read)?;
        let zones: Vec<nexudus::SimpleTimeZone> = if locations.is_empty() {
            Vec::new()
        } else {
            optional(api.simple_time_zones().try_collect().await)?
        };
        let teams: Vec<nexudus::Team> = optional(api.teams().try_collect().await)?;
        let (rows, changed) = self.shared.store.write(|tx| {
            let known = tx.locations()?;
            let rows = wire::locations(&locations, &zones, &known);
            let changed = !rows.is_empty() && rows != known;
            if changed {
                tx.replace_locations(&rows)?;
            }
            if !teams.is_empty() {
                let rows: Vec<_> = teams.iter().map(|t| (t.id, t.name.clone())).collect();
                tx.replace_teams(&rows)?;
            }
            Ok::<_, StoreError>((rows, changed))
        })?;
        if changed {
            self.shared.emit(Event::LocationsChanged);
        }
        self.follow_location_zone(&rows)?;
        Ok(refused)
    }

    /// The kiosk's location keeps the zone Nexudus gives it (unless staff set one): a zone
    /// changed in Nexudus, or first known after the location was picked, is taken up here.
    fn follow_location_zone(&self, rows: &[StoredLocation]) -> Result<(), StoreError> {
        let mut settings = self.shared.settings();
        let Some(location) = settings.location.as_mut() else {
            return Ok(());
        };
        let Some(row) = rows.iter().find(|r| r.id == location.id) else {
            return Ok(());
        };
        let (Some(zone), false) = (&row.time_zone, location.zone_set_by_staff) else {
            return Ok(());
        };
        if location.time_zone == *zone && location.nexudus_zone == row.nexudus_zone {
            return Ok(());
        }
        info!(
            from = %location.time_zone,
            to = %zone,
            nexudus_name = ?row.nexudus_zone,
            "the location's zone, or Nexudus's name for it, is new to the kiosk"
        );
        location.time_zone.clone_from(zone);
        location.nexudus_zone.clone_from(&row.nexudus_zone);
        self.shared
            .save_settings(settings, "time_zone_from_nexudus")
    }

    /// Keeps what this round's reads met: records that did not read are named to staff (a
    /// warning the first time each is met), and leave the list when they read again.
    pub(super) fn note_reads(&self, api: &Client) {
        let reads = api.take_reads();
        if reads.is_empty() {
            return;
        }
        let now = self.shared.clock.now();
        let noted = self.shared.store.write(|tx| {
            let mut new = Vec::new();
            for (path, seen) in &reads {
                let Some(list) = RecordList::of_path(path) else {
                    continue;
                };
                let first_met = tx.note_reads(list, &seen.skipped, &seen.read, now)?;
                new.extend(first_met.into_iter().map(|bad| (list, bad)));
            }
            Ok::<_, StoreError>(new)
        });
        match noted {
            Ok(new) => {
                for (list, bad) in new {
                    warn!(list = list.code(), id = ?bad.id, field = %bad.field, shape = %bad.shape, "a record did not read: the others are read, and this one's last good copy is kept");
                }
            }
            Err(e) => debug!(error = %e, "the records that did not read could not be kept"),
        }
    }

    /// A full load (every member; members gone upstream leave the cache) or a delta since the
    /// newest `UpdatedOn` seen. Members whose record did not change cost nothing more.
    #[instrument(skip_all, fields(full), err(Debug))]
    async fn pull_members(&self, api: &Client, full: bool) -> Result<(), SyncError> {
        let store = &self.shared.store;
        let cursor = store.read(|tx| tx.get_state_time(StateKey::MembersCursor))?;
        let since = if full {
            None
        } else {
            cursor.map(|c| c - Duration::minutes(1))
        };
        let query = CoworkerQuery {
            updated_since: since,
            paging: Paging::default(),
            ..CoworkerQuery::default()
        };
        let mut pages = std::pin::pin!(api.coworker_pages(query));
        let mut seen = HashSet::new();
        let mut newest = cursor;
        let mut changed = 0usize;
        // Said done when it drops: at the end, after the new members are in the grid, or at
        // an error on the way.
        let mut progress = full.then(|| FirstLoad::new(&self.shared));
        while let Some(page) = pages.next().await {
            let page = page?;
            // A first load after an outage takes a while: the bar says online at its first
            // page, not at the end of the round.
            self.shared.reached();
            for c in &page.records {
                seen.insert(c.id);
                newest = newest.max(c.updated_on);
            }
            // A record that did not read is still the account's: its last good copy stays (and
            // staff are told of it: `note_reads`).
            seen.extend(page.skipped.iter().filter_map(|b| b.id));
            if let Some(p) = progress.as_mut() {
                p.page_listed(&page);
            }
            changed += self
                .keep_page(api, &page.records, progress.as_mut())
                .await?;
            if let Some(p) = progress.as_mut() {
                p.read(page.records.len() + page.skipped.len());
            }
        }
        let removed = if full { self.remove_unseen(&seen)? } else { 0 };
        if let Some(t) = newest {
            store.write(|tx| tx.set_state_time(StateKey::MembersCursor, t))?;
        }
        if changed > 0 || removed > 0 {
            info!(changed, removed, full, "member cache refreshed");
            self.shared.rebuild_index()?;
            self.shared.emit(Event::MembersChanged);
        }
        Ok(())
    }

    /// Keeps the members of one page the cache does not have at this version: their whole
    /// records read in batches for teams and locations, archived ones removed. Answers how
    /// many changed.
    async fn keep_page(
        &self,
        api: &Client,
        records: &[nexudus::Coworker],
        progress: Option<&mut FirstLoad<'_>>,
    ) -> Result<usize, SyncError> {
        let store = &self.shared.store;
        let cached: Vec<Option<Member>> = store.read(|tx| {
            records
                .iter()
                .map(|c| tx.member(c.id))
                .collect::<Result<Vec<_>, _>>()
        })?;
        let fresh: Vec<(&nexudus::Coworker, Option<&Member>)> = records
            .iter()
            .zip(cached.iter())
            .filter(|(c, m)| {
                m.as_ref()
                    .is_none_or(|m| m.updated_on != c.updated_on || m.updated_on.is_none())
            })
            .map(|(c, m)| (c, m.as_ref()))
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = fresh.iter().map(|(c, _)| c.id).collect();
        let details = self.whole_records(api, &ids, progress).await?;
        let key = &self.shared.device_key;
        // Nexudus archives customers rather than deleting them: an archived one leaves.
        let (archived, current): (Vec<_>, Vec<_>) = fresh
            .iter()
            .map(|(c, cached)| (wire::merged(c, details.get(&c.id)), *cached))
            .partition(|(c, _)| c.archived == Some(true));
        let members: Vec<Member> = current
            .iter()
            .map(|(c, cached)| wire::member(c, *cached, key, wire::Read::Partial))
            .collect();
        store.write(|tx| {
            for m in &members {
                tx.upsert_member(m)?;
            }
            for (c, _) in &archived {
                tx.remove_member(c.id)?;
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(members.len() + archived.len())
    }

    /// Whole records of `ids` in batches; a batch read the account refuses ends the reading
    /// (the list answers are kept as they are).
    async fn whole_records(
        &self,
        api: &Client,
        ids: &[i64],
        mut progress: Option<&mut FirstLoad<'_>>,
    ) -> Result<HashMap<i64, nexudus::Coworker>, SyncError> {
        let mut details = HashMap::new();
        for chunk in ids.chunks(self.options.detail_batch.max(1)) {
            match api.coworkers_by_ids(chunk).await {
                Ok(records) => {
                    details.extend(records.into_iter().map(|c| (c.id, c)));
                    // A page is a thousand members: the count moves with each batch of them.
                    if let Some(p) = progress.as_deref_mut() {
                        p.reading(details.len());
                    }
                }
                Err(
                    ApiError::NotFound { .. }
                    | ApiError::Forbidden { .. }
                    | ApiError::Validation { .. },
                ) => break,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(details)
    }

    /// After a full load: members the account no longer lists leave the cache.
    fn remove_unseen(&self, seen: &HashSet<i64>) -> Result<usize, StoreError> {
        self.shared.store.write(|tx| {
            let gone: Vec<i64> = tx
                .member_ids()?
                .into_iter()
                .filter(|id| !seen.contains(id))
                .collect();
            for id in &gone {
                tx.remove_member(*id)?;
            }
            Ok(gone.len())
        })
    }

    /// Today's check-ins at the location, so the grid shows who is in wherever they checked in,
    /// and who Nexudus (its cut-off), another kiosk or a door checked out. Local changes not yet
    /// synced win, so nothing flickers.
    #[instrument(skip_all, err(Debug))]
    async fn pull_checkins(&self, api: &Client) -> Result<(), SyncError> {
        let Some(location) = self.shared.settings().location else {
            return Ok(());
        };
        let tz = location.tz();
        let now = self.shared.clock.now();
        // The last day, and as far back as the oldest check-in the kiosk still holds open (at
        // most a week): one the server closed (its cut-off, a door) long after it began must
        // still be heard of.
        let oldest_open = self.shared.store.read(|tx| tx.open_checkins(location.id))?;
        let since = oldest_open
            .iter()
            .map(|row| row.from_time)
            .chain([now - Duration::hours(24)])
            .min()
            .unwrap_or(now)
            .max(now - Duration::days(7));
        let query = CheckinQuery {
            business_id: Some(location.id),
            from_time_after: Some(since),
            ..CheckinQuery::default()
        };
        let records: Vec<nexudus::Checkin> = api.checkins(query).try_collect().await?;
        let mut changed = false;
        self.shared.store.write(|tx| {
            for r in &records {
                if let Some(row) = tx.checkin_for_record(&wire::server_key(r))? {
                    if row.nexudus_id.is_none() {
                        // The server has our check-in: adopt its Id (the outbox then skips it).
                        tx.set_checkin_nexudus_id(row.local_id, r.id)?;
                    }
                    if row.to_time.is_none()
                        && let Some((to, to_local)) = wire::closed_at(r, tz)
                    {
                        tx.close_checkin(row.local_id, to, to_local)?;
                        changed = true;
                    }
                    continue;
                }
                if let Some(row) = wire::server_checkin(r) {
                    tx.insert_checkin(&row, now)?;
                    changed = true;
                }
            }
            Ok::<_, StoreError>(())
        })?;
        let closed = self.close_own_duplicates(&records)?;
        if changed || closed > 0 {
            self.shared.emit(Event::MembersChanged);
        }
        if closed > 0 {
            self.shared.emit_progress();
        }
        Ok(())
    }

    /// Two kiosks that each opened a check-in for one member before hearing of the other's:
    /// this kiosk closes its own when it is the later one, at the moment it began (a visit of
    /// no length), and the check-out goes out like any other.
    fn close_own_duplicates(&self, records: &[nexudus::Checkin]) -> Result<usize, StoreError> {
        let now = self.shared.clock.now();
        self.shared.store.write(|tx| {
            let mine = |c: &nexudus::Checkin| {
                tx.checkin_by_nexudus_id(c.id)
                    .ok()
                    .flatten()
                    .is_some_and(|row| row.origin == Origin::Kiosk && row.to_time.is_none())
            };
            let duplicates = decide::own_duplicates(records, mine);
            for id in &duplicates {
                if let Some(row) = tx.checkin_by_nexudus_id(*id)? {
                    info!(
                        member = row.member_id,
                        nexudus_id = id,
                        "closing this kiosk's duplicate of another open check-in"
                    );
                    tx.close_checkin(row.local_id, row.from_time, row.from_time_local)?;
                    tx.mark_merged(row.local_id)?;
                    tx.enqueue(OutboxOp::CloseCheckin, row.local_id, now)?;
                }
            }
            Ok::<_, StoreError>(duplicates.len())
        })
    }
}

/// A full load of members, followed batch by batch for the screens while the grid is not
/// whole: the account has more members than the cache (a first load, a login to another
/// account). Dropped, it tells the screens the load ended.
struct FirstLoad<'a> {
    shared: &'a crate::shared::Shared,
    started: std::time::Instant,
    requests_before: u64,
    cached_before: usize,
    /// Members of the pages before this one.
    before_page: u64,
    total: u64,
    /// Whether the account has more members than the cache had: only then is it shown.
    shown: bool,
}

impl<'a> FirstLoad<'a> {
    fn new(shared: &'a crate::shared::Shared) -> Self {
        Self {
            shared,
            started: std::time::Instant::now(),
            requests_before: Self::requests(shared),
            cached_before: shared.member_count(),
            before_page: 0,
            total: 0,
            shown: false,
        }
    }

    fn requests(shared: &crate::shared::Shared) -> u64 {
        u64::from(shared.requests.sent().last_day)
    }

    /// A page of the list came: how many the account has.
    fn page_listed(&mut self, page: &nexudus::Page<nexudus::Coworker>) {
        self.total = self.total.max(page.total_items);
        // A daily reload of a whole cache shows nothing: the grid is whole already.
        self.shown |= self.total > self.cached_before as u64 && page.has_next_page;
        self.say(self.before_page);
    }

    /// `n` members of this page are read whole so far.
    fn reading(&mut self, n: usize) {
        self.say(self.before_page + n as u64);
    }

    /// The page's `n` members are in the cache.
    fn read(&mut self, n: usize) {
        self.before_page += n as u64;
        self.say(self.before_page);
    }

    fn say(&self, loaded: u64) {
        if !self.shown {
            return;
        }
        let so_far = decide::LoadSoFar {
            loaded,
            total: self.total,
            requests: Self::requests(self.shared).saturating_sub(self.requests_before),
        };
        let limits = &self.shared.config.limits;
        let load = decide::member_load(so_far, limits, self.started.elapsed());
        self.shared.set_loading(Some(load));
    }
}
impl Drop for FirstLoad<'_> {
    fn drop(&mut self) {
        self.shared.set_loading(None);
    }
}
