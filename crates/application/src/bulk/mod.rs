//! Bulk operations (`POST /api/v1/bulk`): the same change applied to many
//! records, each record judged on its own, everything allowed applied in one
//! transaction with a fixed number of statements.

mod command;
mod judge;
mod request;
mod run;

pub use command::{BulkCommand, RelationChange, UpdateField};
pub use judge::{judge, Verdicts};
pub use run::{run, BulkFailure, BulkOutcome};
