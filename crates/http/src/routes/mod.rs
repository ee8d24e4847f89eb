//! Routes: one handler per file.

pub mod batch;
pub mod bulk;
pub mod duplicates;
pub mod export;
pub mod fallback;
pub mod health;
pub mod import;
pub mod me;
pub mod openapi;
pub mod records;
pub mod schema;

#[cfg(test)]
mod tests;
