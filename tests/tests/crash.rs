//! A kiosk process tapping and syncing is killed with SIGKILL at random moments, fifty times.
//! After every kill each acknowledged tap must be in the database and the database intact; at
//! the end the server must hold each check-in exactly once.

use std::collections::HashSet;
use std::time::Duration;

use kiosk::store::{Store, ts};
use nexudus::Limits;
use rand::{Rng, SeedableRng};
use scenarios::{HOME, drain, open_kiosk, quiet_sim};
use tokio::io::{AsyncBufReadExt, BufReader};

const KILLS: u64 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_loses_and_doubles_nothing() {
    let sim = quiet_sim(400).await;
    let dir = tempfile::tempdir().unwrap();
    let members = scenarios::tapper_members(&sim, 40);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut acks: Vec<(i64, String, String)> = Vec::new();

    for kill in 0..KILLS {
        let mut child = scenarios::tapper(
            env!("CARGO_BIN_EXE_tapper"),
            dir.path(),
            &sim,
            &members,
            kill,
        )
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the tapper starts");
        let stdout = child.stdout.take().unwrap();
        let reader = tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            let mut seen = Vec::new();
            while let Ok(Some(line)) = lines.next_line().await {
                seen.push(line);
            }
            seen
        });
        tokio::time::sleep(Duration::from_millis(rng.random_range(150..700))).await;
        child.start_kill().expect("SIGKILL");
        child.wait().await.unwrap();
        for line in reader.await.unwrap() {
            let parts: Vec<&str> = line.split(' ').collect();
            if let ["ACK", member, kind, at] = parts.as_slice() {
                acks.push((
                    member.parse().unwrap(),
                    (*kind).to_owned(),
                    (*at).to_owned(),
                ));
            }
        }

        // Every tap the kiosk acknowledged is on disk, and the file is sound.
        let store =
            Store::open(&dir.path().join("kiosk.db")).expect("the database opens after a kill");
        assert_eq!(store.integrity_check().unwrap(), "ok", "after kill {kill}");
        let rows = store
            .read(|tx| tx.checkins_since(HOME, chrono::DateTime::UNIX_EPOCH))
            .unwrap();
        let ins: HashSet<(i64, String)> = rows
            .iter()
            .map(|r| (r.member_id, ts(&r.from_time)))
            .collect();
        let outs: HashSet<(i64, String)> = rows
            .iter()
            .filter_map(|r| r.to_time.map(|t| (r.member_id, ts(&t))))
            .collect();
        for (member, kind, at) in &acks {
            let recorded = if kind == "in" { &ins } else { &outs };
            assert!(
                recorded.contains(&(*member, at.clone())),
                "kill {kill}: acknowledged tap {member} {kind} at {at} is missing"
            );
        }
    }
    assert!(acks.len() >= 1000, "thousands of taps: {}", acks.len());

    // Bring the kiosk up once more and let it drain: the server holds each check-in once.
    let kiosk = open_kiosk(dir.path(), Limits::unlimited());
    let status = drain(&kiosk, Duration::from_mins(2)).await;
    assert_eq!(
        (status.pending, status.parked),
        (0, 0),
        "drained after the last kill: {status:?}"
    );
    let local = scenarios::kiosk_checkins(dir.path());
    let server = sim.checkins();
    // The simulator keeps no SystemId by default: a check-in is its member and its start.
    let server_ids: HashSet<_> = server
        .iter()
        .map(|c| (c.coworker_id, c.from_time.timestamp()))
        .collect();
    assert_eq!(
        server_ids.len(),
        server.len(),
        "no check-in twice on the server"
    );
    assert_eq!(
        server.len(),
        local.len(),
        "each of the kiosk's check-ins once: none lost"
    );
    for row in &local {
        let on_server = server
            .iter()
            .find(|c| {
                c.coworker_id == Some(row.member_id)
                    && c.from_time.timestamp() == row.from_time.timestamp()
            })
            .unwrap();
        assert_eq!(
            on_server.to_time.map(|t| t.timestamp()),
            row.to_time.map(|t| t.timestamp()),
            "check-outs arrived"
        );
    }
}
