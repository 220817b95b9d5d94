//! The browser face over real HTTP, in demo mode against its in-process simulator.

mod common;

use std::time::Duration;

use common::{face, lan, screen, serve};
use futures::StreamExt;
use kiosk_web::{BootOptions, DemoChoice};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_serves_the_grid_and_a_tap_checks_in() {
    let f = face(screen()).await;
    let (s, status) = f.get("/api/status").await;
    assert_eq!(s, 200);
    assert_eq!(
        (status["demo"].clone(), status["demo_staff_pin"].clone()),
        (json!(true), json!("1234"))
    );
    assert_eq!(status["location"]["name"], "Shoreditch Hub");
    let (_, grid) = f.get("/api/grid").await;
    let first = grid[0]["member_id"].as_i64().unwrap();
    assert!(grid[0]["in_since"].is_null());

    let (s, out) = f.post("/api/tap", json!({"member_id": first})).await;
    assert_eq!((s, out["kind"].clone()), (200, json!("welcome")), "{out}");
    let (_, grid) = f.get("/api/grid").await;
    assert!(
        grid[0]["in_since_local"].is_string(),
        "the tile shows the member is in"
    );

    // The check-in reaches the simulator.
    let sim = &f.running.demo.as_ref().unwrap().sim;
    for _ in 0..100 {
        if !sim.checkins().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sim.checkins()[0].coworker_id, Some(first));

    let (s, err) = f.post("/api/tap", json!({"member_id": 42})).await;
    assert_eq!(
        (s, err["code"].clone()),
        (404, json!("unknown_member")),
        "errors are {{ code, message }}"
    );
    let (_, found) = f
        .post(
            "/api/search",
            json!({"query": grid[1]["name"], "limit": null}),
        )
        .await;
    assert_eq!(found[0]["member_id"], grid[1]["member_id"]);
    let (s, err) = f.post("/api/format_disk", json!({})).await;
    assert_eq!(
        (s, err["code"].clone()),
        (404, json!("unknown_call")),
        "only declared calls are served"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_stream_to_the_browser() {
    let f = face(screen()).await;
    let (_, grid) = f.get("/api/grid").await;
    let member = grid[3]["member_id"].as_i64().unwrap();
    let response = f
        .http
        .get(format!("{}/api/events", f.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.bytes_stream();
    f.post("/api/tap", json!({"member_id": member})).await;
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = body.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if seen.contains("\"type\":\"tapped\"") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "a tap arrives as an event: {seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_calls_carry_a_session_not_the_pin_and_change_what_members_see() {
    let f = face(screen()).await;
    let (s, e) = f.post("/api/staff_queue", json!({"pin": "1234"})).await;
    assert_eq!(
        (s, e["code"].clone(), e["field"].clone()),
        (400, json!("invalid"), json!("args")),
        "a staff call does not take the PIN"
    );
    let (s, e) = f
        .post("/api/staff_queue", json!({"session": "0123abcd"}))
        .await;
    assert_eq!((s, e["code"].clone()), (401, json!("staff_session_ended")));
    let session = f.unlock().await;
    let (_, settings) = f.get("/api/settings").await;
    let mut changed = settings.clone();
    changed["privacy"] = json!("initials");
    let (s, _) = f
        .post(
            "/api/update_settings",
            json!({"session": session, "settings": changed}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, grid) = f.get("/api/grid").await;
    let name = grid[0]["name"].as_str().unwrap();
    assert!(name.chars().count() <= 3, "initials only: {name}");
    let (s, _) = f.post("/api/staff_lock", json!({"session": session})).await;
    assert_eq!(s, 200);
    let (s, _) = f
        .post("/api/staff_queue", json!({"session": session}))
        .await;
    assert_eq!(s, 401, "closing the panel ends the session");
    for _ in 0..4 {
        f.post("/api/staff_unlock", json!({"pin": "9999"})).await;
    }
    let (s, e) = f.post("/api/staff_unlock", json!({"pin": "9999"})).await;
    assert_eq!(
        (s, e["code"].clone(), e["seconds"].clone()),
        (429, json!("locked_out"), json!(30)),
        "five wrong tries lock the panel"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_on_the_network_must_pair_first() {
    let f = face(lan()).await;
    let code = f.pairing_code();
    let (s, e) = f.get("/api/grid").await;
    assert_eq!((s, e["code"].clone()), (401, json!("pairing_required")));
    let (s, _) = f.post("/api/pair", json!({"code": "000000x"})).await;
    assert_eq!(s, 403, "a wrong code pairs nothing");
    let (s, _) = f
        .post("/api/pair", json!({"code": code, "name": "Front desk"}))
        .await;
    assert_eq!(s, 200);
    let (s, _) = f.get("/api/grid").await;
    assert_eq!(s, 200, "the cookie from pairing opens the API");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_kiosk_without_an_account_lets_the_first_staff_member_choose_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = BootOptions::new(dir.path().to_owned());
    options.demo = DemoChoice::Never;
    let f = serve(kiosk_web::boot(options).await.unwrap(), screen(), dir).await;
    let (_, status) = f.get("/api/status").await;
    assert_eq!(
        (
            status["demo"].clone(),
            status["staff_pin_set"].clone(),
            status["connectivity"].clone()
        ),
        (json!(false), json!(false), json!("not_configured"))
    );
    let (s, _) = f
        .post(
            "/api/staff_set_pin",
            json!({"current": null, "new": "5678"}),
        )
        .await;
    assert_eq!(s, 200, "the first PIN needs no current one");
    let (s, _) = f
        .post(
            "/api/staff_set_pin",
            json!({"current": null, "new": "1111"}),
        )
        .await;
    assert_eq!(s, 403, "the next change needs the current PIN");
    let (s, _) = f.post("/api/staff_unlock", json!({"pin": "5678"})).await;
    assert_eq!(s, 200);
    let (_, status) = f.get("/api/status").await;
    assert_eq!(status["staff_pin_set"], true);
}
