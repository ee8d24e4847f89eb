//! `GET /api/v1/schema` and `GET /api/v1/schema/{object}`: the catalog.

use actix_web::{web, HttpResponse};
use kasar_application::ports::Tenant;
use kasar_application::AppError;

use crate::auth::Auth;
use crate::dto::common::{ObjectSchema, SchemaResponse};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Every object with its fields.
#[utoipa::path(get, path = "/api/v1/schema", tag = "schema", security(("bearer" = [])), responses(
    (status = 200, body = SchemaResponse),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "RATE_LIMITED", headers(("Retry-After" = u64, description = "Seconds to wait"))),
))]
pub async fn list_schema(
    state: web::Data<HttpState>,
    Auth(caller): Auth,
) -> Result<HttpResponse, ApiError> {
    let catalog = state
        .services
        .store
        .catalog(&Tenant::from(&caller))
        .await
        .map_err(AppError::from)?;
    Ok(HttpResponse::Ok().json(SchemaResponse {
        objects: catalog.objects.iter().map(ObjectSchema::from).collect(),
    }))
}

/// One object with its fields.
#[utoipa::path(get, path = "/api/v1/schema/{object}", tag = "schema", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    responses(
        (status = 200, body = ObjectSchema),
        (status = 400, body = ErrorBody, description = "INVALID_OBJECT"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "RATE_LIMITED", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn get_schema(
    state: web::Data<HttpState>,
    Auth(caller): Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (_, object) = state.services.object(&caller, &path).await?;
    Ok(HttpResponse::Ok().json(ObjectSchema::from(&object)))
}
