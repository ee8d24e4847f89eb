//! Bodies of `POST /api/v1/bulk`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value as Json;
use utoipa::ToSchema;
use uuid::Uuid;

/// A bulk request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    /// `update_field`, `add_relation` or `remove_relation`.
    pub action: Option<String>,
    /// The object to operate on.
    pub object_name: Option<String>,
    /// 1 to 10,000 record ids (repeats count once).
    pub record_ids: Option<Vec<String>>,
    /// update_field: the field to set.
    pub field_name: Option<String>,
    /// update_field: the value (null clears a field that is not required).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Object, nullable = true)]
    pub field_value: Option<Json>,
    /// add_relation / remove_relation: a MANY_TO_MANY field.
    pub relation_field: Option<String>,
    /// add_relation / remove_relation: 1 to 1,000 target ids.
    pub target_ids: Option<Vec<String>>,
}

/// A present value, null included, is `Some`; only an absent one is `None`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Json>, D::Error> {
    Json::deserialize(d).map(Some)
}

/// One failed record.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkError {
    pub record_id: Uuid,
    /// `RECORD_NOT_FOUND` or `PERMISSION_DENIED`.
    pub code: String,
    pub message: String,
}

/// Counts of a bulk request: `updated`, `added` or `removed` (by action)
/// plus `failed` always equals `total`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResponse {
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
    pub failed: u64,
    /// Present when `failed > 0`: one entry per failed record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<BulkError>>,
    pub total: u64,
}
