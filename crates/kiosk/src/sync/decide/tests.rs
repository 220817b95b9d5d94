use std::time::Duration as StdDuration;

use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::model::{OutboxEntry, OutboxOp, OutboxStatus};
use crate::error::ErrorCode;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 0).unwrap()
}

fn entry(attempts: i64, in_doubt: bool) -> OutboxEntry {
    OutboxEntry {
        id: 7,
        op: OutboxOp::CreateCheckin,
        target: Uuid::nil(),
        status: OutboxStatus::Claimed,
        attempts,
        next_attempt_at: at(),
        last_error: None,
        in_doubt,
        created_at: at(),
    }
}

const BACKOFF: Backoff = Backoff {
    base: Duration::seconds(2),
    cap: Duration::minutes(5),
};

fn server_error() -> ApiError {
    ApiError::Server {
        status: 500,
        message: "boom".into(),
    }
}

fn refused() -> ApiError {
    ApiError::Validation {
        status: 400,
        message: "bad".into(),
        errors: vec![],
    }
}

#[test]
fn a_failed_write_is_retried_parked_or_held_for_a_login_or_a_role_and_stays_in_doubt_only_if_it_may_have_arrived()
 {
    // (error, retried later?, in doubt?)
    let table: Vec<(ApiError, bool, bool)> = vec![
        (server_error(), true, true),
        (ApiError::Timeout(StdDuration::from_secs(30)), true, true),
        (ApiError::ConnectionLost("reset".into()), true, true),
        (
            ApiError::Malformed {
                status: 200,
                detail: "truncated".into(),
            },
            true,
            true,
        ),
        (ApiError::Connect("refused".into()), true, false),
        (
            ApiError::Throttled {
                status: 409,
                retry_after: StdDuration::from_secs(1),
            },
            true,
            false,
        ),
        (ApiError::Unauthorized, true, false),
        (refused(), false, false),
        (
            ApiError::Forbidden {
                message: "role".into(),
                role: None,
            },
            true,
            false,
        ),
    ];
    for (error, later, doubt) in table {
        let shown = error.to_string();
        match Sent::failed_write(error) {
            Sent::Later { in_doubt, .. } => {
                assert!(later, "{shown}: must be parked, was retried");
                assert_eq!(in_doubt, doubt, "{shown}: in doubt");
            }
            Sent::Park { in_doubt, .. } => {
                assert!(!later, "{shown}: must be retried, was parked");
                assert_eq!(in_doubt, doubt, "{shown}: in doubt");
            }
            other => panic!("{shown}: unexpected {other:?}"),
        }
    }
}

#[test]
fn retries_double_from_the_base_up_to_the_cap_and_never_come_before_retry_after() {
    // (attempts, Retry-After, jitter, expected wait)
    let table = [
        (0, None, 1.0, Duration::seconds(2)),
        (1, None, 1.0, Duration::seconds(4)),
        (3, None, 1.0, Duration::seconds(16)),
        (3, None, 0.5, Duration::seconds(8)),
        (20, None, 1.0, Duration::minutes(5)),
        (-1, None, 1.0, Duration::seconds(2)),
        (
            0,
            Some(StdDuration::from_secs(30)),
            1.0,
            Duration::seconds(30),
        ),
        (
            10,
            Some(StdDuration::from_secs(1)),
            1.0,
            Duration::minutes(5),
        ),
    ];
    for (attempts, asked, jitter, expected) in table {
        assert_eq!(
            BACKOFF.wait(attempts, asked, jitter),
            expected,
            "attempt {attempts}, Retry-After {asked:?}, jitter {jitter}"
        );
    }
}

#[test]
fn each_answer_is_recorded_as_done_parked_or_retried_and_only_errors_and_blocks_stop_the_round() {
    let done = decide(
        &entry(0, true),
        Sent::Done(Held::FailedCheckin { id: 5 }),
        at(),
        BACKOFF,
        1.0,
    );
    assert!(matches!(
        done,
        (Outcome::Done(Held::FailedCheckin { id: 5 }), None)
    ));

    let parked = decide(
        &entry(0, false),
        Sent::Park {
            reason: SendProblem::CheckinNeverSent,
            in_doubt: true,
        },
        at(),
        BACKOFF,
        1.0,
    );
    assert!(
        matches!(parked, (Outcome::Park { in_doubt: true, .. }, None)),
        "a parked entry does not stop the queue: {parked:?}"
    );

    let (outcome, stop) = decide(&entry(2, true), Sent::Blocked, at(), BACKOFF, 1.0);
    assert_eq!(
        outcome,
        Outcome::Retry {
            at: at() + Duration::seconds(2),
            error: SendProblem::WaitingFor {
                record: RecordKind::Checkin,
            },
            in_doubt: true,
        },
        "a blocked check-out keeps its doubt and comes back after the base delay"
    );
    assert!(matches!(stop, Some(Stop::Wait(d)) if d == Duration::seconds(2)));

    let (outcome, stop) = decide(
        &entry(1, false),
        Sent::Later {
            error: server_error(),
            in_doubt: true,
        },
        at(),
        BACKOFF,
        1.0,
    );
    assert!(
        matches!(&outcome, Outcome::Retry { at: t, in_doubt: true, .. } if *t == at() + Duration::seconds(4)),
        "{outcome:?}"
    );
    assert!(
        matches!(stop, Some(Stop::Halt(ApiError::Server { .. }))),
        "a server error ends the round"
    );
}

#[test]
fn a_check_out_goes_to_its_check_in_only_once_the_check_in_has_an_id() {
    let closed = Outcome::Done(Held::Checkin {
        id: 9,
        with_to_time: true,
    });
    let open = Outcome::Done(Held::Checkin {
        id: 9,
        with_to_time: false,
    });
    let inactive = || SendProblem::Refused {
        code: ErrorCode::Validation,
        said: Some("inactive".into()),
    };
    let parked = Outcome::Park {
        reason: inactive(),
        in_doubt: false,
    };
    let retry = Outcome::Retry {
        at: at(),
        error: SendProblem::Interrupted,
        in_doubt: true,
    };
    let table = [
        (Some(&closed), None, CloseTarget::AlreadyClosed),
        (Some(&closed), Some(9), CloseTarget::AlreadyClosed),
        (Some(&open), None, CloseTarget::Id(9)),
        (None, Some(3), CloseTarget::Id(3)),
        (Some(&retry), Some(3), CloseTarget::Id(3)),
        (Some(&parked), None, CloseTarget::CheckinRefused(inactive())),
        (Some(&retry), None, CloseTarget::NotYetKnown),
        (None, None, CloseTarget::NotYetKnown),
    ];
    for (in_batch, id, expected) in table {
        assert_eq!(
            close_target(in_batch, id),
            expected,
            "in batch {in_batch:?}, stored Id {id:?}"
        );
    }
}

#[test]
fn a_check_out_before_its_check_in_waits_unless_the_check_in_was_refused_or_never_queued() {
    let close = entry(0, false);
    let mut earlier = entry(0, false);
    earlier.status = OutboxStatus::Pending;
    assert!(matches!(
        before_its_checkin(&close, Some(&earlier)),
        Sent::Blocked
    ));
    earlier.status = OutboxStatus::Parked;
    let inactive = SendProblem::Refused {
        code: ErrorCode::Validation,
        said: Some("inactive".into()),
    };
    earlier.last_error = Some(inactive.clone());
    assert!(
        matches!(before_its_checkin(&close, Some(&earlier)), Sent::Park { reason: SendProblem::CheckinRefused { why }, .. } if *why == inactive),
        "the check-out says why its check-in was refused"
    );
    assert!(matches!(
        before_its_checkin(&close, None),
        Sent::Park {
            reason: SendProblem::CheckinNeverSent,
            ..
        }
    ));
}

#[test]
fn a_lost_check_in_is_recognised_by_member_and_exact_time_and_never_taken_from_another_kiosk() {
    let row = CheckinRow {
        from_time: at(),
        ..CheckinRow::sample(42)
    };
    let server = |member: i64, from: DateTime<Utc>, system_id: Option<String>| {
        let mut c: nexudus::Checkin = serde_json::from_value(serde_json::json!({
            "Id": 1, "BusinessId": 1, "FromTime": "2025-01-15T10:30:00Z"
        }))
        .unwrap();
        c.coworker_id = Some(member);
        c.from_time = from;
        c.system_id = system_id;
        c
    };
    let ours = Some(row.local_id.to_string());
    let table = [
        (server(42, at(), ours.clone()), true),
        (server(42, at(), None), true),
        (server(42, at() + Duration::milliseconds(400), None), true),
        (server(42, at() + Duration::seconds(2), ours), false),
        (server(43, at(), None), false),
        (server(42, at(), Some(Uuid::now_v7().to_string())), false),
    ];
    for (candidate, expected) in table {
        assert_eq!(
            is_lost_checkin(&candidate, &row),
            expected,
            "member {:?} at {} with SystemId {:?}",
            candidate.coworker_id,
            candidate.from_time,
            candidate.system_id
        );
    }
}

#[test]
fn a_round_stopped_by_an_error_says_needs_login_missing_role_throttled_or_offline() {
    let table = [
        (ApiError::Unauthorized, Connectivity::NeedsLogin),
        (
            ApiError::Throttled {
                status: 409,
                retry_after: StdDuration::from_secs(1),
            },
            Connectivity::Throttled,
        ),
        (
            ApiError::RateLimited {
                retry_after: StdDuration::from_secs(200),
            },
            Connectivity::Throttled,
        ),
        (ApiError::Connect("refused".into()), Connectivity::Offline),
        (server_error(), Connectivity::Offline),
        (
            ApiError::Forbidden {
                message: "POST /api/spaces/checkins".into(),
                role: None,
            },
            Connectivity::MissingRole,
        ),
    ];
    for (error, expected) in table {
        assert_eq!(connectivity_after(&error), expected, "{error}");
    }
}

fn checkin(
    id: i64,
    member: i64,
    from_min: i64,
    open: bool,
    system_id: Option<&str>,
) -> nexudus::Checkin {
    let mut c: nexudus::Checkin = serde_json::from_value(serde_json::json!({
        "Id": id, "BusinessId": 1, "FromTime": "2025-01-15T10:30:00Z"
    }))
    .unwrap();
    c.coworker_id = Some(member);
    c.from_time = at() + Duration::minutes(from_min);
    c.to_time = (!open).then(|| at() + Duration::hours(5));
    c.system_id = system_id.map(str::to_owned);
    c
}

#[test]
fn of_two_open_check_ins_of_a_member_each_kiosk_closes_only_its_own_later_one() {
    let records = [
        checkin(10, 42, 0, true, Some("a")),
        checkin(11, 42, 0, true, Some("b")),
        checkin(12, 43, 5, true, Some("b")),
        checkin(13, 44, 0, false, Some("a")),
        checkin(14, 44, 1, true, Some("b")),
        // Both of member 45's are b's own: its queue closes the first, nothing to undo.
        checkin(15, 45, 0, true, Some("b")),
        checkin(16, 45, 1, true, Some("b")),
    ];
    let made_by =
        |kiosk: &'static str| move |c: &nexudus::Checkin| c.system_id.as_deref() == Some(kiosk);
    assert_eq!(
        own_duplicates(&records, made_by("b")),
        vec![11],
        "b opened the later of member 42's two; 43 and 44 have one open each"
    );
    assert_eq!(
        own_duplicates(&records, made_by("a")),
        Vec::<i64>::new(),
        "a keeps the earlier: exactly one is closed between them"
    );
}

#[test]
fn a_check_out_found_on_the_server_is_ours_to_the_second_or_someone_elses() {
    let ours = at() + Duration::milliseconds(5);
    assert_eq!(
        closed_on_server(at(), None, Some(ours)),
        Held::CheckedOut,
        "our own earlier try: the server keeps seconds"
    );
    assert_eq!(
        closed_on_server(at(), None, Some(at() + Duration::minutes(30))),
        Held::ClosedAlready {
            to_time: at(),
            to_time_local: None
        },
        "the cut-off closed it first: its end stands"
    );
}

/// An entry of one check-in's history: `id`, what it sends, where it stands.
fn step(id: i64, op: OutboxOp, status: OutboxStatus, in_doubt: bool) -> OutboxEntry {
    OutboxEntry {
        id,
        op,
        status,
        in_doubt,
        ..entry(0, in_doubt)
    }
}

#[test]
fn an_undo_cancels_only_what_never_left_and_sends_an_undo_for_anything_that_may_have() {
    use OutboxOp::{
        CloseCheckin as Close, CreateCheckin as Create, ReopenCheckin, WithdrawCheckin,
    };
    use OutboxStatus::{Claimed, Done, Parked, Pending};
    let cases: &[(&str, OutboxOp, Vec<OutboxEntry>, bool, UndoPlan)] = &[
        (
            "a check-in still waiting: out of the queue, nothing sent",
            Create,
            vec![step(1, Create, Pending, false)],
            false,
            UndoPlan::Cancel(1),
        ),
        (
            "a check-in refused and parked, never applied: out of the queue",
            Create,
            vec![step(1, Create, Parked, false)],
            false,
            UndoPlan::Cancel(1),
        ),
        (
            "a check-in being sent right now: withdrawn after it",
            Create,
            vec![step(1, Create, Claimed, true)],
            false,
            UndoPlan::Send(WithdrawCheckin),
        ),
        (
            "a check-in whose answer was lost: withdrawn after it is found or sent",
            Create,
            vec![step(1, Create, Pending, true)],
            false,
            UndoPlan::Send(WithdrawCheckin),
        ),
        (
            "a check-in Nexudus has: withdrawn there",
            Create,
            vec![step(1, Create, Done, false)],
            true,
            UndoPlan::Send(WithdrawCheckin),
        ),
        (
            "a check-in a pull found on the server while its entry waited: withdrawn there",
            Create,
            vec![step(1, Create, Pending, false)],
            true,
            UndoPlan::Send(WithdrawCheckin),
        ),
        (
            "a check-out still waiting, its check-in sent: out of the queue",
            Close,
            vec![step(1, Create, Done, false), step(2, Close, Pending, false)],
            true,
            UndoPlan::Cancel(2),
        ),
        (
            "a check-out and its check-in both waiting: the check-out out of the queue",
            Close,
            vec![
                step(1, Create, Pending, false),
                step(2, Close, Pending, false),
            ],
            false,
            UndoPlan::Cancel(2),
        ),
        (
            "a check-out waiting while its check-in is in flight (it may go out closed): reopened after",
            Close,
            vec![
                step(1, Create, Claimed, true),
                step(2, Close, Pending, false),
            ],
            false,
            UndoPlan::Send(ReopenCheckin),
        ),
        (
            "a check-out sent: reopened",
            Close,
            vec![step(1, Create, Done, false), step(2, Close, Done, false)],
            true,
            UndoPlan::Send(ReopenCheckin),
        ),
        (
            "a check-out in doubt: reopened after it",
            Close,
            vec![step(1, Create, Done, false), step(2, Close, Pending, true)],
            true,
            UndoPlan::Send(ReopenCheckin),
        ),
        (
            "the second check-out, after an undone first one was reopened and that is waiting: out of the queue",
            Close,
            vec![
                step(1, Create, Done, false),
                step(2, Close, Done, false),
                step(3, ReopenCheckin, Pending, false),
                step(4, Close, Pending, false),
            ],
            true,
            UndoPlan::Cancel(4),
        ),
        (
            "no entry of what is undone at all: an undo entry, to be safe",
            Create,
            vec![],
            false,
            UndoPlan::Send(WithdrawCheckin),
        ),
    ];
    for (why, undoing, entries, known, expected) in cases {
        assert_eq!(&plan_undo(*undoing, entries, *known), expected, "{why}");
    }
}

#[test]
fn an_undo_whose_check_in_has_no_id_waits_for_it_or_finds_nothing_to_undo() {
    let waiting = OutboxEntry {
        status: OutboxStatus::Pending,
        ..entry(0, false)
    };
    let parked = OutboxEntry {
        status: OutboxStatus::Parked,
        ..entry(1, false)
    };
    assert!(
        matches!(undo_before_its_checkin(Some(&waiting)), Sent::Blocked),
        "waits"
    );
    assert!(
        matches!(
            undo_before_its_checkin(Some(&parked)),
            Sent::Done(Held::Undone)
        ),
        "refused: nothing on the server"
    );
    assert!(
        matches!(undo_before_its_checkin(None), Sent::Done(Held::Undone)),
        "never sent: nothing on the server"
    );
    let sent = Outcome::Done(Held::Checkin {
        id: 42,
        with_to_time: true,
    });
    assert_eq!(
        checkin_id(Some(&sent), None),
        Some(42),
        "sent earlier in this batch"
    );
    assert_eq!(checkin_id(None, Some(7)), Some(7), "the database's Id");
    assert_eq!(checkin_id(None, None), None);
}

#[test]
fn every_reason_the_engine_parks_with_tells_staff_what_to_do() {
    use crate::domain::desk_views::Advice;
    let advice = |sent: Sent| match sent {
        Sent::Park { reason, .. } => Advice::for_problem(&reason),
        other => panic!("parks: {other:?}"),
    };
    let e = entry(1, false);
    let refused = || ApiError::Validation {
        status: 400,
        message: "FromTime is required".into(),
        errors: vec![],
    };
    assert_eq!(
        advice(Sent::failed_write(refused())),
        Advice::FixInNexudusThenRetry
    );
    assert_eq!(
        advice(Sent::checkin_refused(&e, SendProblem::refused(&refused()))),
        Advice::FixInNexudusThenRetry
    );
    assert_eq!(advice(Sent::missing(&e)), Advice::Discard);
    assert_eq!(
        advice(before_its_checkin(&e, None)),
        Advice::Discard,
        "a check-out whose check-in never left: nothing to send"
    );
    assert_eq!(
        advice(Sent::failed_write(ApiError::NotFound {
            what: "Checkin 7".into()
        })),
        Advice::Discard
    );
    assert_eq!(
        Advice::for_problem(&SendProblem::of_passing(&ApiError::Forbidden {
            message: "Checkin-Delete".into(),
            role: None,
        })),
        Advice::GrantRole
    );
    assert_eq!(
        Advice::for_problem(&SendProblem::UndoNeedsRole { checkin: 7 }),
        Advice::GrantRole
    );
}

#[test]
fn a_batch_holds_about_a_second_of_sends_between_a_few_and_a_few_hundred() {
    use std::time::Duration as D;

    assert_eq!(batch_size(None), BATCH_MIN, "a round starts small");
    assert_eq!(
        batch_size(Some((4, D::from_secs(4)))),
        BATCH_MIN,
        "one write a second (the API's limit): a crash costs a few look-ups"
    );
    assert_eq!(batch_size(Some((64, D::from_millis(500)))), 128);
    assert_eq!(
        batch_size(Some((256, D::from_millis(20)))),
        BATCH_MAX,
        "a fast server: as large as allowed"
    );
    assert_eq!(
        batch_size(Some((0, D::ZERO))),
        BATCH_MIN,
        "nothing sent: the least"
    );
}

#[test]
fn a_first_loads_time_left_is_what_the_limits_need_for_the_requests_left() {
    // 200 of 10,000 read in a burst (4 requests in 0.4 s): the 196 requests left are spaced
    // by the minute's limit, about 0.6 s apart past its burst, not at the burst's pace.
    let so_far = LoadSoFar {
        loaded: 200,
        total: 10_000,
        requests: 4,
    };
    let load = member_load(
        so_far,
        &nexudus::Limits::default(),
        StdDuration::from_millis(400),
    );
    assert_eq!((load.loaded, load.total), (200, Some(10_000)));
    let left = load.seconds_left.unwrap();
    assert!(
        (100..130).contains(&left),
        "{left} s left for 196 requests, not 100-130"
    );
}

#[test]
fn a_slow_server_makes_the_time_left_longer_than_the_limits_ask() {
    let so_far = LoadSoFar {
        loaded: 500,
        total: 1_000,
        requests: 5,
    };
    let load = member_load(
        so_far,
        &nexudus::Limits::unlimited(),
        StdDuration::from_secs(50),
    );
    assert_eq!(
        load.seconds_left,
        Some(50),
        "as long again for the other half"
    );
}

#[test]
fn a_server_that_gives_no_totals_gets_a_count_without_a_time() {
    let so_far = LoadSoFar {
        loaded: 300,
        requests: 3,
        ..LoadSoFar::default()
    };
    let load = member_load(
        so_far,
        &nexudus::Limits::default(),
        StdDuration::from_secs(2),
    );
    assert_eq!(
        (load.loaded, load.total, load.seconds_left),
        (300, None, None)
    );
}

#[test]
fn nothing_read_yet_has_no_time_left_to_say() {
    let so_far = LoadSoFar {
        loaded: 0,
        total: 5_000,
        requests: 1,
    };
    let load = member_load(
        so_far,
        &nexudus::Limits::default(),
        StdDuration::from_secs(1),
    );
    assert_eq!((load.total, load.seconds_left), (Some(5_000), None));
}
