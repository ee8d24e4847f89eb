//! Errors of the use cases. Each variant is one stable API error code; only the
//! HTTP adapter knows the status codes. Adapters translate driver errors into
//! `StoreError`, and use cases turn those into `AppError`.

/// What a port may fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached (pool timeout, connection refused or lost).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A serialization failure or deadlock: the transaction was rolled back and
    /// may be retried.
    #[error("transaction conflict, retry")]
    Conflict,
    /// A value broke a constraint the catalog checks could not see (for
    /// example a record deleted between the check and the write).
    #[error("constraint violated: {0}")]
    Constraint(String),
    /// Anything else: a bug.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// What a use case may fail with; one variant per API error code.
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
    /// A name or id conflict in operator commands (organization slug taken...).
    #[error("{0}")]
    Conflict(String),
    /// 503 UNAVAILABLE.
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
            StoreError::Conflict => {
                Self::Internal(anyhow::anyhow!("transaction conflict after retries"))
            }
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
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "VALIDATION_ERROR",
            Self::InvalidObject(_) => "INVALID_OBJECT",
            Self::PermissionDenied(_) => "PERMISSION_DENIED",
            Self::RecordNotFound(_) => "RECORD_NOT_FOUND",
            Self::Conflict(_) => "CONFLICT",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_ERROR",
        }
    }
}

/// Message of the per-record permission failure (bulk.md).
pub const NO_PERMISSION_ON_RECORD: &str = "You do not have permission to update this record";
