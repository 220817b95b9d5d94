//! Visitors (contract section 8): the guests a member expects, with the code from their
//! invitation, and walk-ins the front desk registers. The records, the list's filters, and the
//! calls: list, read one, create, and update (a PUT replaces the record: read it first).

use chrono::{DateTime, Utc};
use futures::Stream;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::client::Client;
use crate::error::ApiError;
use crate::model::Page;
use crate::query::{ListQuery, Paging};
use crate::time::{format_filter_from, format_filter_to, utc, utc_opt};

/// Who registered a visitor (`VisitorSource`) [doc].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VisitorSource {
    Administrator,
    /// Nexudus's own front-desk app; the kiosk registers walk-ins as this.
    #[default]
    NexIo,
    Customer,
    /// A code this client does not know, kept as the server sent it.
    Other(i64),
}

/// Whether the host must approve the visit (`HostApprovalStatus`) [doc].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HostApproval {
    #[default]
    NotRequired,
    Requested,
    Rejected,
    AcceptedAndHold,
    AcceptedAndGrant,
    Other(i64),
}

coded!(VisitorSource { Administrator = 1, NexIo = 2, Customer = 3 });
coded!(HostApproval {
    NotRequired = 1,
    Requested = 2,
    Rejected = 3,
    AcceptedAndHold = 4,
    AcceptedAndGrant = 5,
});

/// A visitor as the server returns it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Visitor {
    pub id: i64,
    #[serde(default)]
    pub unique_id: Option<Uuid>,
    pub business_id: i64,
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(with = "utc")]
    pub expected_arrival: DateTime<Utc>,
    /// The host.
    #[serde(default)]
    pub coworker_id: Option<i64>,
    #[serde(default)]
    pub coworker_full_name: Option<String>,
    #[serde(default)]
    pub visitor_source: VisitorSource,
    #[serde(default)]
    pub host_approval_status: HostApproval,
    #[serde(default)]
    pub visitor_code: Option<String>,
    /// Where the visitor checked in: "Location checked in at", a string, not an instant (the
    /// arrival instant is `ArrivalDate`).
    #[serde(default)]
    pub checked_in_at: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub visit_reason: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub arrived: bool,
    #[serde(default, with = "utc_opt")]
    pub arrival_date: Option<DateTime<Utc>>,
    #[serde(default, with = "utc_opt")]
    pub departure_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub notified: bool,
    #[serde(default)]
    pub has_agreed_terms: bool,
    #[serde(default)]
    pub check_in_now: bool,
    #[serde(default)]
    pub system_id: Option<String>,
    #[serde(default, with = "utc_opt")]
    pub created_on: Option<DateTime<Utc>>,
    #[serde(default, with = "utc_opt")]
    pub updated_on: Option<DateTime<Utc>>,
    /// Fields this client does not model, kept so a record read and written back loses nothing.
    #[serde(flatten)]
    pub unmodelled: serde_json::Map<String, serde_json::Value>,
}

crate::records::records_by_id!(Visitor);

/// The body of a visitor POST or PUT. A PUT replaces the record: build it from a record read
/// just before ([`VisitorWrite::from`]), never from a partial view.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VisitorWrite {
    /// Required on PUT, absent on POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub business_id: i64,
    pub full_name: String,
    pub email: String,
    #[serde(with = "utc")]
    pub expected_arrival: DateTime<Utc>,
    pub coworker_id: Option<i64>,
    pub visitor_source: VisitorSource,
    pub host_approval_status: HostApproval,
    pub visitor_code: Option<String>,
    /// Where the visitor checked in (a place's name, not a time).
    pub checked_in_at: Option<String>,
    pub notes: Option<String>,
    pub visit_reason: Option<String>,
    pub company_name: Option<String>,
    pub phone_number: Option<String>,
    pub arrived: bool,
    #[serde(with = "utc_opt")]
    pub arrival_date: Option<DateTime<Utc>>,
    #[serde(with = "utc_opt")]
    pub departure_date: Option<DateTime<Utc>>,
    pub notified: bool,
    pub has_agreed_terms: bool,
    pub check_in_now: bool,
    /// The kiosk's own id for the record, to find it again after a lost answer.
    pub system_id: Option<String>,
    #[serde(flatten)]
    pub unmodelled: serde_json::Map<String, serde_json::Value>,
}

impl VisitorWrite {
    /// A new visitor with the required fields; registered by the front desk (`VisitorSource`
    /// NexIO), no approval asked.
    pub fn new(
        business_id: i64,
        full_name: impl Into<String>,
        email: impl Into<String>,
        expected_arrival: DateTime<Utc>,
    ) -> Self {
        Self {
            business_id,
            full_name: full_name.into(),
            email: email.into(),
            expected_arrival,
            ..Self::default()
        }
    }
}

impl From<&Visitor> for VisitorWrite {
    fn from(v: &Visitor) -> Self {
        Self {
            id: Some(v.id),
            business_id: v.business_id,
            full_name: v.full_name.clone(),
            email: v.email.clone().unwrap_or_default(),
            expected_arrival: v.expected_arrival,
            coworker_id: v.coworker_id,
            visitor_source: v.visitor_source,
            host_approval_status: v.host_approval_status,
            visitor_code: v.visitor_code.clone(),
            checked_in_at: v.checked_in_at.clone(),
            notes: v.notes.clone(),
            visit_reason: v.visit_reason.clone(),
            company_name: v.company_name.clone(),
            phone_number: v.phone_number.clone(),
            arrived: v.arrived,
            arrival_date: v.arrival_date,
            departure_date: v.departure_date,
            notified: v.notified,
            has_agreed_terms: v.has_agreed_terms,
            check_in_now: v.check_in_now,
            system_id: v.system_id.clone(),
            unmodelled: v.unmodelled.clone(),
        }
    }
}

/// Filters of `GET /api/spaces/visitors` (names after the documented pattern [infer]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitorQuery {
    pub business_id: Option<i64>,
    pub visitor_code: Option<String>,
    /// `Visitor_Email`: whole value or contained is [open]; compare the records found.
    pub email: Option<String>,
    /// `Visitor_SystemId`: the server may not keep it [open]; compare the records found.
    pub system_id: Option<String>,
    /// `from_Visitor_ExpectedArrival` (minute precision).
    pub expected_after: Option<DateTime<Utc>>,
    /// `to_Visitor_ExpectedArrival` (minute precision).
    pub expected_before: Option<DateTime<Utc>>,
    pub paging: Paging,
}

impl ListQuery for VisitorQuery {
    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        if let Some(v) = self.business_id {
            p.push(("Visitor_Business".into(), v.to_string()));
        }
        if let Some(v) = &self.visitor_code {
            p.push(("Visitor_VisitorCode".into(), v.clone()));
        }
        if let Some(v) = &self.email {
            p.push(("Visitor_Email".into(), v.clone()));
        }
        if let Some(v) = &self.system_id {
            p.push(("Visitor_SystemId".into(), v.clone()));
        }
        if let Some(t) = &self.expected_after {
            p.push(("from_Visitor_ExpectedArrival".into(), format_filter_from(t)));
        }
        if let Some(t) = &self.expected_before {
            p.push(("to_Visitor_ExpectedArrival".into(), format_filter_to(t)));
        }
        self.paging.push(&mut p);
        p
    }
}

impl Client {
    /// Every visitor matching the query.
    pub fn visitors(
        &self,
        query: VisitorQuery,
    ) -> impl Stream<Item = Result<Visitor, ApiError>> + '_ {
        self.records("/api/spaces/visitors", query)
    }

    /// The first page of visitors matching the query (one request).
    pub async fn visitor_page(&self, query: &VisitorQuery) -> Result<Page<Visitor>, ApiError> {
        self.page("/api/spaces/visitors", query, 1).await
    }

    pub async fn visitor(&self, id: i64) -> Result<Visitor, ApiError> {
        self.get(&format!("/api/spaces/visitors/{id}"), &[]).await
    }

    /// Registers a visitor; answers its Id.
    pub async fn create_visitor(&self, visitor: &VisitorWrite) -> Result<i64, ApiError> {
        if visitor.id.is_some() {
            return Err(ApiError::InvalidRequest(
                "a new visitor carries no Id".into(),
            ));
        }
        self.write(Method::POST, "/api/spaces/visitors", visitor)
            .await
    }

    /// Replaces a visitor's record (read it first: fields left out are cleared).
    pub async fn update_visitor(&self, visitor: &VisitorWrite) -> Result<i64, ApiError> {
        if visitor.id.is_none() {
            return Err(ApiError::InvalidRequest(
                "an update needs the visitor's Id".into(),
            ));
        }
        self.write(Method::PUT, "/api/spaces/visitors", visitor)
            .await
    }
}
