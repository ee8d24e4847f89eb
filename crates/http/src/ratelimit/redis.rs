//! The shared store of rate limits: the memory limiter's sliding window of
//! buckets, kept in Redis so that every instance of the service counts one
//! window per token. One Lua script per check, atomic: it drops the buckets
//! that left the window, counts the others, counts this request if it fits,
//! and says when the oldest counted bucket leaves. The clock is Redis's own
//! (`TIME`), so instances need not agree on the time. A Redis that cannot be
//! reached, or answers slower than `TIMEOUT`, is an error: the caller serves
//! the request anyway (fail open), logs it and counts it.

use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::Script;
use tokio::sync::Mutex;
use uuid::Uuid;

use super::{Decision, Family, RateLimits};

/// Longest wait for Redis before a request is served unchecked.
const TIMEOUT: Duration = Duration::from_millis(250);

const SCRIPT: &str = r"
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket_ms = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local now = math.floor(now_ms / bucket_ms)
local h = redis.call('HGETALL', KEYS[1])
local total = 0
local oldest = -1
for i = 1, #h, 2 do
  local b = tonumber(h[i])
  if b <= now - n then
    redis.call('HDEL', KEYS[1], h[i])
  else
    total = total + tonumber(h[i + 1])
    if oldest < 0 or b < oldest then oldest = b end
  end
end
local allowed = 0
if total < limit then
  redis.call('HINCRBY', KEYS[1], now, 1)
  total = total + 1
  allowed = 1
  if oldest < 0 then oldest = now end
end
redis.call('PEXPIRE', KEYS[1], (n + 1) * bucket_ms)
local reset = 0
if oldest >= 0 then reset = (oldest + n) * bucket_ms - now_ms end
return {allowed, total, reset}
";

/// Why a check could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
}

/// Sliding windows in Redis.
pub struct RedisLimiter {
    pub(super) limits: RateLimits,
    buckets: u64,
    bucket_ms: u64,
    client: redis::Client,
    conn: Mutex<Option<MultiplexedConnection>>,
    script: Script,
}

impl RedisLimiter {
    /// A limiter over the Redis at `url` (connected on first use, and again
    /// after an error).
    pub fn new(limits: RateLimits, url: &str) -> Result<Self, redis::RedisError> {
        let (buckets, bucket_ms) = super::buckets(&limits);
        Ok(Self {
            limits,
            buckets,
            bucket_ms,
            client: redis::Client::open(url)?,
            conn: Mutex::new(None),
            script: Script::new(SCRIPT),
        })
    }

    async fn connection(&self) -> Result<MultiplexedConnection, StoreError> {
        let mut slot = self.conn.lock().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let c = tokio::time::timeout(TIMEOUT, self.client.get_multiplexed_async_connection())
            .await
            .map_err(|_| StoreError::Timeout(TIMEOUT))??;
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Counts a request of `token` on `family` if it fits; None when the
    /// family is not limited.
    pub async fn check(&self, token: Uuid, family: Family) -> Result<Option<Decision>, StoreError> {
        let limit = self.limits.of(family);
        if limit == 0 {
            return Ok(None);
        }
        let mut conn = self.connection().await?;
        let key = format!("kasar:ratelimit:{token}:{}", family.as_str());
        let mut invocation = self.script.key(key);
        invocation.arg(self.bucket_ms).arg(self.buckets).arg(limit);
        let call = invocation.invoke_async::<(i64, i64, i64)>(&mut conn);
        let answer = match tokio::time::timeout(TIMEOUT, call).await {
            Ok(Ok(answer)) => answer,
            failed => {
                // A broken or slow connection is not kept: the next check connects again.
                *self.conn.lock().await = None;
                return Err(match failed {
                    Ok(Err(e)) => StoreError::Redis(e),
                    _ => StoreError::Timeout(TIMEOUT),
                });
            }
        };
        let (allowed, total, reset_ms) = answer;
        let total = u32::try_from(total.max(0)).unwrap_or(u32::MAX);
        Ok(Some(Decision {
            allowed: allowed == 1,
            limit,
            remaining: limit.saturating_sub(total),
            reset_ms: u64::try_from(reset_ms.max(0)).unwrap_or(0),
            window_seconds: self.limits.window.as_secs().max(1),
        }))
    }
}
