//! `POST /api/v1/records/{object}/match`: the existing records a would-be
//! record matches, strongest first, each with its score and levels.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::Read;
use kasar_application::duplicates::MatchCommand;
use serde::Serialize;
use serde_json::Value as Json;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::common::RecordBody;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// The body of a match request.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the body; the command parses it
pub struct MatchRequest {
    /// The would-be record's fields, as a create takes them.
    #[schema(value_type = Object)]
    record: Json,
    /// Score from which a record matches, in (0, 1]; default 0.9.
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    threshold: Option<f64>,
    /// Matches to return, 1 to 100; default 10.
    #[schema(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// One existing record the would-be record matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchBody {
    pub record: RecordBody,
    /// Match probability.
    pub score: f64,
    /// Each comparison's level (`exact`, `nickname`, ..., `other`, `missing`).
    pub levels: BTreeMap<String, String>,
}

/// The records a would-be record matches, strongest first (found through
/// the blocking keys of the key index, scored with the object's model).
#[utoipa::path(post, path = "/api/v1/records/{object}/match", tag = "records", operation_id = "match_record", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    request_body = MatchRequest,
    responses(
        (status = 200, body = Vec<MatchBody>, description = "The matches, strongest first"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn match_record(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Read>()?;
    let mut command: MatchCommand = json_body(&req, payload, state.body_limit).await?;
    command.object = path.into_inner();
    let (object, matches) = state.service.match_record(&auth, command).await?;
    let body: Vec<MatchBody> = matches
        .iter()
        .map(|m| MatchBody {
            record: RecordBody::of(&object, &m.record),
            score: m.score,
            levels: m
                .levels
                .iter()
                .map(|(k, v)| (k.clone(), (*v).to_owned()))
                .collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
