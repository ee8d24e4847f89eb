//! Wiring: the adapters plugged into the use cases, and the HTTP server bound
//! to its listener (port 0 picks a free port, which `port()` reports).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer};
use kasar_application::Services;
use kasar_http::{
    configure, request_log, track_metrics, HttpState, Limiter, Metrics, PoolGauge, PoolProbe,
    RateLimiter, RedisLimiter,
};
use kasar_postgres::Pool;
use kasar_postgres::{PgDirectory, PgStore};

use crate::settings::{RateLimitStore, Settings, SettingsError};

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Database(#[from] kasar_postgres::SetupError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("rate_limit.redis_url is not a Redis URL: {0}")]
    Redis(String),
    #[error("metrics: {0}")]
    Metrics(String),
    #[error("the database is not migrated: run `kasar migrate` first")]
    NotMigrated,
    #[error(
        "the key index was built with phone region {built}, but duplicates.phone_region is {configured}: \
         run `kasar reindex` to rebuild it with {configured} (or configure {built} again)"
    )]
    KeyRegion { built: String, configured: String },
    #[error("the key index could not be built: {0}")]
    KeyIndex(#[source] kasar_application::StoreError),
}

/// The store of `pool` as the server configures it, with a pool of the
/// replica (`database.read_url`) for its scans when one is set.
pub fn store(settings: &Settings, pool: &Pool) -> Result<PgStore, StartupError> {
    let store = primary_store(settings, pool)?;
    Ok(match settings.replica_pool() {
        Some(replica) => store.with_replica(kasar_postgres::pool(&replica)?, &replica),
        None => store,
    })
}

/// The store of `pool` alone, for the work that only the primary does
/// (the key index's check and rebuild, the background fold): none of it
/// scans, so it builds no pool of the replica.
pub fn primary_store(settings: &Settings, pool: &Pool) -> Result<PgStore, StartupError> {
    Ok(PgStore::new(
        pool.clone(),
        &settings.pool(),
        settings.limits()?.phone_region,
    ))
}

/// Makes sure the key index holds keys built with the configured phone
/// region: builds it when it never was, refuses another region.
pub async fn ensure_key_index(settings: &Settings, pool: &Pool) -> Result<(), StartupError> {
    let store = primary_store(settings, pool)?;
    let configured = settings.limits()?.phone_region.code().to_owned();
    match store
        .key_index_region()
        .await
        .map_err(StartupError::KeyIndex)?
    {
        Some(built) if built == configured => Ok(()),
        Some(built) => Err(StartupError::KeyRegion { built, configured }),
        None => {
            let report = store.reindex().await.map_err(StartupError::KeyIndex)?;
            tracing::info!(?report, region = %configured, "key index built");
            Ok(())
        }
    }
}

/// The pool and the use cases' services built from settings.
pub fn services(settings: &Settings) -> Result<(Pool, Services), StartupError> {
    let pool = kasar_postgres::pool(&settings.pool())?;
    let services = Services::new(
        Arc::new(store(settings, &pool)?),
        Arc::new(PgDirectory::new(pool.clone(), &settings.pool())),
        settings.limits()?,
    );
    Ok((pool, services))
}

/// A built, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
    /// The background fold of the key index's notes, stopped with the server.
    folder: Option<tokio::task::JoinHandle<()>>,
}

/// The rate limiter of `rate_limit.store`.
fn limiter(settings: &Settings) -> Result<Limiter, StartupError> {
    let limits = settings.rate_limits();
    Ok(match settings.rate_limit.store {
        RateLimitStore::Memory => Limiter::Memory(RateLimiter::new(limits)),
        RateLimitStore::Redis => Limiter::Redis(
            RedisLimiter::new(limits, &settings.rate_limit.redis_url)
                .map_err(|e| StartupError::Redis(e.to_string()))?,
        ),
    })
}

/// Reads the pool's gauges at each scrape.
fn pool_probe(pool: &Pool) -> PoolProbe {
    let pool = pool.clone();
    Arc::new(move || {
        let s = pool.status();
        PoolGauge {
            size: s.size,
            available: s.available,
            waiting: s.waiting,
        }
    })
}

impl Application {
    /// Builds the server on a migrated database and binds its listener.
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let (pool, services) = services(settings)?;
        if !kasar_postgres::is_migrated(&pool).await? {
            return Err(StartupError::NotMigrated);
        }
        ensure_key_index(settings, &pool).await?;
        let folder = match settings.duplicates.fold_interval_seconds {
            0 => None,
            seconds => Some(tokio::spawn(fold_loop(
                primary_store(settings, &pool)?,
                Duration::from_secs(seconds),
            ))),
        };
        let addr = format!("{}:{}", settings.server.host, settings.server.port);
        let listener = TcpListener::bind(&addr).map_err(|source| StartupError::Listen {
            addr: addr.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Listen {
                addr: addr.clone(),
                source,
            })?
            .port();
        let state = HttpState::with_parts(
            Arc::new(services),
            settings.server.body_limit,
            limiter(settings)?,
            Metrics::new(Some(pool_probe(&pool)))
                .map_err(|e| StartupError::Metrics(e.to_string()))?,
            settings.metrics.enabled,
        );
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(track_metrics))
                .wrap(from_fn(request_log))
                .configure(configure(state.clone()))
        })
        .shutdown_timeout(settings.server.shutdown_grace_seconds);
        // On its own, actix stops gracefully on SIGTERM only: SIGINT would drop
        // the requests in flight. Both get the graceful stop.
        match stop_signal() {
            Ok(signal) => server = server.shutdown_signal(signal),
            Err(e) => {
                tracing::warn!(error = %e, "cannot handle SIGTERM/SIGINT; actix defaults apply")
            }
        }
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        let server = server
            .listen(listener)
            .map_err(|source| StartupError::Listen { addr, source })?
            .run();
        Ok(Self {
            port,
            server,
            pool,
            folder,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped (SIGTERM/SIGINT stop it gracefully),
    /// then closes the pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some(folder) = &self.folder {
            folder.abort();
        }
        self.pool.close();
        tokio::time::sleep(Duration::from_millis(10)).await;
        result
    }
}

/// Folds the key index's notes every `every` (the first one period after
/// start; a fold that outlasts the period puts the next one a period after
/// it ended); a failure is logged and the next fold (or a detect) takes the
/// notes again.
async fn fold_loop(store: PgStore, every: Duration) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store.fold_pending().await {
            Ok(0) => {}
            Ok(objects) => tracing::debug!(objects, "folded the key index's notes"),
            Err(e) => tracing::warn!(error = %e, "background fold failed; detect folds the notes"),
        }
    }
}

/// Resolves on the first SIGTERM or SIGINT. The handlers are installed when
/// called, so a signal that arrives before the server runs is not lost.
#[cfg(unix)]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(
            signal = name,
            "stopping gracefully: no new connections, requests in flight finish"
        );
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
