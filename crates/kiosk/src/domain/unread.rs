//! Records of the account that did not read: which list, which record, which field, what
//! shape came, and since when. Never a value, so staff and logs can see them without any
//! member's data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The lists the kiosk reads, as staff name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordList {
    Members,
    Contracts,
    Passes,
    CheckIns,
    FailedCheckIns,
    Visitors,
    Locations,
    TimeZones,
    Teams,
}

impl RecordList {
    /// The list a Nexudus path serves, or `None` for one the kiosk does not track.
    pub fn of_path(path: &str) -> Option<Self> {
        Some(match path.trim_end_matches('/') {
            "/api/spaces/coworkers" => Self::Members,
            "/api/billing/coworkercontracts" => Self::Contracts,
            "/api/billing/coworkertimepasses" => Self::Passes,
            "/api/spaces/checkins" => Self::CheckIns,
            "/api/spaces/failedcheckins" => Self::FailedCheckIns,
            "/api/spaces/visitors" => Self::Visitors,
            "/api/sys/businesses" => Self::Locations,
            "/api/sys/simpletimezones" => Self::TimeZones,
            "/api/spaces/teams" => Self::Teams,
            _ => return None,
        })
    }

    /// The stored name (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::Contracts => "contracts",
            Self::Passes => "passes",
            Self::CheckIns => "check_ins",
            Self::FailedCheckIns => "failed_check_ins",
            Self::Visitors => "visitors",
            Self::Locations => "locations",
            Self::TimeZones => "time_zones",
            Self::Teams => "teams",
        }
    }

    pub fn of_code(code: &str) -> Option<Self> {
        ALL.iter().copied().find(|l| l.code() == code)
    }
}

const ALL: [RecordList; 9] = [
    RecordList::Members,
    RecordList::Contracts,
    RecordList::Passes,
    RecordList::CheckIns,
    RecordList::FailedCheckIns,
    RecordList::Visitors,
    RecordList::Locations,
    RecordList::TimeZones,
    RecordList::Teams,
];

/// A record that did not read, as the desk and the doctor show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UnreadRecord {
    pub list: RecordList,
    /// The record's `Id` (`None` when even that did not read).
    pub record_id: Option<i64>,
    /// The field that did not read (`CheckedInAt`, `Teams[0]`); empty for the whole record.
    pub field: String,
    /// What came there: `string`, `number`, `null`, `bool`, `array`, `object`, or `missing`.
    pub shape: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

impl UnreadRecord {
    /// One line, as the doctor prints it: `members #123: FullName came as null`.
    pub fn describe(&self) -> String {
        describe(self.list, self.record_id, &self.field, &self.shape)
    }
}

/// A record of `list` that did not read, in one line (never a value).
pub fn describe(list: RecordList, record_id: Option<i64>, field: &str, shape: &str) -> String {
    let id = record_id.map_or_else(
        || "a record without an Id".to_owned(),
        |id| format!("#{id}"),
    );
    let field = if field.is_empty() {
        "the record"
    } else {
        field
    };
    format!("{} {id}: {field} came as {shape}", list.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_the_kiosk_reads_has_a_name_that_reads_back() {
        for list in ALL {
            assert_eq!(RecordList::of_code(list.code()), Some(list));
        }
        assert_eq!(
            RecordList::of_path("/api/spaces/coworkers/"),
            Some(RecordList::Members),
            "the batch read is the members list too"
        );
        assert_eq!(RecordList::of_path("/api/spaces/nope"), None);
    }

    #[test]
    fn a_line_names_the_record_and_field_and_never_a_value() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let line = UnreadRecord {
            list: RecordList::Visitors,
            record_id: Some(71),
            field: "CheckedInAt".into(),
            shape: "number".into(),
            first_seen: at,
            last_seen: at,
        };
        assert_eq!(line.describe(), "visitors #71: CheckedInAt came as number");
    }
}
