//! A page of a list read a record at a time: one record of an unexpected shape (a field of
//! another type, a null where a value belongs) is skipped and named, and never costs the page.
//! What each list's reads met is kept ([`ReadLog`]) until the kiosk asks for it, so staff can be
//! told which records did not read and when one reads again.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::model::{BadRecord, Page};

/// A record of a list, known by its `Id`.
pub trait Record {
    fn record_id(&self) -> i64;
}

/// What the reads of one list met since they were last taken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListReads {
    /// Records that did not read, each named (never a value).
    pub skipped: Vec<BadRecord>,
    /// The Ids of the records that read.
    pub read: Vec<i64>,
}

/// What every list's reads met, by the list's path (`/api/spaces/coworkers`), until taken.
#[derive(Debug, Default)]
pub(crate) struct ReadLog(Mutex<BTreeMap<&'static str, ListReads>>);

impl ReadLog {
    fn note(&self, list: &'static str, read: impl Iterator<Item = i64>, skipped: &[BadRecord]) {
        let mut log = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = log.entry(list).or_default();
        entry.read.extend(read);
        entry.skipped.extend_from_slice(skipped);
    }

    pub(crate) fn take(&self) -> BTreeMap<&'static str, ListReads> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// Reads each record of a page on its own: one of an unexpected shape is skipped and named
/// ([`BadRecord`]), and never costs the page. Both kinds are noted in `log` under `list`.
pub(crate) fn read_records<T: DeserializeOwned + Record>(
    raw: Page<Box<RawValue>>,
    list: &'static str,
    log: &ReadLog,
) -> Page<T> {
    let (records, skipped) = read_each(raw.records, raw.skipped);
    log.note(list, records.iter().map(Record::record_id), &skipped);
    Page {
        records,
        current_page: raw.current_page,
        current_page_size: raw.current_page_size,
        current_order_field: raw.current_order_field,
        current_sort_direction: raw.current_sort_direction,
        first_item: raw.first_item,
        last_item: raw.last_item,
        total_items: raw.total_items,
        total_pages: raw.total_pages,
        has_next_page: raw.has_next_page,
        has_previous_page: raw.has_previous_page,
        skipped,
    }
}

/// The records of a bare array (a batch read), read as a page's are.
pub(crate) fn read_array<T: DeserializeOwned + Record>(
    raw: Vec<Box<RawValue>>,
    list: &'static str,
    log: &ReadLog,
) -> Vec<T> {
    let (records, skipped) = read_each(raw, Vec::new());
    log.note(list, records.iter().map(Record::record_id), &skipped);
    records
}

fn read_each<T: DeserializeOwned>(
    raw: Vec<Box<RawValue>>,
    mut skipped: Vec<BadRecord>,
) -> (Vec<T>, Vec<BadRecord>) {
    let mut records = Vec::with_capacity(raw.len());
    for text in raw {
        // Straight from the record's own text, as fast as reading the page whole; the
        // record is parsed as a value only to name what did not read.
        let mut reader = serde_json::Deserializer::from_str(text.get());
        match serde_path_to_error::deserialize::<_, T>(&mut reader) {
            Ok(record) => records.push(record),
            Err(e) => {
                let value: serde_json::Value = serde_json::from_str(text.get()).unwrap_or_default();
                let bad = bad_record(&value, e.path());
                // Debug only: lists are read again every few seconds; the kiosk says it once.
                tracing::debug!(id = ?bad.id, field = %bad.field, shape = %bad.shape, "a record skipped: a field of an unexpected shape");
                skipped.push(bad);
            }
        }
    }
    (records, skipped)
}

/// Names what did not read in `record`: its `Id`, the path that failed, the JSON kind there.
fn bad_record(record: &serde_json::Value, path: &serde_path_to_error::Path) -> BadRecord {
    use serde_path_to_error::Segment;
    let mut at = Some(record);
    for segment in path {
        at = match segment {
            Segment::Map { key } => at.and_then(|v| v.get(key)),
            Segment::Seq { index } => at.and_then(|v| v.get(index)),
            Segment::Enum { .. } | Segment::Unknown => at,
        };
    }
    let shape = match at {
        None => "missing",
        Some(serde_json::Value::Null) => "null",
        Some(serde_json::Value::Bool(_)) => "bool",
        Some(serde_json::Value::Number(_)) => "number",
        Some(serde_json::Value::String(_)) => "string",
        Some(serde_json::Value::Array(_)) => "array",
        Some(serde_json::Value::Object(_)) => "object",
    };
    let field = path.to_string();
    BadRecord {
        id: record.get("Id").and_then(serde_json::Value::as_i64),
        field: if field == "." { String::new() } else { field },
        shape: shape.to_owned(),
    }
}

/// `Record` for types with an `id: i64` field.
macro_rules! records_by_id {
    ($($record:ty),* $(,)?) => {
        $(impl $crate::records::Record for $record {
            fn record_id(&self) -> i64 {
                self.id
            }
        })*
    };
}

pub(crate) use records_by_id;

records_by_id!(
    crate::model::Business,
    crate::model::Checkin,
    crate::model::Coworker,
    crate::model::CoworkerContract,
    crate::model::FailedCheckin,
    crate::model::SimpleTimeZone,
    crate::model::Team,
);
