//! Duplicate detection and merge use cases (`POST /api/v1/duplicates`).

mod detect;
mod merge;

pub use detect::{detect, DetectOutcome, DetectRequest, FoundGroup};
pub use merge::{merge, MergeOutcome, MergeRequest};

use kasar_domain::Caller;

use crate::error::AppError;

/// 403 unless the caller is an admin of its organization.
pub(crate) fn require_admin(caller: &Caller) -> Result<(), AppError> {
    if caller.is_admin() && caller.can_read() {
        Ok(())
    } else {
        Err(AppError::PermissionDenied(
            "duplicates are for admins only".into(),
        ))
    }
}

/// Parses a list of ids; the first that is not a UUID is a validation error.
pub(crate) fn parse_ids(what: &str, raw: &[String]) -> Result<Vec<uuid::Uuid>, AppError> {
    raw.iter()
        .map(|s| {
            uuid::Uuid::parse_str(s).map_err(|_| {
                AppError::Validation(format!(
                    "{what}: '{}' is not a UUID",
                    crate::services::shorten(s)
                ))
            })
        })
        .collect()
}
