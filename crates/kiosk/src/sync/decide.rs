//! The sync engine's decisions, as pure functions: what an answer means for an entry, when to
//! try again and how long to wait, and whether a check-out may go before its check-in. The
//! engine (`push.rs`) does the I/O around them; the tables below pin them down.

use chrono::{DateTime, Duration, Utc};
use nexudus::ApiError;

use crate::domain::model::{CheckinRow, OutboxEntry, OutboxOp, OutboxStatus, RecordKind};
use crate::domain::problem::SendProblem;
use crate::domain::views::Connectivity;

/// What the server holds for an entry once it is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Held {
    /// The check-in, with its Id. `with_to_time`: it went out already closed, so its check-out
    /// entries are settled too.
    Checkin {
        id: i64,
        with_to_time: bool,
    },
    FailedCheckin {
        id: i64,
    },
    /// A refusal the kiosk decided, which Nexudus does not take from API clients (a 405: its
    /// failed check-ins are "read-only"). It stays in the kiosk's own record, for staff.
    FailedKeptHere,
    /// The check-out reached its check-in.
    CheckedOut,
    /// The check-in was closed on the server already, at this time: nothing was sent.
    ClosedAlready {
        to_time: DateTime<Utc>,
        to_time_local: Option<chrono::NaiveDateTime>,
    },
    /// An undo ("Not you? Undo") holds on the server: the check-in withdrawn or open again, or
    /// nothing there to undo.
    Undone,
    /// A visitor's arrival or departure holds on the server.
    Visitor,
    /// A walk-in registered here is on the server with this Id: sent now, or found from an
    /// earlier send whose answer was lost.
    WalkIn {
        id: i64,
    },
}

/// What one attempt at an entry came to. `in_doubt`: whether the write may have reached the
/// server all the same (then it is looked up before it is sent again).
#[derive(Debug)]
pub(super) enum Sent {
    /// The server has it: sent now, or found from an earlier send whose answer was lost.
    Done(Held),
    /// Refused for good: waits for staff.
    Park { reason: SendProblem, in_doubt: bool },
    /// Not now: the error says why and when.
    Later { error: ApiError, in_doubt: bool },
    /// Waiting for an earlier entry (a check-out whose check-in is not synced yet).
    Blocked,
}

impl Sent {
    /// The server holds the check-in, open, with this Id.
    pub fn open_checkin(id: i64) -> Self {
        Self::Done(Held::Checkin {
            id,
            with_to_time: false,
        })
    }

    /// A look-up of an earlier send failed: the entry stays in doubt, to be looked up again.
    pub fn lookup_failed(error: ApiError) -> Self {
        Self::Later {
            error,
            in_doubt: true,
        }
    }

    /// A read before the write failed: nothing left, so the entry's doubt is as it was.
    pub fn read_failed(entry: &OutboxEntry, error: ApiError) -> Self {
        Self::Later {
            error,
            in_doubt: entry.in_doubt,
        }
    }

    /// A check-out whose check-in the server refused: it cannot go either.
    pub fn checkin_refused(entry: &OutboxEntry, reason: SendProblem) -> Self {
        Self::Park {
            reason: SendProblem::CheckinRefused {
                why: Box::new(reason),
            },
            in_doubt: entry.in_doubt,
        }
    }

    /// An entry whose record is gone from the kiosk's database (it cannot be sent).
    pub fn missing(entry: &OutboxEntry) -> Self {
        Self::Park {
            reason: SendProblem::MissingHere {
                record: entry.op.record(),
            },
            in_doubt: entry.in_doubt,
        }
    }

    /// What a failed write comes to: retry, or stop for a login, or park. It left, so it stays
    /// in doubt unless the answer says nothing was applied.
    pub fn failed_write(e: ApiError) -> Self {
        let in_doubt = e.outcome_unknown();
        // A missing role is the account's, not the record's: it waits for the role.
        let missing_role = matches!(e, ApiError::Forbidden { .. });
        if e.needs_login() || e.is_transient() || missing_role {
            Self::Later { error: e, in_doubt }
        } else {
            Self::Park {
                reason: SendProblem::refused(&e),
                in_doubt,
            }
        }
    }
}

/// What is recorded for an attempt.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    Done(Held),
    Park {
        reason: SendProblem,
        in_doubt: bool,
    },
    Retry {
        at: DateTime<Utc>,
        error: SendProblem,
        in_doubt: bool,
    },
}

/// Whether the round goes on after an entry, and if not, why.
#[derive(Debug)]
pub(super) enum Stop {
    /// The queue is blocked until an earlier entry goes: come back after this long.
    Wait(Duration),
    /// The server cannot be reached (or needs a login): the round ends on this error.
    Halt(ApiError),
}

/// How retries are spaced.
#[derive(Debug, Clone, Copy)]
pub(super) struct Backoff {
    /// The first retry delay; it doubles per attempt up to `cap`.
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The wait before attempt `attempts + 1`: doubling, capped, scaled by `jitter` (drawn from
    /// 0.5..=1.0 by the caller, so kiosks that failed together do not retry together), and never
    /// shorter than what the server asked for (`Retry-After`).
    pub fn wait(self, attempts: i64, asked: Option<std::time::Duration>, jitter: f64) -> Duration {
        let exp = self.base * 2_i32.pow(attempts.clamp(0, 16) as u32);
        let capped = exp.min(self.cap);
        let jittered = Duration::milliseconds((capped.num_milliseconds() as f64 * jitter) as i64);
        let asked = asked
            .and_then(|d| Duration::from_std(d).ok())
            .unwrap_or(Duration::zero());
        jittered.max(asked)
    }
}

/// What to record for an attempt at `entry`, and whether the round stops there.
pub(super) fn decide(
    entry: &OutboxEntry,
    sent: Sent,
    now: DateTime<Utc>,
    backoff: Backoff,
    jitter: f64,
) -> (Outcome, Option<Stop>) {
    match sent {
        Sent::Done(held) => (Outcome::Done(held), None),
        Sent::Park { reason, in_doubt } => (Outcome::Park { reason, in_doubt }, None),
        Sent::Blocked => {
            let outcome = Outcome::Retry {
                at: now + backoff.base,
                error: SendProblem::WaitingFor {
                    record: match entry.op.record() {
                        RecordKind::Visitor => RecordKind::Visitor,
                        _ => RecordKind::Checkin,
                    },
                },
                in_doubt: entry.in_doubt,
            };
            (outcome, Some(Stop::Wait(backoff.base)))
        }
        Sent::Later { error, in_doubt } => {
            let outcome = Outcome::Retry {
                at: now + backoff.wait(entry.attempts, error.retry_after(), jitter),
                error: SendProblem::of_passing(&error),
                in_doubt,
            };
            (outcome, Some(Stop::Halt(error)))
        }
    }
}

/// Which check-in a check-out goes to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum CloseTarget {
    /// Its check-in went out with `ToTime` already: nothing left to send.
    AlreadyClosed,
    /// The server's Id of its check-in.
    Id(i64),
    /// Its check-in was refused: the check-out cannot go either.
    CheckinRefused(SendProblem),
    /// Its check-in has no Id yet: see whether it still waits in the queue.
    NotYetKnown,
}

/// A check-out found closed on the server already: by this kiosk's own earlier try (the same
/// end, to the second the server keeps), or by someone else, whose end then stands.
pub(super) fn closed_on_server(
    server_to: DateTime<Utc>,
    server_to_local: Option<chrono::NaiveDateTime>,
    ours: Option<DateTime<Utc>>,
) -> Held {
    if ours.is_some_and(|t| (t - server_to).num_milliseconds().abs() < 1000) {
        Held::CheckedOut
    } else {
        Held::ClosedAlready {
            to_time: server_to,
            to_time_local: server_to_local,
        }
    }
}

/// Where a check-out goes, from what became of its check-in earlier in this batch (`in_batch`)
/// and the Id the kiosk's database holds for it.
pub(super) fn close_target(in_batch: Option<&Outcome>, nexudus_id: Option<i64>) -> CloseTarget {
    match (in_batch, nexudus_id) {
        (
            Some(Outcome::Done(Held::Checkin {
                with_to_time: true, ..
            })),
            _,
        ) => CloseTarget::AlreadyClosed,
        (_, Some(id)) | (Some(&Outcome::Done(Held::Checkin { id, .. })), None) => {
            CloseTarget::Id(id)
        }
        (Some(Outcome::Park { reason, .. }), None) => CloseTarget::CheckinRefused(reason.clone()),
        (_, None) => CloseTarget::NotYetKnown,
    }
}

/// The server's Id of an entry's check-in: from what became of its check-in earlier in this
/// batch, else the one the kiosk's database holds.
pub(super) fn checkin_id(in_batch: Option<&Outcome>, nexudus_id: Option<i64>) -> Option<i64> {
    match in_batch {
        Some(Outcome::Done(Held::Checkin { id, .. })) => Some(*id),
        _ => nexudus_id,
    }
}

/// An undo whose check-in has no Id yet: it waits for its check-in still in the queue
/// (`earlier`); with none there (refused and parked, or never sent) the server holds nothing
/// to undo.
pub(super) fn undo_before_its_checkin(earlier: Option<&OutboxEntry>) -> Sent {
    match earlier {
        Some(e) if e.status != OutboxStatus::Parked => Sent::Blocked,
        _ => Sent::Done(Held::Undone),
    }
}

/// What "Not you? Undo" does with the sync queue.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UndoPlan {
    /// Nothing of it has left the kiosk: this entry comes out of the queue, never sent.
    Cancel(i64),
    /// It may have reached Nexudus: an entry that undoes it there joins the queue.
    Send(OutboxOp),
}

/// How to undo the check-in's latest `undoing` entry (its create, or its latest check-out),
/// given every entry of the check-in so far, in order. Cancelled only when it is unsent (waiting
/// or parked, and not in doubt) and so is every other open entry of the check-in (one in
/// flight may carry what is undone: a create read after the check-out goes out closed), and
/// when the server does not know the check-in already (`known_on_server`: a create is undone
/// by deleting it there). Otherwise an undo entry follows, in order, exactly once.
pub(crate) fn plan_undo(
    undoing: OutboxOp,
    entries: &[OutboxEntry],
    known_on_server: bool,
) -> UndoPlan {
    let unsent = |e: &OutboxEntry| {
        matches!(e.status, OutboxStatus::Pending | OutboxStatus::Parked) && !e.in_doubt
    };
    let compensate = UndoPlan::Send(if undoing == OutboxOp::CreateCheckin {
        OutboxOp::WithdrawCheckin
    } else {
        OutboxOp::ReopenCheckin
    });
    let Some(last) = entries.iter().rev().find(|e| e.op == undoing) else {
        return compensate;
    };
    let others_unsent = entries
        .iter()
        .filter(|e| e.status != OutboxStatus::Done)
        .all(unsent);
    let server_has_it = undoing == OutboxOp::CreateCheckin && known_on_server;
    if unsent(last) && others_unsent && !server_has_it {
        UndoPlan::Cancel(last.id)
    } else {
        compensate
    }
}

/// A check-out whose check-in has no Id yet: it waits for its check-in (`earlier`, the first
/// open entry for the same check-in), unless that was refused or never queued.
pub(super) fn before_its_checkin(entry: &OutboxEntry, earlier: Option<&OutboxEntry>) -> Sent {
    match earlier {
        Some(e) if e.status == OutboxStatus::Parked => {
            let why = e
                .last_error
                .clone()
                .unwrap_or(SendProblem::CheckinNeverSent);
            Sent::checkin_refused(entry, why)
        }
        Some(_) => Sent::Blocked,
        None => Sent::Park {
            reason: SendProblem::CheckinNeverSent,
            in_doubt: entry.in_doubt,
        },
    }
}

/// Whether `candidate`, found on the server, is the check-in `row` sent earlier whose answer was
/// lost: the same member, the same `FromTime` to the second, and no other kiosk's `SystemId`.
pub(super) fn is_lost_checkin(candidate: &nexudus::Checkin, row: &CheckinRow) -> bool {
    let system_id = row.local_id.to_string();
    candidate.coworker_id == Some(row.member_id)
        && (candidate.from_time - row.from_time).num_seconds().abs() < 1
        && candidate
            .system_id
            .as_deref()
            .is_none_or(|s| s == system_id)
}

/// Of a location's check-ins, the open ones this kiosk made (`ours`) that duplicate an earlier
/// open check-in of the same member made elsewhere: every kiosk keeps the earliest (then the
/// lowest Id), so two kiosks that both opened one close exactly one between them. When the
/// earliest is this kiosk's own, its queue closes it: nothing to do here.
pub(super) fn own_duplicates(
    records: &[nexudus::Checkin],
    ours: impl Fn(&nexudus::Checkin) -> bool,
) -> Vec<i64> {
    let mut open: Vec<&nexudus::Checkin> = records
        .iter()
        .filter(|c| c.to_time.is_none() && c.coworker_id.is_some())
        .collect();
    open.sort_by_key(|c| (c.coworker_id, c.business_id, c.from_time, c.id));
    let mut duplicates = Vec::new();
    for group in
        open.chunk_by(|x, y| (x.coworker_id, x.business_id) == (y.coworker_id, y.business_id))
    {
        if let [keeper, later @ ..] = group
            && !ours(keeper)
        {
            duplicates.extend(later.iter().filter(|c| ours(c)).map(|c| c.id));
        }
    }
    duplicates
}

/// The fewest and the most outbox entries one durable commit claims (marks "in doubt").
pub(super) const BATCH_MIN: i64 = 4;
pub(super) const BATCH_MAX: i64 = 256;

/// How many entries the next batch claims, from how many the last one sent in how long: about
/// a second's worth. Each claim is one fsync, and after a crash every entry it claimed is looked
/// up on the server before it is sent again: under the API's write limit (one a second) a
/// batch is a few entries, so a crash costs a few look-ups; against a fast server with no
/// limits a batch grows until its fsync is a small part of it. The first batch of a round is
/// the smallest.
pub(super) fn batch_size(last: Option<(usize, std::time::Duration)>) -> i64 {
    let Some((sent, took)) = last else {
        return BATCH_MIN;
    };
    let per_second = sent as f64 / took.as_secs_f64().max(1e-3);
    #[allow(
        clippy::cast_possible_truncation,
        reason = "clamped to a small range first"
    )]
    let size = per_second.clamp(BATCH_MIN as f64, BATCH_MAX as f64) as i64;
    size
}

/// How far a load of members has come: `so_far` took `took`. The time left is the longer of
/// what the rest needs under the limits and what it needs at the pace so far (the first
/// requests go in a burst; a slow server is slower than the limits).
pub(super) fn member_load(
    so_far: LoadSoFar,
    limits: &nexudus::Limits,
    took: std::time::Duration,
) -> crate::domain::views::MemberLoad {
    let total = (so_far.total > 0).then_some(so_far.total.max(so_far.loaded));
    let seconds_left = total.filter(|_| so_far.loaded > 0).map(|total| {
        let left = total - so_far.loaded;
        let share_left = left as f64 / so_far.loaded as f64;
        let requests_left = (so_far.requests as f64 * share_left).ceil() as u64;
        let by_limits = limits.least_time(requests_left);
        let by_pace = took.mul_f64(share_left);
        by_limits.max(by_pace).as_secs_f64().ceil() as u64
    });
    crate::domain::views::MemberLoad {
        loaded: so_far.loaded,
        total,
        seconds_left,
    }
}

/// What a load of members has done so far ([`member_load`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct LoadSoFar {
    /// Members read.
    pub loaded: u64,
    /// How many the account has, as its list says (0: it did not say).
    pub total: u64,
    /// Requests it took.
    pub requests: u64,
}

/// What the status says after a round stopped on `error`.
pub(super) fn connectivity_after(error: &ApiError) -> Connectivity {
    if error.needs_login() {
        Connectivity::NeedsLogin
    } else if matches!(error, ApiError::Forbidden { .. }) {
        Connectivity::MissingRole
    } else if matches!(
        error,
        ApiError::Throttled { .. } | ApiError::RateLimited { .. }
    ) {
        Connectivity::Throttled
    } else {
        Connectivity::Offline
    }
}

#[cfg(test)]
mod tests;
