use std::sync::Mutex;

use chrono::Utc;
use rusqlite::Connection;
use uuid::Uuid;

use super::*;
use crate::domain::model::{CheckinRow, Origin, OutboxEntry, OutboxOp, OutboxStatus};

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer version"));
}

#[test]
fn processes_opening_one_new_database_at_once_all_open_it() {
    // `kiosk serve` starting while `kiosk status` or `kiosk peers` opens the same new folder:
    // each migrates, and one that read the version before another's migration committed must
    // not fail on "table already exists". Connections of their own play the processes.
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.db");
        let start = std::sync::Barrier::new(6);
        let opened: Vec<Result<(), String>> = std::thread::scope(|s| {
            let openers: Vec<_> = (0..6)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        Store::open(&path).map(drop).map_err(|e| e.to_string())
                    })
                })
                .collect();
            openers.into_iter().map(|o| o.join().unwrap()).collect()
        });
        assert!(
            opened.iter().all(Result::is_ok),
            "round {round}: {opened:?}"
        );
    }
}

#[test]
fn a_corrupt_file_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.db");
    std::fs::write(
        &path,
        b"this is not a database, it is a shopping list".repeat(200),
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert_eq!(
        err.code(),
        crate::error::ErrorCode::DatabaseCorrupt,
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "never silently replaced"
    );
}

#[test]
fn a_file_database_uses_wal_and_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kiosk.db")).unwrap();
    let conn = store.conn();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let sync: i64 = conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(
        (mode.as_str(), sync),
        ("wal", 2),
        "WAL + FULL: an acknowledged tap survives a power cut"
    );
}

/// Statements the connection ran, caught by [`Connection::trace_v2`] (a plain fn, so a
/// static).
static TRACED: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[allow(
    clippy::needless_pass_by_value,
    reason = "the signature trace_v2 takes"
)]
fn trace(event: rusqlite::trace::TraceEvent<'_>) {
    if let rusqlite::trace::TraceEvent::Stmt(_, sql) = event {
        TRACED.lock().unwrap().push(sql.to_owned());
    }
}

#[test]
fn the_queue_is_read_through_its_indexes_never_by_scanning_the_history() {
    // A kiosk keeps every done entry, so a statement that scans the outbox gets slower
    // every day (it made the drain quadratic once). Each statement the sync engine and the
    // status bar run must find its rows through an index.
    let store = Store::in_memory().unwrap();
    let now = Utc::now();
    let target = Uuid::now_v7();
    store
        .write(|tx| {
            for _ in 0..3 {
                tx.enqueue(OutboxOp::CreateCheckin, target, now)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let statements = rusqlite::trace::TraceEventCodes::SQLITE_TRACE_STMT;
    store.conn().trace_v2(statements, Some(trace));
    store
        .write(|tx| {
            let claimed: Vec<OutboxEntry> =
                tx.claim_due(now, 2)?.into_iter().map(|(e, _)| e).collect();
            tx.release(&claimed[1..])?;
            tx.outbox_head()?;
            tx.outbox_pending_count()?;
            for status in [
                OutboxStatus::Pending,
                OutboxStatus::Claimed,
                OutboxStatus::Parked,
            ] {
                tx.outbox_count(status)?;
                tx.outbox_with(status, 10)?;
            }
            tx.outbox_earlier_open(target, claimed[0].id)?;
            tx.finish_close_entries(target, claimed[0].id, now)?;
            tx.requeue_claimed()?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store.conn().trace_v2(statements, None);
    let traced: Vec<String> = std::mem::take(&mut TRACED.lock().unwrap());
    let queue_reads: Vec<&String> = traced
        .iter()
        .filter(|q| q.contains("outbox") && !q.starts_with("INSERT"))
        .collect();
    assert!(
        queue_reads.len() >= 10,
        "the statements were traced: {traced:?}"
    );
    let conn = store.conn();
    for q in queue_reads {
        let plan = query_plan(&conn, q);
        assert!(
            !plan.iter().any(|step| step == "SCAN outbox"),
            "{q} scans the whole outbox: {plan:?}"
        );
    }
}

/// The steps of SQLite's plan for `q`. Parameters unbound (NULL): the plan does not depend on
/// their values.
fn query_plan(conn: &rusqlite::Connection, q: &str) -> Vec<String> {
    let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {q}")).unwrap();
    let mut rows = explain.raw_query();
    let mut plan = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        plan.push(row.get(3).unwrap());
    }
    plan
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let store = Store::in_memory().unwrap();
    let now = Utc::now();
    let r: Result<(), StoreError> = store.write(|tx| {
        tx.enqueue(OutboxOp::CreateCheckin, Uuid::now_v7(), now)?;
        Err(StoreError::Data("boom".into()))
    });
    assert!(r.is_err());
    let count = store.read(|tx| tx.outbox_pending_count()).unwrap();
    assert_eq!(count, 0, "the transaction rolled back");
}

fn row(origin: Origin, nexudus_id: Option<i64>) -> CheckinRow {
    CheckinRow {
        nexudus_id,
        origin,
        ..CheckinRow::sample(7)
    }
}

#[test]
fn joining_a_server_record_takes_its_id_from_the_copy_read_earlier_unless_the_copy_waits_to_be_sent()
 {
    let store = Store::in_memory().unwrap();
    let now = Utc::now();
    let ours = row(Origin::Kiosk, None);
    let copy = row(Origin::Server, Some(55));
    store
        .write(|tx| {
            tx.insert_checkin(&ours, now)?;
            tx.insert_checkin(&copy, now)?;
            tx.adopt_nexudus_id(ours.local_id, 55)
        })
        .unwrap();
    let (mine, gone) = store
        .read(|tx| Ok::<_, StoreError>((tx.checkin(ours.local_id)?, tx.checkin(copy.local_id)?)))
        .unwrap();
    assert_eq!(mine.unwrap().nexudus_id, Some(55));
    assert_eq!(gone, None, "the copy read from the server went");

    let ours = row(Origin::Kiosk, None);
    let copy = row(Origin::Server, Some(56));
    store
        .write(|tx| {
            tx.insert_checkin(&ours, now)?;
            tx.insert_checkin(&copy, now)?;
            tx.enqueue(OutboxOp::CloseCheckin, copy.local_id, now)?;
            tx.adopt_nexudus_id(ours.local_id, 56)
        })
        .unwrap();
    let (mine, kept) = store
        .read(|tx| Ok::<_, StoreError>((tx.checkin(ours.local_id)?, tx.checkin(copy.local_id)?)))
        .unwrap();
    assert_eq!(mine.unwrap().nexudus_id, None, "the Id stays with the copy");
    assert_eq!(
        kept.unwrap().nexudus_id,
        Some(56),
        "a copy with a check-out to send is kept whole"
    );
}

#[test]
fn a_value_in_the_file_that_does_not_read_as_its_type_is_bad_data_naming_it() {
    let store = Store::in_memory().unwrap();
    let row = row(Origin::Kiosk, None);
    store
        .write(|tx| tx.insert_checkin(&row, Utc::now()))
        .unwrap();
    store
        .conn()
        .execute("UPDATE checkins SET from_time = 'yesterday-ish'", [])
        .unwrap();
    let err = store.read(|tx| tx.checkin(row.local_id)).unwrap_err();
    assert!(matches!(err, StoreError::Data(_)), "{err:?}");
    assert!(err.to_string().contains("yesterday-ish"), "{err}");
}

/// A tap-in reads the member's newest check-in, and a pull looks for the kiosk's own unsent
/// check-in of a member: neither may scan every check-in ever made.
#[test]
fn the_reads_of_a_members_check_ins_use_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("kiosk.db")).unwrap();
    let conn = store.conn();
    for q in [
        "SELECT from_time FROM checkins WHERE member_id = ?1 ORDER BY from_time DESC LIMIT 1",
        "SELECT local_id FROM checkins WHERE member_id = ?1 AND location_id = ?2 AND nexudus_id IS NULL AND origin = 'kiosk'",
    ] {
        let plan = query_plan(&conn, q);
        assert!(
            !plan.iter().any(|step| step.starts_with("SCAN checkins")),
            "{q} scans every check-in: {plan:?}"
        );
    }
}

#[test]
fn plans_from_contracts_that_did_not_all_read_take_no_plan_away() {
    let member = |id: i64, name: &str| crate::domain::model::Member {
        id,
        full_name: name.into(),
        company: None,
        active: true,
        plan: Some("Hot Desk".into()),
        home_location: Some(1001),
        locations: vec![],
        teams: vec![],
        pin_hash: None,
        card_hash: None,
        updated_on: None,
    };
    let store = Store::in_memory().unwrap();
    store
        .write(|tx| {
            tx.upsert_member(&member(1, "Ada Lovelace"))?;
            tx.upsert_member(&member(2, "Grace Hopper"))
        })
        .unwrap();
    let plans = |tx: &Tx<'_>| -> Result<Vec<Option<String>>, StoreError> {
        Ok(vec![
            tx.member(1)?.unwrap().plan,
            tx.member(2)?.unwrap().plan,
        ])
    };
    // Grace's contract did not read: Ada's plan changes, Grace keeps hers.
    let only_ada = [(1, "Private Office".to_owned())].into_iter().collect();
    let changed = store.write(|tx| tx.set_plans(&only_ada, false)).unwrap();
    assert_eq!(changed, 1);
    assert_eq!(
        store.read(plans).unwrap(),
        [Some("Private Office".into()), Some("Hot Desk".into())]
    );
    // Every contract read: a member without one has no plan.
    store.write(|tx| tx.set_plans(&only_ada, true)).unwrap();
    assert_eq!(
        store.read(plans).unwrap(),
        [Some("Private Office".into()), None]
    );
}

#[test]
fn a_record_that_did_not_read_is_kept_until_it_reads_again_or_is_not_met_for_two_days() {
    use crate::domain::unread::RecordList;
    let store = Store::in_memory().unwrap();
    let bad = |id| nexudus::BadRecord {
        id: Some(id),
        field: "FullName".into(),
        shape: "null".into(),
    };
    let t0 = Utc::now();
    let (both, seven) = ([bad(7), bad(8)], [bad(7)]);
    let noted = store
        .write(|tx| {
            let first = tx.note_reads(RecordList::Members, &both, &[1, 2], t0)?;
            let minute = chrono::Duration::minutes(1);
            let again = tx.note_reads(RecordList::Members, &seven, &[], t0 + minute)?;
            Ok::<_, StoreError>((first.len(), again.len()))
        })
        .unwrap();
    assert_eq!(noted, (2, 0), "new the first time only");
    let ids = |store: &Store| -> Vec<Option<i64>> {
        store
            .read(|tx| tx.unread_records())
            .unwrap()
            .iter()
            .map(|r| r.record_id)
            .collect()
    };
    assert_eq!(ids(&store), [Some(7), Some(8)]);
    store
        .write(|tx| {
            tx.note_reads(RecordList::Members, &[], &[8], t0)
                .map(|new| new.len())
        })
        .unwrap();
    assert_eq!(ids(&store), [Some(7)], "8 read again: it leaves");
    store
        .write(|tx| {
            tx.note_reads(RecordList::Visitors, &[bad(9)], &[7], t0)
                .map(|new| new.len())
        })
        .unwrap();
    assert_eq!(
        ids(&store),
        [Some(7), Some(9)],
        "another list's record of the same Id is another record"
    );
    let later = t0 + chrono::Duration::days(2) + chrono::Duration::minutes(2);
    store
        .write(|tx| {
            tx.note_reads(RecordList::Visitors, &[bad(9)], &[], later)
                .map(|new| new.len())
        })
        .unwrap();
    assert_eq!(ids(&store), [Some(9)], "7 was not met for two days");
}

#[test]
fn a_pass_used_here_stays_used_until_nexudus_has_the_check_in_then_nexudus_says() {
    use crate::domain::passes::Pass;
    let store = Store::in_memory().unwrap();
    let now = Utc::now();
    let pass = |id| Pass {
        id,
        member_id: 7,
        name: "Day Pass".into(),
        used: false,
        expires: None,
        price_cents: 2500,
        bought: true,
        remaining_uses: None,
        total_uses: None,
        pending_since: None,
    };
    let used = |store: &Store| -> Vec<(i64, bool)> {
        store
            .read(|tx| tx.member_passes(7))
            .unwrap()
            .iter()
            .map(|p| (p.id, p.used))
            .collect()
    };
    let checkin = row(Origin::Kiosk, None);
    store
        .write(|tx| {
            tx.set_unused_passes(&[pass(1), pass(2)], true, now)?;
            tx.insert_checkin(&checkin, now)?;
            tx.spend_pass(1, checkin.local_id)
        })
        .unwrap();
    store
        .write(|tx| tx.set_unused_passes(&[pass(1), pass(2)], true, now))
        .unwrap();
    assert_eq!(
        used(&store),
        [(1, true), (2, false)],
        "Nexudus does not have the check-in yet: its pass stays used here"
    );
    let pending = store.read(|tx| tx.member_passes(7)).unwrap()[0].pending_since;
    assert_eq!(
        pending.map(|t| t.timestamp_millis()),
        Some(checkin.from_time.timestamp_millis()),
        "used here by that check-in, since it began"
    );
    store
        .write(|tx| {
            tx.set_checkin_nexudus_id(checkin.local_id, 99)?;
            // Nexudus used the other pass: its list says so.
            tx.set_unused_passes(&[pass(1)], true, now).map(|_| ())
        })
        .unwrap();
    assert_eq!(
        used(&store),
        [(1, false), (2, true)],
        "once Nexudus has it, its list is the truth"
    );
    let later = row(Origin::Kiosk, None);
    store
        .write(|tx| {
            tx.insert_checkin(&later, now)?;
            tx.spend_pass(1, later.local_id)?;
            tx.give_back_pass(later.local_id)
        })
        .unwrap();
    assert_eq!(
        used(&store),
        [(1, false), (2, true)],
        "taken back: the pass is theirs again"
    );
}

#[test]
fn a_tidy_forgets_what_is_past_its_retention_and_nothing_that_waits_to_be_sent() {
    let store = Store::in_memory().unwrap();
    let now = Utc::now();
    let visit = |days_ago: i64, closed: bool| CheckinRow {
        from_time: now - chrono::Duration::days(days_ago),
        to_time: closed
            .then(|| now - chrono::Duration::days(days_ago) + chrono::Duration::hours(3)),
        ..CheckinRow::sample(7)
    };
    let (old, waiting, open, recent) = (
        visit(40, true),
        visit(40, true),
        visit(40, false),
        visit(10, true),
    );
    let (sent_long_ago, sent_lately) = store
        .write(|tx| {
            for c in [&old, &waiting, &open, &recent] {
                tx.insert_checkin(c, now)?;
            }
            tx.enqueue(OutboxOp::CloseCheckin, waiting.local_id, now)?;
            let long_ago = tx.enqueue(OutboxOp::CreateCheckin, recent.local_id, now)?;
            tx.finish(long_ago, now - chrono::Duration::days(8))?;
            let lately = tx.enqueue(OutboxOp::CreateCheckin, recent.local_id, now)?;
            tx.finish(lately, now - chrono::Duration::days(3))?;
            tx.audit(now - chrono::Duration::days(401), "staff_unlock", "")?;
            tx.note_sent(now.timestamp() - SENT_KEPT_FOR - 10, true)?;
            tx.note_sent(now.timestamp() - 60, false)?;
            tx.audit(now - chrono::Duration::days(30), "staff_unlock", "")?;
            Ok::<_, StoreError>((long_ago, lately))
        })
        .unwrap();
    let chosen = super::Chosen {
        signed_agreements: chrono::Duration::days(90),
        guests: chrono::Duration::days(30),
    };
    let forgotten = store.write(|tx| tx.forget_old(now, chosen)).unwrap();
    assert_eq!(
        forgotten,
        Forgotten {
            sent_entries: 1,
            checkins: 1,
            failed: 0,
            audit: 1,
            sent_seconds: 1,
            signed_agreements: 0,
            guests: 0,
        }
    );
    let sent = store.read(|tx| tx.sent_since(0)).unwrap();
    assert!(
        sent.iter()
            .all(|s| s.second > now.timestamp() - SENT_KEPT_FOR),
        "notes of requests older than a day are forgotten: {sent:?}"
    );
    let kept: Vec<Uuid> = store
        .read(|tx| tx.checkins_since(1, now - chrono::Duration::days(60)))
        .unwrap()
        .iter()
        .map(|c| c.local_id)
        .collect();
    assert!(
        !kept.contains(&old.local_id),
        "a closed, sent visit of 40 days ago goes"
    );
    for (c, why) in [
        (&waiting, "its check-out waits to be sent"),
        (&open, "still open"),
        (&recent, "ten days old"),
    ] {
        assert!(kept.contains(&c.local_id), "kept: {why}");
    }
    let entries: Vec<i64> = store
        .read(|tx| {
            Ok::<_, StoreError>(
                tx.tx
                    .prepare("SELECT id FROM outbox")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?,
            )
        })
        .unwrap();
    assert!(!entries.contains(&sent_long_ago) && entries.contains(&sent_lately));
    assert_eq!(
        store
            .write(|tx| tx.forget_old(now, chosen))
            .unwrap()
            .total(),
        0,
        "a second tidy forgets nothing"
    );
}
