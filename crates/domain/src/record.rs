//! A record: one row of an object, with its values by field name.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value as Json};
use uuid::Uuid;

use crate::catalog::ObjectDef;
use crate::value::{number_to_json, Value};

/// One record of an object. `values` holds every field of the object by name,
/// MANY_TO_MANY fields as `Value::Ids`.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub values: BTreeMap<String, Value>,
}

impl Record {
    /// The value of a field, `Null` when absent.
    pub fn get(&self, field: &str) -> &Value {
        self.values.get(field).unwrap_or(&Value::Null)
    }

    /// The flat JSON form the records API returns: `id`, `created_at`,
    /// `updated_at` and every field of the object by name.
    pub fn to_json(&self, object: &ObjectDef) -> Json {
        let mut map = Map::with_capacity(object.fields.len() + 3);
        map.insert("id".into(), Json::String(self.id.to_string()));
        for field in &object.fields {
            map.insert(field.name.clone(), self.get(&field.name).to_json());
        }
        map.insert(
            "created_at".into(),
            Json::String(timestamp(self.created_at)),
        );
        map.insert(
            "updated_at".into(),
            Json::String(timestamp(self.updated_at)),
        );
        Json::Object(map)
    }
}

/// A record of an object in the flat JSON form of [`Record::to_json`],
/// written straight to a serializer: a response of many records builds no
/// JSON tree for each (field names are never `id`, `created_at` or
/// `updated_at`, which are reserved, so no name is written twice).
#[derive(Debug, Clone, Copy)]
pub struct RecordJson<'a> {
    pub object: &'a ObjectDef,
    pub record: &'a Record,
}

impl Serialize for RecordJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (object, record) = (self.object, self.record);
        let mut map = serializer.serialize_map(Some(object.fields.len() + 3))?;
        map.serialize_entry("id", &record.id)?;
        for field in &object.fields {
            map.serialize_entry(&field.name, &ValueJson(record.get(&field.name)))?;
        }
        map.serialize_entry("created_at", &timestamp(record.created_at))?;
        map.serialize_entry("updated_at", &timestamp(record.updated_at))?;
        map.end()
    }
}

/// A value as [`Value::to_json`] gives it, written straight to a serializer.
struct ValueJson<'a>(&'a Value);

impl Serialize for ValueJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Text(s) => serializer.serialize_str(s),
            Value::Number(n) => number_to_json(*n).serialize(serializer),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Date(d) => serializer.collect_str(&d.format("%Y-%m-%d")),
            Value::Id(id) => id.serialize(serializer),
            Value::Ids(ids) => {
                let mut seq = serializer.serialize_seq(Some(ids.len()))?;
                for id in ids {
                    seq.serialize_element(id)?;
                }
                seq.end()
            }
        }
    }
}

/// RFC 3339 in UTC with microseconds, as every timestamp of the API is written.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::standard::standard_objects;

    #[test]
    fn written_straight_it_is_the_json_of_to_json() {
        let mut objects = standard_objects();
        objects.retain(|o| o.name == "contacts");
        let mut object = objects.pop().expect("contacts is a standard object");
        let mut extra = object.fields[0].clone();
        for (name, field_type) in [
            ("score", crate::FieldType::Number),
            ("ratio", crate::FieldType::Number),
            ("vip", crate::FieldType::Boolean),
            ("born", crate::FieldType::Date),
        ] {
            extra.name = name.into();
            extra.field_type = field_type;
            object.fields.push(extra.clone());
        }
        let values = BTreeMap::from([
            ("first_name".to_owned(), Value::Text("Zoë \"Z\"".into())),
            ("score".to_owned(), Value::Number(1000.0)),
            ("ratio".to_owned(), Value::Number(0.25)),
            ("vip".to_owned(), Value::Bool(true)),
            (
                "born".to_owned(),
                Value::Date(NaiveDate::from_ymd_opt(1990, 2, 3).unwrap()),
            ),
            ("company".to_owned(), Value::Id(Uuid::from_u128(7))),
            (
                "tags".to_owned(),
                Value::Ids(vec![Uuid::from_u128(1), Uuid::from_u128(2)]),
            ),
        ]);
        let record = Record {
            id: Uuid::from_u128(42),
            created_at: Utc.timestamp_opt(1_700_000_000, 123_456_000).unwrap(),
            updated_at: Utc.timestamp_opt(1_700_000_001, 0).unwrap(),
            values,
        };
        let straight = serde_json::to_string(&RecordJson {
            object: &object,
            record: &record,
        })
        .unwrap();
        assert_eq!(straight, record.to_json(&object).to_string());
        assert!(straight.contains("\"score\":1000,"), "{straight}");
    }
}
