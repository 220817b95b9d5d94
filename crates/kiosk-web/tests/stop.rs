//! `kiosk serve` stops when asked, as systemd and the OS ask: within seconds, with browsers'
//! event streams open and a backlog draining, leaving nothing claimed.

mod common;

use std::time::{Duration, Instant};

use kiosk::domain::model::OutboxStatus;
use kiosk::store::Store;
use nexudus_sim::{SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_with_open_event_streams_and_a_backlog_stops_within_five_seconds() {
    let sim = Simulator::start(SimConfig::quiet(200)).await.unwrap();
    // A kiosk with an account, its members, and a backlog of taps made while offline.
    let dir = common::joined_data_dir(&sim, 50).await;

    let (mut child, mut lines) =
        common::spawn_serve(&["--no-demo", "--bind", "127.0.0.1:0"], dir.path());
    let url = common::listening_at(&mut lines).await;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    // Two browsers with their event streams open, as the UI always has.
    let http = reqwest::Client::new();
    let mut streams = Vec::new();
    for _ in 0..2 {
        let response = http.get(format!("{url}api/events")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        streams.push(response);
    }
    // The backlog drains at the published pace (a write a second): wait until it is under way.
    let writes = || sim.checkins().len() + sim.failed_checkins().len();
    let until = Instant::now() + Duration::from_secs(30);
    while writes() < 2 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(writes() >= 2, "the drain is under way");

    let at_signal = writes();
    let signalled = Instant::now();
    common::signal(&child, "INT");
    let exited = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    let took = signalled.elapsed();
    let exit = exited.unwrap_or_else(|_| panic!("still running 5 s after SIGINT"));
    assert!(exit.unwrap().success(), "a clean exit");
    assert!(
        writes() <= at_signal + 1,
        "at most the write in flight went out after the signal ({} more)",
        writes() - at_signal
    );

    let store = Store::open(&dir.path().join("kiosk.db")).unwrap();
    let (claimed, pending) = store
        .read(|tx| {
            Ok::<_, kiosk::StoreError>((
                tx.outbox_count(OutboxStatus::Claimed)?,
                tx.outbox_pending_count()?,
            ))
        })
        .unwrap();
    assert_eq!(claimed, 0, "nothing left claimed");
    assert!(pending > 10, "the rest waits for the next start: {pending}");
    drop(streams);
    eprintln!("stopped {took:?} after SIGINT");
}
