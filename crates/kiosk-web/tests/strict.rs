//! The browser face answers only what it should (issue 25, point 4): a path under `/api` that
//! names no call is a JSON 404 (never the UI's page), a body is JSON that reads one way sent as
//! `application/json`, another site's request is refused even without an Origin, and nothing
//! that changes state answers a `GET`. One table, each row a request and what must come back;
//! after it, the member the refused taps named is still out.

mod common;

use common::{face_with_ui, screen};
use reqwest::Method;
use reqwest::Method as M;
use serde_json::{Value, json};

struct Row {
    what: &'static str,
    method: Method,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: Option<String>,
    status: u16,
    code: Option<&'static str>,
}

const JSON: (&str, &str) = ("content-type", "application/json");

fn row(
    what: &'static str,
    method: Method,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: Option<&str>,
    status: u16,
    code: Option<&'static str>,
) -> Row {
    Row {
        what,
        method,
        path,
        headers,
        body: body.map(str::to_owned),
        status,
        code,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_odd_request_is_refused_with_its_own_code_and_changes_nothing() {
    let f = face_with_ui(screen()).await;
    let (_, grid) = f.get("/api/grid").await;
    let member = grid[0]["member_id"].as_i64().unwrap();
    let tap = format!(r#"{{"member_id": {member}}}"#);
    let twice = format!(r#"{{"member_id": {member}, "member_id": {member}}}"#);
    let tap: &'static str = Box::leak(tap.into_boxed_str());
    let twice: &'static str = Box::leak(twice.into_boxed_str());
    let table = [
        row(
            "a path under a call",
            M::GET,
            "/api/tap/nope",
            &[],
            None,
            404,
            Some("not_found"),
        ),
        row(
            "a deeper path, POSTed",
            M::POST,
            "/api/staff/queue/1",
            &[JSON],
            Some("{}"),
            404,
            Some("not_found"),
        ),
        row(
            "the API in capitals",
            M::GET,
            "/API/STATUS",
            &[],
            None,
            404,
            Some("not_found"),
        ),
        row(
            "the API in mixed case",
            M::POST,
            "/Api/tap",
            &[JSON],
            Some(tap),
            404,
            Some("not_found"),
        ),
        row(
            "the bare prefix",
            M::GET,
            "/api",
            &[],
            None,
            404,
            Some("not_found"),
        ),
        row(
            "the prefix and a slash",
            M::GET,
            "/api/",
            &[],
            None,
            404,
            Some("not_found"),
        ),
        row(
            "a call nobody declared",
            M::GET,
            "/api/format_disk",
            &[],
            None,
            404,
            Some("unknown_call"),
        ),
        row(
            "a key given twice",
            M::POST,
            "/api/tap",
            &[JSON],
            Some(twice),
            400,
            Some("invalid"),
        ),
        row(
            "a tap sent as text/plain",
            M::POST,
            "/api/tap",
            &[("content-type", "text/plain")],
            Some(tap),
            415,
            Some("unsupported_media_type"),
        ),
        row(
            "a tap with no content type",
            M::POST,
            "/api/tap",
            &[],
            Some(tap),
            415,
            Some("unsupported_media_type"),
        ),
        row(
            "a form post",
            M::POST,
            "/api/tap",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some("member_id=1"),
            415,
            Some("unsupported_media_type"),
        ),
        row(
            "a pairing as text/plain",
            M::POST,
            "/api/pair",
            &[("content-type", "text/plain")],
            Some(r#"{"code": "123456"}"#),
            415,
            Some("unsupported_media_type"),
        ),
        row(
            "another site, no Origin",
            M::POST,
            "/api/tap",
            &[JSON, ("sec-fetch-site", "cross-site")],
            Some(tap),
            403,
            Some("foreign_origin"),
        ),
        row(
            "another port of this address",
            M::POST,
            "/api/tap",
            &[JSON, ("sec-fetch-site", "same-site")],
            Some(tap),
            403,
            Some("foreign_origin"),
        ),
        row(
            "another site reading",
            M::GET,
            "/api/grid",
            &[("sec-fetch-site", "cross-site")],
            None,
            403,
            Some("foreign_origin"),
        ),
        row(
            "a sync by GET",
            M::GET,
            "/api/sync_now",
            &[],
            None,
            405,
            Some("method_not_allowed"),
        ),
        row(
            "a tap by GET",
            M::GET,
            "/api/tap",
            &[],
            None,
            405,
            Some("method_not_allowed"),
        ),
        row(
            "a read with arguments by GET",
            M::GET,
            "/api/search",
            &[],
            None,
            405,
            Some("method_not_allowed"),
        ),
        row(
            "a GET with a body",
            M::GET,
            "/api/status",
            &[JSON],
            Some("{}"),
            400,
            Some("invalid"),
        ),
        // What the UI and a script do is answered.
        row(
            "the status by GET",
            M::GET,
            "/api/status",
            &[],
            None,
            200,
            None,
        ),
        row(
            "the status typed in the address bar",
            M::GET,
            "/api/status",
            &[("sec-fetch-site", "none")],
            None,
            200,
            None,
        ),
        row(
            "the UI's own POST",
            M::POST,
            "/api/status",
            &[JSON, ("sec-fetch-site", "same-origin")],
            Some("{}"),
            200,
            None,
        ),
        row(
            "JSON with a charset",
            M::POST,
            "/api/grid",
            &[("content-type", "application/json; charset=utf-8")],
            None,
            200,
            None,
        ),
        row("a page of the UI", M::GET, "/desk", &[], None, 200, None),
    ];
    for r in &table {
        let mut request = f
            .http
            .request(r.method.clone(), format!("{}{}", f.url, r.path));
        for (k, v) in r.headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = &r.body {
            request = request.body(body.clone());
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        let kind = answer
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let allow = answer
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = answer.text().await.unwrap();
        assert_eq!(
            status, r.status,
            "{}: {} {} answered {text}",
            r.what, r.method, r.path
        );
        if let Some(code) = r.code {
            assert!(
                kind.as_deref()
                    .is_some_and(|k| k.starts_with("application/json")),
                "{}: a refusal is JSON, not {kind:?}",
                r.what
            );
            let e: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(e["code"], json!(code), "{}: {text}", r.what);
        }
        if status == 405 {
            assert_eq!(
                allow.as_deref(),
                Some("POST"),
                "{}: says what to use",
                r.what
            );
        }
    }
    let (_, grid) = f.get("/api/grid").await;
    let tile = grid
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["member_id"] == member)
        .unwrap();
    assert!(
        tile["in_since"].is_null(),
        "no refused tap checked the member in: {tile}"
    );
    // And the same tap, sent as the UI sends it, is carried out.
    let (s, out) = f.post("/api/tap", json!({"member_id": member})).await;
    assert_eq!((s, out["kind"].clone()), (200, json!("welcome")), "{out}");
}
