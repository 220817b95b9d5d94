//! Visitors on the wire (docs/nexudus-api.md, section 8): the day's expected guests by location,
//! range and invitation code, one by Id, a walk-in registered, and an arrival put back whole.

mod common;

use common::Wire;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn records(page: &Value) -> Vec<Value> {
    page["Records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn expected_guests_are_found_by_location_day_and_invitation_code() {
    let w = Wire::quiet(60).await;
    let (status, page) = w.get("/api/spaces/visitors?Visitor_Business=1001").await;
    assert_eq!(status, StatusCode::OK);
    let expected = records(&page);
    assert_eq!(expected.len(), 3, "three guests expected at each location");
    let guest = &expected[0];
    for field in [
        "FullName",
        "Email",
        "ExpectedArrival",
        "CoworkerId",
        "CoworkerFullName",
        "VisitorCode",
        "VisitorSource",
        "HostApprovalStatus",
    ] {
        assert!(!guest[field].is_null(), "{field} in {guest}");
    }
    let code = guest["VisitorCode"].as_str().unwrap();
    let (_, found) = w
        .get(&format!("/api/spaces/visitors?Visitor_VisitorCode={code}"))
        .await;
    assert_eq!(records(&found)[0]["Id"], guest["Id"], "found by code");
    let (_, none) = w
        .get("/api/spaces/visitors?Visitor_Business=1001&to_Visitor_ExpectedArrival=2000-01-01T00:00")
        .await;
    assert!(records(&none).is_empty(), "a range that holds no one");
    let (status, one) = w
        .get(&format!("/api/spaces/visitors/{}", guest["Id"]))
        .await;
    assert_eq!(
        (status, one["FullName"].clone()),
        (StatusCode::OK, guest["FullName"].clone())
    );

    let reader = w.reader_token().await;
    assert_eq!(
        w.status_as(&reader, "/api/spaces/visitors").await,
        StatusCode::UNAUTHORIZED,
        "Visitor-List is a role"
    );
}

#[tokio::test]
async fn a_walk_in_is_registered_with_a_code_and_an_arrival_put_back_whole() {
    let w = Wire::quiet(60).await;
    let (status, body) = w
        .post("/api/spaces/visitors", json!({"BusinessId": 1001}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, created) = w
        .post(
            "/api/spaces/visitors",
            json!({
                "BusinessId": 1001, "FullName": "Walk In", "Email": "walk.in@example.com",
                "ExpectedArrival": "2026-11-29T10:00:00Z", "CoworkerId": 100_001, "VisitorSource": 2
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["Value"]["Id"].as_i64().unwrap();
    let (_, mut record) = w.get(&format!("/api/spaces/visitors/{id}")).await;
    assert_eq!(record["VisitorSource"], 2, "registered by NexIO (a kiosk)");
    assert_eq!(
        record["VisitorCode"].as_str().unwrap().len(),
        6,
        "a code is given"
    );
    // An arrival: the whole record back, with Arrived set.
    record["Arrived"] = json!(true);
    record["ArrivalDate"] = json!("2026-11-29T10:02:00Z");
    // "Location checked in at": a place's name [doc: post-visitors], taken as text.
    record["CheckedInAt"] = json!("Front desk");
    let (status, _) = w.put("/api/spaces/visitors", record.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = w.get(&format!("/api/spaces/visitors/{id}")).await;
    assert_eq!(after["Arrived"], true);
    assert_eq!(after["CheckedInAt"], "Front desk");
    assert_eq!(
        after["VisitorCode"], record["VisitorCode"],
        "kept: it was sent"
    );
    // A PUT replaces: what it leaves out is cleared.
    let (status, _) = w
        .put(
            "/api/spaces/visitors",
            json!({
                "Id": id, "BusinessId": 1001, "FullName": "Walk In", "Email": "walk.in@example.com",
                "ExpectedArrival": "2026-11-29T10:00:00Z"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, cleared) = w.get(&format!("/api/spaces/visitors/{id}")).await;
    assert_eq!(
        (cleared["CoworkerId"].clone(), cleared["Arrived"].clone()),
        (Value::Null, json!(false)),
        "a PUT clears the host and the arrival it left out"
    );
}

#[tokio::test]
async fn a_host_answers_through_the_admin_api_and_the_record_says_so() {
    let w = Wire::quiet(60).await;
    let (_, created) = w
        .post(
            "/api/spaces/visitors",
            json!({
                "BusinessId": 1001, "FullName": "Ada Walk", "Email": "ada@example.com",
                "ExpectedArrival": "2026-11-29T10:00:00Z", "CoworkerId": 100_001,
                "VisitorSource": 2, "HostApprovalStatus": 2
            }),
        )
        .await;
    let id = created["Value"]["Id"].as_i64().unwrap();
    let approve = |id: i64, approved: bool| {
        w.http
            .put(w.url(&format!("/_sim/visitors/{id}/approval")))
            .json(&json!({ "approved": approved }))
            .send()
    };
    let (_, waiting) = w.get(&format!("/api/spaces/visitors/{id}")).await;
    assert_eq!(waiting["HostApprovalStatus"], 2, "requested, as sent");
    assert_eq!(approve(id, false).await.unwrap().status(), 204);
    let (_, declined) = w.get(&format!("/api/spaces/visitors/{id}")).await;
    assert_eq!(declined["HostApprovalStatus"], 3, "rejected");
    assert_eq!(approve(id, true).await.unwrap().status(), 204);
    let (_, approved) = w.get(&format!("/api/spaces/visitors/{id}")).await;
    assert_eq!(approved["HostApprovalStatus"], 5, "accepted and granted");
    assert_eq!(
        approve(99, true).await.unwrap().status(),
        404,
        "no such visitor"
    );
}

#[tokio::test]
async fn a_visitor_is_found_by_email_and_by_system_id_only_where_it_is_kept() {
    let w = Wire::quiet(60).await;
    let body = json!({
        "BusinessId": 1001, "FullName": "Bo Walk", "Email": "bo.walk@example.com",
        "ExpectedArrival": "2026-11-29T10:00:00Z", "SystemId": "kiosk-1"
    });
    let (status, _) = w.post("/api/spaces/visitors", body.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (_, by_email) = w
        .get("/api/spaces/visitors?Visitor_Email=bo.walk@example.com")
        .await;
    assert_eq!(by_email["Records"].as_array().unwrap().len(), 1);
    assert_eq!(
        by_email["Records"][0]["SystemId"],
        Value::Null,
        "SystemId is dropped by default (whether Nexudus keeps it is open)"
    );
    let (_, by_system) = w.get("/api/spaces/visitors?Visitor_SystemId=kiosk-1").await;
    assert_eq!(by_system["Records"].as_array().unwrap().len(), 0);
}
