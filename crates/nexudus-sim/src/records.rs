//! The simulator's own records and how they read as JSON.
//!
//! Deliberately independent of the client crate's types: the simulator checks raw JSON against
//! the contract, so a misnamed field in the client shows up as a failing test, not as two copies
//! of the same mistake agreeing with each other.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use uuid::Uuid;

pub(crate) fn utc(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn utc_opt(t: Option<&DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(utc(t)))
}

fn naive_opt(t: Option<&NaiveDateTime>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::String(t.format("%Y-%m-%dT%H:%M:%S").to_string())
    })
}

/// A location. Nexudus gives its zone as a `SimpleTimeZoneId`, never an IANA name; the
/// simulator keeps the IANA zone it stands for to compute local times.
#[derive(Debug, Clone, PartialEq)]
pub struct Business {
    pub id: i64,
    pub name: String,
    pub simple_time_zone_id: i64,
    pub time_zone: Tz,
    /// Pay-as-you-go passes are configured: a customer without a plan is charged one at
    /// check-in instead of refused. (Not on the wire.)
    pub payg: bool,
    /// The daily cut-off, a wall-clock time at the location: check-ins still open then are
    /// closed by the server. (Not on the wire.)
    pub cut_off: chrono::NaiveTime,
}

impl Business {
    pub fn to_json(&self) -> Value {
        json!({ "Id": self.id, "Name": self.name, "SimpleTimeZoneId": self.simple_time_zone_id })
    }
}

/// One of the account's time zones (`/api/sys/simpletimezones`): a Windows zone name.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleTimeZone {
    pub id: i64,
    /// The Windows zone id, e.g. `GMT Standard Time`.
    pub name: String,
    pub description: String,
    /// The standard offset from UTC, e.g. `+10:00` (the documented type is a string; its format
    /// is not shown anywhere: this one is inferred).
    pub time_offset: String,
    pub uses_summer_time: bool,
}

impl SimpleTimeZone {
    pub fn to_json(&self) -> Value {
        json!({
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "TimeOffset": self.time_offset,
            "UsesSummerTime": self.uses_summer_time,
        })
    }
}

/// A team members may belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: i64,
    pub name: String,
}

impl Team {
    pub fn to_json(&self) -> Value {
        json!({ "Id": self.id, "Name": self.name })
    }
}

/// A customer's contract for a product: what gives a member a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub id: i64,
    pub coworker_id: i64,
    pub tariff_id: i64,
    pub tariff_name: String,
    pub start_date: DateTime<Utc>,
    pub active: bool,
    pub cancelled: bool,
    pub cancellation_date: Option<DateTime<Utc>>,
    pub updated_on: DateTime<Utc>,
}

impl Contract {
    /// The fields the contract lists (section 6), and the `UpdatedOn` every record has.
    pub fn to_json(&self) -> Value {
        json!({
            "Id": self.id,
            "CoworkerId": self.coworker_id,
            "TariffId": self.tariff_id,
            "TariffName": self.tariff_name,
            "StartDate": utc(&self.start_date),
            "RenewalDate": utc(&(self.start_date + chrono::Duration::days(30))),
            "Active": self.active,
            "Cancelled": self.cancelled,
            "CancellationDate": self.cancellation_date.as_ref().map(utc),
            "UpdatedOn": utc(&self.updated_on),
        })
    }
}

/// A member.
#[derive(Debug, Clone, PartialEq)]
pub struct Coworker {
    pub id: i64,
    pub unique_id: Uuid,
    pub full_name: String,
    pub email: String,
    pub company_name: Option<String>,
    pub active: bool,
    pub coworker_type: i64,
    /// The plan the seed gave the member: its contracts come from it. Not on the wire (Nexudus
    /// has no plan field on a customer; plans are contracts).
    pub tariff_name: Option<String>,
    pub invoicing_business_id: i64,
    pub teams: Vec<i64>,
    pub businesses: Vec<i64>,
    pub access_pincode: Option<String>,
    pub access_card_id: Option<String>,
    pub profile_is_public: bool,
    /// Nexudus archives a customer rather than deleting one.
    pub archived: bool,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
}

impl Coworker {
    /// The record as an answer of the given shape: lists are projections (no collections, no
    /// PIN, and no company unless `list_has_company`), batch reads leave out what Nexudus
    /// documents them not to populate.
    pub fn to_json(
        &self,
        invoicing_business_name: Option<&str>,
        shape: Shape,
        list_has_company: bool,
    ) -> Value {
        let detail = shape != Shape::List;
        let mut v = json!({
            "Id": self.id,
            "UniqueId": self.unique_id,
            "FullName": self.full_name,
            "Email": self.email,
            "CompanyName": self.company_name,
            "Active": self.active,
            "CoworkerType": self.coworker_type,
            "InvoicingBusinessId": self.invoicing_business_id,
            "InvoicingBusinessName": invoicing_business_name,
            "AccessPincode": self.access_pincode,
            "AccessCardId": self.access_card_id,
            "ProfileIsPublic": self.profile_is_public,
            "Archived": self.archived,
            "CreatedOn": utc(&self.created_on),
            "UpdatedOn": utc(&self.updated_on),
            "UpdatedBy": "system@nexudus-sim.local",
            "IsNew": false,
            "SystemId": null,
        });
        if detail {
            v["Teams"] = json!(self.teams);
            v["Businesses"] = json!(self.businesses);
        }
        if shape == Shape::List {
            // "Only the fields outlined above will contain data" [old]: no PIN; the company
            // and type only where a newer reference is believed (the switch).
            v["AccessPincode"] = Value::Null;
            if !list_has_company {
                v["CompanyName"] = Value::Null;
                v["CoworkerType"] = Value::Null;
            }
        }
        if shape == Shape::Batch {
            // "Not populated" in batch answers [doc].
            for field in [
                "CoworkerType",
                "CompanyName",
                "ProfileIsPublic",
                "AccessPincode",
            ] {
                v[field] = Value::Null;
            }
        }
        v
    }
}

/// Which answer a customer record is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A page of `GET /api/spaces/coworkers`.
    List,
    /// `GET /api/spaces/coworkers/?id=[..]`: whole records, but partial (documented).
    Batch,
    /// `GET /api/spaces/coworkers/{id}`: the full record.
    One,
}

/// A check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkin {
    pub id: i64,
    pub unique_id: Uuid,
    pub business_id: i64,
    pub coworker_id: Option<i64>,
    pub from_time: DateTime<Utc>,
    pub to_time: Option<DateTime<Utc>>,
    pub from_time_local: Option<NaiveDateTime>,
    pub to_time_local: Option<NaiveDateTime>,
    pub source: i64,
    pub counts_towards_plan_limits: Option<bool>,
    pub coworker_time_pass_guid: Option<String>,
    pub auto_checkout: Option<bool>,
    pub last_activity: Option<DateTime<Utc>>,
    pub mac_addresses: Option<String>,
    pub teams_at_the_time_of_checkin: Option<String>,
    pub tariff_at_the_time_of_checkin: Option<String>,
    pub validate_checkin_job_id: Option<String>,
    pub system_id: Option<String>,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
    pub updated_by: String,
}

impl Checkin {
    pub fn to_json(&self, coworker_full_name: Option<&str>, business_name: Option<&str>) -> Value {
        json!({
            "Id": self.id,
            "UniqueId": self.unique_id,
            "BusinessId": self.business_id,
            "BusinessName": business_name,
            "CoworkerId": self.coworker_id,
            "CoworkerFullName": coworker_full_name,
            "FromTime": utc(&self.from_time),
            "ToTime": utc_opt(self.to_time.as_ref()),
            "FromTimeLocal": naive_opt(self.from_time_local.as_ref()),
            "ToTimeLocal": naive_opt(self.to_time_local.as_ref()),
            "Source": self.source,
            "CountsTowardsPlanLimits": self.counts_towards_plan_limits,
            "CoworkerTimePassGuid": self.coworker_time_pass_guid,
            "AutoCheckout": self.auto_checkout,
            "LastActivity": utc_opt(self.last_activity.as_ref()),
            "MacAddresses": self.mac_addresses,
            "TeamsAtTheTimeOfCheckin": self.teams_at_the_time_of_checkin,
            "TariffAtTheTimeOfCheckin": self.tariff_at_the_time_of_checkin,
            "ValidateCheckinJobId": self.validate_checkin_job_id,
            "SystemId": self.system_id,
            "CreatedOn": utc(&self.created_on),
            "UpdatedOn": utc(&self.updated_on),
            "UpdatedBy": self.updated_by,
            "IsNew": false,
        })
    }
}

/// A rejected check-in attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedCheckin {
    pub id: i64,
    pub unique_id: Uuid,
    pub business_id: i64,
    pub coworker_id: Option<i64>,
    pub checkin_attempt_time: DateTime<Utc>,
    pub checkin_attempt_time_local: Option<NaiveDateTime>,
    pub source: i64,
    pub mac_addresses: Option<String>,
    pub teams_at_the_time_of_checkin: Option<String>,
    pub tariff_at_the_time_of_checkin: Option<String>,
    pub description: Option<String>,
    pub system_id: Option<String>,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
    pub updated_by: String,
}

impl FailedCheckin {
    pub fn to_json(&self, coworker_full_name: Option<&str>, business_name: Option<&str>) -> Value {
        json!({
            "Id": self.id,
            "UniqueId": self.unique_id,
            "BusinessId": self.business_id,
            "BusinessName": business_name,
            "CoworkerId": self.coworker_id,
            "CoworkerFullName": coworker_full_name,
            "CheckinAttemptTime": utc(&self.checkin_attempt_time),
            "CheckinAttemptTimeLocal": naive_opt(self.checkin_attempt_time_local.as_ref()),
            "Source": self.source,
            "MacAddresses": self.mac_addresses,
            "TeamsAtTheTimeOfCheckin": self.teams_at_the_time_of_checkin,
            "TariffAtTheTimeOfCheckin": self.tariff_at_the_time_of_checkin,
            "Description": self.description,
            "SystemId": self.system_id,
            "CreatedOn": utc(&self.created_on),
            "UpdatedOn": utc(&self.updated_on),
            "UpdatedBy": self.updated_by,
            "IsNew": false,
        })
    }
}
