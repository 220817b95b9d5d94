//! `kiosk serve` under systemd (issue 29, point 2), on a notify socket the test owns as systemd
//! would: `READY=1` once it listens, `WATCHDOG=1` at half the interval systemd set, `STOPPING=1`
//! when asked to stop; and the probes a supervisor or a load balancer reads, `/healthz` and
//! `/readyz`, with nothing personal in them.
#![cfg(target_os = "linux")]

mod common;

use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

/// The notify messages that came within `wait`, one per datagram.
fn messages(socket: &UnixDatagram, wait: Duration) -> Vec<String> {
    let until = Instant::now() + wait;
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    while Instant::now() < until {
        match socket.recv(&mut buf) {
            Ok(n) => got.push(String::from_utf8_lossy(&buf[..n]).trim().to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("{e}"),
        }
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_systemd_it_says_ready_feeds_the_watchdog_answers_its_probes_and_says_stopping() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket.set_nonblocking(true).unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args([
            "serve",
            "--demo",
            "--members",
            "20",
            "--bind",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(data.path())
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "400000")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stdout.take().unwrap()));
    let url = common::listening_at(&mut lines).await;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let first = messages(&socket, Duration::from_millis(1500));
    assert_eq!(
        first.first().map(String::as_str),
        Some("READY=1"),
        "{first:?}"
    );
    let pings = first.iter().filter(|m| *m == "WATCHDOG=1").count();
    assert!(
        (3..=8).contains(&pings),
        "about one ping every 200 ms (half of 400 ms) in 1.5 s: {first:?}"
    );

    let http = reqwest::Client::new();
    let live = http.get(format!("{url}healthz")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    assert_eq!(live.text().await.unwrap(), "ok\n");
    // Demo mode holds a session with its simulator from the start.
    let ready = http.get(format!("{url}readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "ready": true, "store": true, "session": true, "stopping": false }),
        "three yes-or-no answers, nothing personal"
    );

    common::signal(&child, "TERM");
    let exit = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("it stops within 10 s");
    assert!(exit.unwrap().success());
    let last = messages(&socket, Duration::from_millis(200));
    assert!(last.iter().any(|m| m == "STOPPING=1"), "{last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_it_is_alive_but_not_ready_and_outside_systemd_it_tells_nobody() {
    let data = tempfile::tempdir().unwrap();
    let (_child, mut lines) =
        common::spawn_serve(&["--no-demo", "--bind", "127.0.0.1:0"], data.path());
    let url = common::listening_at(&mut lines).await;
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("{url}healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let ready = http.get(format!("{url}readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "no account: nothing would ever sync");
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["session"], false);
    assert_eq!(body["store"], true);
}
