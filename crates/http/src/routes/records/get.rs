//! `GET /api/v1/records/{object}/{id}`: one record.

use actix_web::{web, HttpResponse};
use kasar_application::authorize::Read;
use kasar_application::records::RecordRef;

use super::record_id;
use crate::auth::Auth;
use crate::dto::common::RecordBody;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// One record.
#[utoipa::path(get, path = "/api/v1/records/{object}/{id}", tag = "records", operation_id = "get_record", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), ("id" = uuid::Uuid, Path, description = "Record id (UUID)")),
    responses(
        (status = 200, body = RecordBody, description = "The record"),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn get(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Read>()?;
    let (object, id) = path.into_inner();
    let id = record_id(&state, &caller, &object, &id).await?;
    let (object, record) = state
        .service
        .get_record(&auth, RecordRef { object, id })
        .await?;
    Ok(HttpResponse::Ok().json(RecordBody::of(&object, &record)))
}
