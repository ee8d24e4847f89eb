//! Errors of the use cases. Each `AppError` variant has one stable code of the
//! [`ErrorCode`] table. Adapters translate driver errors into `StoreError`, and
//! use cases turn those into `AppError` with `?`.

use crate::error_code::ErrorCode;

/// What a port may fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached (pool timeout, connection refused or lost).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Every connection is taken by other requests: the service is saturated,
    /// not the database down.
    #[error("service busy: {0}")]
    Busy(String),
    /// A serialization failure or deadlock: the transaction was rolled back and
    /// may be retried.
    #[error("transaction conflict, retry")]
    Conflict,
    /// The organization's catalog changed under the request (a field or
    /// object it used is gone, or a change committed during its
    /// transaction): nothing was written; the request may run again on the
    /// new catalog.
    #[error("the catalog changed, retry")]
    CatalogChanged,
    /// A table or index name a catalog change would create exists.
    #[error("{0}")]
    NameTaken(String),
    /// A value broke a constraint the catalog checks could not see (for
    /// example a record deleted between the check and the write).
    #[error("constraint violated: {0}")]
    Constraint(String),
    /// Anything else: a bug.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// What a use case may fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400 VALIDATION_ERROR.
    #[error("{0}")]
    Validation(String),
    /// 400 INVALID_OBJECT.
    #[error("unknown object '{0}'")]
    InvalidObject(String),
    /// 403 PERMISSION_DENIED.
    #[error("{0}")]
    PermissionDenied(String),
    /// 404 RECORD_NOT_FOUND.
    #[error("{0}")]
    RecordNotFound(String),
    /// 404 RECORD_NOT_FOUND for a record a merge deleted: the record it
    /// survives in goes with it (`merged_into`).
    #[error("{message}")]
    MergedAway {
        message: String,
        merged_into: uuid::Uuid,
    },
    /// 404 NOT_FOUND: something named by id that is not a record (a merge).
    #[error("{0}")]
    NotFound(String),
    /// 409 CONFLICT: a name or id taken in operator commands (organization slug...).
    #[error("{0}")]
    Conflict(String),
    /// A serialization failure or deadlock. The transaction runner retries it;
    /// once retries are spent it is answered as 503 UNAVAILABLE (busy).
    #[error("transaction conflict")]
    TxConflict,
    /// The catalog changed under the request; run again on the new one
    /// (503 UNAVAILABLE "busy" if it keeps changing).
    #[error("the catalog changed")]
    CatalogChanged,
    /// 503 UNAVAILABLE: the service is saturated (no connection free in time).
    #[error("busy")]
    Busy(String),
    /// 503 UNAVAILABLE: the database cannot be reached.
    #[error("database unavailable")]
    Unavailable(String),
    /// 500 INTERNAL_ERROR.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => Self::Unavailable(m),
            StoreError::Busy(m) => Self::Busy(m),
            StoreError::Conflict => Self::TxConflict,
            StoreError::CatalogChanged => Self::CatalogChanged,
            StoreError::NameTaken(m) => Self::Conflict(m),
            StoreError::Constraint(m) => Self::Validation(m),
            StoreError::Unexpected(e) => Self::Internal(e),
        }
    }
}

impl AppError {
    /// The record-not-found error for one id.
    pub fn not_found(object: &str, id: impl std::fmt::Display) -> Self {
        Self::RecordNotFound(format!("{object} record {id} not found"))
    }

    /// The stable API code of the error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation(_) => ErrorCode::ValidationError,
            Self::InvalidObject(_) => ErrorCode::InvalidObject,
            Self::PermissionDenied(_) => ErrorCode::PermissionDenied,
            Self::RecordNotFound(_) | Self::MergedAway { .. } => ErrorCode::RecordNotFound,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::TxConflict | Self::CatalogChanged | Self::Busy(_) | Self::Unavailable(_) => {
                ErrorCode::Unavailable
            }
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }
}

/// Message of the per-record permission failure.
pub const NO_PERMISSION_ON_RECORD: &str = "You do not have permission to update this record";

/// Message of the per-record not-found failure.
pub const RECORD_NOT_FOUND: &str = "Record not found";
