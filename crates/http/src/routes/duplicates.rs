//! `POST /api/v1/duplicates`: detect and merge (admins only).

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::duplicates::{self, DetectRequest, MergeRequest};
use serde_json::Value as Json;

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::common::RecordBody;
use crate::dto::duplicates::{
    DetectBody, DetectResponse, DuplicatesRequest, DuplicatesResponse, GroupBody, MergeBody,
    MergeResponse,
};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Detect or merge duplicates.
#[utoipa::path(post, path = "/api/v1/duplicates", tag = "duplicates", security(("bearer" = [])),
    request_body = DuplicatesRequest,
    responses(
        (status = 200, body = DuplicatesResponse),
        (status = 400, body = ErrorBody, description = "VALIDATION_ERROR or INVALID_OBJECT"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "not an admin"),
        (status = 404, body = ErrorBody, description = "RECORD_NOT_FOUND"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "RATE_LIMITED", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn duplicates(
    state: web::Data<HttpState>,
    Auth(caller): Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if !caller.is_admin() {
        return Err(ApiError::new(
            "PERMISSION_DENIED",
            "Duplicates are for admins only",
        ));
    }
    let body: Json = json_body(&req, payload, state.body_limit).await?;
    let action = body.get("action").and_then(Json::as_str).map(str::to_owned);
    if action.as_deref() == Some("merge") {
        kasar_application::require_write(&caller)?;
    }
    let invalid = |e: serde_json::Error| ApiError::validation(format!("Invalid request: {e}"));
    let response = match action.as_deref() {
        Some("detect") => {
            let b: DetectBody = serde_json::from_value(body).map_err(invalid)?;
            let request = DetectRequest {
                object: b.object_name,
                fields: b.fields,
                limit: b.limit,
                scan_limit: b.scan_limit,
            };
            let out = duplicates::detect(&state.services, &caller, &request).await?;
            DuplicatesResponse::Detect(DetectResponse {
                duplicate_groups: out
                    .groups
                    .iter()
                    .map(|g| GroupBody {
                        records: g
                            .records
                            .iter()
                            .map(|r| RecordBody::of(&out.object, r))
                            .collect(),
                        match_reason: g.group.match_reason.as_str().to_owned(),
                        match_reasons: g
                            .group
                            .match_reasons
                            .iter()
                            .map(|c| c.as_str().to_owned())
                            .collect(),
                    })
                    .collect(),
                total_groups: out.total_groups,
                records_scanned: out.records_scanned,
            })
        }
        Some("merge") => {
            let b: MergeBody = serde_json::from_value(body).map_err(invalid)?;
            let request = MergeRequest {
                object: b.object_name,
                master_id: b.master_id,
                duplicate_ids: b.duplicate_ids,
                strategy: b.merge_strategy,
                dry_run: b.dry_run.unwrap_or(false),
            };
            let out = duplicates::merge(&state.services, &caller, &request).await?;
            DuplicatesResponse::Merge(MergeResponse {
                master_id: out.master_id,
                duplicates_deleted: out.duplicates_deleted,
                strategy: out.strategy.as_str().to_owned(),
                dry_run: out.dry_run,
                references_relinked: out.relinked.references_moved,
                links_moved: out.relinked.links_moved,
                links_dropped: out.relinked.links_dropped,
                preview: out.preview.as_ref().map(|(o, r)| RecordBody::of(o, r)),
            })
        }
        _ => return Err(ApiError::validation("action must be 'detect' or 'merge'")),
    };
    Ok(HttpResponse::Ok().json(response))
}
