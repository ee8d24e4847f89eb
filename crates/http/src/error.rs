//! The API error: a code of the application's [`ErrorCode`] table (which knows
//! its status) and a message, in one JSON envelope `{"error": {"code",
//! "message"}}`. Internal details go to the log only.

use actix_web::http::header::RETRY_AFTER;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use kasar_application::{AppError, ErrorCode};
use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::ToSchema;

/// An error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds after which a retry may succeed (`Retry-After`).
    pub retry_after: Option<u64>,
    /// The record a merged-away record survives in.
    pub merged_into: Option<uuid::Uuid>,
}

impl ApiError {
    /// An error with a code of the table and a message for people.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
            merged_into: None,
        }
    }

    /// 400 VALIDATION_ERROR.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationError, message)
    }

    /// 401 UNAUTHENTICATED.
    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorCode::Unauthenticated,
            "A valid bearer token is required",
        )
    }

    /// With a `Retry-After` of `seconds`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let code = e.code();
        match e {
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                Self::new(code, "Internal server error")
            }
            AppError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                Self::new(code, "The database is unavailable; retry later")
            }
            AppError::Busy(detail) => {
                tracing::warn!(%detail, "service busy");
                Self::new(code, "The service is busy; retry later").retry_after(1)
            }
            AppError::TxConflict | AppError::CatalogChanged => {
                tracing::warn!("transaction conflict after retries");
                Self::new(code, "The service is busy; retry later").retry_after(1)
            }
            AppError::MergedAway {
                message,
                merged_into,
            } => {
                let mut e = Self::new(code, message);
                e.merged_into = Some(merged_into);
                e
            }
            other => Self::new(code, other.to_string()),
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
    /// Stable code clients branch on.
    #[schema(schema_with = error_codes)]
    pub code: ErrorCode,
    /// Explanation for people.
    pub message: String,
    /// On a 404 for a record a merge deleted: the record it survives in
    /// (merges followed to the last one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<uuid::Uuid>,
}

/// Every code of the table, as the document's enum.
fn error_codes() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after {
            response.insert_header((RETRY_AFTER, seconds.to_string()));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
                merged_into: self.merged_into,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_answers_with_its_status() {
        for code in ErrorCode::ALL {
            let e = ApiError::new(*code, "m");
            assert_eq!(e.status_code().as_u16(), code.status(), "{code}");
        }
    }

    #[test]
    fn a_conflict_after_retries_is_a_busy_service() {
        let e = ApiError::from(AppError::TxConflict);
        assert_eq!((e.status_code().as_u16(), e.retry_after), (503, Some(1)));
    }
}
