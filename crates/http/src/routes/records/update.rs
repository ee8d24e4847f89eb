//! `PATCH` (and `PUT`, an alias) `/api/v1/records/{object}/{id}`: partial update.

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::Write;
use kasar_application::command::RecordFields;
use kasar_application::records::UpdateRecord;

use super::record_id;
use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::common::RecordBody;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Sets the given fields; 200 with the record.
#[utoipa::path(patch, path = "/api/v1/records/{object}/{id}", tag = "records", operation_id = "update_record", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), ("id" = uuid::Uuid, Path, description = "Record id (UUID)")),
    request_body = crate::dto::common::RecordInput,
    responses(
        (status = 200, body = RecordBody, description = "The record after the change"),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn update(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Write>()?;
    let fields: RecordFields = json_body(&req, payload, state.body_limit).await?;
    let (object, id) = path.into_inner();
    let id = record_id(&state, &caller, &object, &id).await?;
    let command = UpdateRecord { object, id, fields };
    let (object, record) = state.service.update_record(&auth, command).await?;
    Ok(HttpResponse::Ok().json(RecordBody::of(&object, &record)))
}

/// Sets the given fields, as PATCH does (PUT is accepted for clients that
/// send it); 200 with the record.
#[utoipa::path(put, path = "/api/v1/records/{object}/{id}", tag = "records", operation_id = "put_record", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), ("id" = uuid::Uuid, Path, description = "Record id (UUID)")),
    request_body = crate::dto::common::RecordInput,
    responses(
        (status = 200, body = RecordBody, description = "The record after the change"),
        (status = 400, body = ErrorBody, description = "Invalid body or field value"),
        (status = 404, body = ErrorBody, description = "No such record (RECORD_NOT_FOUND)"),
    ))]
pub async fn put(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    update(state, caller, path, req, payload).await
}
