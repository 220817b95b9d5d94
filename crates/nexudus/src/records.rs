//! A page of a list read a record at a time: one record of an unexpected shape (a field of
//! another type, a null where a value belongs) is skipped and named, and never costs the page.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::model::{BadRecord, Page};

/// Reads each record of a page on its own: one of an unexpected shape is skipped and named
/// ([`BadRecord`]), and never costs the page.
pub(crate) fn read_records<T: DeserializeOwned>(raw: Page<Box<RawValue>>) -> Page<T> {
    let mut records = Vec::with_capacity(raw.records.len());
    let mut skipped = raw.skipped;
    for text in raw.records {
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
