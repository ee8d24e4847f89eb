//! Bearer-token authentication: a middleware on `/api/v1` that turns the
//! `Authorization` header into a `Caller` (401 otherwise, 403 for a token
//! without a valid scope), and the extractor handlers take it from.

use std::future::{ready, Ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use kasar_domain::token::{digest, looks_like_token};
use kasar_domain::Caller;

use crate::error::ApiError;
use crate::state::HttpState;

/// Authenticates every request of the scope it wraps.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match resolve(&req).await {
        Ok(caller) => {
            tracing::Span::current().record("org", tracing::field::display(caller.organization_id));
            req.extensions_mut().insert(caller);
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        Err(e) => Ok(req.error_response(e).map_into_boxed_body()),
    }
}

async fn resolve(req: &ServiceRequest) -> Result<Caller, ApiError> {
    let token = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| looks_like_token(t))
        .ok_or_else(ApiError::unauthenticated)?;
    let state = req
        .app_data::<web::Data<HttpState>>()
        .ok_or_else(|| ApiError::new("INTERNAL_ERROR", "Internal server error"))?;
    let caller = state
        .services
        .directory
        .authenticate(&digest(token))
        .await
        .map_err(|e| ApiError::from(kasar_application::AppError::from(e)))?
        .ok_or_else(ApiError::unauthenticated)?;
    if !caller.can_read() {
        return Err(ApiError::new(
            "PERMISSION_DENIED",
            "This token has no valid scope",
        ));
    }
    Ok(caller)
}

/// The authenticated caller of a request.
pub struct Auth(pub Caller);

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .map(Auth)
                .ok_or_else(ApiError::unauthenticated),
        )
    }
}
