//! Paged-search parameters: typed filters that become `Entity_Field=value` query pairs.

use chrono::{DateTime, Utc};

use crate::model::Source;
use crate::time::{format_filter_from, format_filter_to};

/// The largest page the API serves.
pub const MAX_PAGE_SIZE: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Ascending,
    Descending,
}

/// Page size and order, common to every list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// Records per page, 1..=1000.
    pub size: u32,
    pub order_by: Option<String>,
    pub dir: Option<SortDirection>,
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            size: MAX_PAGE_SIZE,
            order_by: Some("Id".into()),
            dir: Some(SortDirection::Ascending),
        }
    }
}

impl Paging {
    pub(crate) fn push(&self, pairs: &mut Vec<(String, String)>) {
        pairs.push(("size".into(), self.size.clamp(1, MAX_PAGE_SIZE).to_string()));
        if let Some(field) = &self.order_by {
            pairs.push(("orderBy".into(), field.clone()));
        }
        if let Some(dir) = self.dir {
            let word = match dir {
                SortDirection::Ascending => "Ascending",
                SortDirection::Descending => "Descending",
            };
            pairs.push(("dir".into(), word.into()));
        }
    }
}

/// Something that can be sent as a paged search.
pub trait ListQuery {
    /// The query pairs, without `page`.
    fn pairs(&self) -> Vec<(String, String)>;
}

/// A list with no filters: every record, page by page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unfiltered(pub Paging);

impl ListQuery for Unfiltered {
    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        self.0.push(&mut p);
        p
    }
}

/// Filters of `GET /api/spaces/coworkers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoworkerQuery {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub active: Option<bool>,
    /// `Coworker_AccessPincode`: members by PIN (whether it matches the whole PIN or any PIN
    /// containing it is not documented: check the one-record read).
    pub access_pincode: Option<String>,
    /// `from_Coworker_UpdatedOn`: the delta of the member cache.
    pub updated_since: Option<DateTime<Utc>>,
    pub paging: Paging,
}

impl ListQuery for CoworkerQuery {
    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        if let Some(v) = &self.full_name {
            p.push(("Coworker_FullName".into(), v.clone()));
        }
        if let Some(v) = &self.email {
            p.push(("Coworker_Email".into(), v.clone()));
        }
        if let Some(v) = self.active {
            p.push(("Coworker_Active".into(), v.to_string()));
        }
        if let Some(v) = &self.access_pincode {
            p.push(("Coworker_AccessPincode".into(), v.clone()));
        }
        if let Some(t) = &self.updated_since {
            p.push(("from_Coworker_UpdatedOn".into(), format_filter_from(t)));
        }
        self.paging.push(&mut p);
        p
    }
}

/// Filters of `GET /api/spaces/checkins`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckinQuery {
    pub coworker_id: Option<i64>,
    pub business_id: Option<i64>,
    pub source: Option<Source>,
    pub system_id: Option<String>,
    /// `from_Checkin_FromTime`: check-ins that started at or after this (minute precision).
    pub from_time_after: Option<DateTime<Utc>>,
    /// `to_Checkin_FromTime`: check-ins that started at or before this (minute precision).
    pub from_time_before: Option<DateTime<Utc>>,
    pub paging: Paging,
}

impl ListQuery for CheckinQuery {
    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        if let Some(v) = self.coworker_id {
            p.push(("Checkin_Coworker".into(), v.to_string()));
        }
        if let Some(v) = self.business_id {
            p.push(("Checkin_Business".into(), v.to_string()));
        }
        if let Some(v) = self.source {
            p.push(("Checkin_Source".into(), v.code().to_string()));
        }
        if let Some(v) = &self.system_id {
            p.push(("Checkin_SystemId".into(), v.clone()));
        }
        if let Some(t) = &self.from_time_after {
            p.push(("from_Checkin_FromTime".into(), format_filter_from(t)));
        }
        if let Some(t) = &self.from_time_before {
            p.push(("to_Checkin_FromTime".into(), format_filter_to(t)));
        }
        self.paging.push(&mut p);
        p
    }
}

/// Filters of `GET /api/spaces/failedcheckins` (not in the kiosk's contract; Nexudus lists every
/// entity this way, and the kiosk needs it to look up a failed check-in whose answer was lost).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailedCheckinQuery {
    pub coworker_id: Option<i64>,
    pub business_id: Option<i64>,
    pub system_id: Option<String>,
    pub attempt_after: Option<DateTime<Utc>>,
    pub attempt_before: Option<DateTime<Utc>>,
    pub paging: Paging,
}

impl ListQuery for FailedCheckinQuery {
    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        if let Some(v) = self.coworker_id {
            p.push(("FailedCheckin_Coworker".into(), v.to_string()));
        }
        if let Some(v) = self.business_id {
            p.push(("FailedCheckin_Business".into(), v.to_string()));
        }
        if let Some(v) = &self.system_id {
            p.push(("FailedCheckin_SystemId".into(), v.clone()));
        }
        if let Some(t) = &self.attempt_after {
            p.push((
                "from_FailedCheckin_CheckinAttemptTime".into(),
                format_filter_from(t),
            ));
        }
        if let Some(t) = &self.attempt_before {
            p.push((
                "to_FailedCheckin_CheckinAttemptTime".into(),
                format_filter_to(t),
            ));
        }
        self.paging.push(&mut p);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn filters_use_the_documented_names() {
        let q = CheckinQuery {
            coworker_id: Some(12),
            from_time_after: Some(Utc.with_ymd_and_hms(2025, 1, 15, 10, 29, 30).unwrap()),
            from_time_before: Some(Utc.with_ymd_and_hms(2025, 1, 15, 10, 31, 30).unwrap()),
            ..CheckinQuery::default()
        };
        let pairs = q.pairs();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("Checkin_Coworker"), Some("12"));
        assert_eq!(get("from_Checkin_FromTime"), Some("2025-01-15T10:29"));
        assert_eq!(get("to_Checkin_FromTime"), Some("2025-01-15T10:32"));
        assert_eq!(get("size"), Some("1000"));
        assert_eq!(get("Checkin_Business"), None, "an unset filter is not sent");
    }
}

/// Filters of `GET /api/billing/coworkercontracts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractQuery {
    /// `CoworkerContract_Coworker`
    pub coworker_id: Option<i64>,
    /// `CoworkerContract_Active`
    pub active: Option<bool>,
    pub paging: Paging,
}

impl ListQuery for ContractQuery {
    fn pairs(&self) -> Vec<(String, String)> {
        let mut p = Vec::new();
        if let Some(v) = self.coworker_id {
            p.push(("CoworkerContract_Coworker".into(), v.to_string()));
        }
        if let Some(v) = self.active {
            p.push(("CoworkerContract_Active".into(), v.to_string()));
        }
        self.paging.push(&mut p);
        p
    }
}
