//! The merge history: `GET /api/v1/merges` and `GET /api/v1/merges/{merge_id}`
//! (admins only).

use actix_web::{web, HttpResponse};
use kasar_application::authorize::Detect;
use kasar_application::command::Limit;
use kasar_application::merges::ListMerges;
use kasar_domain::RecordId;

use crate::auth::Auth;
use crate::dto::merges::{MergeDetail, MergeItem, MergesQuery, MergesResponse};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Merges, newest first.
#[utoipa::path(get, path = "/api/v1/merges", tag = "duplicates", operation_id = "list_merges", security(("bearer" = [])),
    params(MergesQuery),
    responses((status = 200, body = MergesResponse, description = "A page of merges"), (status = 400, body = ErrorBody)))]
pub async fn list(
    state: web::Data<HttpState>,
    caller: Auth,
    query: Result<web::Query<MergesQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Detect>()?;
    let query = query
        .map_err(|e| ApiError::validation(format!("Invalid query: {e}")))?
        .into_inner();
    let limit = query
        .limit
        .map(Limit::new)
        .transpose()
        .map_err(ApiError::validation)?;
    let command = ListMerges {
        object_name: query.object_name,
        record_id: query.record_id,
        limit,
        cursor: query.cursor,
    };
    let page = state.service.list_merges(&auth, command).await?;
    Ok(HttpResponse::Ok().json(MergesResponse {
        data: page.merges.into_iter().map(MergeItem::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One merge in full.
#[utoipa::path(get, path = "/api/v1/merges/{merge_id}", tag = "duplicates", operation_id = "get_merge", security(("bearer" = [])),
    params(("merge_id" = uuid::Uuid, Path, description = "The merge")),
    responses(
        (status = 200, body = MergeDetail, description = "The journal entry"),
        (status = 400, body = ErrorBody, description = "A merge id that is not a UUID"),
        (status = 404, body = ErrorBody, description = "Unknown or expired merge (NOT_FOUND)"),
    ))]
pub async fn get(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Detect>()?;
    let id: RecordId = serde_json::from_value(serde_json::Value::String(path.into_inner()))
        .map_err(|e| ApiError::validation(e.to_string()))?;
    let entry = state.service.get_merge(&auth, id.uuid()).await?;
    Ok(HttpResponse::Ok().json(MergeDetail::from(entry)))
}
