//! Visitors (docs/nexudus-api.md, section 8): guests a member expects, with the code from their
//! invitation, and walk-ins the front desk registers.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::records::{Coworker, utc};
use crate::validate::{Kind, f as field};

/// Who registered a visitor (`VisitorSource`).
pub const SOURCE_ADMINISTRATOR: i64 = 1;
pub const SOURCE_NEXIO: i64 = 2;
pub const SOURCE_CUSTOMER: i64 = 3;

/// `HostApprovalStatus`: 1 NotRequired, 2 Requested, 3 Rejected, 4 AcceptedAndHold,
/// 5 AcceptedAndGrant.
pub const APPROVAL_NOT_REQUIRED: i64 = 1;
pub const APPROVAL_REQUESTED: i64 = 2;
pub const APPROVAL_REJECTED: i64 = 3;
pub const APPROVAL_ACCEPTED_AND_GRANT: i64 = 5;

/// The fields of a visitor POST (`Id` is added for PUT) [doc].
pub const VISITOR_FIELDS: &[crate::validate::Field] = &[
    field("BusinessId", Kind::Int, true),
    field("FullName", Kind::Text, true),
    field("Email", Kind::Text, true),
    field("ExpectedArrival", Kind::Instant, true),
    field("CoworkerId", Kind::Int, false),
    field("VisitorSource", Kind::Int, false),
    field("HostApprovalStatus", Kind::Int, false),
    field("VisitorCode", Kind::Text, false),
    field("CheckedInAt", Kind::Text, false),
    field("Notes", Kind::Text, false),
    field("CustomerNotes", Kind::Text, false),
    field("VisitReason", Kind::Text, false),
    field("CompanyName", Kind::Text, false),
    field("PhoneNumber", Kind::Text, false),
    field("Arrived", Kind::Bool, false),
    field("ArrivalDate", Kind::Instant, false),
    field("DepartureDate", Kind::Instant, false),
    field("Notified", Kind::Bool, false),
    field("HasAgreedTerms", Kind::Bool, false),
    field("CheckInNow", Kind::Bool, false),
    field("SystemId", Kind::Text, false),
];

/// A visitor.
#[derive(Debug, Clone, PartialEq)]
pub struct Visitor {
    pub id: i64,
    pub unique_id: Uuid,
    pub business_id: i64,
    pub full_name: String,
    pub email: String,
    pub expected_arrival: DateTime<Utc>,
    /// The host.
    pub coworker_id: Option<i64>,
    pub visitor_source: i64,
    pub host_approval_status: i64,
    pub visitor_code: String,
    /// "Location checked in at" [doc]: a place's name.
    pub checked_in_at: Option<String>,
    pub notes: Option<String>,
    /// What the host wrote of the visit [doc: post-visitors "CustomerNotes"].
    pub customer_notes: Option<String>,
    pub visit_reason: Option<String>,
    pub company_name: Option<String>,
    pub phone_number: Option<String>,
    pub arrived: bool,
    pub arrival_date: Option<DateTime<Utc>>,
    pub departure_date: Option<DateTime<Utc>>,
    pub notified: bool,
    pub has_agreed_terms: bool,
    pub check_in_now: bool,
    pub system_id: Option<String>,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
}

impl Visitor {
    pub fn to_json(&self, host_name: Option<&str>) -> Value {
        let at = |t: &Option<DateTime<Utc>>| t.as_ref().map(utc);
        json!({
            "Id": self.id,
            "UniqueId": self.unique_id,
            "BusinessId": self.business_id,
            "FullName": self.full_name,
            "Email": self.email,
            "ExpectedArrival": utc(&self.expected_arrival),
            "CoworkerId": self.coworker_id,
            "CoworkerFullName": host_name,
            "VisitorSource": self.visitor_source,
            "HostApprovalStatus": self.host_approval_status,
            "VisitorCode": self.visitor_code,
            "CheckedInAt": self.checked_in_at,
            "Notes": self.notes,
            "CustomerNotes": self.customer_notes,
            "VisitReason": self.visit_reason,
            "CompanyName": self.company_name,
            "PhoneNumber": self.phone_number,
            "Arrived": self.arrived,
            "ArrivalDate": at(&self.arrival_date),
            "DepartureDate": at(&self.departure_date),
            "Notified": self.notified,
            "HasAgreedTerms": self.has_agreed_terms,
            "CheckInNow": self.check_in_now,
            "SystemId": self.system_id,
            "CreatedOn": utc(&self.created_on),
            "UpdatedOn": utc(&self.updated_on),
            "IsNew": false,
        })
    }
}

/// A code for an invitation: six letters and digits, none that read alike [infer: Nexudus's
/// format is not documented].
pub(crate) fn invitation_code(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..6)
        .map(|_| char::from(*ALPHABET.choose(rng).expect("letters")))
        .collect()
}

/// Visitors expected today: three per location, hosted by members of it, arriving over the day
/// from `now` on, each with the code of their invitation.
pub fn seed(
    coworkers: &[&Coworker],
    locations: &[i64],
    now: DateTime<Utc>,
    seed: u64,
) -> Vec<Visitor> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0715_1705);
    let guests = [
        ("Ingrid Bergström", "Nordlys AS"),
        ("Kwame Mensah", "Accra Works"),
        ("Lucía Fernández", ""),
        ("Tomás Ó Briain", "Harbour & Co"),
        ("Mei Lin", "Lotus Studio"),
        ("Olu Adeyemi", ""),
    ];
    let mut out = Vec::new();
    let mut id = 71_000_001;
    for (n, location) in locations.iter().enumerate() {
        let hosts: Vec<&&Coworker> = coworkers
            .iter()
            .filter(|c| c.active && c.invoicing_business_id == *location)
            .collect();
        for k in 0..3 {
            let (name, company) = guests[(n * 3 + k) % guests.len()];
            let host = hosts.choose(&mut rng).map(|c| c.id);
            let at = now + Duration::minutes(30 + 90 * k as i64);
            out.push(Visitor {
                id,
                unique_id: Uuid::from_u128(rng.random()),
                business_id: *location,
                full_name: name.to_owned(),
                email: format!("guest{id}@example.com"),
                expected_arrival: at,
                coworker_id: host,
                visitor_source: SOURCE_CUSTOMER,
                host_approval_status: APPROVAL_NOT_REQUIRED,
                visitor_code: invitation_code(&mut rng),
                checked_in_at: None,
                notes: None,
                customer_notes: None,
                visit_reason: Some("Meeting".into()),
                company_name: (!company.is_empty()).then(|| company.to_owned()),
                phone_number: None,
                arrived: false,
                arrival_date: None,
                departure_date: None,
                notified: false,
                has_agreed_terms: false,
                check_in_now: false,
                system_id: None,
                created_on: now - Duration::days(1),
                updated_on: now - Duration::days(1),
            });
            id += 1;
        }
    }
    out
}
