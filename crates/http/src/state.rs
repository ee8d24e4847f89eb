//! What handlers share: the use cases' services, the HTTP limits and the
//! rate limiter.

use std::sync::Arc;

use kasar_application::Services;

use crate::ratelimit::{RateLimiter, RateLimits};

/// Shared state of the HTTP adapter.
#[derive(Clone)]
pub struct HttpState {
    pub services: Services,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Per-token request counts, shared by every worker of the process.
    pub rate_limiter: Arc<RateLimiter>,
}

impl HttpState {
    /// State with the default rate limits.
    pub fn new(services: Services, body_limit: usize) -> Self {
        Self::with_rate_limits(services, body_limit, RateLimits::default())
    }

    /// State with these rate limits.
    pub fn with_rate_limits(services: Services, body_limit: usize, limits: RateLimits) -> Self {
        Self {
            services,
            body_limit,
            rate_limiter: Arc::new(RateLimiter::new(limits)),
        }
    }
}
