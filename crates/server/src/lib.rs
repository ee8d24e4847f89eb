//! The `kasar` server: configuration, wiring of the adapters into the use
//! cases, the HTTP application, the operator CLI and demo data.

pub mod cli;
mod database_url;
pub mod demo;
pub mod settings;
pub mod startup;
pub mod telemetry;

pub use settings::Settings;
pub use startup::{ensure_key_index, services, store, Application, StartupError};
