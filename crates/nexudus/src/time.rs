//! Date-time formats of the API.
//!
//! UTC instants go out as `2025-01-15T10:30:00Z`; the `...Local` twins go out as naive wall-clock
//! times (`2025-01-15T11:30:00`). Reading is lenient: an RFC 3339 value with any offset, a value
//! with fractional seconds, or a naive value (taken as UTC) are all accepted, because the server's
//! formatting of read records is not pinned down by the contract.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serializer};

const NAIVE_FORMATS: [&str; 3] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f",
];

/// Parses an instant as the API writes it; naive values are taken as UTC.
pub fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    parse_naive(text).map(|n| n.and_utc())
}

/// Parses a wall-clock time; an offset, if present, is dropped and the local reading kept.
pub fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.naive_local());
    }
    NAIVE_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// `2025-01-15T10:30:00Z`: whole seconds, as in the contract's examples.
pub fn format_utc(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `2025-01-15T11:30:00`.
pub fn format_naive(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Range filters take `YYYY-MM-DDTHH:mm`. A lower bound is rounded down to the minute and an
/// upper bound up, so the window never shrinks below what the caller asked for.
pub fn format_filter_from(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// See [`format_filter_from`].
pub fn format_filter_to(t: &DateTime<Utc>) -> String {
    let whole_minute = t.second() == 0 && t.nanosecond() == 0;
    let t = if whole_minute {
        *t
    } else {
        *t + chrono::Duration::minutes(1)
    };
    t.format("%Y-%m-%dT%H:%M").to_string()
}

fn invalid<E: serde::de::Error>(text: &str) -> E {
    E::custom(format!("not a date-time: {text:?}"))
}

/// Serde adapter for `DateTime<Utc>`.
pub mod utc {
    use super::{DateTime, Deserialize, Deserializer, Serializer, Utc};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_utc(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_utc(&text).ok_or_else(|| super::invalid(&text))
    }
}

/// Serde adapter for `Option<DateTime<Utc>>` (null or absent is `None`).
pub mod utc_opt {
    use super::{DateTime, Deserialize, Deserializer, Serializer, Utc};

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format_utc(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => super::parse_utc(&text)
                .map(Some)
                .ok_or_else(|| super::invalid(&text)),
        }
    }
}

/// Serde adapter for `Option<NaiveDateTime>`, the `...Local` fields.
pub mod naive_opt {
    use super::{Deserialize, Deserializer, NaiveDateTime, Serializer};

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format_naive(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => super::parse_naive(&text)
                .map(Some)
                .ok_or_else(|| super::invalid(&text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reads_every_shape_the_server_may_use() {
        let expected = Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 0).unwrap();
        for text in [
            "2025-01-15T10:30:00Z",
            "2025-01-15T10:30:00.000Z",
            "2025-01-15T11:30:00+01:00",
            "2025-01-15T10:30:00",
            "2025-01-15T10:30",
        ] {
            assert_eq!(
                parse_utc(text),
                Some(expected),
                "{text} names the same instant"
            );
        }
        assert_eq!(
            parse_utc("yesterday"),
            None,
            "garbage is refused, not guessed"
        );
    }

    #[test]
    fn writes_the_contract_shapes() {
        let t = Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 5).unwrap();
        assert_eq!(format_utc(&t), "2025-01-15T10:30:05Z");
        assert_eq!(format_naive(&t.naive_utc()), "2025-01-15T10:30:05");
        assert_eq!(
            format_filter_from(&t),
            "2025-01-15T10:30",
            "lower bound rounds down"
        );
        assert_eq!(
            format_filter_to(&t),
            "2025-01-15T10:31",
            "upper bound rounds up"
        );
        let whole = Utc.with_ymd_and_hms(2025, 1, 15, 10, 30, 0).unwrap();
        assert_eq!(
            format_filter_to(&whole),
            "2025-01-15T10:30",
            "a whole minute stays"
        );
    }
}
