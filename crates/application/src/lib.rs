//! Kasar CRM use cases and the ports they need. Knows the domain, not the
//! adapters: the PostgreSQL and HTTP crates plug in through `ports`.

pub mod admin;
pub mod bulk;
pub mod duplicates;
pub mod error;
pub mod ports;
pub mod records;
mod services;
#[cfg(test)]
mod test_support;

pub use error::{AppError, StoreError};
pub use services::{require_write, Limits, Services};
