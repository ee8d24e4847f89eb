//! Kasar CRM use cases and the ports they need. Knows the domain, not the
//! adapters: the PostgreSQL adapter plugs in through `ports` (driven), the HTTP
//! adapter through [`Crm`] (driving). Every operation is a typed command,
//! authorized once by [`authorize`], run by a use case that writes through the
//! transaction runner, and fails with an [`AppError`] of the [`ErrorCode`] table.

pub mod admin;
pub mod authorize;
pub mod batch;
pub mod bulk;
pub mod command;
pub mod dismissals;
pub mod duplicates;
pub mod error;
pub mod error_code;
pub mod import;
pub mod merges;
pub mod ports;
pub mod records;
pub mod schema;
mod service;
mod service_impl;
mod services;
#[cfg(test)]
mod test_support;
pub mod transaction;

pub use authorize::{authorize, Authorized};
pub use error::{AppError, StoreError};
pub use error_code::ErrorCode;
pub use service::Crm;
#[cfg(any(test, feature = "mocks"))]
pub use service::MockCrm;
pub use services::{Limits, Services};
