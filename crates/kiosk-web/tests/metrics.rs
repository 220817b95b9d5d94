//! `GET /metrics` as IT meets it (issue 29, point 1): a scrape token made and revoked on the
//! desk, the kiosk scraped by a real Prometheus (Debian's, unpacked by scripts/setup.sh) that
//! parses it and stores every series the alert rules name, and the alert rules themselves
//! checked and unit-tested by promtool.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Where scripts/setup.sh unpacks Prometheus and promtool.
fn prometheus_bin(name: &str) -> PathBuf {
    let dir = std::env::var_os("KIOSK_PROMETHEUS_BIN_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tools/prometheus/usr/bin"),
        PathBuf::from,
    );
    let bin = dir.join(name);
    assert!(
        bin.is_file(),
        "{} is missing: run scripts/setup.sh, which unpacks Debian's prometheus package there",
        bin.display()
    );
    bin
}

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/monitoring")
}

/// A free loopback port (Prometheus cannot be told to pick one and say which).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn scrape(f: &common::Face, token: Option<&str>) -> reqwest::Response {
    let mut request = f.http.get(format!("{}/metrics", f.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// A PromQL query's result vector, from Prometheus's HTTP API.
async fn query(prometheus: &str, promql: &str) -> Vec<Value> {
    let answer = reqwest::Client::new()
        .get(format!("{prometheus}/api/v1/query"))
        .query(&[("query", promql)])
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .unwrap_or_else(|e| panic!("{promql}: {e}"));
    let answer: Value = answer.json().await.unwrap();
    answer["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Asks until `promql` answers one sample with value `want`, or fails after 30 s.
async fn until_value(prometheus: &str, promql: &str, want: &str) {
    let until = Instant::now() + Duration::from_secs(30);
    let mut last = Vec::new();
    while Instant::now() < until {
        last = query(prometheus, promql).await;
        if last.len() == 1 && last[0]["value"][1] == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("{promql} never answered {want}: last {last:?}");
}

/// Every `kiosk_` metric name a rules file names.
fn names_in(rules: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for (i, _) in rules.match_indices("kiosk_") {
        let name: String = rules[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        names.insert(name);
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_a_kiosk_with_a_token_staff_made_and_stops_when_they_revoke_it() {
    let f = common::face(common::lan()).await;
    let tablet = f.paired_tablet("IT's laptop").await;
    let (s, unlocked) = f
        .post_as(
            &tablet,
            "/api/staff_unlock",
            json!({"pin": common::STAFF_PIN}),
        )
        .await;
    assert_eq!(s, 200, "{unlocked}");
    let session = unlocked["token"].as_str().unwrap().to_owned();
    let (s, made) = f
        .post_as(
            &tablet,
            "/api/staff_new_scrape_token",
            json!({"session": session, "name": "Prometheus (test)"}),
        )
        .await;
    assert_eq!(s, 200, "{made}");
    let token = made["token"].as_str().unwrap().to_owned();

    // A member taps, from the paired tablet.
    let (_, grid) = f
        .send_with(&tablet, reqwest::Method::GET, "/api/grid", None)
        .await;
    let tile = &grid.as_array().unwrap()[0];
    let (s, tapped) = f
        .post_as(&tablet, "/api/tap", json!({"member_id": tile["member_id"]}))
        .await;
    assert_eq!(s, 200, "{tapped}");

    // Without a token, or with a wrong one: nothing, and how to ask.
    for shown in [None, Some("0123456789abcdef")] {
        let refused = scrape(&f, shown).await;
        assert_eq!(refused.status(), 401, "token {shown:?}");
        assert_eq!(
            refused.headers()["www-authenticate"],
            "Bearer realm=\"kiosk metrics\""
        );
    }

    let answer = scrape(&f, Some(&token)).await;
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "{:?}",
        answer.headers()
    );
    let text = answer.text().await.unwrap();
    let name = tile["name"].as_str().unwrap();
    for word in name.split_whitespace().filter(|w| w.len() > 2) {
        assert!(
            !text.contains(word),
            "a member's name ({name}) in a scrape:\n{text}"
        );
    }

    // The real Prometheus scrapes it every second with the token, as IT would configure it.
    let work = tempfile::tempdir().unwrap();
    let port = free_port();
    let target = f.url.trim_start_matches("http://");
    let config = work.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\n\
             scrape_configs:\n  - job_name: kiosk\n    authorization: {{credentials: {token}}}\n    \
             static_configs: [{{targets: ['{target}']}}]\n"
        ),
    )
    .unwrap();
    let mut prometheus = tokio::process::Command::new(prometheus_bin("prometheus"))
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            work.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let at = format!("http://127.0.0.1:{port}");
    let until = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{at}/-/ready")).await.is_err() {
        assert!(Instant::now() < until, "Prometheus did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    until_value(&at, "up{job=\"kiosk\"}", "1").await;
    until_value(&at, "kiosk_taps_total{outcome=\"check_in\"}", "1").await;
    until_value(&at, "kiosk_queue_entries{state=\"parked\"}", "0").await;
    let stored: std::collections::BTreeSet<String> =
        query(&at, "count by (__name__) ({__name__=~\"kiosk_.*\"})")
            .await
            .iter()
            .filter_map(|r| r["metric"]["__name__"].as_str().map(str::to_owned))
            .collect();
    let rules = std::fs::read_to_string(rules_dir().join("kiosk.rules.yml")).unwrap();
    let named = names_in(&rules);
    assert!(named.len() >= 5, "{named:?}");
    let missing: Vec<_> = named.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "the alert rules name metrics the kiosk does not export: {missing:?} (stored: {stored:?})"
    );

    // Staff revoke the token: the next scrape is refused, and Prometheus sees the kiosk down.
    let (s, e) = f
        .post_as(
            &tablet,
            "/api/staff_revoke_scrape_token",
            json!({"session": session, "token_id": made["id"]}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(scrape(&f, Some(&token)).await.status(), 401);
    until_value(&at, "up{job=\"kiosk\"}", "0").await;
    prometheus.kill().await.unwrap();
}

#[test]
fn the_alert_rules_are_valid_and_fire_when_they_should() {
    let promtool = prometheus_bin("promtool");
    for args in [
        &["check", "rules", "kiosk.rules.yml"][..],
        &["test", "rules", "kiosk.rules.test.yml"][..],
    ] {
        let out = std::process::Command::new(&promtool)
            .args(args)
            .current_dir(rules_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {args:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
