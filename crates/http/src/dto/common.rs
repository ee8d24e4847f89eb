//! Bodies shared by several routes: records, lists, schema, `/me`, health.

use chrono::{DateTime, Utc};
use kasar_application::ports::Cursor;
use kasar_domain::{ObjectDef, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;

/// A record: `id`, `created_at`, `updated_at` and every field of the object by
/// name; BELONGS_TO_ONE as the target id or null, MANY_TO_MANY as an array of ids.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordBody(pub Json);

impl utoipa::PartialSchema for RecordBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .description(Some("A record: field name to value, plus id, created_at and updated_at"))
            .examples([serde_json::json!({
                "id": "550e8400-e29b-41d4-a716-446655440000", "first_name": "Alice", "last_name": "Martin",
                "email": "alice@example.com", "company": null, "tags": [],
                "created_at": "2025-01-15T10:30:00.000000Z", "updated_at": "2025-01-15T10:30:00.000000Z"
            })])
            .into()
    }
}

impl ToSchema for RecordBody {}

impl RecordBody {
    /// The JSON form of a record of `object`.
    pub fn of(object: &ObjectDef, record: &Record) -> Self {
        Self(record.to_json(object))
    }
}

/// A page of records, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse {
    pub data: Vec<RecordBody>,
    /// Records of the object in the organization.
    pub total: i64,
    /// Pass as `cursor` for the next page; null on the last page.
    #[serde(rename = "nextCursor")]
    pub next_cursor: Option<String>,
}

/// Query of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 100 (default 20).
    pub limit: Option<u32>,
    /// Opaque cursor from a previous page's `nextCursor`.
    pub cursor: Option<String>,
}

/// Encodes a cursor: creation time in microseconds and id.
pub fn encode_cursor(c: &Cursor) -> String {
    format!("{}_{}", c.created_at.timestamp_micros(), c.id.simple())
}

/// Decodes a cursor from `encode_cursor`.
pub fn decode_cursor(s: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::validation("cursor is not a cursor this API returned");
    let (micros, id) = s.split_once('_').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let created_at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(bad)?;
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok(Cursor { created_at, id })
}

/// An object of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectSchema {
    pub name: String,
    pub fields: Vec<FieldSchema>,
}

/// A field of an object.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldSchema {
    pub name: String,
    /// TEXT, EMAIL, PHONE, LINKEDIN, NUMBER, BOOLEAN, DATE, SELECT, OWNER, BELONGS_TO_ONE or MANY_TO_MANY.
    #[serde(rename = "type")]
    pub field_type: String,
    pub required: bool,
    /// Allowed values of a SELECT field.
    pub options: Vec<String>,
    /// Default of a SELECT field.
    pub default: Option<String>,
    /// Target object of a relation.
    pub target: Option<String>,
}

impl From<&ObjectDef> for ObjectSchema {
    fn from(o: &ObjectDef) -> Self {
        Self {
            name: o.name.clone(),
            fields: o
                .fields
                .iter()
                .map(|f| FieldSchema {
                    name: f.name.clone(),
                    field_type: f.field_type.as_str().to_owned(),
                    required: f.required,
                    options: f.options.clone(),
                    default: f.default_value.clone(),
                    target: f.target.clone(),
                })
                .collect(),
        }
    }
}

/// Every object of the organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemaResponse {
    pub objects: Vec<ObjectSchema>,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeResponse {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub workspace_user_id: Uuid,
    pub is_admin: bool,
    pub scopes: Vec<String>,
    pub profile: Profile,
}

/// The caller's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Profile {
    pub full_name: String,
    pub email: String,
}

/// Liveness or readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    /// `ok` or `ready`.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor {
            created_at: DateTime::<Utc>::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(decode_cursor(&encode_cursor(&c)).unwrap(), c);
        for bad in [
            "",
            "x",
            "1_x",
            "abc_00000000000000000000000000000000",
            "'; DROP TABLE x; --",
        ] {
            assert!(decode_cursor(bad).is_err());
        }
    }
}
