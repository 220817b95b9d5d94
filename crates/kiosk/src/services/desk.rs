//! The staff desk (issue 14): who is in now from every source the kiosk sees, the day at a
//! glance, fixes in one tap (check in or out on a member's behalf, a check-out's time put
//! right), occupancy by hour, the fire roll-call, and this kiosk's health. Every call needs a
//! staff session; everything reads the local database, so it all works offline.

use crate::domain::heartbeat::Seen;
use std::collections::HashSet;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use nexudus::{FailedCheckinQuery, Paging};
use tracing::debug;

use std::sync::{Arc, Mutex};

use super::{Members, Staff};
use crate::domain::desk_views::{
    Advice, FailedLine, Health, How, LOGIN_LIVES, Movement, Occupancy, ParkedLine, Peak, Presence,
    RollCall, Today, Visit, average, by_hour, login_runs_out_soon, peak, today_at,
};
use crate::domain::model::OutboxStatus;
use crate::domain::rules::Refusal;
use crate::domain::settings::Location;
use crate::domain::settings::{PrivacyMode, Settings};
use crate::domain::views::{Tile, hh_mm, local_time};
use crate::error::{KioskError, StoreError};
use crate::shared::Shared;

/// How long the desk waits for Nexudus's own refusals of the day before showing the kiosk's.
const SERVER_READ_TIMEOUT: StdDuration = StdDuration::from_secs(3);

/// How many weeks of the same weekday make the "typical day".
const TYPICAL_WEEKS: u32 = 4;

/// Nexudus's refusals of the day as the desk last read them: when, for which location.
type KeptRefusals = Option<(std::time::Instant, i64, Vec<nexudus::FailedCheckin>)>;

/// The staff desk. Cheap to clone; every clone is the same.
#[derive(Debug, Clone)]
pub struct Desk {
    pub(super) shared: Arc<Shared>,
    /// Checks in and out on a member's behalf go through the members' taps.
    pub(super) members: Members,
    /// Read at most once a minute (`KioskConfig::refusals_kept_for`).
    refusals: Arc<Mutex<KeptRefusals>>,
}

impl Desk {
    pub(crate) fn new(shared: Arc<Shared>, members: Members) -> Self {
        Self {
            shared,
            members,
            refusals: Arc::default(),
        }
    }

    /// Everyone in now: members with an open check-in at the location, from this kiosk or
    /// anywhere Nexudus records it (other kiosks, doors, the dashboard), and visitors signed
    /// in. Longest in first.
    pub fn presence(&self, _staff: &Staff) -> Result<Vec<Presence>, KioskError> {
        let location = self.shared.location()?;
        let tz = location.tz();
        let mut people = self.shared.store.read(|tx| {
            let mut seen = HashSet::new();
            let mut people = Vec::new();
            for open in tx.open_checkins(location.id)? {
                if !seen.insert(open.member_id) {
                    continue;
                }
                let member = tx.member(open.member_id)?;
                people.push(Presence {
                    member_id: Some(open.member_id),
                    visit: None,
                    name: member
                        .as_ref()
                        .map_or_else(|| format!("#{}", open.member_id), |m| m.full_name.clone()),
                    detail: member.and_then(|m| m.company),
                    since: open.from_time,
                    since_local: hh_mm(open.from_time, tz),
                    how: How::of(&open),
                    checkin: Some(open.local_id),
                });
            }
            for v in tx.visitors_in(location.id)? {
                let since = v.arrived_at.unwrap_or(v.expected_arrival);
                people.push(Presence {
                    member_id: None,
                    visit: Some(v.local_id),
                    name: v.full_name.clone(),
                    detail: v.host_name.clone(),
                    since,
                    since_local: hh_mm(since, tz),
                    how: if v.walk_in.is_some() {
                        How::WalkIn
                    } else {
                        How::Invited
                    },
                    checkin: None,
                });
            }
            Ok::<_, StoreError>(people)
        })?;
        people.sort_by(|a, b| a.since.cmp(&b.since).then_with(|| a.name.cmp(&b.name)));
        Ok(people)
    }

    /// The day at the location: arrivals and departures, refused attempts (this kiosk's, and
    /// Nexudus's own when it can be reached within a few seconds), and parked entries with
    /// what to do about each.
    pub async fn today(&self, staff: &Staff) -> Result<Today, KioskError> {
        let location = self.shared.location()?;
        let tz = location.tz();
        let (_, midnight) = today_at(self.shared.clock.now(), tz);
        let (mut timeline, mut failed) = self.local_day(location.id, midnight, tz)?;
        timeline.sort_by_key(|m| m.at);
        let server = self.server_failed(&location, midnight).await;
        let server_failed_read = server.is_some();
        let ours: HashSet<DateTime<Utc>> = failed.iter().map(|f| f.at).collect();
        // The kiosk's own refusals, sent to Nexudus, come back: shown once.
        let theirs = server.unwrap_or_default().into_iter();
        failed.extend(
            theirs
                .filter(|f| !ours.contains(&f.checkin_attempt_time))
                .map(|f| FailedLine {
                    at: f.checkin_attempt_time,
                    at_local: hh_mm(f.checkin_attempt_time, tz),
                    name: f.coworker_full_name,
                    reason: None,
                    description: f.description.unwrap_or_default(),
                    here: false,
                }),
        );
        failed.sort_by_key(|f| f.at);
        let parked = self
            .queue(staff, 200)?
            .into_iter()
            .filter(|q| q.entry.status == OutboxStatus::Parked)
            .map(|q| ParkedLine {
                advice: q
                    .entry
                    .last_error
                    .as_ref()
                    .map_or(Advice::Retry, Advice::for_problem),
                name: q.member_name.or(q.visitor_name),
                entry: q.entry,
            })
            .collect();
        let merged = self
            .shared
            .store
            .read(|tx| tx.merges_since(location.id, midnight))?;
        Ok(Today {
            timeline,
            failed,
            parked,
            server_failed_read,
            merged,
        })
    }

    /// The day here since `midnight` from the local data: every arrival and departure, and
    /// this kiosk's refusals.
    fn local_day(
        &self,
        location: i64,
        midnight: DateTime<Utc>,
        tz: Tz,
    ) -> Result<(Vec<Movement>, Vec<FailedLine>), KioskError> {
        Ok(self.shared.store.read(|tx| {
            let name = |id: i64| -> Result<String, StoreError> {
                Ok(tx
                    .member(id)?
                    .map_or_else(|| format!("#{id}"), |m| m.full_name))
            };
            let mut timeline = Vec::new();
            for c in tx.checkins_since(location, midnight)? {
                let who = name(c.member_id)?;
                let movement = |at: DateTime<Utc>, name: String, arrival: bool| Movement {
                    at,
                    at_local: hh_mm(at, tz),
                    name,
                    member_id: Some(c.member_id),
                    arrival,
                    how: How::of(&c),
                    checkin: Some(c.local_id),
                };
                timeline.push(movement(c.from_time, who.clone(), true));
                if let Some(to) = c.to_time {
                    timeline.push(movement(to, who, false));
                }
            }
            let mut failed = Vec::new();
            for f in tx.failed_since(location, midnight)? {
                failed.push(FailedLine {
                    at: f.attempt_time,
                    at_local: hh_mm(f.attempt_time, tz),
                    name: f.member_id.map(name).transpose()?,
                    reason: Refusal::from_code(&f.reason),
                    description: f.description,
                    here: true,
                });
            }
            Ok::<_, StoreError>((timeline, failed))
        })?)
    }

    /// Nexudus's refused attempts at the location since `since`, or none when it cannot be
    /// read now (offline, a missing role, too slow). Read at most once a minute
    /// (`KioskConfig::refusals_kept_for`): the desk asks again with every burst of events.
    async fn server_failed(
        &self,
        location: &Location,
        since: DateTime<Utc>,
    ) -> Option<Vec<nexudus::FailedCheckin>> {
        if let Some((at, place, kept)) = &*self.refusals.lock().unwrap()
            && *place == location.id
            && at.elapsed() < self.shared.config.refusals_kept_for
        {
            return Some(
                kept.iter()
                    .filter(|f| f.checkin_attempt_time >= since)
                    .cloned()
                    .collect(),
            );
        }
        let api = self.shared.api()?;
        // A day earlier: the zone Nexudus reads a range in is not documented (contract,
        // section 10); the day's are picked out below.
        let query = FailedCheckinQuery {
            business_id: Some(location.id),
            attempt_after: Some(since - Duration::days(1)),
            paging: Paging {
                size: 200,
                ..Paging::default()
            },
            ..FailedCheckinQuery::default()
        };
        let read = async {
            use futures::TryStreamExt;
            std::pin::pin!(api.failed_checkin_pages(query))
                .try_next()
                .await
        };
        match tokio::time::timeout(SERVER_READ_TIMEOUT, read).await {
            Ok(Ok(page)) => {
                let day: Vec<nexudus::FailedCheckin> = page
                    .map(|p| p.records)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|f| f.business_id == location.id && f.checkin_attempt_time >= since)
                    .collect();
                *self.refusals.lock().unwrap() =
                    Some((std::time::Instant::now(), location.id, day.clone()));
                Some(day)
            }
            Ok(Err(e)) => {
                debug!(error = %e, "the desk could not read Nexudus's refusals");
                None
            }
            Err(_) => None,
        }
    }

    /// People in by hour today, the same weekday's typical hours over the last weeks, and the
    /// day's peak. Members only: visitors are counted by the roll-call, not the chart.
    pub fn occupancy(&self, _staff: &Staff) -> Result<Occupancy, KioskError> {
        let location = self.shared.location()?;
        let tz = location.tz();
        let now = self.shared.clock.now();
        let (day, midnight) = today_at(now, tz);
        let weeks = i64::from(TYPICAL_WEEKS);
        let since = midnight - Duration::weeks(weeks);
        let visits: Vec<Visit<i64>> = self
            .shared
            .store
            .read(|tx| tx.checkins_since(location.id, since))?
            .iter()
            .map(|c| Visit {
                who: c.member_id,
                from: c.from_time,
                to: c.to_time,
            })
            .collect();
        let today = by_hour(&visits, day, tz, now);
        let earlier: Vec<Vec<u32>> = (1..=weeks)
            .map(|w| by_hour(&visits, day - Duration::weeks(w), tz, now))
            .collect();
        let peak = peak(&visits, day, tz, now).map(|(count, at)| Peak {
            count,
            at,
            at_local: hh_mm(at, tz),
        });
        Ok(Occupancy {
            today,
            typical: average(&earlier),
            weeks: TYPICAL_WEEKS,
            peak,
        })
    }

    /// Everyone in the building now, from the local data (so it works offline), and how fresh
    /// that data is.
    pub fn roll_call(&self, staff: &Staff) -> Result<RollCall, KioskError> {
        let location = self.shared.location()?;
        let now = self.shared.clock.now();
        let people = self.presence(staff)?;
        self.audit_staff("roll_call", &format!("{} people listed", people.len()))?;
        Ok(RollCall {
            generated_at: now,
            generated_local: local_time(now, location.tz())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            location: location.name,
            data_as_of: self.shared.link().last_sync,
            connectivity: self.shared.connectivity(),
            people,
        })
    }

    /// This kiosk's health: what staff (and `kiosk status`) need to know it is well. In a
    /// process that does not sync (`kiosk status` beside a `kiosk serve`), the running kiosk's
    /// view as it last saved it, and which view it is ([`Seen`]).
    pub fn health(&self) -> Result<Health, KioskError> {
        let (pending, parked) = self.shared.queue_counts()?;
        let now = self.shared.clock.now();
        let syncing = self
            .shared
            .syncing
            .load(std::sync::atomic::Ordering::SeqCst);
        let beat = self.shared.store.read(|tx| tx.heartbeat())?;
        let seen = Seen::of(&beat, syncing, now);
        let (connectivity, last_sync, last_hour, last_day) = match seen {
            Seen::NotRunning { at: None, .. } | Seen::ThisKiosk => {
                let link = self.shared.link();
                let sent = self.shared.requests.sent();
                (
                    link.connectivity,
                    link.last_sync,
                    sent.last_hour,
                    sent.last_day,
                )
            }
            Seen::RunningKiosk { .. } | Seen::NotRunning { .. } => (
                beat.connectivity,
                beat.last_sync,
                beat.last_hour,
                beat.last_day,
            ),
        };
        let limits = &self.shared.config.limits;
        let budget = |per: u64| {
            limits
                .all
                .iter()
                .find(|r| r.per == StdDuration::from_secs(per))
                .map(|r| r.count)
        };
        let database_bytes = self.shared.config.data_dir.as_ref().map_or(0, |dir| {
            ["kiosk.db", "kiosk.db-wal"]
                .iter()
                .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
                .map(|m| m.len())
                .sum()
        });
        let login_good_until =
            crate::secrets::SessionStore(std::sync::Arc::clone(&self.shared.secrets))
                .granted_at()
                .ok()
                .flatten()
                .map(|at| DateTime::<Utc>::from(at) + LOGIN_LIVES);
        Ok(Health {
            login_good_until,
            login_runs_out_soon: login_runs_out_soon(login_good_until, connectivity, now),
            loading: self.shared.loading(),
            at: now,
            seen,
            connectivity,
            last_sync,
            pending,
            parked,
            requests_last_hour: last_hour,
            requests_last_day: last_day,
            hourly_budget: budget(3600),
            daily_budget: budget(24 * 3600),
            database_bytes,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            unread: self.shared.store.read(|tx| tx.unread_records())?,
        })
    }

    /// The members in at this location now as tiles, longest in first, by full name whatever
    /// the grid's privacy (staff only): the staff desk's presence, members only.
    pub fn who_is_in(&self, staff: &Staff) -> Result<Vec<Tile>, KioskError> {
        let settings = Settings {
            privacy: PrivacyMode::FullName,
            ..self.shared.settings()
        };
        let people = self.presence(staff)?;
        self.members.tiles(
            people.iter().filter_map(|p| {
                Some(crate::domain::index::Listed {
                    id: p.member_id?,
                    name: p.name.as_str(),
                    detail: None,
                    plan: None,
                    here: true,
                })
            }),
            &settings,
        )
    }
}

#[cfg(test)]
mod tests;
