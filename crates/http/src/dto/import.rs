//! Bodies of `POST /api/v1/import/{object}`.

use kasar_application::import::{ImportOutcome, ImportResult};
use kasar_application::ErrorCode;
use serde::Serialize;
use serde_json::Value as Json;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// `{"records": [...], "on_duplicate", "fields"}`: at most the configured
/// number of records (1,000 by default), each a JSON object of field values.
#[derive(Debug, ToSchema)]
pub struct ImportRequest {
    #[schema(schema_with = any_items)]
    pub records: Vec<Json>,
    /// What a duplicate becomes: `skip` (default), `create`, `update` (fill
    /// the existing record's blank fields) or `error`.
    #[schema(schema_with = policies)]
    pub on_duplicate: Option<String>,
    /// The match criteria, as detect's `fields` (default all).
    #[schema(schema_with = criteria)]
    pub fields: Option<Vec<String>>,
    /// `exact` (default) or `fuzzy`: duplicates found by the match profile's
    /// scores, as `POST /records/{object}/match` finds them.
    #[serde(rename = "match")]
    pub match_mode: Option<String>,
    /// With `"match": "fuzzy"`: the score from which a record is a
    /// duplicate, in (0, 1]; default 0.9.
    pub threshold: Option<f64>,
}

fn any_items() -> ArrayBuilder {
    ArrayBuilder::new().items(ObjectBuilder::new().schema_type(SchemaType::AnyValue))
}

fn policies() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["skip", "create", "update", "error"]))
}

fn criteria() -> ArrayBuilder {
    ArrayBuilder::new().min_items(Some(1)).items(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["email", "phone", "linkedin", "name"])),
    )
}

/// The options of a CSV import, as query parameters.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `skip` (default), `create`, `update` or `error` (CSV bodies only; a
    /// JSON body carries it).
    pub on_duplicate: Option<String>,
    /// Criteria joined by commas, e.g. `email,phone` (CSV bodies only).
    pub fields: Option<String>,
    /// `exact` (default) or `fuzzy`: duplicates found by the match profile's
    /// scores, as `POST /records/{object}/match` finds them (CSV bodies only).
    #[param(rename = "match")]
    pub match_mode: Option<String>,
    /// With `match=fuzzy`: the score from which a record is a duplicate, in
    /// (0, 1]; default 0.9 (CSV bodies only).
    pub threshold: Option<f64>,
}

/// One record's result, at its index in the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResultBody {
    pub index: usize,
    /// `created`, `duplicate`, `updated` or `failed`.
    pub status: &'static str,
    /// The record created or updated.
    pub id: Option<Uuid>,
    /// The record it duplicates.
    pub duplicate_of: Option<Uuid>,
    /// The first criterion by which it does (fuzzy: the comparison that
    /// weighed most).
    pub match_reason: Option<String>,
    /// Fuzzy matching: the duplicate's match probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// A failed record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportError {
    pub index: usize,
    #[schema(schema_with = per_record_codes)]
    pub code: ErrorCode,
    pub message: String,
}

fn per_record_codes() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            [
                ErrorCode::ValidationError,
                ErrorCode::RecordNotFound,
                ErrorCode::Duplicate,
            ]
            .map(ErrorCode::as_str),
        ))
}

/// Counts (which add up to the records of the request), failures, and one
/// result per record in request order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    pub object_name: String,
    pub created: u64,
    pub duplicates: u64,
    pub updated: u64,
    pub failed: u64,
    pub errors: Vec<ImportError>,
    pub results: Vec<ImportResultBody>,
}

impl ImportResponse {
    pub(crate) fn new(object_name: String, out: &ImportOutcome) -> Self {
        let result = |r: &ImportResult| ImportResultBody {
            index: r.index,
            status: r.status.as_str(),
            id: r.id,
            duplicate_of: r.duplicate_of,
            match_reason: r.match_reason.clone(),
            score: r.score,
        };
        Self {
            object_name,
            created: out.created,
            duplicates: out.duplicates,
            updated: out.updated,
            failed: out.failed,
            errors: out
                .results
                .iter()
                .filter_map(|r| {
                    r.error.as_ref().map(|(code, message)| ImportError {
                        index: r.index,
                        code: *code,
                        message: message.clone(),
                    })
                })
                .collect(),
            results: out.results.iter().map(result).collect(),
        }
    }
}
