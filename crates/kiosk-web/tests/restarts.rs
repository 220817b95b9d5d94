//! A burst of restarts with a backlog (a crash loop, a flapping power supply): `kiosk serve` is
//! killed thirty times, each run a second or so long, against a simulator throttling at the
//! published limits. Every run resumes the limits the last one left, so the server throttles
//! nothing, and the backlog still goes out once each (issue 25, point 3: 58 throttled answers
//! in a loop of 31 kills before).

mod common;

use std::collections::HashSet;
use std::time::Duration;

use nexudus_sim::{SimConfig, Simulator};
use rand::{Rng, SeedableRng};

const RESTARTS: u64 = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_kills_in_a_row_with_a_backlog_are_never_throttled() {
    let sim = Simulator::start(SimConfig {
        members: 400,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = common::joined_data_dir(&sim, 100).await;
    let throttled = || sim.requests().iter().filter(|r| r.status == 409).count();
    assert_eq!(throttled(), 0, "the set-up itself kept within the limits");

    let mut rng = rand::rngs::StdRng::seed_from_u64(25);
    for _ in 0..RESTARTS {
        let (mut child, mut lines) =
            common::spawn_serve(&["--no-demo", "--bind", "127.0.0.1:0"], dir.path());
        common::listening_at(&mut lines).await;
        tokio::time::sleep(Duration::from_millis(rng.random_range(400..1_600))).await;
        child.start_kill().expect("SIGKILL");
        child.wait().await.unwrap();
    }

    let requests = sim.requests().len();
    let sent = sim.checkins();
    assert!(
        !sent.is_empty(),
        "the backlog went on draining through the restarts ({requests} requests)"
    );
    let distinct: HashSet<_> = sent
        .iter()
        .map(|c| (c.coworker_id, c.from_time.timestamp()))
        .collect();
    assert_eq!(distinct.len(), sent.len(), "no check-in twice");
    assert_eq!(
        throttled(),
        0,
        "{} of {requests} requests throttled over {RESTARTS} restarts",
        throttled()
    );
}
