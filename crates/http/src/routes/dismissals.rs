//! `GET /api/v1/dismissals`: the dismissed sets (admins only).

use actix_web::{web, HttpResponse};
use kasar_application::authorize::Detect;

use crate::auth::Auth;
use crate::dto::dismissals::{DismissalBody, DismissalsQuery, DismissalsResponse};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Dismissed sets, newest first.
#[utoipa::path(get, path = "/api/v1/dismissals", tag = "duplicates", operation_id = "list_dismissals", security(("bearer" = [])),
    params(DismissalsQuery),
    responses((status = 200, body = DismissalsResponse, description = "The dismissed sets"), (status = 400, body = ErrorBody)))]
pub async fn list(
    state: web::Data<HttpState>,
    caller: Auth,
    query: Result<web::Query<DismissalsQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Detect>()?;
    let query = query
        .map_err(|e| ApiError::validation(format!("Invalid query: {e}")))?
        .into_inner();
    let sets = state
        .service
        .list_dismissals(&auth, query.object_name)
        .await?;
    Ok(HttpResponse::Ok().json(DismissalsResponse {
        data: sets.into_iter().map(DismissalBody::from).collect(),
    }))
}
