//! Translation of driver and pool errors into the ports' `StoreError`.

use deadpool_postgres::PoolError;
use kasar_application::StoreError;
use tokio_postgres::error::SqlState;

/// SQLSTATE raised by `kasar.expect_catalog` (migration V5).
pub(crate) const CATALOG_CHANGED: &str = "KS001";

/// Maps a driver error: conflicts are retryable, lost connections are
/// "unavailable", constraint violations are reported without SQL detail.
pub(crate) fn db(e: tokio_postgres::Error) -> StoreError {
    if let Some(code) = e.code() {
        if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
        {
            return StoreError::Conflict;
        }
        if *code == SqlState::UNDEFINED_COLUMN
            || *code == SqlState::UNDEFINED_TABLE
            || code.code() == CATALOG_CHANGED
            || (*code == SqlState::FEATURE_NOT_SUPPORTED
                && e.as_db_error()
                    .is_some_and(|d| d.message().starts_with("cached plan must not change")))
        {
            // Statements are built from the catalog: a column or table they
            // name is gone only when the catalog changed under them.
            return StoreError::CatalogChanged;
        }
        if *code == SqlState::LOCK_NOT_AVAILABLE {
            return StoreError::Busy("waited too long for a lock".into());
        }
        if *code == SqlState::FOREIGN_KEY_VIOLATION {
            return StoreError::Constraint(
                "a referenced record does not exist (or no longer exists)".into(),
            );
        }
        if *code == SqlState::UNIQUE_VIOLATION {
            return StoreError::Constraint("a value that must be unique already exists".into());
        }
        if *code == SqlState::NOT_NULL_VIOLATION {
            return StoreError::Constraint("a required field cannot be null".into());
        }
        if *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
            || *code == SqlState::CONNECTION_FAILURE
            || *code == SqlState::TOO_MANY_CONNECTIONS
        {
            return StoreError::Unavailable(e.to_string());
        }
        if *code == SqlState::INVALID_SQL_STATEMENT_NAME || *code == SqlState::DUPLICATE_PSTATEMENT
        {
            // A named statement unknown to (or already on) the server: the
            // connection is multiplexed by a pooler that does not keep them.
            return StoreError::Unexpected(anyhow::Error::new(e).context(
                "a prepared statement is missing or doubled on the server: behind a pooler in \
                 transaction mode (PgBouncer before 1.21) set database.named_statements = false",
            ));
        }
        return StoreError::Unexpected(anyhow::Error::new(e));
    }
    if e.is_closed()
        || std::error::Error::source(&e)
            .is_some_and(<dyn std::error::Error + 'static>::is::<std::io::Error>)
    {
        return StoreError::Unavailable(e.to_string());
    }
    StoreError::Unexpected(anyhow::Error::new(e))
}

/// Maps a pool error: every way of not getting a connection is "unavailable".
pub(crate) fn pool(e: PoolError) -> StoreError {
    match e {
        PoolError::Backend(e) => match db(e) {
            StoreError::Unexpected(e) => StoreError::Unavailable(e.to_string()),
            other => other,
        },
        other => StoreError::Unavailable(other.to_string()),
    }
}
