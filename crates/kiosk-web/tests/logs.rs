//! Logs IT can read (issue 29, point 5): `kiosk serve --log-format json` writes JSON lines to
//! its daily files in the data directory, keeps at most two weeks of them, names no member and
//! no PIN, and `kiosk logs --since` reads them back.

mod common;

use std::time::Duration;

use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_json_lines_to_bounded_daily_files_without_names_or_pins_and_kiosk_logs_reads_them()
 {
    let data = tempfile::tempdir().unwrap();
    let logs = data.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    // Twenty days of an earlier run's files, made a day after another (the appender ranks them
    // by when each was made): the start keeps the newest of them only.
    for day in 1..=20 {
        std::thread::sleep(Duration::from_millis(5));
        std::fs::write(
            logs.join(format!("kiosk-serve.2026-10-{day:02}.log")),
            format!("2026-10-{day:02}T09:00:00.000001Z  INFO kiosk: an old day\n"),
        )
        .unwrap();
    }
    let (child, mut lines) = common::spawn_serve(
        &[
            "--demo",
            "--members",
            "20",
            "--bind",
            "127.0.0.1:0",
            "--log-format",
            "json",
        ],
        data.path(),
    );
    let url = common::listening_at(&mut lines).await;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| http.post(format!("{url}api/{path}")).json(&body).send();
    let grid: Value = http
        .get(format!("{url}api/grid"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tile = grid[0].clone();
    let name = tile["name"].as_str().unwrap().to_owned();
    assert_eq!(
        post("tap", json!({"member_id": tile["member_id"]}))
            .await
            .unwrap()
            .status(),
        200
    );
    let wrong_pin = "918273";
    assert_eq!(
        post("tap_pin", json!({"pin": wrong_pin}))
            .await
            .unwrap()
            .status(),
        404
    );
    let wrong_staff_pin = "7531";
    assert_eq!(
        post("staff_unlock", json!({"pin": wrong_staff_pin}))
            .await
            .unwrap()
            .status(),
        403
    );
    // A sync round's worth of lines, then a stop.
    tokio::time::sleep(Duration::from_secs(2)).await;
    common::stopped(child).await;

    let files: Vec<String> = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.len() <= kiosk_web::LOG_FILES_KEPT,
        "at most two weeks of files: {files:?}"
    );
    assert!(
        files.iter().any(|f| f == "kiosk-serve.2026-10-20.log")
            && !files.iter().any(|f| f == "kiosk-serve.2026-10-01.log"),
        "the oldest went first: {files:?}"
    );
    let today = format!("kiosk-serve.{}.log", chrono::Utc::now().format("%Y-%m-%d"));
    let text = std::fs::read_to_string(logs.join(&today)).unwrap();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(events.len() >= 3, "{text}");
    for event in &events {
        assert!(
            event["timestamp"].is_string() && event["level"].is_string(),
            "{event}"
        );
    }
    for secret in name
        .split_whitespace()
        .filter(|w| w.len() > 2)
        .chain([wrong_pin, wrong_staff_pin])
    {
        assert!(!text.contains(secret), "{secret:?} is in the log:\n{text}");
    }

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["logs", "--since", "1h", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed.lines().count(),
        events.len(),
        "this run's lines, not the old days':\n{printed}"
    );
    assert!(!printed.contains("an old day"));

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["logs", "--since", "yesterday", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("1h, 30m, 2days"),
        "a wrong --since says what it takes"
    );
}
