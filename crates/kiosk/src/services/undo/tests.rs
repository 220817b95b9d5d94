//! "Not you? Undo" in the service: what the member sees, what the database keeps, and what the
//! queue will send (the simulator scenarios in `tests/tests/undo.rs` check the server's side).

use crate::domain::clock::Clock;
use crate::domain::model::{OutboxEntry, OutboxOp, OutboxStatus};
use crate::domain::views::TapOutcome;
use crate::error::KioskError;
use crate::services::fixture::{Fixture, HERE, fixture};
use chrono::Duration;
use uuid::Uuid;

fn checkin_of(outcome: &TapOutcome) -> Uuid {
    match outcome {
        TapOutcome::Welcome { checkin, .. } | TapOutcome::Goodbye { checkin, .. } => *checkin,
        other => panic!("not a check-in or check-out: {other:?}"),
    }
}

fn entries(f: &Fixture, checkin: Uuid) -> Vec<OutboxEntry> {
    f.kiosk
        .shared
        .store
        .read(|tx| tx.outbox_for_target(checkin))
        .unwrap()
}

/// What the queue holds for the check-in, in order.
fn ops(f: &Fixture, checkin: Uuid) -> Vec<(OutboxOp, OutboxStatus)> {
    entries(f, checkin)
        .iter()
        .map(|e| (e.op, e.status))
        .collect()
}

fn is_in(f: &Fixture, member: i64) -> bool {
    f.kiosk
        .shared
        .store
        .read(|tx| tx.open_checkin(member, HERE))
        .unwrap()
        .is_some()
}

#[test]
fn a_check_in_taken_back_before_it_was_sent_never_leaves_the_kiosk() {
    let f = fixture();
    let checkin = checkin_of(&f.kiosk.members().tap(1).unwrap());
    f.clock.advance(Duration::seconds(3));
    let undone = f.kiosk.members().undo_tap(1, checkin).unwrap();
    assert!(
        matches!(&undone, TapOutcome::Undone { first_name, in_since: None, .. } if first_name == "Zoë"),
        "out again, named: {undone:?}"
    );
    assert!(!is_in(&f, 1), "nobody sees the member in");
    let all = entries(&f, checkin);
    assert_eq!(all.len(), 1, "no entry added: {all:?}");
    assert_eq!(
        all[0].status,
        OutboxStatus::Done,
        "the create is out of the queue"
    );
    assert_eq!(
        all[0].last_error,
        Some(crate::domain::problem::SendProblem::TakenBack),
        "the queue's history says why"
    );
    assert_eq!(
        f.kiosk.account().status().unwrap().pending,
        0,
        "nothing waits to sync"
    );
    let visits = f
        .kiosk
        .shared
        .store
        .read(|tx| tx.checkins_since(HERE, f.clock.now() - Duration::hours(1)))
        .unwrap();
    assert!(visits.is_empty(), "no list of visits shows it: {visits:?}");

    // Within the double-tap window still, the right tap counts as a new one.
    let again = f.kiosk.members().tap(1).unwrap();
    assert!(matches!(again, TapOutcome::Welcome { .. }), "{again:?}");
    assert_ne!(checkin_of(&again), checkin, "a new check-in");
}

#[test]
fn a_check_in_that_may_have_left_is_withdrawn_by_an_entry_after_it() {
    let f = fixture();
    let checkin = checkin_of(&f.kiosk.members().tap(2).unwrap());
    // The sync engine claims it: it may be on its way to Nexudus.
    f.kiosk
        .shared
        .store
        .write(|tx| tx.claim_due(f.clock.now(), 10))
        .unwrap();
    f.kiosk.members().undo_tap(2, checkin).unwrap();
    assert_eq!(
        ops(&f, checkin),
        [
            (OutboxOp::CreateCheckin, OutboxStatus::Claimed),
            (OutboxOp::WithdrawCheckin, OutboxStatus::Pending)
        ],
        "the create goes on; the withdrawal follows it"
    );
    assert!(!is_in(&f, 2));
}

#[test]
fn a_check_out_taken_back_opens_the_check_in_again_from_its_start() {
    let f = fixture();
    let welcome = f.kiosk.members().tap(1).unwrap();
    let checkin = checkin_of(&welcome);
    // The check-in went to Nexudus.
    f.kiosk
        .shared
        .store
        .write(|tx| {
            let head = tx.outbox_head()?.unwrap();
            tx.set_checkin_nexudus_id(checkin, 900)?;
            tx.finish(head.id, f.clock.now())
        })
        .unwrap();
    f.clock.advance(Duration::minutes(50));
    let goodbye = f.kiosk.members().tap(1).unwrap();
    assert_eq!(
        checkin_of(&goodbye),
        checkin,
        "the check-out names its check-in"
    );
    f.clock.advance(Duration::seconds(2));
    let undone = f.kiosk.members().undo_tap(1, checkin).unwrap();
    let TapOutcome::Undone {
        in_since,
        in_since_local,
        ..
    } = &undone
    else {
        panic!("{undone:?}")
    };
    let TapOutcome::Welcome { at, at_local, .. } = &welcome else {
        unreachable!()
    };
    assert_eq!(in_since.as_ref(), Some(at), "in since the check-in began");
    assert_eq!(in_since_local.as_ref(), Some(at_local));
    assert!(is_in(&f, 1), "in again");
    assert_eq!(
        ops(&f, checkin),
        [
            (OutboxOp::CreateCheckin, OutboxStatus::Done),
            (OutboxOp::CloseCheckin, OutboxStatus::Done)
        ],
        "the unsent check-out cancelled, nothing added"
    );
}

#[test]
fn a_check_out_that_was_sent_is_reopened_by_an_entry_after_it() {
    let f = fixture();
    let checkin = checkin_of(&f.kiosk.members().tap(1).unwrap());
    f.clock.advance(Duration::minutes(5));
    f.kiosk.members().tap(1).unwrap();
    // Both went to Nexudus.
    f.kiosk
        .shared
        .store
        .write(|tx| {
            tx.set_checkin_nexudus_id(checkin, 901)?;
            for e in tx.outbox_for_target(checkin)? {
                tx.finish(e.id, f.clock.now())?;
            }
            Ok::<_, crate::StoreError>(())
        })
        .unwrap();
    f.kiosk.members().undo_tap(1, checkin).unwrap();
    let last = entries(&f, checkin).pop().unwrap();
    assert_eq!(
        (last.op, last.status),
        (OutboxOp::ReopenCheckin, OutboxStatus::Pending)
    );
    assert!(is_in(&f, 1));
}

#[test]
fn only_the_latest_tap_can_be_taken_back_once_and_only_for_a_few_seconds() {
    let f = fixture();
    let checkin = checkin_of(&f.kiosk.members().tap(1).unwrap());
    assert!(
        matches!(
            f.kiosk.members().undo_tap(2, checkin),
            Err(KioskError::NothingToUndo)
        ),
        "not another member's"
    );
    assert!(
        matches!(
            f.kiosk.members().undo_tap(1, Uuid::now_v7()),
            Err(KioskError::NothingToUndo)
        ),
        "not a check-in that is not the tap's"
    );
    f.clock
        .advance(crate::services::UNDO_WINDOW + Duration::seconds(1));
    assert!(
        matches!(
            f.kiosk.members().undo_tap(1, checkin),
            Err(KioskError::NothingToUndo)
        ),
        "too late"
    );
    assert!(is_in(&f, 1), "the check-in stands");

    // A check-out since: an undo now takes back the check-out (the latest tap), not the check-in.
    let goodbye = f.kiosk.members().tap(1).unwrap();
    assert!(matches!(goodbye, TapOutcome::Goodbye { .. }));
    f.kiosk.members().undo_tap(1, checkin).unwrap();
    assert!(
        is_in(&f, 1),
        "the check-out was the latest tap, and is undone"
    );
    assert!(
        matches!(
            f.kiosk.members().undo_tap(1, checkin),
            Err(KioskError::NothingToUndo)
        ),
        "never twice"
    );
}

#[test]
fn a_refusal_has_nothing_to_take_back() {
    let f = fixture();
    let refused = f.kiosk.members().tap(5).unwrap();
    assert!(matches!(refused, TapOutcome::Rejected { .. }));
    assert!(matches!(
        f.kiosk.members().undo_tap(5, Uuid::now_v7()),
        Err(KioskError::NothingToUndo)
    ));
}
