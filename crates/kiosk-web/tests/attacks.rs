//! The browser face tried as an attacker on the lobby's network would (SECURITY.md): walking
//! the pairing codes, a revoked tablet, guessing member PINs, another site's page, a LAN
//! tablet choosing the first staff PIN, oversized requests. A LAN client is played from
//! loopback by the face's test switch (`trust_loopback: false`, see `common::lan`); HTTPS is
//! tried on the real `kiosk serve` bound to every address.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{ManualClock, client, face, face_with, lan, screen};
use futures::StreamExt;
use kiosk_web::DemoChoice;
use kiosk_web::http::{BODY_LIMIT, STREAMS_AT_ONCE};
use serde_json::{Value, json};

fn driven_clock() -> ManualClock {
    ManualClock::new(chrono::Utc::now())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pairing_brute_force_is_stopped_within_a_few_tries_and_the_right_code_pairs_only_after_the_wait()
 {
    let clock = driven_clock();
    let c = clock.clone();
    let f = face_with(lan(), move |o| o.clock = Arc::new(c)).await;
    let code = f.pairing_code();
    let (mut compared, mut waited) = (0, 0);
    for n in 0..300_u32 {
        let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + n) % 1_000_000);
        let (s, e) = f.post("/api/pair", json!({"code": guess})).await;
        match (s, e["code"].as_str()) {
            (403, Some("wrong_code")) => compared += 1,
            (429, Some("locked_out")) => {
                assert!(e["seconds"].as_i64().unwrap() >= 1);
                waited += 1;
            }
            other => panic!("{other:?} {e}"),
        }
    }
    assert_eq!(
        compared, 6,
        "five free wrong codes and one that starts the wait; the other 294 are not compared"
    );
    assert_eq!(waited, 294);
    let (s, e) = f.post("/api/pair", json!({"code": code})).await;
    assert_eq!(
        (s, e["code"].clone()),
        (429, json!("locked_out")),
        "during the wait the right code does not pair either"
    );
    let (s, _) = f.get("/api/grid").await;
    assert_eq!(s, 401, "and nothing opened");
    clock.advance(chrono::Duration::seconds(11));
    let (s, e) = f.post("/api/pair", json!({"code": code})).await;
    assert_eq!(s, 200, "after the wait the right code pairs: {e}");
    let (s, _) = f.get("/api/grid").await;
    assert_eq!(s, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_tablet_is_refused_at_its_next_call_and_its_event_stream_closes() {
    let f = face(lan()).await;
    let lobby = f.paired_tablet("Lobby").await;
    let desk = f.paired_tablet("Desk").await;
    let (s, _) = f
        .send_with(&lobby, reqwest::Method::GET, "/api/grid", None)
        .await;
    assert_eq!(s, 200);
    let stream = lobby
        .get(format!("{}/api/events", f.url))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);

    // Staff at the desk tablet find the lobby tablet and revoke it.
    let (s, session) = f
        .post_as(
            &desk,
            "/api/staff_unlock",
            json!({"pin": common::STAFF_PIN}),
        )
        .await;
    assert_eq!(s, 200);
    let session = session["token"].clone();
    let (s, tablets) = f
        .post_as(&desk, "/api/staff_tablets", json!({"session": session}))
        .await;
    assert_eq!(s, 200, "{tablets}");
    let lobby_id = tablets["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Lobby")
        .expect("the lobby tablet is listed by name")["id"]
        .clone();
    let (s, e) = f
        .post_as(
            &desk,
            "/api/staff_revoke_tablet",
            json!({"session": session, "device_id": lobby_id}),
        )
        .await;
    assert_eq!(s, 200, "{e}");

    let (s, e) = f
        .send_with(&lobby, reqwest::Method::GET, "/api/grid", None)
        .await;
    assert_eq!((s, e["code"].clone()), (401, json!("pairing_required")));
    let mut body = stream.bytes_stream();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the revoked tablet's event stream closed");
    let (s, _) = f
        .send_with(&desk, reqwest::Method::GET, "/api/grid", None)
        .await;
    assert_eq!(s, 200, "the other tablet goes on");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_pin_guessing_loop_on_a_tablet_is_slowed_to_one_try_per_growing_wait() {
    let clock = driven_clock();
    let c = clock.clone();
    let f = face_with(lan(), move |o| o.clock = Arc::new(c)).await;
    let tablet = f.paired_tablet("Lobby").await;
    // Nine digits: no demo member's PIN is (or contains) one of these.
    let guess = |n: u32| format!("9{n:08}");
    let mut tried = 0;
    let mut waits = Vec::new();
    for n in 0..50 {
        let (s, e) = f
            .post_as(&tablet, "/api/tap_pin", json!({"pin": guess(n)}))
            .await;
        match (s, e["code"].as_str()) {
            (404, Some("unknown_pin")) => tried += 1,
            (429, Some("locked_out")) => waits.push(e["seconds"].as_i64().unwrap()),
            other => panic!("{other:?} {e}"),
        }
    }
    assert_eq!(
        tried, 4,
        "three free wrong PINs and one that starts the wait, of 50 typed as fast as possible"
    );
    assert!(waits.iter().all(|w| *w == 5), "{waits:?}");
    clock.advance(chrono::Duration::seconds(5));
    let (s, _) = f
        .post_as(&tablet, "/api/tap_pin", json!({"pin": guess(99)}))
        .await;
    assert_eq!(s, 404, "after the wait one more PIN is tried");
    let (s, e) = f
        .post_as(&tablet, "/api/tap_pin", json!({"pin": guess(100)}))
        .await;
    assert_eq!(
        (s, e["seconds"].clone()),
        (429, json!(10)),
        "and the wait doubled"
    );
    let (s, _) = f.post("/api/tap_pin", json!({"pin": guess(101)})).await;
    assert_eq!(s, 401, "an unpaired browser cannot even try");

    let session = {
        let (_, s) = f
            .post_as(
                &tablet,
                "/api/staff_unlock",
                json!({"pin": common::STAFF_PIN}),
            )
            .await;
        s["token"].clone()
    };
    let (_, tablets) = f
        .post_as(&tablet, "/api/staff_tablets", json!({"session": session}))
        .await;
    assert_eq!(
        tablets["wrong_pins"][0]["today"], 5,
        "staff see the wrong PINs: {tablets}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_or_another_sites_page_is_refused_and_every_answer_carries_the_security_headers()
 {
    let f = face(screen()).await;
    let rebound = f
        .http
        .get(format!("{}/api/grid", f.url))
        .header("host", "kiosk.attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 421);
    let e: Value = rebound.json().await.unwrap();
    assert_eq!(e["code"], "foreign_host", "DNS rebinding reaches nothing");

    let forged = f
        .http
        .post(format!("{}/api/tap", f.url))
        .header("origin", "https://attacker.example")
        .body(r#"{"member_id": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let e: Value = forged.json().await.unwrap();
    assert_eq!(e["code"], "foreign_origin");

    let own = f
        .http
        .get(format!("{}/api/status", f.url))
        .header("origin", f.url.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200, "the kiosk's own page is its own origin");
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(own.headers()[name], value, "{name}");
    }
    let csp = own.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lan_tablet_cannot_choose_the_first_staff_pin_the_screen_can() {
    let f = face_with(lan(), |o| o.demo = DemoChoice::Never).await;
    let (s, e) = f
        .post(
            "/api/staff_set_pin",
            json!({"current": null, "new": "0000"}),
        )
        .await;
    assert_eq!(
        (s, e["code"].clone()),
        (401, json!("pairing_required")),
        "unpaired: nothing"
    );
    let tablet = f.paired_tablet("Lobby").await;
    let (s, e) = f
        .post_as(
            &tablet,
            "/api/staff_set_pin",
            json!({"current": null, "new": "0000"}),
        )
        .await;
    assert_eq!((s, e["code"].clone()), (403, json!("screen_only")));
    assert!(!f.running.kiosk.staff().pin_is_set().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_searches_and_too_many_event_streams_are_refused_as_json() {
    let f = face(screen()).await;
    let huge = "x".repeat(BODY_LIMIT + 1);
    let (s, e) = f.post("/api/search", json!({"query": huge})).await;
    assert_eq!((s, e["code"].clone()), (413, json!("too_large")), "{e}");
    // The largest visitor's photo the core keeps, base64, fits the limit: a tablet's photo
    // reaches the core, which answers for it (here: no such visit).
    let mut jpeg = vec![0xFF, 0xD8, 0xFF];
    jpeg.resize(kiosk::services::PHOTO_MAX, 0);
    let photo = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&jpeg)
    };
    let (s, e) = f
        .post(
            "/api/visitor_photo",
            json!({"visit": "00000000-0000-0000-0000-000000000000", "photo": {"kind": "taken", "image": photo}}),
        )
        .await;
    assert_eq!(e["code"], json!("unknown_code"), "{s} {e}");
    let (s, e) = f
        .post(
            "/api/search",
            json!({"query": "a".repeat(101), "limit": null}),
        )
        .await;
    assert_eq!(
        (s, e["code"].clone(), e["field"].clone()),
        (400, json!("invalid"), json!("query"))
    );
    let (s, e) = f
        .send_with(&f.http, reqwest::Method::DELETE, "/api/grid", None)
        .await;
    assert_eq!((s, e["code"].clone()), (405, json!("method_not_allowed")));

    let mut open = Vec::new();
    for _ in 0..STREAMS_AT_ONCE {
        let r = client()
            .get(format!("{}/api/events", f.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        open.push(r);
    }
    let (s, e) = f.get("/api/events").await;
    assert_eq!((s, e["code"].clone()), (503, json!("too_many_streams")));
    drop(open);
    let (s, _) = f.get("/api/status").await;
    assert_eq!(s, 200, "the calls go on");
}

/// `kiosk serve` on every address: HTTPS with a self-signed certificate kept in the data
/// directory, its fingerprint printed; plain HTTP is not answered there; cookies are Secure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_lan_address_the_kiosk_serves_https_only_with_the_fingerprint_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut lines) = common::spawn_serve(
        &["--demo", "--members", "20", "--bind", "0.0.0.0:0"],
        dir.path(),
    );
    let (mut port, mut printed, mut code) = (None, None, None);
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_mins(1), lines.next_line()).await
    {
        if let Some(url) = line.strip_prefix("Kiosk listening on https://0.0.0.0:") {
            port = Some(url.trim_end_matches('/').to_owned());
        }
        if let Some((_, fp)) = line.split_once("SHA-256 fingerprint ") {
            printed = Some(fp.trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("Tablets on the network pair with code ") {
            code = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
    }
    let port = port.expect("it says it serves https");
    let printed = printed.expect("it prints the certificate's fingerprint");
    let code = code.expect("it prints a pairing code");

    let tls = reqwest::Client::builder()
        .danger_accept_invalid_certs(true) // self-signed: checked by fingerprint below
        .tls_info(true)
        .build()
        .unwrap();
    let r = tls
        .post(format!("https://127.0.0.1:{port}/api/pair"))
        .json(&json!({"code": code, "name": "Lobby"}))
        .send()
        .await
        .unwrap();
    let served = r
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|i| i.peer_certificate())
        .map(kiosk_web::tls::fingerprint)
        .expect("a certificate");
    assert_eq!(served, printed, "the printed fingerprint is the served one");
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/status"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(
        plain.is_err(),
        "plain HTTP is not answered on a LAN address: {plain:?}"
    );
    assert!(
        dir.path().join("tls/kiosk-cert.pem").is_file(),
        "the certificate is kept for the next start"
    );
    let _ = child.kill().await;
}
