//! The API's records and envelopes, with the contract's exact PascalCase field names.
//!
//! Unknown fields in answers are ignored and absent optional fields read as `None`, so a server
//! that adds fields never breaks the kiosk.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::time::{naive_opt, utc, utc_opt};

/// How a check-in was made (`eCheckinSource`), sent as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Source {
    #[default]
    None,
    Manual,
    DoorAccess,
    NetworkActivity,
    /// A tap on the kiosk's tile grid.
    Tile,
    Sensor,
    /// A value this client does not know yet; kept so that it can be written back unchanged.
    Other(i64),
}

coded!(Source {
    None = 0,
    Manual = 1,
    DoorAccess = 2,
    NetworkActivity = 3,
    Tile = 4,
    Sensor = 5,
});

/// A check-in as the server returns it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Checkin {
    pub id: i64,
    #[serde(default)]
    pub unique_id: Option<Uuid>,
    pub business_id: i64,
    #[serde(default)]
    pub business_name: Option<String>,
    #[serde(default)]
    pub coworker_id: Option<i64>,
    #[serde(default)]
    pub coworker_full_name: Option<String>,
    #[serde(with = "utc")]
    pub from_time: DateTime<Utc>,
    #[serde(default, with = "utc_opt")]
    pub to_time: Option<DateTime<Utc>>,
    #[serde(default, with = "naive_opt")]
    pub from_time_local: Option<NaiveDateTime>,
    #[serde(default, with = "naive_opt")]
    pub to_time_local: Option<NaiveDateTime>,
    #[serde(default)]
    pub source: Source,
    #[serde(default)]
    pub counts_towards_plan_limits: Option<bool>,
    #[serde(default)]
    pub coworker_time_pass_guid: Option<String>,
    #[serde(default)]
    pub auto_checkout: Option<bool>,
    #[serde(default, with = "utc_opt")]
    pub last_activity: Option<DateTime<Utc>>,
    #[serde(default)]
    pub mac_addresses: Option<String>,
    #[serde(default)]
    pub teams_at_the_time_of_checkin: Option<String>,
    #[serde(default)]
    pub tariff_at_the_time_of_checkin: Option<String>,
    #[serde(default)]
    pub validate_checkin_job_id: Option<String>,
    #[serde(default)]
    pub system_id: Option<String>,
    #[serde(default, with = "utc_opt")]
    pub created_on: Option<DateTime<Utc>>,
    #[serde(default, with = "utc_opt")]
    pub updated_on: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_by: Option<String>,
    #[serde(default)]
    pub is_new: Option<bool>,
    /// Fields this client does not model, kept so a record read and written back loses nothing.
    #[serde(flatten)]
    pub unmodelled: serde_json::Map<String, serde_json::Value>,
}

/// The body of a check-in POST or PUT. A PUT replaces the record, so build it from everything
/// the kiosk knows ([`CheckinWrite::from`] a read [`Checkin`]), never from a partial view.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckinWrite {
    /// Required on PUT, absent on POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub business_id: i64,
    #[serde(with = "utc")]
    pub from_time: DateTime<Utc>,
    pub coworker_id: Option<i64>,
    #[serde(with = "utc_opt")]
    pub to_time: Option<DateTime<Utc>>,
    #[serde(with = "naive_opt")]
    pub from_time_local: Option<NaiveDateTime>,
    #[serde(with = "naive_opt")]
    pub to_time_local: Option<NaiveDateTime>,
    /// Not among the documented POST fields (unverified whether writable); sent anyway.
    pub source: Source,
    pub counts_towards_plan_limits: Option<bool>,
    pub coworker_time_pass_guid: Option<String>,
    pub auto_checkout: Option<bool>,
    #[serde(with = "utc_opt")]
    pub last_activity: Option<DateTime<Utc>>,
    pub mac_addresses: Option<String>,
    pub teams_at_the_time_of_checkin: Option<String>,
    pub tariff_at_the_time_of_checkin: Option<String>,
    pub validate_checkin_job_id: Option<String>,
    /// The kiosk's own id for the record, used to find it again after a lost answer.
    pub system_id: Option<String>,
    /// Fields this client does not model, sent back as the server gave them.
    #[serde(flatten)]
    pub unmodelled: serde_json::Map<String, serde_json::Value>,
}

impl CheckinWrite {
    /// A new check-in with only the required fields set.
    pub fn new(business_id: i64, from_time: DateTime<Utc>) -> Self {
        Self {
            id: None,
            business_id,
            from_time,
            coworker_id: None,
            to_time: None,
            from_time_local: None,
            to_time_local: None,
            source: Source::None,
            counts_towards_plan_limits: None,
            coworker_time_pass_guid: None,
            auto_checkout: None,
            last_activity: None,
            mac_addresses: None,
            teams_at_the_time_of_checkin: None,
            tariff_at_the_time_of_checkin: None,
            validate_checkin_job_id: None,
            system_id: None,
            unmodelled: serde_json::Map::new(),
        }
    }

    /// The same write carrying what the server set on the record (see [`ServerFields`]):
    /// those fields as the server gave them, over whatever this write had.
    #[must_use]
    pub fn carrying(mut self, fields: &ServerFields) -> Self {
        let f = fields.clone();
        self.counts_towards_plan_limits = f.counts_towards_plan_limits;
        self.coworker_time_pass_guid = f.coworker_time_pass_guid;
        self.last_activity = f.last_activity;
        self.mac_addresses = f.mac_addresses;
        self.validate_checkin_job_id = f.validate_checkin_job_id;
        if f.system_id.is_some() {
            self.system_id = f.system_id;
        }
        self.unmodelled.extend(f.unmodelled);
        self
    }
}

impl From<&Checkin> for CheckinWrite {
    fn from(c: &Checkin) -> Self {
        Self {
            id: Some(c.id),
            business_id: c.business_id,
            from_time: c.from_time,
            coworker_id: c.coworker_id,
            to_time: c.to_time,
            from_time_local: c.from_time_local,
            to_time_local: c.to_time_local,
            source: c.source,
            counts_towards_plan_limits: c.counts_towards_plan_limits,
            coworker_time_pass_guid: c.coworker_time_pass_guid.clone(),
            auto_checkout: c.auto_checkout,
            last_activity: c.last_activity,
            mac_addresses: c.mac_addresses.clone(),
            teams_at_the_time_of_checkin: c.teams_at_the_time_of_checkin.clone(),
            tariff_at_the_time_of_checkin: c.tariff_at_the_time_of_checkin.clone(),
            validate_checkin_job_id: c.validate_checkin_job_id.clone(),
            system_id: c.system_id.clone(),
            unmodelled: c.unmodelled.clone(),
        }
    }
}

impl Checkin {
    /// What the server set on this check-in that a writer does not own.
    pub fn server_fields(&self) -> ServerFields {
        ServerFields {
            counts_towards_plan_limits: self.counts_towards_plan_limits,
            coworker_time_pass_guid: self.coworker_time_pass_guid.clone(),
            last_activity: self.last_activity,
            mac_addresses: self.mac_addresses.clone(),
            validate_checkin_job_id: self.validate_checkin_job_id.clone(),
            system_id: self.system_id.clone(),
            unmodelled: self.unmodelled.clone(),
        }
    }
}

/// The fields of a check-in that the server (or another writer) set and a kiosk does not own:
/// the pass it charged, the activity it saw, and every field this client does not model. A PUT
/// clears what it leaves out, so a writer keeps these (opaque: it may store them as they
/// serialize) and sends them back with [`CheckinWrite::carrying`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerFields {
    #[serde(default)]
    pub counts_towards_plan_limits: Option<bool>,
    #[serde(default)]
    pub coworker_time_pass_guid: Option<String>,
    #[serde(default, with = "utc_opt")]
    pub last_activity: Option<DateTime<Utc>>,
    #[serde(default)]
    pub mac_addresses: Option<String>,
    #[serde(default)]
    pub validate_checkin_job_id: Option<String>,
    #[serde(default)]
    pub system_id: Option<String>,
    #[serde(flatten)]
    pub unmodelled: serde_json::Map<String, serde_json::Value>,
}

/// A rejected check-in attempt as the server returns it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedCheckin {
    pub id: i64,
    #[serde(default)]
    pub unique_id: Option<Uuid>,
    pub business_id: i64,
    #[serde(default)]
    pub business_name: Option<String>,
    #[serde(default)]
    pub coworker_id: Option<i64>,
    #[serde(default)]
    pub coworker_full_name: Option<String>,
    #[serde(with = "utc")]
    pub checkin_attempt_time: DateTime<Utc>,
    #[serde(default, with = "naive_opt")]
    pub checkin_attempt_time_local: Option<NaiveDateTime>,
    #[serde(default)]
    pub source: Source,
    #[serde(default)]
    pub mac_addresses: Option<String>,
    #[serde(default)]
    pub teams_at_the_time_of_checkin: Option<String>,
    #[serde(default)]
    pub tariff_at_the_time_of_checkin: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub system_id: Option<String>,
    #[serde(default, with = "utc_opt")]
    pub created_on: Option<DateTime<Utc>>,
    #[serde(default, with = "utc_opt")]
    pub updated_on: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_by: Option<String>,
    #[serde(default)]
    pub is_new: Option<bool>,
}

/// The body of a failed check-in POST or PUT.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedCheckinWrite {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub business_id: i64,
    #[serde(with = "utc")]
    pub checkin_attempt_time: DateTime<Utc>,
    #[serde(with = "naive_opt")]
    pub checkin_attempt_time_local: Option<NaiveDateTime>,
    pub coworker_id: Option<i64>,
    pub source: Source,
    pub mac_addresses: Option<String>,
    pub teams_at_the_time_of_checkin: Option<String>,
    pub tariff_at_the_time_of_checkin: Option<String>,
    /// The reason staff read.
    pub description: Option<String>,
    pub system_id: Option<String>,
}

impl FailedCheckinWrite {
    /// A new failed attempt with only the required fields set.
    pub fn new(business_id: i64, checkin_attempt_time: DateTime<Utc>) -> Self {
        Self {
            id: None,
            business_id,
            checkin_attempt_time,
            checkin_attempt_time_local: None,
            coworker_id: None,
            source: Source::None,
            mac_addresses: None,
            teams_at_the_time_of_checkin: None,
            tariff_at_the_time_of_checkin: None,
            description: None,
            system_id: None,
        }
    }
}

impl From<&FailedCheckin> for FailedCheckinWrite {
    fn from(f: &FailedCheckin) -> Self {
        Self {
            id: Some(f.id),
            business_id: f.business_id,
            checkin_attempt_time: f.checkin_attempt_time,
            checkin_attempt_time_local: f.checkin_attempt_time_local,
            coworker_id: f.coworker_id,
            source: f.source,
            mac_addresses: f.mac_addresses.clone(),
            teams_at_the_time_of_checkin: f.teams_at_the_time_of_checkin.clone(),
            tariff_at_the_time_of_checkin: f.tariff_at_the_time_of_checkin.clone(),
            description: f.description.clone(),
            system_id: f.system_id.clone(),
        }
    }
}

/// `CoworkerType`: 1 individual, 2 company.
pub const COWORKER_TYPE_INDIVIDUAL: i64 = 1;
/// See [`COWORKER_TYPE_INDIVIDUAL`].
pub const COWORKER_TYPE_COMPANY: i64 = 2;

/// A member (customer). `Teams` and `Businesses` are left out of list answers and present on
/// one-record answers, hence `Option`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Coworker {
    pub id: i64,
    #[serde(default)]
    pub unique_id: Option<Uuid>,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub coworker_type: Option<i64>,
    #[serde(default)]
    pub tariff_name: Option<String>,
    #[serde(default)]
    pub invoicing_business_id: Option<i64>,
    #[serde(default)]
    pub invoicing_business_name: Option<String>,
    /// Team Ids; only on one-record answers.
    #[serde(default)]
    pub teams: Option<Vec<i64>>,
    /// Location (business) Ids the member belongs to; only on one-record answers.
    #[serde(default)]
    pub businesses: Option<Vec<i64>>,
    #[serde(default)]
    pub access_pincode: Option<String>,
    /// Nexudus archives customers instead of deleting them.
    #[serde(default)]
    pub archived: Option<bool>,
    /// The access card number (not in the kiosk's contract; Nexudus's field for a card reader).
    #[serde(default)]
    pub access_card_id: Option<String>,
    #[serde(default)]
    pub profile_is_public: Option<bool>,
    #[serde(default, with = "utc_opt")]
    pub created_on: Option<DateTime<Utc>>,
    #[serde(default, with = "utc_opt")]
    pub updated_on: Option<DateTime<Utc>>,
}

/// A location (business): `GET /api/sys/businesses`, for the location picker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Business {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    /// The location's zone: an Id in `/api/sys/simpletimezones`. Nexudus gives no IANA name.
    #[serde(default)]
    pub simple_time_zone_id: Option<i64>,
}

/// One of the account's time zones (`GET /api/sys/simpletimezones`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimpleTimeZone {
    pub id: i64,
    /// A Windows zone id, such as `GMT Standard Time`.
    #[serde(default)]
    pub name: String,
    /// Such as `(UTC+00:00) Dublin, Edinburgh, Lisbon, London`.
    #[serde(default)]
    pub description: Option<String>,
}

impl SimpleTimeZone {
    /// The IANA zone CLDR's windowsZones table gives for the Windows name (its territory "001",
    /// the zone Windows itself names first), or `None` for a name CLDR does not know.
    pub fn iana(&self) -> Option<chrono_tz::Tz> {
        iana_zone(&self.name)
    }
}

/// The IANA zone of a Windows zone id, through CLDR's windowsZones table (the
/// `windows-timezones` crate), e.g. `GMT Standard Time` -> `Europe/London`.
pub fn iana_zone(windows_name: &str) -> Option<chrono_tz::Tz> {
    let zone: windows_timezones::WindowsTimezone = windows_name.trim().parse().ok()?;
    zone.tzdb_id().parse().ok()
}

/// A customer's contract for a product (tariff): how Nexudus records who has a plan
/// (`GET /api/billing/coworkercontracts`). "A customer with at least one active contract is a
/// Member; with none, a Contact."
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CoworkerContract {
    pub id: i64,
    #[serde(default)]
    pub coworker_id: Option<i64>,
    #[serde(default)]
    pub tariff_id: Option<i64>,
    #[serde(default)]
    pub tariff_name: Option<String>,
    #[serde(default, with = "utc_opt")]
    pub start_date: Option<DateTime<Utc>>,
    #[serde(default, with = "utc_opt")]
    pub renewal_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub cancelled: bool,
    #[serde(default, with = "utc_opt")]
    pub cancellation_date: Option<DateTime<Utc>>,
}

impl CoworkerContract {
    /// Whether it gives its customer a plan at `at`: active, begun, and not cancelled by then.
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.active
            && self.start_date.is_none_or(|s| s <= at)
            && !(self.cancelled && self.cancellation_date.is_none_or(|c| c <= at))
    }
}

/// A team (`GET /api/spaces/teams`), for the team names a check-in records.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Team {
    pub id: i64,
    #[serde(default)]
    pub name: String,
}

/// One validation error of a write answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldError {
    #[serde(default)]
    pub attempted_value: serde_json::Value,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub property_name: String,
}

/// The envelope every POST and PUT answers with.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WriteEnvelope {
    #[serde(default)]
    pub status: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub value: serde_json::Value,
    #[serde(default)]
    pub errors: Option<Vec<FieldError>>,
    pub was_successful: bool,
    #[serde(default, with = "utc_opt")]
    pub updated_on: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_by: Option<String>,
}

impl WriteEnvelope {
    /// `Value.Id`, the Id of the created or updated record.
    pub fn record_id(&self) -> Option<i64> {
        self.value.get("Id").and_then(serde_json::Value::as_i64)
    }
}

/// One page of a paged search.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Page<T> {
    pub records: Vec<T>,
    #[serde(default)]
    pub current_page: u32,
    #[serde(default)]
    pub current_page_size: u32,
    #[serde(default)]
    pub current_order_field: Option<String>,
    /// A number (1 / -1) or a word (`Ascending` / `Descending`), depending on the server's age.
    #[serde(default)]
    pub current_sort_direction: serde_json::Value,
    #[serde(default)]
    pub first_item: u64,
    #[serde(default)]
    pub last_item: u64,
    #[serde(default)]
    pub total_items: u64,
    #[serde(default)]
    pub total_pages: u32,
    #[serde(default)]
    pub has_next_page: bool,
    #[serde(default)]
    pub has_previous_page: bool,
    /// Records of this page that did not read as their type, each named (never its values):
    /// the others are read all the same.
    #[serde(skip)]
    pub skipped: Vec<BadRecord>,
}

/// A record of a list the client could not read: which one, which field, what shape came.
/// No value is kept, so it can be logged and shown to staff without personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRecord {
    /// The record's `Id`, where it has a readable one.
    pub id: Option<i64>,
    /// The path of the field that did not read (`CheckedInAt`, `Teams[0]`), or empty for the
    /// record as a whole.
    pub field: String,
    /// What came there: `string`, `number`, `null`, `bool`, `array`, `object`, or `missing`.
    pub shape: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn windows_zone_names_map_to_iana_zones_through_cldr() {
        let table = [
            ("GMT Standard Time", Some(chrono_tz::Europe::London)),
            ("W. Europe Standard Time", Some(chrono_tz::Europe::Berlin)),
            ("Eastern Standard Time", Some(chrono_tz::America::New_York)),
            (
                "AUS Eastern Standard Time",
                Some(chrono_tz::Australia::Sydney),
            ),
            (
                "E. South America Standard Time",
                Some(chrono_tz::America::Sao_Paulo),
            ),
            (" Tokyo Standard Time ", Some(chrono_tz::Asia::Tokyo)),
            ("Europe/London", None),
            ("Atlantis Standard Time", None),
            ("", None),
        ];
        for (windows, iana) in table {
            assert_eq!(iana_zone(windows), iana, "{windows:?}");
        }
    }

    #[test]
    fn check_in_body_uses_contract_names_and_numeric_source() {
        let mut c = CheckinWrite::new(7, Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 0).unwrap());
        c.source = Source::Tile;
        c.coworker_id = Some(42);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["BusinessId"], 7);
        assert_eq!(v["FromTime"], "2025-01-15T10:30:00Z");
        assert_eq!(v["Source"], 4, "Source goes out as a number, 4 = Tile");
        assert_eq!(v["CoworkerId"], 42);
        assert!(v.get("Id").is_none(), "a POST carries no Id");
    }

    #[test]
    fn reads_a_record_with_unknown_and_missing_fields() {
        let v = json!({
            "Id": 5, "BusinessId": 1, "FromTime": "2025-01-15T10:30:00Z", "Source": 9,
            "SomethingNew": {"x": 1}
        });
        let c: Checkin = serde_json::from_value(v).unwrap();
        assert_eq!(
            c.source,
            Source::Other(9),
            "an unknown source is kept, not an error"
        );
        assert_eq!(c.to_time, None);
        let back = CheckinWrite::from(&c);
        assert_eq!(back.id, Some(5), "a PUT built from a record carries its Id");
    }

    #[test]
    fn envelope_gives_the_record_id() {
        let e: WriteEnvelope = serde_json::from_value(json!({
            "Status": 200, "Message": "Checkin was successfully created.",
            "Value": {"Id": 87_654_321}, "Errors": null, "WasSuccessful": true
        }))
        .unwrap();
        assert_eq!(e.record_id(), Some(87_654_321));
    }
}
