//! Bearer-token authentication: a middleware on `/api/v1` that turns the
//! `Authorization` header into a `Caller` (401 otherwise, 403 for a token
//! without a valid scope), and the extractor handlers take it from.

use std::future::{ready, Ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use kasar_application::authorize::{self, Authorized, Operation};
use kasar_application::ErrorCode;
use kasar_domain::token::looks_like_token;
use kasar_domain::Caller;

use crate::error::ApiError;
use crate::state::HttpState;

/// Authenticates every request of the scope it wraps.
pub(crate) async fn authenticate(
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
    let state = req.app_data::<web::Data<HttpState>>().ok_or_else(|| {
        tracing::error!("HttpState is not registered");
        ApiError::new(ErrorCode::InternalError, "Internal server error")
    })?;
    caller_of(req.headers(), state).await
}

/// The caller the `Authorization` header names: 401 without a valid token,
/// 403 for a token without a valid scope.
pub(crate) async fn caller_of(
    headers: &actix_web::http::header::HeaderMap,
    state: &HttpState,
) -> Result<Caller, ApiError> {
    let token = headers
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| looks_like_token(t))
        .ok_or_else(ApiError::unauthenticated)?;
    let caller = state
        .service
        .authenticate(token)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    // A token without a valid scope may do nothing at all: refused here,
    // before the rate limit counts it.
    <authorize::Read as Operation>::check(&caller)?;
    Ok(caller)
}

/// The authenticated caller of a request.
pub struct Auth(pub Caller);

impl Auth {
    /// The proof that the caller may run operation `O`, or 403.
    pub fn may<O: Operation>(&self) -> Result<Authorized<O>, ApiError> {
        Ok(authorize::authorize::<O>(&self.0)?)
    }
}

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
