//! A record: one row of an object, with its values by field name.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value as Json};
use uuid::Uuid;

use crate::catalog::ObjectDef;
use crate::value::Value;

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

/// RFC 3339 in UTC with microseconds, as every timestamp of the API is written.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}
