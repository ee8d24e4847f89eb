//! Pieces shared by the typed commands: checked limits and the field values
//! of a record body. Commands are deserialized at the edge; a value that
//! cannot be one of these types never reaches a use case.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value as Json};

/// A `limit` between 1 and `MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit<const MAX: u32>(u32);

impl<const MAX: u32> Limit<MAX> {
    /// The limit, or the message of the rule it breaks.
    pub fn new(n: i64) -> Result<Self, String> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=MAX).contains(n))
            .map(Self)
            .ok_or_else(|| format!("limit must be an integer between 1 and {MAX}"))
    }

    /// The value.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl<'de, const MAX: u32> Deserialize<'de> for Limit<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = integer(d, &format!("limit must be an integer between 1 and {MAX}"))?;
        Self::new(n).map_err(D::Error::custom)
    }
}

/// A positive count checked against configuration by the use case (the
/// `scan_limit` of detect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(u32);

impl Count {
    /// The value.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let message = "must be a positive integer";
        let n = integer(d, message)?;
        u32::try_from(n)
            .ok()
            .filter(|n| *n >= 1)
            .map(Self)
            .ok_or_else(|| D::Error::custom(message))
    }
}

/// An integer from JSON (a number with no fraction: `20` or `20.0`, as
/// JSON Schema counts integers), or `message`.
fn integer<'de, D: Deserializer<'de>>(d: D, message: &str) -> Result<i64, D::Error> {
    match Json::deserialize(d)? {
        Json::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().and_then(integral))
            .ok_or_else(|| D::Error::custom(message)),
        _ => Err(D::Error::custom(message)),
    }
}

/// `x` as an integer when it has no fraction and fits.
fn integral(x: f64) -> Option<i64> {
    // 2^63; the guards make the conversion exact.
    const BOUND: f64 = 9_223_372_036_854_775_808.0;
    #[allow(clippy::cast_possible_truncation)]
    (x.fract() == 0.0 && x.abs() < BOUND).then_some(x as i64)
}

/// The body of a record create or update: field name to JSON value. Values
/// are typed against the catalog by the use case, which knows the object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordFields(pub Map<String, Json>);

impl<'de> Deserialize<'de> for RecordFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Object(map) => Ok(Self(map)),
            _ => Err(D::Error::custom(
                "the body must be a JSON object of field values",
            )),
        }
    }
}

/// A field that belongs to another variant of a command: accepted only when
/// absent or null.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Absent;

impl<'de> Deserialize<'de> for Absent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<serde::de::IgnoredAny>::deserialize(d)? {
            None => Ok(Self),
            Some(_) => Err(D::Error::custom("is a field of another action")),
        }
    }
}

/// A present value, null included (for fields where null means "clear").
pub(crate) fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
    Json::deserialize(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits_are_checked_integers() {
        let parse = |v: Json| serde_json::from_value::<Limit<100>>(v);
        assert_eq!(parse(json!(100)).unwrap().get(), 100);
        for bad in [
            json!(0),
            json!(101),
            json!(-1),
            json!(1.5),
            json!("5"),
            json!(u64::MAX),
        ] {
            let e = parse(bad.clone()).unwrap_err().to_string();
            assert_eq!(e, "limit must be an integer between 1 and 100", "{bad}");
        }
        assert!(serde_json::from_value::<Count>(json!(0)).is_err());
        assert_eq!(serde_json::from_value::<Count>(json!(7)).unwrap().get(), 7);
    }

    #[test]
    fn a_record_body_is_an_object() {
        assert!(serde_json::from_value::<RecordFields>(json!({"a": 1})).is_ok());
        assert!(serde_json::from_value::<RecordFields>(json!([1])).is_err());
        assert!(serde_json::from_value::<Absent>(json!(null)).is_ok());
        assert!(serde_json::from_value::<Absent>(json!("x")).is_err());
    }
}
