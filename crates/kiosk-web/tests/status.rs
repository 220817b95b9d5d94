//! `kiosk status`, the command IT types first, run on the data folder of a `kiosk serve`: it
//! shows the running kiosk's view (online, synced, requests sent) and says whose view it is
//! and how old; once the serve stops, it says no kiosk runs there (issue 25, point 6).

mod common;

use std::time::{Duration, Instant};

use nexudus_sim::{SimConfig, Simulator};

fn kiosk_status(dir: &std::path::Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("status")
        .arg("--data-dir")
        .arg(dir)
        .output()
        .expect("kiosk status runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn line<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or_else(|| panic!("no {key:?} line in:\n{text}"))
        .trim()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_status_beside_a_running_serve_shows_its_view_and_says_whose_it_is() {
    let sim = Simulator::start(SimConfig::quiet(100)).await.unwrap();
    let dir = common::joined_data_dir(&sim, 0).await;
    let text = kiosk_status(dir.path());
    assert!(
        line(&text, "seen by:").starts_with("no kiosk has run on this data folder yet"),
        "{text}"
    );
    let (mut child, mut lines) =
        common::spawn_serve(&["--no-demo", "--bind", "127.0.0.1:0"], dir.path());
    let url = common::listening_at(&mut lines).await;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    // The kiosk syncs with the simulator: wait until its own status bar says so.
    let until = Instant::now() + Duration::from_mins(1);
    loop {
        let status: serde_json::Value = reqwest::get(format!("{url}api/status"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if status["connectivity"] == "online" && status["last_sync"].is_string() {
            break;
        }
        assert!(
            Instant::now() < until,
            "the serve never came online: {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let text = kiosk_status(dir.path());
    assert!(
        line(&text, "seen by:").starts_with("the running kiosk, as it saved its state"),
        "{text}"
    );
    assert_eq!(line(&text, "connectivity:"), "online", "{text}");
    assert_ne!(line(&text, "last sync:"), "never", "{text}");
    let requests: u32 = line(&text, "API requests:")
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(requests > 0, "the requests the serve sent: {text}");

    // A clean stop is said at once.
    common::signal(&child, "TERM");
    tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the serve stops")
        .unwrap();
    let text = kiosk_status(dir.path());
    assert!(
        line(&text, "seen by:")
            .starts_with("no kiosk is running on this data folder; the last one stopped"),
        "{text}"
    );
}
