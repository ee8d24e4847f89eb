//! Request and response bodies of the API, with their OpenAPI schemas.

pub mod auto_merge;
pub mod batch;
pub mod bulk;
pub mod common;
pub mod dismissals;
pub mod duplicates;
pub mod import;
pub mod merges;
pub mod record_out;
pub mod schema;
pub mod select;
