//! What handlers share: the driving port of the application, the HTTP limits,
//! the rate limiter and the metrics.

use std::sync::Arc;

use kasar_application::Crm;

use crate::metrics::Metrics;
use crate::ratelimit::{Limiter, RateLimiter, RateLimits};

/// Shared state of the HTTP adapter.
#[derive(Clone)]
pub struct HttpState {
    /// The use cases.
    pub service: Arc<dyn Crm>,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Per-token request counts, shared by every worker of the process (and,
    /// in Redis, by every instance).
    pub rate_limiter: Arc<Limiter>,
    /// Every metric of the process.
    pub metrics: Arc<Metrics>,
    /// Whether `GET /metrics` is served.
    pub expose_metrics: bool,
}

impl HttpState {
    /// State with the default rate limits, counted in memory, and metrics
    /// exposed (no pool gauges).
    pub fn new(service: Arc<dyn Crm>, body_limit: usize) -> Result<Self, prometheus::Error> {
        Ok(Self::with_parts(
            service,
            body_limit,
            Limiter::Memory(RateLimiter::new(RateLimits::default())),
            Metrics::new(None)?,
            true,
        ))
    }

    /// State from its parts.
    pub fn with_parts(
        service: Arc<dyn Crm>,
        body_limit: usize,
        limiter: Limiter,
        metrics: Metrics,
        expose_metrics: bool,
    ) -> Self {
        Self {
            service,
            body_limit,
            rate_limiter: Arc::new(limiter),
            metrics: Arc::new(metrics),
            expose_metrics,
        }
    }
}
