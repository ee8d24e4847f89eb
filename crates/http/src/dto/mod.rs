//! Request and response bodies of the API, with their OpenAPI schemas.

pub mod batch;
pub mod bulk;
pub mod common;
pub mod duplicates;
pub mod import;
pub mod select;
