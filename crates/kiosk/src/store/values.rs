//! How the kiosk's values are written to and read from SQLite columns: small newtypes with
//! `ToSql`/`FromSql`, so a row is read field by field by column name and a bad value in the
//! file surfaces as one clear error.

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use uuid::Uuid;

use crate::domain::model::{Origin, OutboxOp, OutboxStatus};

/// A fixed-width UTC timestamp: sorts as text in time order (the queries compare them as text).
pub fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn bad(what: &str, text: &str, e: impl std::fmt::Display) -> FromSqlError {
    FromSqlError::Other(format!("bad {what} {text:?}: {e}").into())
}

/// A UTC time, stored as [`ts`] text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ts(pub DateTime<Utc>);

impl FromSql for Ts {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        DateTime::parse_from_rfc3339(text)
            .map(|t| Self(t.with_timezone(&Utc)))
            .map_err(|e| bad("time", text, e))
    }
}

impl ToSql for Ts {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(ts(&self.0)))
    }
}

/// A wall-clock time of the location, stored without zone.
#[derive(Debug, Clone, Copy)]
pub(super) struct LocalTs(pub NaiveDateTime);

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

impl FromSql for LocalTs {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        NaiveDateTime::parse_from_str(text, LOCAL_FORMAT)
            .map(Self)
            .map_err(|e| bad("local time", text, e))
    }
}

impl ToSql for LocalTs {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.format(LOCAL_FORMAT).to_string()))
    }
}

/// A record's own Id (a UUID), stored as text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Id(pub Uuid);

impl FromSql for Id {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Uuid::parse_str(text)
            .map(Self)
            .map_err(|e| bad("id", text, e))
    }
}

impl ToSql for Id {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

/// A list of Nexudus Ids, stored as a JSON array.
#[derive(Debug, Clone)]
pub(super) struct Ids(pub Vec<i64>);

impl FromSql for Ids {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        serde_json::from_str(text)
            .map(Self)
            .map_err(|e| bad("id list", text, e))
    }
}

impl ToSql for Ids {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(
            serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into()),
        ))
    }
}

/// Enums stored by their stable names.
macro_rules! text_enum {
    ($ty:ty, $what:literal) => {
        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                Self::parse(text).ok_or_else(|| bad($what, text, "unknown"))
            }
        }

        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
    };
}

text_enum!(OutboxOp, "outbox op");
text_enum!(OutboxStatus, "outbox status");
text_enum!(Origin, "origin");
