//! What handlers share: the driving port of the application, the HTTP limits
//! and the rate limiter.

use std::sync::Arc;

use kasar_application::Crm;

use crate::ratelimit::{RateLimiter, RateLimits};

/// Shared state of the HTTP adapter.
#[derive(Clone)]
pub struct HttpState {
    /// The use cases.
    pub service: Arc<dyn Crm>,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Per-token request counts, shared by every worker of the process.
    pub rate_limiter: Arc<RateLimiter>,
}

impl HttpState {
    /// State with the default rate limits.
    pub fn new(service: Arc<dyn Crm>, body_limit: usize) -> Self {
        Self::with_rate_limits(service, body_limit, RateLimits::default())
    }

    /// State with these rate limits.
    pub fn with_rate_limits(service: Arc<dyn Crm>, body_limit: usize, limits: RateLimits) -> Self {
        Self {
            service,
            body_limit,
            rate_limiter: Arc::new(RateLimiter::new(limits)),
        }
    }
}
