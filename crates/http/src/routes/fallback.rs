//! 404 for unknown routes and 405 for known routes with another method, in
//! the error envelope.

use actix_web::{HttpResponse, ResponseError};

use crate::error::ApiError;

/// No such route.
pub async fn not_found() -> HttpResponse {
    ApiError::new("NOT_FOUND", "No such route").error_response()
}

/// The route exists, the method does not.
pub async fn method_not_allowed() -> HttpResponse {
    ApiError::new(
        "METHOD_NOT_ALLOWED",
        "This route does not accept this method",
    )
    .error_response()
}
