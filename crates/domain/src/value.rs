//! Field values: the typed form of what a record holds, parsed from and written
//! to JSON by the rules of `objects.md`.

use chrono::NaiveDate;
use serde_json::Value as Json;
use uuid::Uuid;

use crate::catalog::{FieldDef, FieldType};

/// A value of one field of one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    /// OWNER (workspace user id) or BELONGS_TO_ONE (target record id).
    Id(Uuid),
    /// MANY_TO_MANY: target record ids.
    Ids(Vec<Uuid>),
}

/// The longest TEXT value, in characters (Unicode scalar values).
pub const MAX_TEXT_CHARS: usize = 100_000;
/// The longest EMAIL value, in characters, as sent (RFC 5321's 254; white
/// space around it counts).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest PHONE value, in characters (extension and formatting included).
pub const MAX_PHONE_CHARS: usize = 64;
/// The longest LINKEDIN value (a URL or handle), in characters.
pub const MAX_LINKEDIN_CHARS: usize = 2_048;
/// The longest SELECT value, in characters (it must also be an option).
pub const MAX_SELECT_CHARS: usize = MAX_TEXT_CHARS;

/// The longest string a field of type `t` accepts, in characters (Unicode
/// scalar values; a longer one is a [`ValueError::TooLong`]):
///
/// | type | maximum |
/// | --- | --- |
/// | TEXT | 100,000 |
/// | EMAIL | 254 (as sent, white space around it included) |
/// | PHONE | 64 |
/// | LINKEDIN | 2,048 |
/// | SELECT | 100,000 (and one of the field's options) |
///
/// `None` for the types whose value is no free string, which their format
/// bounds: NUMBER (a finite JSON number), BOOLEAN, DATE (`YYYY-MM-DD`), OWNER
/// and BELONGS_TO_ONE (a UUID), MANY_TO_MANY (an array of UUIDs, bounded by
/// the request body limit).
pub const fn max_chars(t: FieldType) -> Option<usize> {
    match t {
        FieldType::Text => Some(MAX_TEXT_CHARS),
        FieldType::Email => Some(MAX_EMAIL_CHARS),
        FieldType::Phone => Some(MAX_PHONE_CHARS),
        FieldType::Linkedin => Some(MAX_LINKEDIN_CHARS),
        FieldType::Select => Some(MAX_SELECT_CHARS),
        FieldType::Number
        | FieldType::Boolean
        | FieldType::Date
        | FieldType::Owner
        | FieldType::BelongsToOne
        | FieldType::ManyToMany => None,
    }
}

/// Why a JSON value does not fit a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("field '{0}' is required and cannot be null")]
    Required(String),
    #[error("field '{0}' is required and cannot be blank")]
    Blank(String),
    #[error("field '{field}' must be at most {max} characters long")]
    TooLong { field: String, max: usize },
    #[error("field '{field}' expects {expected}")]
    WrongType {
        field: String,
        expected: &'static str,
    },
    #[error("field '{field}' must be one of: {options}")]
    NotAnOption { field: String, options: String },
    #[error("field '{0}' must be an email address with text on both sides of one '@'")]
    BadEmail(String),
    #[error("field '{0}' must be a date in YYYY-MM-DD format")]
    BadDate(String),
    #[error("field '{0}' must be a UUID")]
    BadId(String),
    #[error("field '{0}' must not contain the NUL character (U+0000)")]
    NulCharacter(String),
}

impl Value {
    /// Whether the value counts as blank for `fill_blanks`: null, an empty or
    /// whitespace-only string, or an empty relation.
    pub fn is_blank(&self) -> bool {
        match self {
            Self::Null => true,
            Self::Text(s) => s.trim().is_empty(),
            Self::Ids(ids) => ids.is_empty(),
            _ => false,
        }
    }

    /// Parses a JSON value for `field`, on create and update alike. Null is
    /// accepted for every field that is not required (a MANY_TO_MANY null means
    /// "no links"); a required field refuses null ([`ValueError::Required`])
    /// and every other blank value ([`ValueError::Blank`]: an empty or
    /// white-space-only string, an empty MANY_TO_MANY array; see
    /// [`Value::is_blank`]). A string longer than [`max_chars`] of the field's
    /// type is [`ValueError::TooLong`]. Existence of ids is checked elsewhere,
    /// against the database.
    pub fn from_json(field: &FieldDef, json: &Json) -> Result<Self, ValueError> {
        let value = Self::parse_json(field, json)?;
        if field.required && value.is_blank() {
            return Err(ValueError::Blank(field.name.clone()));
        }
        Ok(value)
    }

    /// [`Value::from_json`] but for the blank check of required fields.
    fn parse_json(field: &FieldDef, json: &Json) -> Result<Self, ValueError> {
        if json.is_null() {
            if field.required {
                return Err(ValueError::Required(field.name.clone()));
            }
            return Ok(match field.field_type {
                FieldType::ManyToMany => Self::Ids(Vec::new()),
                _ => Self::Null,
            });
        }
        match max_chars(field.field_type) {
            Some(max) => Self::parse_string(field, json, max),
            None => Self::parse_other(field, json),
        }
    }

    /// A value of a textual type (TEXT, EMAIL, PHONE, LINKEDIN, SELECT): a
    /// string of at most `max` characters.
    fn parse_string(field: &FieldDef, json: &Json, max: usize) -> Result<Self, ValueError> {
        let name = || field.name.clone();
        let s = json.as_str().ok_or_else(|| ValueError::WrongType {
            field: name(),
            expected: "a string",
        })?;
        // PostgreSQL text cannot hold U+0000: refused here rather than by the database.
        if s.contains('\0') {
            return Err(ValueError::NulCharacter(name()));
        }
        // The bound holds for the string as sent (an e-mail's surrounding
        // white space included), as a `maxLength` of JSON Schema says.
        if s.len() > max && s.chars().nth(max).is_some() {
            return Err(ValueError::TooLong { field: name(), max });
        }
        let s = match field.field_type {
            FieldType::Email => s.trim(),
            _ => s,
        };
        if field.required && s.trim().is_empty() {
            return Err(ValueError::Blank(name()));
        }
        match field.field_type {
            FieldType::Email if !is_email(s) => Err(ValueError::BadEmail(name())),
            FieldType::Select if !field.options.iter().any(|o| o == s) => {
                Err(ValueError::NotAnOption {
                    field: name(),
                    options: field.options.join(", "),
                })
            }
            _ => Ok(Self::Text(s.to_owned())),
        }
    }

    /// A value of a type that is no free string.
    fn parse_other(field: &FieldDef, json: &Json) -> Result<Self, ValueError> {
        let name = || field.name.clone();
        let wrong = |expected| ValueError::WrongType {
            field: name(),
            expected,
        };
        match field.field_type {
            FieldType::Number => json
                .as_f64()
                .filter(|n| n.is_finite())
                .map(Self::Number)
                .ok_or_else(|| wrong("a number")),
            FieldType::Boolean => json
                .as_bool()
                .map(Self::Bool)
                .ok_or_else(|| wrong("a boolean")),
            FieldType::Date => {
                let s = json.as_str().ok_or_else(|| wrong("a string"))?;
                parse_date(s)
                    .map(Self::Date)
                    .ok_or_else(|| ValueError::BadDate(name()))
            }
            FieldType::Owner | FieldType::BelongsToOne => {
                let s = json.as_str().ok_or_else(|| wrong("a UUID string"))?;
                Uuid::parse_str(s)
                    .map(Self::Id)
                    .map_err(|_| ValueError::BadId(name()))
            }
            // MANY_TO_MANY (the textual types are parse_string's).
            _ => {
                let items = json.as_array().ok_or_else(|| wrong("an array of UUIDs"))?;
                let mut ids = Vec::with_capacity(items.len());
                for item in items {
                    let id = item
                        .as_str()
                        .and_then(|s| Uuid::parse_str(s).ok())
                        .ok_or_else(|| ValueError::BadId(name()))?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                Ok(Self::Ids(ids))
            }
        }
    }

    /// The JSON form of the value, as the records API returns it.
    pub fn to_json(&self) -> Json {
        match self {
            Self::Null => Json::Null,
            Self::Text(s) => Json::String(s.clone()),
            Self::Number(n) => number_to_json(*n),
            Self::Bool(b) => Json::Bool(*b),
            Self::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
            Self::Id(id) => Json::String(id.to_string()),
            Self::Ids(ids) => {
                Json::Array(ids.iter().map(|i| Json::String(i.to_string())).collect())
            }
        }
    }
}

/// Integral numbers are written without a fraction (`1000`, not `1000.0`).
pub(crate) fn number_to_json(n: f64) -> Json {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if n.fract() == 0.0 && n.abs() < EXACT {
        // The guard above makes the conversion exact.
        #[allow(clippy::cast_possible_truncation)]
        return Json::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
}

/// One `@` with text on both sides, no whitespace inside.
pub fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty() && !domain.is_empty() && !s.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// A strict `YYYY-MM-DD` date: ten ASCII characters, digits but for the two
/// dashes (chrono alone would take a sign, or a space for a digit).
fn parse_date(s: &str) -> Option<NaiveDate> {
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(t: FieldType, required: bool) -> FieldDef {
        FieldDef {
            name: "f".into(),
            field_type: t,
            required,
            options: vec!["a".into(), "b".into()],
            default_value: None,
            target: None,
            label: None,
            custom: false,
        }
    }

    #[test]
    fn values_are_parsed_by_type() {
        let cases: Vec<(FieldType, Json, Result<Value, ()>)> = vec![
            (FieldType::Text, json!("x"), Ok(Value::Text("x".into()))),
            (FieldType::Text, json!(1), Err(())),
            (
                FieldType::Email,
                json!(" a@b.c "),
                Ok(Value::Text("a@b.c".into())),
            ),
            (FieldType::Email, json!("a@"), Err(())),
            (FieldType::Email, json!("a@b@c"), Err(())),
            (FieldType::Email, json!("@b"), Err(())),
            (FieldType::Text, json!("a\0b"), Err(())),
            (FieldType::Email, json!("a\0@b"), Err(())),
            // 254 characters at most as sent: 252 once trimmed, 262 sent.
            (
                FieldType::Email,
                json!(format!("     {}@b     ", "a".repeat(250))),
                Err(()),
            ),
            (FieldType::Number, json!(12.5), Ok(Value::Number(12.5))),
            (FieldType::Number, json!("12"), Err(())),
            (FieldType::Boolean, json!(true), Ok(Value::Bool(true))),
            (FieldType::Boolean, json!(0), Err(())),
            (FieldType::Select, json!("b"), Ok(Value::Text("b".into()))),
            (FieldType::Select, json!("c"), Err(())),
            (
                FieldType::Date,
                json!("2025-02-28"),
                Ok(Value::Date(
                    NaiveDate::from_ymd_opt(2025, 2, 28).unwrap_or_default(),
                )),
            ),
            (FieldType::Date, json!("2025-02-30"), Err(())),
            (FieldType::Date, json!("2025-2-3"), Err(())),
            (FieldType::Date, json!(" 2025-2-03"), Err(())),
            (FieldType::Date, json!("-001-01-01"), Err(())),
            (FieldType::Date, json!("+001-01-01"), Err(())),
            (FieldType::Owner, json!("not-a-uuid"), Err(())),
            (FieldType::ManyToMany, json!("x"), Err(())),
            (FieldType::ManyToMany, json!(null), Ok(Value::Ids(vec![]))),
            (FieldType::Text, json!(null), Ok(Value::Null)),
        ];
        for (t, input, expected) in cases {
            let got = Value::from_json(&field(t, false), &input).map_err(|_| ());
            assert_eq!(got, expected, "{t:?} {input}");
        }
    }

    #[test]
    fn required_fields_reject_null() {
        let err = Value::from_json(&field(FieldType::Text, true), &Json::Null);
        assert_eq!(err, Err(ValueError::Required("f".into())));
    }

    #[test]
    fn repeated_ids_are_kept_once() {
        let id = Uuid::new_v4().to_string();
        let v = Value::from_json(&field(FieldType::ManyToMany, false), &json!([id, id]));
        assert!(matches!(v, Ok(Value::Ids(ref ids)) if ids.len() == 1));
    }

    #[test]
    fn integral_numbers_are_written_without_fraction() {
        assert_eq!(Value::Number(1000.0).to_json(), json!(1000));
        assert_eq!(Value::Number(2.5).to_json(), json!(2.5));
    }

    #[test]
    fn blank_values() {
        assert!(Value::Text("  \t".into()).is_blank());
        assert!(Value::Null.is_blank());
        assert!(Value::Ids(vec![]).is_blank());
        assert!(!Value::Bool(false).is_blank());
        assert!(!Value::Text("x".into()).is_blank());
    }
}
