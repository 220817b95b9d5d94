//! Checking a write body field by field, as the API does: required fields, and each present
//! field of the right type. Errors read exactly as the seeds show them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Bool,
    /// An instant (`...Time` fields).
    Instant,
    /// A wall-clock time (`...Local` fields).
    Local,
    Text,
    /// A decimal number (a price).
    Number,
}

/// One accepted field of a write body.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

pub(crate) const fn f(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
    }
}

/// The fields of a check-in POST (`Id` is added for PUT).
pub const CHECKIN_FIELDS: &[Field] = &[
    f("BusinessId", Kind::Int, true),
    f("FromTime", Kind::Instant, true),
    f("CoworkerId", Kind::Int, false),
    f("ToTime", Kind::Instant, false),
    f("CountsTowardsPlanLimits", Kind::Bool, false),
    f("CoworkerTimePassGuid", Kind::Text, false),
    f("AutoCheckout", Kind::Bool, false),
    f("LastActivity", Kind::Instant, false),
    f("MacAddresses", Kind::Text, false),
    f("TeamsAtTheTimeOfCheckin", Kind::Text, false),
    f("TariffAtTheTimeOfCheckin", Kind::Text, false),
    f("ValidateCheckinJobId", Kind::Text, false),
    f("FromTimeLocal", Kind::Local, false),
    f("ToTimeLocal", Kind::Local, false),
    f("Source", Kind::Int, false),
    f("SystemId", Kind::Text, false),
];

/// The fields of a failed check-in POST.
pub const FAILED_CHECKIN_FIELDS: &[Field] = &[
    f("BusinessId", Kind::Int, true),
    f("CheckinAttemptTime", Kind::Instant, true),
    f("CoworkerId", Kind::Int, false),
    f("MacAddresses", Kind::Text, false),
    f("TeamsAtTheTimeOfCheckin", Kind::Text, false),
    f("TariffAtTheTimeOfCheckin", Kind::Text, false),
    f("Description", Kind::Text, false),
    f("CheckinAttemptTimeLocal", Kind::Local, false),
    f("Source", Kind::Int, false),
    f("SystemId", Kind::Text, false),
];

/// The `Id` a PUT needs.
pub const ID_FIELD: Field = f("Id", Kind::Int, true);

/// A typed value of a body field.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Int(i64),
    Bool(bool),
    Instant(DateTime<Utc>),
    Local(NaiveDateTime),
    Text(String),
    Number(f64),
}

/// One entry of the `Errors` array.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub property: String,
    pub message: String,
    pub attempted: Value,
}

impl FieldError {
    pub fn new(property: &str, message: &str, attempted: Value) -> Self {
        Self {
            property: property.to_owned(),
            message: message.to_owned(),
            attempted,
        }
    }
}

/// The 400 body: `Message` joins the errors as `PropertyName: message`.
pub fn error_body(errors: &[FieldError]) -> Value {
    let message = errors
        .iter()
        .map(|e| format!("{}: {}", e.property, e.message))
        .collect::<Vec<_>>()
        .join(", ");
    json!({
        "Message": message,
        "Value": null,
        "Errors": errors.iter().map(|e| json!({
            "AttemptedValue": e.attempted,
            "Message": e.message,
            "PropertyName": e.property,
        })).collect::<Vec<_>>(),
        "WasSuccessful": false,
    })
}

/// A body whose fields passed the checks.
#[derive(Debug, Default)]
pub struct Checked(HashMap<&'static str, Typed>);

impl Checked {
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(Typed::Int(v)) => Some(*v),
            _ => None,
        }
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(Typed::Bool(v)) => Some(*v),
            _ => None,
        }
    }

    pub fn instant(&self, name: &str) -> Option<DateTime<Utc>> {
        match self.0.get(name) {
            Some(Typed::Instant(v)) => Some(*v),
            _ => None,
        }
    }

    pub fn local(&self, name: &str) -> Option<NaiveDateTime> {
        match self.0.get(name) {
            Some(Typed::Local(v)) => Some(*v),
            _ => None,
        }
    }

    pub fn number(&self, name: &str) -> Option<f64> {
        match self.0.get(name) {
            Some(Typed::Number(v)) => Some(*v),
            Some(Typed::Int(v)) => Some(*v as f64),
            _ => None,
        }
    }

    pub fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name) {
            Some(Typed::Text(v)) => Some(v.clone()),
            _ => None,
        }
    }
}

pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    parse_local(text).map(|t| t.and_utc())
}

pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.naive_local());
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]
        .iter()
        .find_map(|f| {
            NaiveDateTime::parse_from_str(text, f).ok().or_else(|| {
                chrono::NaiveDate::parse_from_str(text, f)
                    .ok()
                    .map(|d| d.and_time(chrono::NaiveTime::MIN))
            })
        })
}

/// Converts one JSON value to the field's type, accepting what a lenient JSON binder accepts
/// (numbers in strings, `"true"`); `None` means the value cannot be that type.
fn convert(kind: Kind, value: &Value) -> Option<Typed> {
    match (kind, value) {
        (Kind::Int, Value::Number(n)) => n.as_i64().map(Typed::Int),
        (Kind::Int, Value::String(s)) => s.trim().parse().ok().map(Typed::Int),
        (Kind::Bool, Value::Bool(b)) => Some(Typed::Bool(*b)),
        (Kind::Bool, Value::String(s)) => {
            s.trim().to_ascii_lowercase().parse().ok().map(Typed::Bool)
        }
        (Kind::Instant, Value::String(s)) => parse_instant(s.trim()).map(Typed::Instant),
        (Kind::Local, Value::String(s)) => parse_local(s.trim()).map(Typed::Local),
        (Kind::Text, Value::String(s)) => Some(Typed::Text(s.clone())),
        (Kind::Number, Value::Number(n)) => n.as_f64().map(Typed::Number),
        (Kind::Number, Value::String(s)) => s.trim().parse().ok().map(Typed::Number),
        (Kind::Text, Value::Number(n)) => Some(Typed::Text(n.to_string())),
        (Kind::Text, Value::Bool(b)) => Some(Typed::Text(b.to_string())),
        _ => None,
    }
}

fn type_message(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "is not a valid integer",
        Kind::Bool => "is not a valid boolean",
        Kind::Instant | Kind::Local => "is not a valid date",
        Kind::Text => "is not a valid text",
        Kind::Number => "is not a valid number",
    }
}

/// Checks a body against the fields; unknown fields are ignored, as the API does.
pub fn check(
    body: &Value,
    fields: &[Field],
    extra: Option<Field>,
) -> Result<Checked, Vec<FieldError>> {
    let Value::Object(map) = body else {
        return Err(vec![FieldError::new(
            "Body",
            "must be a JSON object",
            body.clone(),
        )]);
    };
    let mut checked = Checked::default();
    let mut errors = Vec::new();
    for field in extra.iter().chain(fields) {
        match map.get(field.name) {
            None | Some(Value::Null) => {
                if field.required {
                    errors.push(FieldError::new(
                        field.name,
                        "is a required field",
                        Value::Null,
                    ));
                }
            }
            Some(value) => match convert(field.kind, value) {
                Some(typed) => {
                    checked.0.insert(field.name, typed);
                }
                None => errors.push(FieldError::new(
                    field.name,
                    type_message(field.kind),
                    value.clone(),
                )),
            },
        }
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_from_time_reads_as_in_the_seed() {
        let errors = check(&json!({"BusinessId": 0}), CHECKIN_FIELDS, None).unwrap_err();
        assert_eq!(
            error_body(&errors),
            json!({
                "Message": "FromTime: is a required field",
                "Value": null,
                "Errors": [{"AttemptedValue": null, "Message": "is a required field", "PropertyName": "FromTime"}],
                "WasSuccessful": false
            })
        );
    }

    #[test]
    fn a_wrong_type_names_the_field_and_the_value() {
        let errors = check(
            &json!({"BusinessId": "abc", "FromTime": "2025-01-15T10:30:00Z"}),
            CHECKIN_FIELDS,
            None,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "BusinessId",
                "is not a valid integer",
                json!("abc")
            )]
        );
        let ok = check(
            &json!({"BusinessId": "12", "FromTime": "2025-01-15T10:30:00Z"}),
            CHECKIN_FIELDS,
            None,
        )
        .expect("a number in a string binds, as in a lenient JSON binder");
        assert_eq!(ok.int("BusinessId"), Some(12));
    }
}
