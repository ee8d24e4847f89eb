//! Import: many records in, with a duplicate check at the door against the
//! whole table (through the key index) and within the request, and a policy
//! for what a duplicate becomes (`POST /import/{object}`, JSON or CSV).

mod cells;
mod command;
mod fuzzy_finder;
mod outcome;
mod resolve;
mod run;

pub use command::{fuzzy_option, ImportBody, ImportCommand, ImportRecords, OnDuplicate};
pub use outcome::{ImportOutcome, ImportResult, ImportStatus};
pub use run::import;
