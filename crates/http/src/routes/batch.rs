//! Batches: `POST /api/v1/records/{object}/batch/{create|update|upsert}` and
//! `DELETE /api/v1/records/{object}`.

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::Write;
use kasar_application::batch::{
    BatchDelete, BatchKind, BatchOutcome, BatchResult, BatchWrite, DeleteBody, RecordsBody,
    UpsertBody,
};

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::batch::{
    BatchBody, BatchDeleteBody, BatchResponse, BatchResultBody, BatchUpsertBody,
};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Creates many records.
#[utoipa::path(post, path = "/api/v1/records/{object}/batch/create", tag = "batches", operation_id = "batch_create", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    request_body = BatchBody,
    responses((status = 200, body = BatchResponse, description = "Also when some or all records fail"), (status = 400, body = ErrorBody)))]
pub async fn create(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Write>()?;
    let body: RecordsBody = json_body(&req, payload, state.body_limit).await?;
    write(
        &state,
        &auth,
        path.into_inner(),
        BatchKind::Create,
        body.records,
        [true, false, false],
    )
    .await
}

/// Updates many records, each in its own fields.
#[utoipa::path(post, path = "/api/v1/records/{object}/batch/update", tag = "batches", operation_id = "batch_update", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    request_body = BatchBody,
    responses((status = 200, body = BatchResponse, description = "Also when some or all records fail"), (status = 400, body = ErrorBody)))]
pub async fn update(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Write>()?;
    let body: RecordsBody = json_body(&req, payload, state.body_limit).await?;
    write(
        &state,
        &auth,
        path.into_inner(),
        BatchKind::Update,
        body.records,
        [false, true, false],
    )
    .await
}

/// Updates the records that match, creates the others.
#[utoipa::path(post, path = "/api/v1/records/{object}/batch/upsert", tag = "batches", operation_id = "batch_upsert", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    request_body = BatchUpsertBody,
    responses((status = 200, body = BatchResponse, description = "Also when some or all records fail"), (status = 400, body = ErrorBody)))]
pub async fn upsert(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Write>()?;
    let body: UpsertBody = json_body(&req, payload, state.body_limit).await?;
    let kind = BatchKind::Upsert {
        match_field: body.match_field,
    };
    write(
        &state,
        &auth,
        path.into_inner(),
        kind,
        body.records,
        [true, true, false],
    )
    .await
}

/// Deletes many records.
#[utoipa::path(delete, path = "/api/v1/records/{object}", tag = "batches", operation_id = "batch_delete", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    request_body = BatchDeleteBody,
    responses((status = 200, body = BatchResponse, description = "Also when some or all records fail"), (status = 400, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Write>()?;
    let body: DeleteBody = json_body(&req, payload, state.body_limit).await?;
    let object = path.into_inner();
    let command = BatchDelete {
        object: object.clone(),
        record_ids: body.record_ids,
    };
    let out = state.service.batch_delete(&auth, command).await?;
    Ok(HttpResponse::Ok().json(response(object, &out, [false, false, true])))
}

async fn write(
    state: &HttpState,
    auth: &kasar_application::Authorized<Write>,
    object: String,
    kind: BatchKind,
    records: Vec<serde_json::Value>,
    counts: [bool; 3],
) -> Result<HttpResponse, ApiError> {
    let command = BatchWrite {
        object: object.clone(),
        kind,
        records,
    };
    let out = state.service.batch_write(auth, command).await?;
    Ok(HttpResponse::Ok().json(response(object, &out, counts)))
}

/// The response: the counts a route reports (`created`, `updated`, `deleted`).
fn response(object_name: String, out: &BatchOutcome, counts: [bool; 3]) -> BatchResponse {
    let [c, u, d] = counts;
    BatchResponse {
        object_name,
        created: c.then_some(out.created),
        updated: u.then_some(out.updated),
        deleted: d.then_some(out.deleted),
        failed: out.failed,
        total: out.total(),
        results: out
            .results
            .iter()
            .map(|r| match r {
                BatchResult::Done { index, id, status } => BatchResultBody {
                    index: *index,
                    id: Some(*id),
                    status: Some(status),
                    code: None,
                    message: None,
                },
                BatchResult::Failed {
                    index,
                    code,
                    message,
                } => BatchResultBody {
                    index: *index,
                    id: None,
                    status: None,
                    code: Some(*code),
                    message: Some(message.clone()),
                },
            })
            .collect(),
    }
}
