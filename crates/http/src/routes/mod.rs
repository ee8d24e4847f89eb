//! Routes: one handler per file.

pub mod batch;
pub mod bulk;
pub mod dismissals;
pub mod duplicates;
pub mod export;
pub mod export_pairs;
pub mod fallback;
pub mod health;
pub mod import;
pub mod me;
pub mod merges;
pub mod openapi;
mod openapi_bodies;
mod openapi_bounds;
mod openapi_bulk;
mod openapi_org;
mod openapi_query;
mod openapi_select;
pub mod records;
pub mod schema;
pub mod schema_changes;

#[cfg(test)]
mod tests;
