//! Bulk operations (`POST /api/v1/bulk`): the same change applied to many
//! records, each record judged on its own, everything allowed applied in one
//! transaction with a fixed number of statements.

mod judge;
mod request;
mod run;

pub use judge::{judge, Verdicts};
pub use request::{BulkAction, BulkRequest};
pub use run::{run, BulkFailure, BulkOutcome};
