//! `DELETE /api/v1/records/{object}/{id}`: delete a record; 204.

use actix_web::{web, HttpResponse};
use kasar_application::authorize::Write;
use kasar_application::records::RecordRef;

use super::record_id;
use crate::auth::Auth;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Deletes a record.
#[utoipa::path(delete, path = "/api/v1/records/{object}/{id}", tag = "records", operation_id = "delete_record", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), ("id" = uuid::Uuid, Path, description = "Record id (UUID)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn delete(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Write>()?;
    let (object, id) = path.into_inner();
    let id = record_id(&state, &caller, &object, &id).await?;
    state
        .service
        .delete_record(&auth, RecordRef { object, id })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
