//! Prometheus metrics of the service, in the text format at `GET /metrics`:
//! requests and their latency by method, route template and status; the
//! database pool (size, idle connections, requests waiting for one); and what
//! the service did (records merged, merges undone, records changed by bulk,
//! records imported, duplicate groups found), plus rate-limit store failures.
//! Counted by the HTTP adapter from the use cases' outcomes.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

use crate::state::HttpState;

/// The database pool as the server sees it at a scrape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolGauge {
    /// Connections open.
    pub size: usize,
    /// Connections idle in the pool.
    pub available: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}

/// Reads the pool at a scrape.
pub type PoolProbe = Arc<dyn Fn() -> PoolGauge + Send + Sync>;

/// Every metric, registered in one registry.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: [IntGauge; 3],
    probe: Option<PoolProbe>,
    /// Duplicates merged away (each merged record counts once).
    pub merged: IntCounter,
    /// Merges undone.
    pub unmerged: IntCounter,
    /// Records changed by bulk requests.
    pub bulk_changed: IntCounter,
    /// Records created or updated by imports.
    pub imported: IntCounter,
    /// Duplicate groups found by detect.
    pub duplicates_found: IntCounter,
    /// Rate-limit checks the shared store could not answer (served anyway).
    pub rate_limit_store_errors: IntCounter,
}

impl Metrics {
    /// Fresh metrics; `probe` reads the database pool at each scrape.
    pub fn new(probe: Option<PoolProbe>) -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let labels = ["method", "route", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "kasar_http_requests_total",
                "HTTP requests by method, route template and status",
            ),
            &labels,
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "kasar_http_request_duration_seconds",
                "HTTP request latency by method, route template and status",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &labels,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        let pool = [
            IntGauge::new("kasar_db_pool_connections", "Database connections open")?,
            IntGauge::new(
                "kasar_db_pool_idle",
                "Database connections idle in the pool",
            )?,
            IntGauge::new(
                "kasar_db_pool_waiting",
                "Requests waiting for a database connection",
            )?,
        ];
        for g in &pool {
            registry.register(Box::new(g.clone()))?;
        }
        let c = |name: &str, help: &str| -> Result<IntCounter, prometheus::Error> {
            let c = IntCounter::new(name, help)?;
            registry.register(Box::new(c.clone()))?;
            Ok(c)
        };
        Ok(Self {
            merged: c(
                "kasar_records_merged_total",
                "Duplicate records merged away",
            )?,
            unmerged: c("kasar_merges_undone_total", "Merges undone")?,
            bulk_changed: c(
                "kasar_bulk_records_changed_total",
                "Records changed by bulk requests",
            )?,
            imported: c(
                "kasar_records_imported_total",
                "Records created or updated by imports",
            )?,
            duplicates_found: c(
                "kasar_duplicate_groups_found_total",
                "Duplicate groups found by detect",
            )?,
            rate_limit_store_errors: c(
                "kasar_rate_limit_store_errors_total",
                "Rate-limit checks the shared store could not answer (requests served)",
            )?,
            registry,
            requests,
            latency,
            pool,
            probe,
        })
    }

    /// Counts one answered request.
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// The text exposition of every metric, the pool read now.
    pub fn render(&self) -> String {
        if let Some(probe) = &self.probe {
            let p = probe();
            let [size, idle, waiting] = &self.pool;
            size.set(i64::try_from(p.size).unwrap_or(i64::MAX));
            idle.set(i64::try_from(p.available).unwrap_or(i64::MAX));
            waiting.set(i64::try_from(p.waiting).unwrap_or(i64::MAX));
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "metrics encoding failed");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Counts every request of the app by its route template (`/api/v1/records/{object}`,
/// never the path itself, so ids never become labels).
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req
        .app_data::<web::Data<HttpState>>()
        .map(|s| Arc::clone(&s.metrics));
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.call(req).await?;
    if let Some(m) = metrics {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        m.observe(
            &method,
            &route,
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(res)
}

/// `GET /metrics`: the Prometheus text format.
pub(crate) async fn metrics(state: web::Data<HttpState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}
