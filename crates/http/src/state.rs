//! What handlers share: the use cases' services and the HTTP limits.

use kasar_application::Services;

/// Shared state of the HTTP adapter.
#[derive(Clone)]
pub struct HttpState {
    pub services: Services,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
}
