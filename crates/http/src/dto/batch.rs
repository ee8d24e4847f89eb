//! Bodies of the batch routes.

use kasar_application::ErrorCode;
use serde::Serialize;
use serde_json::Value as Json;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::ToSchema;
use uuid::Uuid;

/// `{"records": [...]}`: at most the configured number of records (1,000 by
/// default); each a JSON object of field values (with its `id` for an update).
/// An item that is not fails on its own, in the results.
#[derive(Debug, ToSchema)]
pub struct BatchBody {
    #[schema(schema_with = any_items)]
    pub records: Vec<Json>,
}

/// An array of any JSON values: each item is judged on its own.
fn any_items() -> ArrayBuilder {
    ArrayBuilder::new().items(ObjectBuilder::new().schema_type(SchemaType::AnyValue))
}

/// An upsert: the records and the field they are matched on.
#[derive(Debug, ToSchema)]
pub struct BatchUpsertBody {
    #[schema(schema_with = any_items)]
    pub records: Vec<Json>,
    /// `id`, or a TEXT or EMAIL field (an EMAIL compared trimmed and lowercased).
    pub match_field: String,
}

/// The ids to delete; an item that is not a UUID string fails on its own.
#[derive(Debug, ToSchema)]
pub struct BatchDeleteBody {
    #[schema(schema_with = any_items)]
    pub record_ids: Vec<Json>,
}

/// What happened to one record, at its index in the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResultBody {
    pub index: usize,
    /// The record (written) .
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// `created`, `updated` or `deleted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    /// The failure's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = per_record_codes)]
    pub code: Option<ErrorCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

fn per_record_codes() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            [
                ErrorCode::ValidationError,
                ErrorCode::PermissionDenied,
                ErrorCode::RecordNotFound,
                ErrorCode::AmbiguousMatch,
            ]
            .map(ErrorCode::as_str),
        ))
}

/// Counts and results of a batch; the counts of what it does only
/// (`created`, `updated` or `deleted`; an upsert both `created` and `updated`).
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub object_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<u64>,
    pub failed: u64,
    pub total: u64,
    /// One per record, in request order.
    pub results: Vec<BatchResultBody>,
}
