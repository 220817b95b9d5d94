//! The simulator on the wire, read with a plain HTTP client (not the kiosk's), so that what it
//! answers is checked against the contract and the seeds field for field.

use std::time::Duration;

mod common;

use common::Wire;
use nexudus_sim::{DEMO_EMAIL, DEMO_PASSWORD, Faults, SimConfig, Switches, ThrottleConfig, Window};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn the_seed_examples_come_back_field_for_field() {
    let w = Wire::quiet(10).await;
    // The seeds' success envelope, with the record's own Id, time and user.
    let (status, created) = w
        .post(
            "/api/spaces/checkins",
            json!({"BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        keys(&created),
        [
            "Status",
            "Message",
            "Value",
            "OpenInDialog",
            "OpenInWindow",
            "RedirectURL",
            "JavaScript",
            "UpdatedOn",
            "UpdatedBy",
            "Errors",
            "WasSuccessful"
        ],
        "the envelope's fields, in the seeds' order"
    );
    let id = created["Value"]["Id"].as_i64().unwrap();
    let expected = json!({
        "Status": 200, "Message": "Checkin was successfully created.", "Value": {"Id": id},
        "OpenInDialog": false, "OpenInWindow": false, "RedirectURL": null, "JavaScript": null,
        "UpdatedOn": created["UpdatedOn"], "UpdatedBy": DEMO_EMAIL, "Errors": null, "WasSuccessful": true
    });
    assert_eq!(created, expected);
    let (_, updated) = w
        .put(
            "/api/spaces/checkins",
            json!({"Id": id, "BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(updated["Message"], "Checkin was successfully updated.");

    // The seeds' 400 examples, exactly.
    let missing = |field: &str| {
        json!({
            "Message": format!("{field}: is a required field"), "Value": null,
            "Errors": [{"AttemptedValue": null, "Message": "is a required field", "PropertyName": field}],
            "WasSuccessful": false
        })
    };
    let (s, body) = w
        .post("/api/spaces/checkins", json!({"BusinessId": 0}))
        .await;
    assert_eq!((s, body), (StatusCode::BAD_REQUEST, missing("FromTime")));
    let (s, body) = w
        .put("/api/spaces/checkins", json!({"BusinessId": 0, "Id": id}))
        .await;
    assert_eq!((s, body), (StatusCode::BAD_REQUEST, missing("FromTime")));
    let (s, body) = w
        .post("/api/spaces/failedcheckins", json!({"BusinessId": 0}))
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::BAD_REQUEST, missing("CheckinAttemptTime"))
    );
    let (s, body) = w
        .put(
            "/api/spaces/failedcheckins",
            json!({"BusinessId": 0, "Id": 87_654_321}),
        )
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::BAD_REQUEST, missing("CheckinAttemptTime"))
    );

    let (_, f) = w
        .post(
            "/api/spaces/failedcheckins",
            json!({"BusinessId": 1001, "CheckinAttemptTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(f["Message"], "FailedCheckin was successfully created.");
    let fid = f["Value"]["Id"].as_i64().unwrap();
    let (_, f) = w
        .put(
            "/api/spaces/failedcheckins",
            json!({"Id": fid, "BusinessId": 1001, "CheckinAttemptTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(f["Message"], "FailedCheckin was successfully updated.");
}

#[tokio::test]
async fn wrong_types_unknown_ids_and_bad_json_are_refused_by_name() {
    let w = Wire::quiet(10).await;
    let (s, body) = w
        .post(
            "/api/spaces/checkins",
            json!({"BusinessId": "abc", "FromTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["Message"], "BusinessId: is not a valid integer");
    assert_eq!(body["Errors"][0]["AttemptedValue"], "abc");
    let (s, body) = w
        .post(
            "/api/spaces/checkins",
            json!({"BusinessId": 1001, "FromTime": "noon"}),
        )
        .await;
    assert_eq!(
        (s, body["Errors"][0]["PropertyName"].clone()),
        (StatusCode::BAD_REQUEST, json!("FromTime"))
    );
    let (s, body) = w
        .put(
            "/api/spaces/checkins",
            json!({"Id": 1, "BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(
        (s, body["Errors"][0]["PropertyName"].clone()),
        (StatusCode::BAD_REQUEST, json!("Id")),
        "unknown Id refused"
    );
    let (s, body) = w
        .post(
            "/api/spaces/checkins",
            json!({"BusinessId": 1001, "CoworkerId": 1, "FromTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(
        (s, body["WasSuccessful"].clone()),
        (StatusCode::OK, json!(false)),
        "unknown member: a 200 that did not succeed"
    );
    let (s, body) = w
        .post(
            "/api/spaces/checkins",
            json!({"BusinessId": 5, "FromTime": "2025-01-15T10:30:00Z"}),
        )
        .await;
    assert_eq!(
        (s, body["Errors"][0]["PropertyName"].clone()),
        (StatusCode::BAD_REQUEST, json!("BusinessId")),
        "unknown location refused"
    );
    let r = w
        .http
        .post(w.url("/api/spaces/checkins"))
        .bearer_auth(&w.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (s, body) = w.post("/api/spaces/checkins", json!({"BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z", "ToTime": "2025-01-15T09:00:00Z"})).await;
    assert_eq!(
        (s, body["Errors"][0]["PropertyName"].clone()),
        (StatusCode::BAD_REQUEST, json!("ToTime"))
    );
    assert!(w.sim.checkins().is_empty(), "nothing refused was stored");
    let (s, _) = w.get("/api/spaces/checkins/12345").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_put_replaces_the_record_and_clears_what_it_leaves_out() {
    let w = Wire::quiet(10).await;
    w.sim.set_switches(Switches {
        stores_source: true,
        ..Switches::default()
    });
    let (_, c) = w.post("/api/spaces/checkins", json!({
        "BusinessId": 1002, "CoworkerId": 100_001, "FromTime": "2025-01-15T10:30:00Z", "Source": 4,
        "TariffAtTheTimeOfCheckin": "Hot Desk", "AutoCheckout": true
    })).await;
    let id = c["Value"]["Id"].as_i64().unwrap();
    let (_, read) = w.get(&format!("/api/spaces/checkins/{id}")).await;
    assert_eq!(read["Source"], 4);
    assert_eq!(
        read["FromTimeLocal"], "2025-01-15T10:30:00",
        "Lisbon in winter is UTC: filled in when not sent"
    );
    assert_eq!(read["BusinessName"], "Lisbon Docks");
    w.put("/api/spaces/checkins", json!({"Id": id, "BusinessId": 1002, "FromTime": "2025-01-15T10:30:00Z", "ToTime": "2025-01-15T12:00:00Z"})).await;
    let (_, after) = w.get(&format!("/api/spaces/checkins/{id}")).await;
    assert_eq!(after["ToTime"], "2025-01-15T12:00:00Z");
    assert_eq!(
        after["TariffAtTheTimeOfCheckin"],
        Value::Null,
        "a partial PUT clears fields: why the client sends whole records"
    );
    assert_eq!(after["Source"], 0, "Source defaults to 0 when not sent");
    assert_eq!(after["CoworkerId"], Value::Null);
}

#[tokio::test]
async fn paging_envelope_order_and_filters() {
    let w = Wire::quiet(200).await;
    let (_, p) = w.get("/api/spaces/coworkers?size=30&page=7").await;
    assert_eq!(
        [
            &p["CurrentPage"],
            &p["CurrentPageSize"],
            &p["FirstItem"],
            &p["LastItem"],
            &p["TotalItems"],
            &p["TotalPages"]
        ],
        [
            &json!(7),
            &json!(30),
            &json!(181),
            &json!(200),
            &json!(200),
            &json!(7)
        ]
    );
    assert_eq!(
        (p["HasNextPage"].clone(), p["HasPreviousPage"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(p["Records"].as_array().unwrap().len(), 20);
    assert!(
        p["Records"][0].get("Teams").is_none() && p["Records"][0].get("Businesses").is_none(),
        "left out of lists"
    );
    let (_, one) = w.get("/api/spaces/coworkers/100001").await;
    assert!(
        one["Teams"].is_array() && one["Businesses"].is_array(),
        "present on one record"
    );

    let (_, p) = w.get("/api/spaces/coworkers").await;
    assert_eq!(p["CurrentPageSize"], 25, "25 by default");
    let (_, p) = w.get("/api/spaces/coworkers?size=5000").await;
    assert_eq!(p["CurrentPageSize"], 1000, "at most 1000");
    let (_, p) = w.get("/api/spaces/coworkers?page=99").await;
    assert_eq!(p["Records"], json!([]));

    for dir in ["Descending", "-1"] {
        let (_, p) = w
            .get(&format!("/api/spaces/coworkers?size=3&dir={dir}"))
            .await;
        assert_eq!(p["Records"][0]["Id"], 100_200, "dir={dir} sorts descending");
        assert_eq!(p["CurrentSortDirection"], -1, "a number, as documented");
    }
    let (_, p) = w
        .get("/api/spaces/coworkers?size=1000&orderBy=FullName&dir=Ascending")
        .await;
    let names: Vec<String> = p["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["FullName"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "sorted by name");

    let (_, p) = w
        .get("/api/spaces/coworkers?size=1000&Coworker_FullName=mar")
        .await;
    let hits = p["Records"].as_array().unwrap();
    assert!(
        !hits.is_empty()
            && hits.iter().all(|r| r["FullName"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("mar"))
    );
    let (_, p) = w
        .get("/api/spaces/coworkers?Coworker_Active=false&size=1000")
        .await;
    assert!(
        p["Records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["Active"] == false)
    );
    let (_, p) = w
        .get("/api/spaces/coworkers?from_Coworker_UpdatedOn=2030-01-01T00:00")
        .await;
    assert_eq!(
        p["TotalItems"], 0,
        "minute-precision range filters are understood"
    );
    let (s, body) = w.get("/api/spaces/checkins?Checkin_Coworker=abc").await;
    assert_eq!(
        (s, body["Errors"][0]["PropertyName"].clone()),
        (StatusCode::BAD_REQUEST, json!("Checkin_Coworker"))
    );
}

#[tokio::test]
async fn auth_is_checked_on_every_call() {
    let w = Wire::quiet(10).await;
    let r = w
        .http
        .get(w.url("/api/spaces/coworkers"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no token");
    let r = w
        .http
        .get(w.url("/api/spaces/coworkers"))
        .bearer_auth("made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "unknown token");
    let r = w
        .http
        .post(w.url("/api/token"))
        .json(&json!({"grant_type": "password"}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["error"], "unsupported_grant_type",
        "a JSON body is refused"
    );
    let r = w
        .http
        .post(w.url("/api/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", DEMO_EMAIL),
            ("password", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");

    // Refresh: a new pair; the old refresh token of the same client_id is dead.
    let first = w.login(DEMO_EMAIL, DEMO_PASSWORD, "tablet-1").await;
    assert_eq!(first["token_type"], "bearer");
    assert_eq!(first["expires_in"], 604_799);
    let refresh = |token: Value| {
        let http = w.http.clone();
        let url = w.url("/api/token");
        async move {
            http.post(url)
                .header("client_id", "tablet-1")
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token.as_str().unwrap()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let second = refresh(first["refresh_token"].clone()).await;
    assert_eq!(second.status(), StatusCode::OK);
    let again = refresh(first["refresh_token"].clone()).await;
    assert_eq!(
        again.status(),
        StatusCode::BAD_REQUEST,
        "refreshing invalidated the earlier refresh token"
    );

    // Roles.
    let r = w
        .http
        .post(w.url("/api/spaces/checkins"))
        .bearer_auth(w.reader_token().await)
        .json(&json!({"BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a missing role is a 401, as Nexudus documents"
    );
    assert_eq!(
        r.json::<Value>().await.unwrap()["Message"],
        "Authorization has been denied for this request.",
        "the same words as a bad token: only a fresh session tells them apart"
    );
}

#[tokio::test]
async fn throttling_answers_409_with_retry_after() {
    let w = Wire::start(SimConfig {
        members: 5,
        throttle: ThrottleConfig {
            enabled: true,
            writes: vec![Window {
                limit: 3,
                seconds: 60.0,
            }],
            all: vec![Window {
                limit: 10,
                seconds: 0.1,
            }],
        },
        ..SimConfig::default()
    })
    .await;
    let body = json!({"BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"});
    for _ in 0..3 {
        assert_eq!(
            w.post("/api/spaces/checkins", body.clone()).await.0,
            StatusCode::OK
        );
    }
    let r = w
        .http
        .post(w.url("/api/spaces/checkins"))
        .bearer_auth(&w.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT, "409, not 429");
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(
        r.bytes().await.unwrap().len(),
        0,
        "an empty body, as Nexudus answers it"
    );
    assert_eq!(
        w.sim.checkins().len(),
        3,
        "a throttled write is not applied"
    );
    assert_eq!(
        w.get("/api/spaces/coworkers").await.0,
        StatusCode::OK,
        "the write windows do not count reads"
    );
}

#[test]
fn the_default_throttle_is_the_current_published_table() {
    let d = ThrottleConfig::default();
    let w = |limit, seconds| Window { limit, seconds };
    assert!(d.enabled, "throttling is on by default");
    assert_eq!(
        d.writes,
        vec![w(60, 60.0), w(5000, 86_400.0)],
        "POST/PUT/DELETE: 60 a minute, 5,000 a day"
    );
    assert_eq!(
        d.all,
        vec![
            w(1, 0.1),
            w(120, 60.0),
            w(5000, 3600.0),
            w(200_000, 86_400.0)
        ],
        "all methods: 1 per 100 ms, 120 a minute, 5,000 an hour, 200,000 a day"
    );
}

#[tokio::test]
async fn two_reads_within_100_ms_are_throttled_by_default() {
    let w = Wire::start(SimConfig {
        members: 5,
        ..SimConfig::default()
    })
    .await;
    // The token request is not an API request; the first two API reads follow at once.
    let first = w.get("/api/spaces/coworkers").await.0;
    let second = w.get("/api/spaces/coworkers").await.0;
    assert_eq!(first, StatusCode::OK);
    assert_eq!(
        second,
        StatusCode::CONFLICT,
        "all methods: one request per 100 ms"
    );
    tokio::time::sleep(std::time::Duration::from_millis(110)).await;
    assert_eq!(w.get("/api/spaces/coworkers").await.0, StatusCode::OK);
}

async fn fault_pattern(seed: u64) -> Vec<u16> {
    let w = Wire::start(SimConfig {
        members: 5,
        seed,
        faults: Faults {
            error_rate: 0.5,
            ..Faults::default()
        },
        throttle: ThrottleConfig {
            enabled: false,
            ..ThrottleConfig::default()
        },
        ..SimConfig::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(w.get("/api/spaces/coworkers/100001").await.0.as_u16());
    }
    statuses
}

#[tokio::test]
async fn faults_are_deterministic_for_a_seed() {
    let a = fault_pattern(11).await;
    assert_eq!(
        a,
        fault_pattern(11).await,
        "the same seed fails the same requests"
    );
    assert_ne!(a, fault_pattern(12).await, "another seed, another pattern");
    let errors = a.iter().filter(|s| **s == 500).count();
    assert!(
        (8..=32).contains(&errors),
        "about half of 40 fail: {errors}"
    );
}

#[tokio::test]
async fn the_admin_api_steers_and_inspects() {
    let w = Wire::quiet(10).await;
    let admin = |m: reqwest::Method, p: &str| w.http.request(m, w.url(p));
    let r = admin(reqwest::Method::PUT, "/_sim/faults")
        .json(&json!({"error_rate": 1.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        w.get("/api/spaces/coworkers/100001").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    admin(reqwest::Method::PUT, "/_sim/faults")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    w.post(
        "/api/spaces/checkins",
        json!({"BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"}),
    )
    .await;

    let r = admin(reqwest::Method::PATCH, "/_sim/coworkers/100002")
        .json(&json!({"active": false, "full_name": "Renamed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, c) = w.get("/api/spaces/coworkers/100002").await;
    assert_eq!(
        (c["Active"].clone(), c["FullName"].clone()),
        (json!(false), json!("Renamed"))
    );

    let state: Value = admin(reqwest::Method::GET, "/_sim/state")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["checkins"].as_array().unwrap().len(), 1);
    let requests = state["requests"].as_array().unwrap();
    assert!(
        requests.iter().any(|r| r["fault"] == "error"),
        "the log says which request got a fault"
    );
    assert!(
        requests.iter().any(|r| r["body"]["BusinessId"] == 1001),
        "the log keeps write bodies"
    );
    assert!(
        !state.to_string().contains(DEMO_PASSWORD),
        "no password in the log"
    );

    let r = admin(reqwest::Method::POST, "/_sim/tokens/revoke")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        w.get("/api/spaces/coworkers").await.0,
        StatusCode::UNAUTHORIZED,
        "revoked sessions are over"
    );

    let r = admin(reqwest::Method::PUT, "/_sim/throttle")
        .json(&json!({"enabled": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a bad admin body is refused, not guessed"
    );
}

#[tokio::test]
async fn a_hundred_thousand_members_page_quickly() {
    let w = Wire::quiet(100_000).await;
    let (s, p) = w.get("/api/spaces/coworkers?size=1000&page=100").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (p["LastItem"].clone(), p["TotalPages"].clone()),
        (json!(100_000), json!(100))
    );
}

#[tokio::test]
async fn the_binary_prints_its_url_and_demo_account_and_serves() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_nexudus-sim"))
        .args(["--port", "0", "--members", "30"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = first.rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let second = lines.next_line().await.unwrap().unwrap();
    assert!(
        second.contains(DEMO_EMAIL) && second.contains(DEMO_PASSWORD),
        "{second}"
    );
    let r = reqwest::Client::new()
        .post(format!("{url}api/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", DEMO_EMAIL),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    child.kill().await.unwrap();
}

#[tokio::test]
async fn each_fault_kind_on_the_wire() {
    let w = Wire::quiet(5).await;
    let body = json!({"BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"});
    let post = || {
        w.http
            .post(w.url("/api/spaces/checkins"))
            .bearer_auth(&w.token)
            .json(&body)
            .send()
    };

    // Drop: the write is committed, and the connection closes with no answer at all.
    w.sim.set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    let e = post().await.expect_err("no answer");
    assert!(!e.is_connect() && e.is_request(), "sent, then lost: {e:?}");
    assert_eq!(
        w.sim.checkins().len(),
        1,
        "committed before the answer was dropped"
    );
    assert_eq!(
        w.get("/api/spaces/coworkers/100001").await.0,
        StatusCode::OK,
        "reads are never dropped"
    );

    // Reset: refused before processing.
    w.sim.set_faults(Faults {
        reset_rate: 1.0,
        ..Faults::default()
    });
    assert!(post().await.is_err());
    assert_eq!(w.sim.checkins().len(), 1, "a reset comes before processing");

    // Malformed: processed, then half the answer.
    w.sim.set_faults(Faults {
        malformed_rate: 1.0,
        ..Faults::default()
    });
    let r = post().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "unreadable: {text}"
    );
    assert_eq!(
        w.sim.checkins().len(),
        2,
        "the write behind a malformed answer was applied"
    );

    // Error: a 500, not processed.
    w.sim.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    assert_eq!(
        post().await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(w.sim.checkins().len(), 2);

    // Latency: every API answer is late by at least the setting.
    w.sim.set_faults(Faults {
        latency_ms: 250,
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    assert_eq!(
        w.get("/api/spaces/coworkers/100001").await.0,
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_millis(250));

    let faults: Vec<_> = w
        .sim
        .requests()
        .iter()
        .filter_map(|r| r.fault.clone())
        .collect();
    assert_eq!(
        faults,
        ["drop", "reset", "malformed", "error"],
        "the log names each injected fault"
    );
}

#[tokio::test]
async fn locations_name_a_windows_time_zone_by_id_never_an_iana_one() {
    let w = Wire::quiet(5).await;
    let (_, b) = w.get("/api/sys/businesses").await;
    let (_, z) = w.get("/api/sys/simpletimezones").await;
    let zone_name = |id: &Value| -> String {
        z["Records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["Id"] == *id)
            .map(|r| r["Name"].as_str().unwrap().to_owned())
            .expect("every location's zone is in the list")
    };
    let places: Vec<(String, String)> = b["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(
                r.get("TimeZoneName").is_none() && r.get("TimeZone").is_none(),
                "no IANA name on a business: {r}"
            );
            (
                r["Name"].as_str().unwrap().to_owned(),
                zone_name(&r["SimpleTimeZoneId"]),
            )
        })
        .collect();
    let expected = [
        ("Shoreditch Hub", "GMT Standard Time"),
        ("Lisbon Docks", "GMT Standard Time"),
        ("Brooklyn Loft", "Eastern Standard Time"),
        ("Sydney Wharf", "AUS Eastern Standard Time"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(
        places, expected,
        "four locations in Windows zones, one south"
    );
    let sydney = z["Records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Name"] == "AUS Eastern Standard Time")
        .unwrap();
    assert_eq!(sydney["TimeOffset"], "+10:00");
    assert_eq!(sydney["UsesSummerTime"], true);
    assert!(
        sydney["Description"].as_str().unwrap().contains("Sydney"),
        "{sydney}"
    );
    let (status, one) = w
        .get(&format!("/api/sys/simpletimezones/{}", sydney["Id"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["Name"], "AUS Eastern Standard Time", "one zone by Id");
    let (_, t) = w.get("/api/spaces/teams").await;
    assert!(t["TotalItems"].as_u64().unwrap() >= 3);
}

#[tokio::test]
async fn a_stopped_simulator_resumes_with_its_data_and_sessions() {
    let w = Wire::quiet(5).await;
    w.post(
        "/api/spaces/checkins",
        json!({"BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z"}),
    )
    .await;
    w.sim.stop();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let down = reqwest::Client::new()
        .get(w.url("/api/spaces/coworkers"))
        .bearer_auth(&w.token)
        .send()
        .await;
    assert!(
        down.is_err_and(|e| e.is_connect()),
        "nobody listens while stopped"
    );
    w.sim.resume().await.unwrap();
    let (s, p) = w.get("/api/spaces/checkins").await;
    assert_eq!(
        (s, p["TotalItems"].clone()),
        (StatusCode::OK, json!(1)),
        "same data, same token"
    );
}

#[tokio::test]
async fn an_outage_resets_the_api_but_not_the_admin_api() {
    let w = Wire::quiet(5).await;
    let r = w
        .http
        .put(w.url("/_sim/outage"))
        .json(&json!({"down": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        w.http
            .get(w.url("/api/spaces/coworkers"))
            .bearer_auth(&w.token)
            .send()
            .await
            .is_err(),
        "the API is down"
    );
    w.http
        .put(w.url("/_sim/outage"))
        .json(&json!({"down": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        w.get("/api/spaces/coworkers").await.0,
        StatusCode::OK,
        "and back, with the same session"
    );
}

#[tokio::test]
async fn an_unknown_path_is_a_404_and_a_known_path_with_another_method_a_405() {
    let s = Wire::quiet(5).await;
    let (status, body) = s.get("api/spaces/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["Message"], "No HTTP resource was found that matches the request URI.",
        "the words of the real server"
    );
    let (status, _) = s
        .send(reqwest::Method::DELETE, "api/spaces/coworkers", None)
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = s.get("api/spaces/checkins/1/extra").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "one segment after the collection"
    );
    let (status, page) = s
        .get("api/spaces/coworkers?size=2&Coworker_FullName=%20")
        .await;
    assert_eq!(status, StatusCode::OK, "a percent-encoded query reads");
    assert_eq!(page["CurrentPageSize"], 2);
}

#[tokio::test]
async fn the_client_id_is_read_from_the_header_and_a_form_field_alone_counts_for_nothing() {
    let w = Wire::quiet(5).await;
    let grant = |client_header: Option<&'static str>, form_client: Option<&'static str>| {
        let http = w.http.clone();
        let url = w.url("/api/token");
        async move {
            let mut form = vec![
                ("grant_type", "password"),
                ("username", DEMO_EMAIL),
                ("password", DEMO_PASSWORD),
            ];
            if let Some(c) = form_client {
                form.push(("client_id", c));
            }
            let mut r = http.post(url).form(&form);
            if let Some(c) = client_header {
                r = r.header("client_id", c);
            }
            r.send().await.unwrap().json::<Value>().await.unwrap()
        }
    };
    let refresh = |token: Value, client_header: Option<&'static str>| {
        let http = w.http.clone();
        let url = w.url("/api/token");
        async move {
            let mut r = http.post(url).form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", token.as_str().unwrap()),
            ]);
            if let Some(c) = client_header {
                r = r.header("client_id", c);
            }
            r.send().await.unwrap().status()
        }
    };
    // Two kiosks, each with its own header: neither retires the other's session.
    let a = grant(Some("kiosk-a"), None).await;
    let b = grant(Some("kiosk-b"), None).await;
    assert_eq!(
        refresh(a["refresh_token"].clone(), Some("kiosk-a")).await,
        StatusCode::OK
    );
    assert_eq!(
        refresh(b["refresh_token"].clone(), Some("kiosk-b")).await,
        StatusCode::OK
    );
    // Two that put their id in the form only share the e-mail as client id: the second login
    // retires the first one's session.
    let c = grant(None, Some("kiosk-c")).await;
    let _d = grant(None, Some("kiosk-d")).await;
    assert_eq!(
        refresh(c["refresh_token"].clone(), None).await,
        StatusCode::BAD_REQUEST,
        "a form field is not the client id"
    );
}

#[tokio::test]
async fn customers_are_archived_not_deleted() {
    let w = Wire::quiet(5).await;
    let (_, page) = w.get("api/spaces/coworkers?size=1").await;
    let first = &page["Records"][0];
    assert_eq!(first["Archived"], false);
    let id = first["Id"].as_i64().unwrap();
    assert!(w.sim.update_coworker(
        id,
        &nexudus_sim::CoworkerPatch {
            archived: Some(true),
            ..Default::default()
        }
    ));
    let (status, one) = w.get(&format!("api/spaces/coworkers/{id}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "an archived customer is still there"
    );
    assert_eq!(one["Archived"], true);
}

#[tokio::test]
async fn plans_are_contracts_not_a_field_of_the_customer() {
    let w = Wire::quiet(300).await;
    let (_, one) = w.get("api/spaces/coworkers/100001").await;
    assert!(
        one.get("TariffName").is_none(),
        "no plan field on a customer: {one}"
    );
    let (status, page) = w.get("api/billing/coworkercontracts?size=1000").await;
    assert_eq!(status, StatusCode::OK);
    let records = page["Records"].as_array().unwrap();
    let mut per_member = std::collections::HashMap::<i64, Vec<&Value>>::new();
    for c in records {
        for field in [
            "Id",
            "CoworkerId",
            "TariffId",
            "TariffName",
            "StartDate",
            "Active",
            "Cancelled",
            "CancellationDate",
        ] {
            assert!(c.get(field).is_some(), "{field} in {c}");
        }
        per_member
            .entry(c["CoworkerId"].as_i64().unwrap())
            .or_default()
            .push(c);
    }
    let active = |cs: &[&Value]| cs.iter().filter(|c| c["Active"] == true).count();
    assert!(
        per_member.len() < 300,
        "some members have no contract at all"
    );
    assert!(
        per_member.values().any(|cs| active(cs) >= 2),
        "some have several"
    );
    assert!(
        per_member
            .values()
            .any(|cs| active(cs) == 0 && cs.iter().any(|c| c["Cancelled"] == true)),
        "some have only a cancelled one"
    );
    let member = records[0]["CoworkerId"].as_i64().unwrap();
    let (_, mine) = w
        .get(&format!("api/billing/coworkercontracts?CoworkerContract_Coworker={member}&CoworkerContract_Active=true"))
        .await;
    assert!(
        mine["Records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["CoworkerId"] == member && c["Active"] == true),
        "filtered by member and state"
    );
    let r = w
        .http
        .get(w.url("api/billing/coworkercontracts"))
        .bearer_auth(w.reader_token().await)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "CoworkerContract-List is a role"
    );
}

#[tokio::test]
async fn a_batch_read_is_partial_as_documented_and_a_one_record_read_whole() {
    let w = Wire::quiet(300).await;
    let (_, one) = w.get("api/spaces/coworkers/100003").await;
    let (status, batch) = w.get("api/spaces/coworkers/?id=[100003]").await;
    assert_eq!(status, StatusCode::OK);
    let batch = &batch[0];
    for field in [
        "CoworkerType",
        "CompanyName",
        "ProfileIsPublic",
        "AccessPincode",
    ] {
        assert_eq!(
            batch[field],
            Value::Null,
            "{field} is not populated in a batch answer"
        );
    }
    for field in [
        "Teams",
        "Businesses",
        "AccessCardId",
        "Active",
        "InvoicingBusinessId",
        "Email",
    ] {
        assert_eq!(
            batch[field], one[field],
            "{field} is as in the one-record answer"
        );
    }
    assert!(
        !one["CoworkerType"].is_null(),
        "the one-record answer is whole"
    );
}

#[tokio::test]
async fn failed_check_ins_are_taken_as_documented_and_read_only_with_the_switch() {
    // The POST is documented with its role and body [doc: post-failedcheckins]; the same page
    // calls the records "read-only and generated automatically", which the switch plays.
    let w = Wire::quiet(10).await;
    let body = json!({"BusinessId": 1001, "CheckinAttemptTime": "2025-01-15T10:30:00Z"});
    let (status, _) = w.post("/api/spaces/failedcheckins", body.clone()).await;
    assert_eq!(status, StatusCode::OK, "taken by default, as documented");
    assert_eq!(w.sim.failed_checkins().len(), 1);
    w.sim.set_switches(Switches {
        failed_checkins_read_only: true,
        ..Switches::default()
    });
    let (status, _) = w.post("/api/spaces/failedcheckins", body).await;
    assert_eq!(
        status,
        StatusCode::METHOD_NOT_ALLOWED,
        "read-only with the switch"
    );
    assert_eq!(w.sim.failed_checkins().len(), 1);
}

#[tokio::test]
async fn a_check_in_needs_a_pass_or_a_pay_as_you_go_location() {
    let w = Wire::quiet(1000).await;
    let members = w.sim.coworkers();
    let passes = w.sim.passes();
    // Members without a plan here hold no pass either (their passes have their own test).
    let of = |home: i64, plan: bool| {
        members
            .iter()
            .find(|c| {
                c.invoicing_business_id == home
                    && c.tariff_name.is_some() == plan
                    && !passes.iter().any(|p| p.coworker_id == c.id)
            })
            .expect("a seeded member")
            .id
    };
    let check_in = |business: i64, coworker: i64| json!({"BusinessId": business, "CoworkerId": coworker, "FromTime": "2026-11-29T10:30:00Z"});
    // A contract: taken, no pass charged.
    let (status, body) = w
        .post("/api/spaces/checkins", check_in(1001, of(1001, true)))
        .await;
    assert_eq!(
        (status, body["WasSuccessful"].clone()),
        (StatusCode::OK, json!(true))
    );
    // No contract, at a pay-as-you-go location: taken and charged.
    let planless = of(1002, false);
    let (_, body) = w
        .post("/api/spaces/checkins", check_in(1002, planless))
        .await;
    let id = body["Value"]["Id"].as_i64().unwrap();
    let (_, record) = w.get(&format!("/api/spaces/checkins/{id}")).await;
    assert!(
        record["CoworkerTimePassGuid"].is_string(),
        "a pass Guid on the record: {record}"
    );
    // No contract, no pay-as-you-go: refused, and a failed check-in recorded by the server.
    let refused = of(1001, false);
    let (status, body) = w
        .post("/api/spaces/checkins", check_in(1001, refused))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "200 with WasSuccessful false by default"
    );
    assert_eq!(body["WasSuccessful"], false);
    assert_eq!(body["Errors"][0]["Message"], nexudus_sim::NO_PASS);
    let failed = w.sim.failed_checkins();
    assert_eq!(
        failed.iter().map(|f| f.coworker_id).collect::<Vec<_>>(),
        [Some(refused)],
        "the server records the refusal itself"
    );
    w.sim.set_switches(Switches {
        rule_refusals_as_400: true,
        ..Switches::default()
    });
    let (status, body) = w
        .post("/api/spaces/checkins", check_in(1001, refused))
        .await;
    assert_eq!(
        (status, body["WasSuccessful"].clone()),
        (StatusCode::BAD_REQUEST, json!(false)),
        "a 400 with the switch"
    );
}

/// POSTs a check-in and reads it back.
async fn created_and_read(w: &Wire, body: Value) -> Value {
    let (_, created) = w.post("/api/spaces/checkins", body).await;
    let id = created["Value"]["Id"].as_i64().unwrap();
    w.get(&format!("/api/spaces/checkins/{id}")).await.1
}

#[tokio::test]
async fn source_and_system_id_are_dropped_unless_switched_to_be_stored() {
    let w = Wire::quiet(10).await;
    let body = json!({
        "BusinessId": 1001, "FromTime": "2025-01-15T10:30:00Z", "Source": 4, "SystemId": "mine"
    });
    let record = created_and_read(&w, body.clone()).await;
    assert_eq!(
        (record["Source"].clone(), record["SystemId"].clone()),
        (json!(0), Value::Null),
        "by default the server keeps neither"
    );
    w.sim.set_switches(Switches {
        stores_source: true,
        stores_system_id: true,
        ..Switches::default()
    });
    let record = created_and_read(&w, body).await;
    assert_eq!(
        (record["Source"].clone(), record["SystemId"].clone()),
        (json!(4), json!("mine"))
    );
}

#[tokio::test]
async fn the_daily_cut_off_follows_every_write_a_check_in_gets() {
    // Nexudus closes what is still open at a location's daily cut-off (23:30 in the simulator)
    // before it answers any call; the simulator keeps the open check-ins by cut-off, so each
    // write must move a check-in in or out of that order.
    let w = Wire::quiet(200).await;
    let member = w
        .sim
        .coworkers()
        .iter()
        .find(|c| c.invoicing_business_id == 1001 && c.tariff_name.is_some())
        .expect("a seeded member with a plan")
        .id;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT09:00:00Z")
        .to_string();
    // Created closed: nothing for the cut-off to do.
    let (_, created) = w
        .post(
            "/api/spaces/checkins",
            json!({"BusinessId": 1001, "CoworkerId": member, "FromTime": yesterday,
                   "ToTime": yesterday.replace("T09", "T10")}),
        )
        .await;
    let id = created["Value"]["Id"].as_i64().unwrap();
    let (_, record) = w.get(&format!("/api/spaces/checkins/{id}")).await;
    assert_eq!(record["ToTime"], json!(yesterday.replace("T09", "T10")));
    // Opened again by a PUT: yesterday's cut-off has passed, so the next call finds it closed.
    let mut reopened = record.clone();
    reopened["ToTime"] = Value::Null;
    reopened["ToTimeLocal"] = Value::Null;
    let (status, _) = w.put("/api/spaces/checkins", reopened).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = w.get(&format!("/api/spaces/checkins/{id}")).await;
    let closed_at = after["ToTime"].as_str().expect("closed at the cut-off");
    assert!(
        closed_at.contains("T23:30") || closed_at.contains("T22:30"),
        "the cut-off, in London's winter or summer time: {closed_at}"
    );
}

/// Staff add passes with the documented POST (`CreateMultiple` at a time); the list reads them
/// by customer and whether used; a check-in of a customer without a plan uses the next one and
/// names it, and a second check-in the same day uses no other (a day pass covers the day).
#[tokio::test]
async fn passes_are_added_listed_and_used_one_a_day() {
    let w = Wire::quiet(1000).await;
    let passes = w.sim.passes();
    let customer = w
        .sim
        .coworkers()
        .into_iter()
        .find(|c| {
            c.tariff_name.is_none()
                && c.invoicing_business_id == 1001
                && !passes.iter().any(|p| p.coworker_id == c.id)
        })
        .expect("a customer without a plan or a pass")
        .id;
    let (status, body) = w
        .post(
            "/api/billing/coworkertimepasses",
            json!({"CoworkerId": customer, "BusinessId": 1001, "TimePassId": 61_001, "CreateMultiple": 3}),
        )
        .await;
    assert_eq!(
        (status, body["WasSuccessful"].clone()),
        (StatusCode::OK, json!(true)),
        "{body}"
    );
    let (_, bad) = w
        .post(
            "/api/billing/coworkertimepasses",
            json!({"CoworkerId": customer, "BusinessId": 1001, "TimePassId": 1, "CreateMultiple": 1}),
        )
        .await;
    assert_eq!(bad["Errors"][0]["PropertyName"], "TimePassId", "{bad}");
    let list = |used: bool| {
        format!(
            "/api/billing/coworkertimepasses?CoworkerTimePass_Coworker={customer}&CoworkerTimePass_Used={used}"
        )
    };
    let (_, page) = w.get(&list(false)).await;
    assert_eq!(page["TotalItems"], 3, "{page}");
    assert_eq!(page["Records"][0]["TimePassName"], "Day Pass");
    assert!(
        page["Records"][0]["RemainingUses"].is_null(),
        "null, as in the reference's example"
    );
    let check_in = |at: &str| json!({"BusinessId": 1001, "CoworkerId": customer, "FromTime": at});
    let morning = created_and_read(&w, check_in("2026-11-30T09:00:00Z")).await;
    let (_, used) = w.get(&list(true)).await;
    assert_eq!(used["TotalItems"], 1);
    assert_eq!(
        morning["CoworkerTimePassGuid"], used["Records"][0]["UniqueId"],
        "the check-in names the pass"
    );
    let afternoon = created_and_read(&w, check_in("2026-11-30T14:00:00Z")).await;
    assert_eq!(
        afternoon["CoworkerTimePassGuid"], morning["CoworkerTimePassGuid"],
        "the same day, the same pass"
    );
    assert_eq!(
        w.get(&list(true)).await.1["TotalItems"],
        1,
        "no second pass used"
    );
    let next_day = created_and_read(&w, check_in("2026-12-01T09:00:00Z")).await;
    assert_ne!(
        next_day["CoworkerTimePassGuid"],
        morning["CoworkerTimePassGuid"]
    );
    let (_, lately) = w
        .get(&format!(
            "/api/billing/coworkertimepasses?CoworkerTimePass_Coworker={customer}&from_CoworkerTimePass_UsedDate=2026-12-01T00:00"
        ))
        .await;
    assert_eq!(lately["TotalItems"], 1, "the used-date range: {lately}");
}

/// The control PATCH says what it does: `null` clears a plan, a PIN or a card; for a name, a
/// flag or a list, and for a field it does not know, it is a 400 rather than a change silently
/// left out. Checked to fail before: a `null` plan was taken for "no change".
#[tokio::test]
async fn a_null_in_the_control_patch_clears_or_is_refused_never_ignored() {
    let w = Wire::quiet(200).await;
    let member = w
        .sim
        .coworkers()
        .into_iter()
        .find(|c| c.tariff_name.is_some())
        .unwrap()
        .id;
    let patch = |body: Value| {
        w.http
            .patch(w.url(&format!("/_sim/coworkers/{member}")))
            .json(&body)
            .send()
    };
    let r = patch(json!({"tariff_name": null, "access_pincode": null}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let now = w
        .sim
        .coworkers()
        .into_iter()
        .find(|c| c.id == member)
        .unwrap();
    assert_eq!(
        (now.tariff_name, now.access_pincode),
        (None, None),
        "cleared"
    );
    assert!(
        !w.sim
            .contracts()
            .iter()
            .any(|c| c.coworker_id == member && c.active),
        "their contracts ended"
    );
    for refused in [
        json!({"full_name": null}),
        json!({"active": null}),
        json!({"plan": "Hot Desk"}),
    ] {
        let r = patch(refused.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{refused}");
    }
}
