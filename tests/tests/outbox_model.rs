//! A property test of the outbox: any interleaving of taps, "Not you? Undo", sync rounds under
//! any server answer, and crashes keeps every acknowledged tap, never sends a check-in twice,
//! never sends a check-out before its check-in, and leaves on the server exactly what stands
//! after the undos.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use kiosk::TapOutcome;
use kiosk::domain::model::Origin;
use kiosk::store::{Store, ts};
use nexudus::Limits;
use nexudus_sim::Faults;
use proptest::prelude::*;
use scenarios::{HOME, drain, eligible, loaded_kiosk, open_kiosk};

#[derive(Debug, Clone)]
enum Step {
    Tap(usize),
    /// "Not you? Undo" of that member's latest tap (nothing, if there is none to take back).
    Undo(usize),
    /// A sync round while the server answers this way.
    Sync(Answer),
    /// The process dies: everything in memory is gone, the database stays.
    Crash,
}

#[derive(Debug, Clone, Copy)]
enum Answer {
    Fine,
    DropAfterCommit,
    Reset,
    ServerError,
    Malformed,
    Down,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..6usize).prop_map(Step::Tap),
        1 => (0..6usize).prop_map(Step::Undo),
        3 => prop_oneof![
            Just(Answer::Fine),
            Just(Answer::DropAfterCommit),
            Just(Answer::Reset),
            Just(Answer::ServerError),
            Just(Answer::Malformed),
            Just(Answer::Down),
        ]
        .prop_map(Step::Sync),
        1 => Just(Step::Crash),
    ]
}

fn faults(answer: Answer) -> Faults {
    match answer {
        Answer::Fine | Answer::Down => Faults::default(),
        Answer::DropAfterCommit => Faults {
            drop_rate: 1.0,
            ..Faults::default()
        },
        Answer::Reset => Faults {
            reset_rate: 0.5,
            ..Faults::default()
        },
        Answer::ServerError => Faults {
            error_rate: 0.5,
            ..Faults::default()
        },
        Answer::Malformed => Faults {
            malformed_rate: 0.5,
            ..Faults::default()
        },
    }
}

async fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let (sim, dir, mut kiosk) = loaded_kiosk(120, Limits::unlimited()).await;
    let members = eligible(&sim);
    let mut acked: Vec<(i64, bool, String)> = Vec::new();
    // Each member's latest tap: its check-in, and its place in `acked`.
    let mut latest: HashMap<i64, (uuid::Uuid, usize)> = HashMap::new();
    for step in steps {
        match step {
            Step::Tap(i) => {
                let (checkin, tap) = match kiosk.members().tap(members[i]).unwrap() {
                    TapOutcome::Welcome { at, checkin, .. } => {
                        (checkin, (members[i], true, ts(&at)))
                    }
                    TapOutcome::Goodbye { at, checkin, .. } => {
                        (checkin, (members[i], false, ts(&at)))
                    }
                    other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
                };
                latest.insert(members[i], (checkin, acked.len()));
                acked.push(tap);
            }
            Step::Undo(i) => {
                // After a crash the tap is forgotten (the card is gone too): nothing to undo.
                if let Some((checkin, at)) = latest.remove(&members[i])
                    && kiosk.members().undo_tap(members[i], checkin).is_ok()
                {
                    // Taken back: the tap no longer stands, on the kiosk or on the server.
                    acked.remove(at);
                    for (_, later) in latest.values_mut() {
                        if *later > at {
                            *later -= 1;
                        }
                    }
                }
            }
            Step::Sync(answer) => {
                sim.set_faults(faults(answer));
                if matches!(answer, Answer::Down) {
                    sim.stop();
                }
                kiosk.account().sync_once(&scenarios::fast_sync()).await;
                if matches!(answer, Answer::Down) {
                    sim.resume().await.unwrap();
                }
                sim.set_faults(Faults::default());
            }
            Step::Crash => {
                latest.clear();
                drop(kiosk);
                kiosk = open_kiosk(dir.path(), Limits::unlimited());
            }
        }
        // Never a check-in twice on the server, whatever happened so far.
        let server = sim.checkins();
        let unique: HashSet<_> = server.iter().map(scenarios::server_identity).collect();
        prop_assert_eq!(unique.len(), server.len(), "a check-in was sent twice");
        // Nothing the server refused: a check-out sent before its check-in would be.
        prop_assert_eq!(
            kiosk.account().status().unwrap().parked,
            0,
            "something was refused"
        );
    }
    // Every acknowledged tap is on disk.
    let rows = Store::open(&dir.path().join("kiosk.db"))
        .unwrap()
        .read(|tx| tx.checkins_since(HOME, chrono::DateTime::UNIX_EPOCH))
        .unwrap();
    for (member, checked_in, at) in &acked {
        let found = rows.iter().any(|r| {
            r.member_id == *member
                && if *checked_in {
                    ts(&r.from_time) == *at
                } else {
                    r.to_time.map(|t| ts(&t)).as_ref() == Some(at)
                }
        });
        prop_assert!(found, "acknowledged tap {member} at {at} is missing");
    }
    // Healed, the queue drains to the server exactly.
    let status = drain(&kiosk, Duration::from_secs(30)).await;
    prop_assert_eq!((status.pending, status.parked), (0, 0));
    let server: HashMap<_, _> = sim
        .checkins()
        .into_iter()
        .map(|c| (scenarios::server_identity(&c), c))
        .collect();
    let local: Vec<_> = rows.iter().filter(|r| r.origin == Origin::Kiosk).collect();
    prop_assert_eq!(server.len(), local.len());
    for r in local {
        let s = &server[&scenarios::local_identity(r)];
        prop_assert_eq!(
            s.to_time.map(|t| t.timestamp()),
            r.to_time.map(|t| t.timestamp())
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_outbox_keeps_every_tap_and_sends_each_once(steps in proptest::collection::vec(step(), 1..30)) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(run(steps))?;
    }
}
