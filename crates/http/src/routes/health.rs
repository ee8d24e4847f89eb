//! `GET /health` (the process is up) and `GET /ready` (the database answers).

use actix_web::{web, HttpResponse};

use crate::dto::common::StatusResponse;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "operations", operation_id = "health", responses((status = 200, body = StatusResponse, description = "The process is up")))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(StatusResponse {
        status: "ok".into(),
    })
}

/// The database is reachable.
#[utoipa::path(get, path = "/ready", tag = "operations", operation_id = "ready", responses(
    (status = 200, body = StatusResponse, description = "The database answers"),
    (status = 503, body = ErrorBody),
))]
pub async fn ready(state: web::Data<HttpState>) -> Result<HttpResponse, ApiError> {
    state.service.ready().await?;
    Ok(HttpResponse::Ok().json(StatusResponse {
        status: "ready".into(),
    }))
}
