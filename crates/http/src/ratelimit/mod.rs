//! Per-token rate limits: a sliding window per (token id, route family),
//! checked by a middleware that runs after authentication on `/api/v1`.
//!
//! The window is a ring of at most 60 buckets (one second each for windows
//! up to a minute), so a request is counted for one window, to the bucket,
//! and each key costs a fixed few hundred bytes; keys idle for a whole window
//! are swept. The family is decided by path: `/bulk`, `/duplicates` (detect
//! and merge share the tighter limit, so the body is never read to decide),
//! and everything else (records, `/me`, `/schema`). The windows live in the
//! process (`rate_limit.store = "memory"`: behind several instances each one
//! counts on its own) or in Redis (`"redis"`, [`RedisLimiter`]: one window
//! per token across every instance, the same buckets and headers).

mod redis;

pub use self::redis::RedisLimiter;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use kasar_domain::Caller;
use uuid::Uuid;

use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::state::HttpState;

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
const POLICY: HeaderName = HeaderName::from_static("x-ratelimit-policy");
const MAX_BUCKETS: u64 = 60;

/// A group of routes sharing one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Records, `/me`, `/schema` (and unknown paths of the scope).
    Records,
    /// `POST /api/v1/bulk`.
    Bulk,
    /// `POST /api/v1/duplicates`, detect and merge alike.
    Duplicates,
}

impl Family {
    /// The family of a request path.
    pub fn of_path(path: &str) -> Self {
        match path.strip_prefix("/api/v1") {
            Some("/bulk") => Self::Bulk,
            Some("/duplicates") => Self::Duplicates,
            _ => Self::Records,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Records => "records",
            Self::Bulk => "bulk",
            Self::Duplicates => "duplicates",
        }
    }
}

/// Requests per window and token, per family; a limit of 0 disables a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    pub enabled: bool,
    pub window: Duration,
    pub records: u32,
    pub bulk: u32,
    pub duplicates: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            enabled: true,
            window: Duration::from_secs(60),
            records: 1200,
            bulk: 120,
            duplicates: 60,
        }
    }
}

impl RateLimits {
    /// The limit of a family; 0 when it is not limited.
    pub fn of(&self, family: Family) -> u32 {
        match (self.enabled, family) {
            (false, _) => 0,
            (true, Family::Records) => self.records,
            (true, Family::Bulk) => self.bulk,
            (true, Family::Duplicates) => self.duplicates,
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// Requests still accepted in the window after this one.
    pub remaining: u32,
    /// Milliseconds until the oldest counted requests leave the window.
    pub reset_ms: u64,
    /// The window, in seconds (`X-RateLimit-Policy`).
    pub window_seconds: u64,
}

impl Decision {
    /// `X-RateLimit-Reset`: whole seconds until the window frees capacity.
    pub fn reset_seconds(&self) -> u64 {
        self.reset_ms.div_ceil(1000)
    }

    /// `Retry-After` of a refusal: at least one second.
    pub fn retry_after(&self) -> u64 {
        self.reset_seconds().max(1)
    }

    fn write(&self, headers: &mut HeaderMap) {
        headers.insert(LIMIT, HeaderValue::from(self.limit));
        headers.insert(REMAINING, HeaderValue::from(self.remaining));
        headers.insert(RESET, HeaderValue::from(self.reset_seconds()));
        if let Ok(policy) =
            HeaderValue::from_str(&format!("{};w={}", self.limit, self.window_seconds))
        {
            headers.insert(POLICY, policy);
        }
    }
}

/// The counts of one key: a ring of buckets ending at bucket `head`.
struct Window {
    head: u64,
    counts: Vec<u32>,
    total: u32,
}

#[derive(Default)]
struct Table {
    windows: HashMap<(Uuid, Family), Window>,
    swept: u64,
}

/// The buckets of a window: (how many, milliseconds each); a window under a
/// second counts as one.
fn buckets(limits: &RateLimits) -> (u64, u64) {
    let window_ms = u64::try_from(limits.window.as_millis())
        .unwrap_or(u64::MAX)
        .max(1000);
    let buckets = (window_ms / 1000).min(MAX_BUCKETS);
    (buckets, window_ms / buckets)
}

/// Where the windows live.
pub enum Limiter {
    /// In this process.
    Memory(RateLimiter),
    /// In Redis, shared by every instance.
    Redis(RedisLimiter),
}

impl Limiter {
    fn limits(&self) -> &RateLimits {
        match self {
            Self::Memory(l) => &l.limits,
            Self::Redis(l) => &l.limits,
        }
    }

    /// Counts a request; None when the family is not limited, or when the
    /// shared store cannot answer (the request is served: logged, counted).
    async fn check(&self, token: Uuid, family: Family, metrics: &Metrics) -> Option<Decision> {
        match self {
            Self::Memory(l) => l.check(token, family),
            Self::Redis(l) => match l.check(token, family).await {
                Ok(decision) => decision,
                Err(e) => {
                    tracing::warn!(error = %e, "rate-limit store unavailable; request served unchecked");
                    metrics.rate_limit_store_errors.inc();
                    None
                }
            },
        }
    }
}

/// Sliding-window counters of every (token, family), shared by the workers.
pub struct RateLimiter {
    limits: RateLimits,
    buckets: u64,
    bucket_ms: u64,
    epoch: Instant,
    table: Mutex<Table>,
}

impl RateLimiter {
    /// A limiter with these limits (a window under a second counts as one).
    pub fn new(limits: RateLimits) -> Self {
        let (buckets, bucket_ms) = buckets(&limits);
        Self {
            limits,
            buckets,
            bucket_ms,
            epoch: Instant::now(),
            table: Mutex::new(Table::default()),
        }
    }

    /// Counts a request of `token` on `family` if it fits; None when the
    /// family is not limited.
    pub fn check(&self, token: Uuid, family: Family) -> Option<Decision> {
        let now_ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.check_at(token, family, now_ms)
    }

    fn check_at(&self, token: Uuid, family: Family, now_ms: u64) -> Option<Decision> {
        let limit = self.limits.of(family);
        if limit == 0 {
            return None;
        }
        let (n, now) = (self.buckets, now_ms / self.bucket_ms);
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        if now >= table.swept + n {
            table.windows.retain(|_, w| w.head + n > now);
            table.swept = now;
        }
        let w = table
            .windows
            .entry((token, family))
            .or_insert_with(|| Window {
                head: now,
                counts: vec![0; n as usize],
                total: 0,
            });
        if now >= w.head + n {
            w.counts.iter_mut().for_each(|c| *c = 0);
            w.total = 0;
        } else {
            for b in w.head + 1..=now {
                if let Some(slot) = w.counts.get_mut((b % n) as usize) {
                    w.total -= *slot;
                    *slot = 0;
                }
            }
        }
        w.head = now;
        let mut allowed = false;
        if w.total < limit {
            if let Some(slot) = w.counts.get_mut((now % n) as usize) {
                *slot += 1;
                w.total += 1;
                allowed = true;
            }
        }
        // The oldest non-empty bucket leaves the window at its index + n.
        let oldest = ((now + 1).saturating_sub(n)..=now)
            .find(|&b| w.counts.get((b % n) as usize).is_some_and(|c| *c > 0));
        let reset_ms = oldest.map_or(0, |b| ((b + n) * self.bucket_ms).saturating_sub(now_ms));
        Some(Decision {
            allowed,
            limit,
            remaining: limit.saturating_sub(w.total),
            reset_ms,
            window_seconds: self.limits.window.as_secs().max(1),
        })
    }
}

/// Limits every authenticated request of the scope it wraps: the rate-limit
/// headers on the response, or 429 RATE_LIMITED without running the request.
pub(crate) async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let token = req.extensions().get::<Caller>().map(|c| c.token_id);
    let state = req
        .app_data::<web::Data<HttpState>>()
        .map(|s| (Arc::clone(&s.rate_limiter), Arc::clone(&s.metrics)));
    let family = Family::of_path(req.path());
    let checked = match (state, token) {
        (Some((limiter, metrics)), Some(t)) => limiter
            .check(t, family, &metrics)
            .await
            .map(|d| (d, limiter.limits().window.as_secs())),
        _ => None,
    };
    let Some((decision, window)) = checked else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Handlers' errors come back as responses and get the headers too. (The
    // request cannot be cloned to answer an `Err` here: routing needs it alone.)
    let mut res = if decision.allowed {
        next.call(req).await?.map_into_boxed_body()
    } else {
        let message = format!(
            "More than {} {} requests in {window} s; retry in {} s",
            decision.limit,
            family.as_str(),
            decision.retry_after()
        );
        let refused = ApiError::new(kasar_application::ErrorCode::RateLimited, message)
            .retry_after(decision.retry_after());
        req.error_response(refused).map_into_boxed_body()
    };
    decision.write(res.headers_mut());
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(records: u32) -> RateLimiter {
        let limits = RateLimits {
            records,
            bulk: 2,
            duplicates: 0,
            ..RateLimits::default()
        };
        RateLimiter::new(limits)
    }

    /// (allowed, remaining, reset_ms) of a records request at `ms`.
    fn at(l: &RateLimiter, t: Uuid, ms: u64) -> (bool, u32, u64) {
        let d = l.check_at(t, Family::Records, ms).unwrap();
        (d.allowed, d.remaining, d.reset_ms)
    }

    #[test]
    fn counts_down_then_refuses_until_the_oldest_requests_leave_the_window() {
        let (l, t) = (limiter(3), Uuid::new_v4());
        assert_eq!((at(&l, t, 0).1, at(&l, t, 500).1), (2, 1));
        assert_eq!(at(&l, t, 10_000), (true, 0, 50_000));
        let refused = l.check_at(t, Family::Records, 30_000).unwrap();
        assert_eq!((refused.allowed, refused.remaining), (false, 0));
        assert_eq!((refused.reset_seconds(), refused.retry_after()), (30, 30));
        // The first second's two requests leave at 60 s; the third stays.
        assert!(!at(&l, t, 59_999).0);
        assert_eq!(at(&l, t, 60_000), (true, 1, 10_000));
        assert!(at(&l, t, 65_000).0);
        assert!(!at(&l, t, 69_999).0);
        assert_eq!(at(&l, t, 70_000), (true, 0, 50_000), "the third left");
        assert_eq!(at(&l, t, 200_000).1, 2, "a long pause empties the window");
    }

    #[test]
    fn refusals_are_not_counted_and_retry_after_is_at_least_a_second() {
        let (l, t) = (limiter(1), Uuid::new_v4());
        assert!(at(&l, t, 0).0);
        for ms in [1_000, 2_000, 59_500] {
            assert!(!at(&l, t, ms).0);
        }
        let last = l.check_at(t, Family::Records, 59_999).unwrap();
        assert_eq!(
            (last.allowed, last.reset_ms, last.retry_after()),
            (false, 1, 1)
        );
        assert!(at(&l, t, 60_000).0);
    }

    #[test]
    fn tokens_and_families_have_separate_windows_and_zero_disables() {
        let (l, a, b) = (limiter(1), Uuid::new_v4(), Uuid::new_v4());
        assert!(at(&l, a, 0).0 && !at(&l, a, 1).0 && at(&l, b, 2).0);
        let bulk = l.check_at(a, Family::Bulk, 3).unwrap();
        assert_eq!((bulk.allowed, bulk.limit, bulk.remaining), (true, 2, 1));
        assert_eq!(l.check_at(a, Family::Duplicates, 4), None);
        let off = RateLimiter::new(RateLimits {
            enabled: false,
            ..RateLimits::default()
        });
        assert_eq!(off.check_at(a, Family::Records, 0), None);
    }

    #[test]
    fn idle_keys_are_swept_and_windows_map_to_buckets() {
        let l = limiter(5);
        for _ in 0..100 {
            at(&l, Uuid::new_v4(), 0);
        }
        at(&l, Uuid::new_v4(), 61_000);
        assert_eq!(l.table.lock().unwrap().windows.len(), 1);
        let of = |window| {
            let l = RateLimiter::new(RateLimits {
                window,
                ..RateLimits::default()
            });
            (l.buckets, l.bucket_ms)
        };
        assert_eq!(of(Duration::from_secs(3600)), (60, 60_000));
        assert_eq!(of(Duration::from_millis(10)), (1, 1000));
    }

    #[test]
    fn paths_pick_families() {
        assert_eq!(Family::of_path("/api/v1/bulk"), Family::Bulk);
        assert_eq!(Family::of_path("/api/v1/duplicates"), Family::Duplicates);
        assert_eq!(Family::of_path("/api/v1/records/contacts"), Family::Records);
        assert_eq!(Family::of_path("/api/v1/me"), Family::Records);
    }
}
