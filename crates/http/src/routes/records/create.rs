//! `POST /api/v1/records/{object}`: create a record.

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::Write;
use kasar_application::command::RecordFields;
use kasar_application::records::CreateRecord;

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::common::RecordBody;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Creates a record; 201 with the record.
#[utoipa::path(post, path = "/api/v1/records/{object}", tag = "records", operation_id = "create_record", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    request_body = crate::dto::common::RecordCreate,
    responses(
        (status = 201, body = RecordBody, description = "The record created"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn create(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Write>()?;
    let fields: RecordFields = json_body(&req, payload, state.body_limit).await?;
    let command = CreateRecord {
        object: path.into_inner(),
        fields,
    };
    let (object, record) = state.service.create_record(&auth, command).await?;
    Ok(HttpResponse::Created().json(RecordBody::of(&object, &record)))
}
