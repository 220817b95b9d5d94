//! The client against an HTTP mock (wiremock): every error class, auth, paging, limits.
//! The same client is tested against the simulator in `contract.rs`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use futures::TryStreamExt;
use nexudus::{
    ApiError, CheckinWrite, Client, ClientConfig, CoworkerQuery, Limits, LoginError,
    MemoryTokenStore, Paging, Rate, Secret, Source, TokenStore,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn config(server: &MockServer) -> ClientConfig {
    let mut c = ClientConfig::new(&server.uri()).unwrap();
    c.limits = Limits::unlimited();
    c.timeout = Duration::from_secs(5);
    c.client_id = Some("kiosk-guid-1".into());
    c
}

fn token_answer(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access, "token_type": "bearer", "expires_in": 604_799, "refresh_token": refresh
    }))
}

/// Answers every refresh grant with the same pair.
async fn grant_refreshes(server: &MockServer) {
    Mock::given(path("/api/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(token_answer("A1", "R1"))
        .mount(server)
        .await;
}

/// A client already logged in (access token `A1`, refresh token `R1`).
async fn logged_in(server: &MockServer) -> (Client, Arc<MemoryTokenStore>) {
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .and(body_string_contains("grant_type=password"))
        .respond_with(token_answer("A1", "R1"))
        .mount(server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let client = Client::new(config(server), store.clone()).unwrap();
    client
        .login("kiosk@example.com", &Secret::new("pw"), None)
        .await
        .unwrap();
    (client, store)
}

fn checkin() -> CheckinWrite {
    let mut c = CheckinWrite::new(1001, Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 0).unwrap());
    c.coworker_id = Some(5);
    c.source = Source::Tile;
    c
}

fn created(id: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "Status": 200, "Message": "Checkin was successfully created.", "Value": {"Id": id},
        "OpenInDialog": false, "OpenInWindow": false, "RedirectURL": null, "JavaScript": null,
        "UpdatedOn": "2025-01-15T10:30:00Z", "UpdatedBy": "admin@example.com", "Errors": null, "WasSuccessful": true
    }))
}

#[tokio::test]
async fn login_sends_a_form_with_totp_and_the_client_id_as_a_header_and_field_and_keeps_the_refresh_token()
 {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=password"))
        .and(body_string_contains("username=kiosk%40example.com"))
        .and(body_string_contains("totp=123456"))
        .and(body_string_contains("client_id=kiosk-guid-1"))
        .and(header("client_id", "kiosk-guid-1"))
        .respond_with(token_answer("A1", "R1"))
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::default());
    let client = Client::new(config(&server), store.clone()).unwrap();
    client
        .login("kiosk@example.com", &Secret::new("pw"), Some("123456"))
        .await
        .unwrap();
    assert_eq!(
        store.load().unwrap(),
        Some(Secret::new("R1")),
        "the refresh token is handed to the store"
    );
    assert!(client.has_session().await);
}

#[tokio::test]
async fn each_login_refusal_has_its_own_error() {
    for (code, check) in [
        (
            "invalid_grant",
            (|e: &ApiError| matches!(e, ApiError::Login(LoginError::InvalidGrant(_))))
                as fn(&ApiError) -> bool,
        ),
        ("two_factor_auth_check", |e| {
            matches!(e, ApiError::Login(LoginError::TwoFactorRequired))
        }),
        ("must_reset_password", |e| {
            matches!(e, ApiError::Login(LoginError::MustResetPassword))
        }),
        ("unsupported_grant_type", |e| {
            matches!(e, ApiError::Login(LoginError::UnsupportedGrantType))
        }),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/api/token"))
            .respond_with(
                ResponseTemplate::new(400)
                    .set_body_json(json!({"error": code, "error_description": "no"})),
            )
            .mount(&server)
            .await;
        let client = Client::new(config(&server), Arc::new(MemoryTokenStore::default())).unwrap();
        let err = client
            .login("a@b.c", &Secret::new("x"), None)
            .await
            .unwrap_err();
        assert!(check(&err), "{code} maps to its own variant, got {err:?}");
        assert!(
            err.needs_login() && !err.is_transient(),
            "a refused login is not retried"
        );
    }
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_once() {
    let server = MockServer::start().await;
    let (client, store) = logged_in(&server).await;
    // The old token is refused; the refreshed one works.
    Mock::given(method("GET"))
        .and(path("/api/spaces/checkins/7"))
        .and(header("authorization", "Bearer A1"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=R1"))
        .and(body_string_contains("client_id=kiosk-guid-1"))
        .respond_with(token_answer("A2", "R2"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/spaces/checkins/7"))
        .and(header("authorization", "Bearer A2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"Id": 7, "BusinessId": 1, "FromTime": "2025-01-15T10:30:00Z"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client.checkin(7).await.unwrap();
    assert_eq!(c.id, 7);
    assert_eq!(
        store.load().unwrap(),
        Some(Secret::new("R2")),
        "the new refresh token replaces the old one"
    );
}

#[tokio::test]
async fn a_401_after_a_successful_refresh_is_a_missing_role_not_a_logout() {
    let server = MockServer::start().await;
    let (client, store) = logged_in(&server).await;
    Mock::given(path("/api/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(token_answer("A2", "R2"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/spaces/checkins/7"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let err = client.checkin(7).await.unwrap_err();
    assert!(
        matches!(err, ApiError::Forbidden { .. }) && !err.needs_login(),
        "Nexudus answers 401 for a missing role: {err:?}"
    );
    assert!(
        err.to_string().contains("/api/spaces/checkins/7"),
        "it names the call: {err}"
    );
    assert_eq!(
        store.load().unwrap(),
        Some(nexudus::Secret::new("R2")),
        "the session is kept"
    );
}

#[tokio::test]
async fn a_refused_refresh_forgets_the_session() {
    let server = MockServer::start().await;
    let (client, store) = logged_in(&server).await;
    Mock::given(path("/api/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    Mock::given(path("/api/spaces/checkins/7"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let err = client.checkin(7).await.unwrap_err();
    assert!(err.needs_login(), "{err:?}");
    assert_eq!(
        store.load().unwrap(),
        None,
        "a dead refresh token is not kept"
    );
    assert!(!client.has_session().await);
}

#[tokio::test]
async fn no_session_means_unauthorized_without_a_request() {
    let server = MockServer::start().await;
    let client = Client::new(config(&server), Arc::new(MemoryTokenStore::default())).unwrap();
    let err = client.checkin(1).await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized));
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing is sent without a token"
    );
}

#[tokio::test]
async fn a_write_sends_the_bearer_and_the_body_and_answers_the_id() {
    let server = MockServer::start().await;
    let (client, _) = logged_in(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .and(header("authorization", "Bearer A1"))
        .respond_with(created(87_654_321))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(client.create_checkin(&checkin()).await.unwrap(), 87_654_321);
    let sent = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&sent.last().unwrap().body).unwrap();
    assert_eq!(body["Source"], 4);
    assert_eq!(body["FromTime"], "2025-01-15T10:30:00Z");
}

#[tokio::test]
async fn validation_errors_come_from_a_400_and_from_a_200_that_was_not_successful() {
    let server = MockServer::start().await;
    let (client, _) = logged_in(&server).await;
    let refusal = json!({
        "Message": "FromTime: is a required field", "Value": null,
        "Errors": [{"AttemptedValue": null, "Message": "is a required field", "PropertyName": "FromTime"}],
        "WasSuccessful": false
    });
    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .respond_with(ResponseTemplate::new(400).set_body_json(refusal.clone()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .respond_with(ResponseTemplate::new(200).set_body_json(refusal))
        .mount(&server)
        .await;
    for expected_status in [400, 200] {
        let err = client.create_checkin(&checkin()).await.unwrap_err();
        match &err {
            ApiError::Validation {
                status,
                message,
                errors,
            } => {
                assert_eq!(*status, expected_status);
                assert_eq!(message, "FromTime: is a required field");
                assert_eq!(errors[0].property_name, "FromTime");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
        assert!(
            !err.is_transient() && !err.outcome_unknown(),
            "a refusal is final and applied nothing"
        );
    }
}

/// What an error must look like.
type Check = fn(&ApiError) -> bool;

#[tokio::test]
async fn status_codes_map_to_their_classes() {
    let server = MockServer::start().await;
    let (_, store) = logged_in(&server).await;
    // No GET retries here, so each throttling status shows as itself at once.
    let mut cfg = config(&server);
    cfg.read_retries = 0;
    let client = Client::new(cfg, store).unwrap();
    grant_refreshes(&server).await;
    let cases: Vec<(u16, ResponseTemplate, Check)> = vec![
        (
            403,
            ResponseTemplate::new(403).set_body_json(json!({"Message": "no role"})),
            |e| matches!(e, ApiError::Forbidden { message, .. } if message == "no role"),
        ),
        (404, ResponseTemplate::new(404), |e| {
            matches!(e, ApiError::NotFound { .. })
        }),
        (
            409,
            ResponseTemplate::new(409).insert_header("Retry-After", "1"),
            |e| e.retry_after() == Some(Duration::from_secs(1)),
        ),
        (
            429,
            ResponseTemplate::new(429).insert_header("Retry-After", "3"),
            |e| e.retry_after() == Some(Duration::from_secs(3)),
        ),
        (503, ResponseTemplate::new(503), |e| {
            matches!(e, ApiError::Throttled { status: 503, .. })
        }),
        (
            500,
            ResponseTemplate::new(500).set_body_string("boom"),
            |e| matches!(e, ApiError::Server { status: 500, .. }) && e.outcome_unknown(),
        ),
        (418, ResponseTemplate::new(418), |e| {
            matches!(e, ApiError::UnexpectedStatus { status: 418, .. })
        }),
    ];
    for (i, (status, answer, check)) in cases.into_iter().enumerate() {
        let p = format!("/api/spaces/failedcheckins/{i}");
        Mock::given(path(p.as_str()))
            .respond_with(answer)
            .mount(&server)
            .await;
        let err = client.failed_checkin(i as i64).await.unwrap_err();
        assert!(check(&err), "HTTP {status} gave {err:?}");
    }
}

#[tokio::test]
async fn a_throttled_get_is_retried_after_the_delay_but_a_write_is_not() {
    let server = MockServer::start().await;
    let (client, _) = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/spaces/coworkers/9"))
        .respond_with(ResponseTemplate::new(409).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/spaces/coworkers/9"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"Id": 9, "FullName": "Zoë", "Active": true})),
        )
        .mount(&server)
        .await;
    let started = Instant::now();
    assert_eq!(client.coworker(9).await.unwrap().full_name, "Zoë");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After was honoured"
    );

    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .respond_with(ResponseTemplate::new(409).insert_header("Retry-After", "1"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client.create_checkin(&checkin()).await.unwrap_err();
    assert!(matches!(err, ApiError::Throttled { status: 409, .. }) && !err.outcome_unknown());
}

#[tokio::test]
async fn every_request_sent_and_every_slow_down_answer_is_counted_for_the_metrics() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/token"))
        .respond_with(token_answer("A1", "R1"))
        .mount(&server)
        .await;
    let counter = Arc::new(nexudus::RequestCounter::default());
    let mut c = config(&server);
    c.counter = Arc::clone(&counter);
    c.read_retries = 0;
    let client = Client::new(c, Arc::new(MemoryTokenStore::default())).unwrap();
    client
        .login("kiosk@example.com", &Secret::new("pw"), None)
        .await
        .unwrap();
    for status in [409, 429, 503] {
        Mock::given(method("GET"))
            .and(path("/api/spaces/coworkers/9"))
            .respond_with(ResponseTemplate::new(status).insert_header("Retry-After", "0"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/spaces/coworkers/9"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    for _ in 0..4 {
        assert!(client.coworker(9).await.is_err());
    }
    assert_eq!(
        counter.sent_total(),
        4,
        "four reads sent (the login is not a read of the API)"
    );
    assert_eq!(
        counter.throttled_total(),
        3,
        "409, 429 and 503 said to slow down; a 500 did not"
    );
}

#[tokio::test]
async fn unreadable_answers_are_malformed_and_a_write_outcome_unknown() {
    let server = MockServer::start().await;
    let (client, _) = logged_in(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"Status\": 200, \"Val"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"WasSuccessful": true, "Value": null})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/spaces/checkins/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Id": "one"})))
        .mount(&server)
        .await;
    let truncated = client.create_checkin(&checkin()).await.unwrap_err();
    assert!(
        matches!(truncated, ApiError::Malformed { .. }) && truncated.outcome_unknown(),
        "{truncated:?}"
    );
    let no_id = client.create_checkin(&checkin()).await.unwrap_err();
    assert!(
        matches!(no_id, ApiError::Malformed { .. }),
        "a success without an Id cannot be trusted: {no_id:?}"
    );
    let wrong_type = client.checkin(1).await.unwrap_err();
    assert!(
        matches!(wrong_type, ApiError::Malformed { .. }),
        "{wrong_type:?}"
    );
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_with_unknown_outcome() {
    let server = MockServer::start().await;
    let (_, store) = logged_in(&server).await;
    let mut cfg = config(&server);
    cfg.timeout = Duration::from_millis(200);
    let client = Client::new(cfg, store).unwrap();
    grant_refreshes(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .respond_with(created(1).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let err = client.create_checkin(&checkin()).await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert!(
        err.is_transient() && err.outcome_unknown(),
        "the server may have applied it"
    );
}

#[tokio::test]
async fn nobody_listening_is_connect_and_certainly_not_applied() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut cfg = ClientConfig::new(&format!("http://{addr}")).unwrap();
    cfg.limits = Limits::unlimited();
    let store = Arc::new(MemoryTokenStore::default());
    store.save(&Secret::new("R1")).unwrap();
    let client = Client::new(cfg, store).unwrap();
    let err = client.create_checkin(&checkin()).await.unwrap_err();
    assert!(matches!(err, ApiError::Connect(_)), "{err:?}");
    assert!(err.is_transient() && !err.outcome_unknown());
}

#[tokio::test]
async fn a_connection_closed_mid_request_is_lost_with_unknown_outcome() {
    // A raw server that grants tokens, then reads every API request and hangs up without a word.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut seen = Vec::new();
            let mut buf = vec![0u8; 65_536];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = s.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
            }
            if seen.starts_with(b"POST /api/token") {
                let body = r#"{"access_token":"A1","token_type":"bearer","expires_in":600,"refresh_token":"R1"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(answer.as_bytes()).await;
            }
            drop(s);
        }
    });
    let mut cfg = ClientConfig::new(&format!("http://{addr}")).unwrap();
    cfg.limits = Limits::unlimited();
    let client = Client::new(cfg, Arc::new(MemoryTokenStore::default())).unwrap();
    client
        .login("a@b.c", &Secret::new("pw"), None)
        .await
        .unwrap();
    let err = client.create_checkin(&checkin()).await.unwrap_err();
    assert!(matches!(err, ApiError::ConnectionLost(_)), "{err:?}");
    assert!(
        err.is_transient() && err.outcome_unknown(),
        "the request was sent: it may have been applied"
    );
}

/// Answers pages of `total` members, `size` a page, as the server would.
struct Pages {
    total: i64,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q: std::collections::HashMap<String, String> =
            request.url.query_pairs().into_owned().collect();
        let page: i64 = q["page"].parse().unwrap();
        let size: i64 = q["size"].parse().unwrap();
        let first = (page - 1) * size;
        let records: Vec<Value> = (first..(first + size).min(self.total))
            .map(|i| json!({"Id": i + 1, "FullName": format!("Member {}", i + 1), "Active": true}))
            .collect();
        let pages = (self.total + size - 1) / size;
        ResponseTemplate::new(200).set_body_json(json!({
            "Records": records, "CurrentPage": page, "CurrentPageSize": size, "TotalItems": self.total,
            "TotalPages": pages, "HasNextPage": page < pages, "HasPreviousPage": page > 1
        }))
    }
}

#[tokio::test]
async fn paging_streams_every_record_once_in_order() {
    let server = MockServer::start().await;
    let (client, _) = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/spaces/coworkers"))
        .and(query_param("Coworker_Active", "true"))
        .respond_with(Pages { total: 2345 })
        .expect(3)
        .mount(&server)
        .await;
    let query = CoworkerQuery {
        active: Some(true),
        paging: Paging {
            size: 1000,
            ..Paging::default()
        },
        ..CoworkerQuery::default()
    };
    let members: Vec<_> = client.coworkers(query).try_collect().await.unwrap();
    assert_eq!(members.len(), 2345);
    assert!(
        members
            .iter()
            .enumerate()
            .all(|(i, m)| m.id == i as i64 + 1),
        "in order, none twice"
    );
}

#[tokio::test]
async fn the_limiter_spaces_writes_instead_of_sending_what_would_be_throttled() {
    let server = MockServer::start().await;
    let (_, store) = logged_in(&server).await;
    let mut cfg = config(&server);
    cfg.limits = Limits {
        writes: vec![Rate::spread(10, Duration::from_secs(1))],
        all: vec![],
        max_wait: Duration::from_secs(5),
        jitter: Duration::ZERO,
    };
    let client = Client::new(cfg, store).unwrap();
    grant_refreshes(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/spaces/checkins"))
        .respond_with(created(1))
        .mount(&server)
        .await;
    let started = Instant::now();
    for _ in 0..6 {
        client.create_checkin(&checkin()).await.unwrap();
    }
    // Six writes at ten a second, spread: at least five intervals of 100 ms lie between them.
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "writes were spaced, took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_visitor_record_as_nexudus_holds_it_reads_with_checked_in_at_a_place_s_name() {
    // `CheckedInAt` is "Location checked in at", a string [doc: post-visitors]; the arrival
    // instant is `ArrivalDate`. Checked to fail when the client read `CheckedInAt` as a date.
    let server = MockServer::start().await;
    let (client, _) = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/spaces/visitors/71000042"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Id": 71_000_042, "BusinessId": 1001, "FullName": "Ingrid Bergström",
            "Email": "ingrid@example.com", "ExpectedArrival": "2026-12-02T09:30:00Z",
            "CoworkerId": 100_001, "VisitorSource": 1, "HostApprovalStatus": 1,
            "VisitorCode": "012345", "CheckedInAt": "Front desk, ground floor",
            "Arrived": true, "ArrivalDate": "2026-12-02T09:41:00Z", "DepartureDate": null,
            "Notified": true, "HasAgreedTerms": false, "CheckInNow": false,
            "UniqueId": "6f2c0c1e-3d0a-4a8e-9a57-5b1f3f3b8a11",
            "CreatedOn": "2026-12-01T16:00:00Z", "UpdatedOn": "2026-12-02T09:41:00Z"
        })))
        .mount(&server)
        .await;
    let visitor = client.visitor(71_000_042).await.unwrap();
    assert!(visitor.arrived, "signed in at reception");
    assert_eq!(visitor.visitor_code.as_deref(), Some("012345"));
    let json = serde_json::to_value(nexudus::VisitorWrite::from(&visitor)).unwrap();
    assert_eq!(
        json["CheckedInAt"], "Front desk, ground floor",
        "written back as read"
    );
}

#[tokio::test]
async fn one_record_of_an_odd_shape_costs_that_record_only_and_is_named_without_its_values() {
    // Checked to fail when a page was read whole: the odd record cost the page.
    let server = MockServer::start().await;
    let (client, _) = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/spaces/coworkers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Records": [
                {"Id": 1, "FullName": "Ada Lovelace", "Active": true},
                {"Id": 2, "FullName": "Grace Hopper", "Active": true, "Teams": "Compilers"},
                {"Id": 3, "FullName": null, "Active": true},
                {"Id": 4, "FullName": "Alan Turing", "Active": true}
            ],
            "CurrentPage": 1, "CurrentPageSize": 25, "TotalItems": 4, "TotalPages": 1,
            "HasNextPage": false, "HasPreviousPage": false
        })))
        .mount(&server)
        .await;
    let page = client
        .coworkers_page(&CoworkerQuery::default(), 1)
        .await
        .unwrap();
    let read: Vec<i64> = page.records.iter().map(|c| c.id).collect();
    assert_eq!(read, [1, 4], "the others are read");
    let named: Vec<(Option<i64>, &str, &str)> = page
        .skipped
        .iter()
        .map(|b| (b.id, b.field.as_str(), b.shape.as_str()))
        .collect();
    assert_eq!(
        named,
        [(Some(2), "Teams", "string"), (Some(3), "FullName", "null")],
        "each named by id, field and shape"
    );
    let text = format!("{:?}", page.skipped);
    assert!(
        !text.contains("Grace") && !text.contains("Compilers"),
        "no value of the record: {text}"
    );
    // As a stream, the odd records do not end the listing either.
    let all: Vec<_> = client
        .coworkers(CoworkerQuery::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    // What the reads met is kept for the kiosk, by list, until it takes it.
    let reads = client.take_reads();
    let members = &reads["/api/spaces/coworkers"];
    assert_eq!(members.read, [1, 4, 1, 4], "both reads' records that read");
    assert_eq!(members.skipped.len(), 4, "both reads' odd records");
    assert!(client.take_reads().is_empty(), "taken once");
}

/// A token store that writes down what was asked of it, in order.
#[derive(Default)]
struct Recording {
    calls: std::sync::Mutex<Vec<String>>,
    refresh: std::sync::Mutex<Option<Secret>>,
}

impl TokenStore for Recording {
    fn load(&self) -> Result<Option<Secret>, nexudus::auth::StoreError> {
        Ok(self.refresh.lock().unwrap().clone())
    }

    fn save(&self, token: &Secret) -> Result<(), nexudus::auth::StoreError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("save {}", token.expose()));
        *self.refresh.lock().unwrap() = Some(token.clone());
        Ok(())
    }

    fn stage(&self, token: &Secret) -> Result<(), nexudus::auth::StoreError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("stage {}", token.expose()));
        Ok(())
    }

    fn clear(&self) -> Result<(), nexudus::auth::StoreError> {
        self.calls.lock().unwrap().push("clear".into());
        Ok(())
    }

    fn save_access(&self, _: &nexudus::StoredAccess) -> Result<(), nexudus::auth::StoreError> {
        self.calls.lock().unwrap().push("save access".into());
        Ok(())
    }
}

#[tokio::test]
async fn a_renewed_refresh_token_is_staged_before_anything_else_is_kept() {
    let server = MockServer::start().await;
    Mock::given(path("/api/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(token_answer("A2", "R2"))
        .mount(&server)
        .await;
    Mock::given(path("/api/spaces/checkins/7"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"Id": 7, "BusinessId": 1, "FromTime": "2025-01-15T10:30:00Z"}),
            ),
        )
        .mount(&server)
        .await;
    let store = Arc::new(Recording::default());
    *store.refresh.lock().unwrap() = Some(Secret::new("R1"));
    let client = Client::new(config(&server), store.clone()).unwrap();
    client.checkin(7).await.unwrap();
    assert_eq!(
        *store.calls.lock().unwrap(),
        ["stage R2", "save R2", "save access"],
        "the server retired R1: R2 is staged (a plain write) first, then kept durably"
    );
}
