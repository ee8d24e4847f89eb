//! The API error: one table from stable code to HTTP status, one JSON
//! envelope `{"error": {"code", "message"}}`. Internal details go to the log
//! only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use kasar_application::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// An error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
}

/// The status of each code: adding an error is adding a row.
pub fn status_of(code: &str) -> StatusCode {
    match code {
        "VALIDATION_ERROR" | "INVALID_OBJECT" => StatusCode::BAD_REQUEST,
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "PERMISSION_DENIED" => StatusCode::FORBIDDEN,
        "RECORD_NOT_FOUND" | "NOT_FOUND" => StatusCode::NOT_FOUND,
        "METHOD_NOT_ALLOWED" => StatusCode::METHOD_NOT_ALLOWED,
        "CONFLICT" => StatusCode::CONFLICT,
        "PAYLOAD_TOO_LARGE" => StatusCode::PAYLOAD_TOO_LARGE,
        "UNSUPPORTED_MEDIA_TYPE" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    /// An error with a code of the table and a message for people.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// 400 VALIDATION_ERROR.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("VALIDATION_ERROR", message)
    }

    /// 401 UNAUTHENTICATED.
    pub fn unauthenticated() -> Self {
        Self::new("UNAUTHENTICATED", "A valid bearer token is required")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match &e {
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                Self::new("INTERNAL_ERROR", "Internal server error")
            }
            AppError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                Self::new("UNAVAILABLE", "The database is unavailable; retry later")
            }
            other => Self::new(other.code(), other.to_string()),
        }
    }
}

/// The JSON envelope of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// Code and message of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code clients branch on (`VALIDATION_ERROR`, `RECORD_NOT_FOUND`...).
    pub code: String,
    /// Explanation for people.
    pub message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(self.code)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message.clone(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_status() {
        for (code, status) in [
            ("VALIDATION_ERROR", 400),
            ("INVALID_OBJECT", 400),
            ("UNAUTHENTICATED", 401),
            ("PERMISSION_DENIED", 403),
            ("RECORD_NOT_FOUND", 404),
            ("NOT_FOUND", 404),
            ("METHOD_NOT_ALLOWED", 405),
            ("PAYLOAD_TOO_LARGE", 413),
            ("UNSUPPORTED_MEDIA_TYPE", 415),
            ("RATE_LIMITED", 429),
            ("INTERNAL_ERROR", 500),
            ("UNAVAILABLE", 503),
        ] {
            assert_eq!(status_of(code).as_u16(), status, "{code}");
        }
    }
}
