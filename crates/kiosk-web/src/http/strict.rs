//! What a request must be before the face reads it: a body of JSON where no object names a key
//! twice, sent as `application/json`.
//!
//! `serde_json` keeps the last of two equal keys, so `{"member_id": 1, "member_id": 2}` would
//! reach the core as 2 while a proxy, a log or a reviewer reading the first sees 1: a request
//! two readers understand differently is refused instead. `application/json` is what the UI
//! sends and what another site's page cannot send without the browser asking first, so a
//! form or a `text/plain` beacon from elsewhere never reaches a call.

use std::fmt;

use axum::http::{HeaderMap, header};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Whether the request says its body is JSON (`application/json`, any parameters).
pub(super) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads `body` as JSON, refusing any object that names a key twice, at any depth.
pub(super) fn parse(body: &[u8]) -> Result<Value, serde_json::Error> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    let value = Strict.deserialize(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// A JSON value read with every object's keys checked; a seed, so it recurses by itself.
#[derive(Clone, Copy)]
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the key \"{key}\" is given twice"
                )));
            }
            let value = map.next_value_seed(self)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn a_key_given_twice_is_refused_at_any_depth_and_a_plain_body_reads_as_serde_json_does() {
        for twice in [
            r#"{"member_id": 1, "member_id": 2}"#,
            r#"{"walk_in": {"name": "A", "name": "B"}}"#,
            r#"[{"a": 1}, {"b": 1, "b": 1}]"#,
        ] {
            let err = parse(twice.as_bytes()).expect_err(twice);
            assert!(err.to_string().contains("given twice"), "{twice}: {err}");
        }
        let plain = r#"{"query": "ana", "limit": 5, "n": null, "f": 1.5, "l": [true, -3, "x"]}"#;
        assert_eq!(
            parse(plain.as_bytes()).unwrap(),
            serde_json::from_str::<Value>(plain).unwrap()
        );
        assert!(parse(b"{} {}").is_err(), "trailing data is refused");
    }

    #[test]
    fn only_application_json_is_json_whatever_its_parameters_and_case() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(v));
            is_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        for not in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "application/jsonp",
        ] {
            assert!(!with(not), "{not}");
        }
        assert!(!is_json(&HeaderMap::new()), "no Content-Type is not JSON");
    }
}
