//! Batches: create, update, upsert or delete many records in one request,
//! each judged on its own, everything that passes written in one transaction
//! with set-based SQL; results in request order.

mod command;
mod delete;
mod outcome;
mod prepare;
mod write;

pub use command::{BatchDelete, BatchKind, BatchWrite, DeleteBody, RecordsBody, UpsertBody};
pub use delete::delete;
pub use outcome::{BatchOutcome, BatchResult};
pub use write::write;

use crate::error::AppError;
use crate::Services;

/// 400 when a request holds more records than the configured limit.
fn too_many(services: &Services, n: usize) -> Result<(), AppError> {
    let max = services.limits.batch_records;
    if n > max {
        Err(AppError::Validation(format!(
            "a batch holds at most {max} records"
        )))
    } else {
        Ok(())
    }
}
