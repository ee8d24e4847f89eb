//! The PostgreSQL adapter: implements the application's `Store` and
//! `Directory` ports with tokio-postgres over a deadpool pool, provisions
//! organization schemas from the catalog, and runs the embedded migrations.

mod batch;
mod catalog;
mod conn;
mod connect;
mod copy_out;
mod ddl;
mod digests;
mod directory;
mod dismissals;
mod error;
mod journal;
mod key_groups;
mod key_groups_background;
mod key_groups_fold;
mod key_replace;
mod key_rows;
mod key_tables;
mod keys;
mod models;
mod portal;
mod reindex;
mod relink;
mod scan;
mod schema;
mod select;
mod selecting;
mod sql;
mod store;
mod tid;
mod tx;
mod unnamed;
mod unrelink;
mod write;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod, Runtime, Timeouts};

pub use deadpool_postgres::Pool;
pub use directory::PgDirectory;
pub use reindex::ReindexReport;
pub use store::PgStore;

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// Connection settings of the pool.
#[derive(Clone)]
pub struct PoolSettings {
    pub url: String,
    pub max_size: usize,
    /// How long a request waits for a connection (or to connect) before the
    /// database counts as unavailable (or the service as busy).
    pub timeout: Duration,
    /// `statement_timeout` of every connection, if any.
    pub statement_timeout: Option<Duration>,
    /// The bound of one round trip on a request's path: past it the request
    /// gets 503 and the connection is discarded.
    pub round_trip: Duration,
    /// Connections writes may never take: reads always find one of these.
    pub read_reserve: usize,
    /// Statements prepared under a name and cached per connection (true), or
    /// sent unnamed (false: behind a pooler in transaction mode that does
    /// not track prepared statements, such as PgBouncer before 1.21).
    pub named_statements: bool,
    /// How many of the newest records' digests a detect with the default
    /// scan reads: the one read whose statement each connection keeps
    /// prepared; a read of another length prepares its statement for itself.
    pub kept_scan: u32,
}

impl PoolSettings {
    /// The bounded connections of `pool`.
    pub(crate) fn connections(&self, pool: Pool) -> conn::Connections {
        let budget = self.max_size.saturating_sub(self.read_reserve).max(1);
        conn::Connections::new(
            pool,
            self.round_trip,
            self.timeout,
            budget,
            self.named_statements,
        )
    }
}

/// Why the database could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("invalid database URL: {0}")]
    Url(#[source] tokio_postgres::Error),
    #[error("could not build the connection pool: {0}")]
    Pool(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

/// Builds the pool (connections are opened lazily).
pub fn pool(settings: &PoolSettings) -> Result<Pool, SetupError> {
    let mut config: tokio_postgres::Config = settings.url.parse().map_err(SetupError::Url)?;
    config.connect_timeout(settings.timeout);
    config.application_name("kasar");
    // A peer that vanished (a dead host, a cut link) is noticed by the socket
    // itself: unacknowledged data or keepalives end the connection.
    config.keepalives(true);
    config.keepalives_idle(Duration::from_secs(10));
    config.keepalives_interval(Duration::from_secs(2));
    config.keepalives_retries(3);
    config.tcp_user_timeout(settings.round_trip);
    if let Some(t) = settings.statement_timeout {
        config.options(format!("-c statement_timeout={}", t.as_millis()));
    }
    let manager = Manager::from_connect(
        config,
        connect::OnRuntime::current(),
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(settings.max_size)
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: Some(settings.timeout),
            create: Some(settings.timeout),
            recycle: Some(settings.timeout),
        })
        .build()
        .map_err(|e| SetupError::Pool(e.to_string()))
}

/// Runs the embedded migrations (idempotent). Returns the versions applied now.
pub async fn migrate(pool: &Pool) -> Result<Vec<String>, SetupError> {
    let mut client = pool
        .get()
        .await
        .map_err(|e| SetupError::Unavailable(e.to_string()))?;
    let report = embedded::migrations::runner()
        .run_async(&mut **client)
        .await
        .map_err(|e| SetupError::Migration(e.to_string()))?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| format!("V{}__{}", m.version(), m.name()))
        .collect())
}

/// Whether every embedded migration has been applied.
pub async fn is_migrated(pool: &Pool) -> Result<bool, SetupError> {
    let client = pool
        .get()
        .await
        .map_err(|e| SetupError::Unavailable(e.to_string()))?;
    let latest = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0);
    // Unnamed statements (one message each): this also runs behind a pooler
    // in transaction mode.
    let client = &client;
    let one = |sql: &'static str| async move {
        client
            .query_typed(sql, &[])
            .await
            .map_err(|e| SetupError::Unavailable(e.to_string()))?
            .into_iter()
            .next()
            .ok_or_else(|| SetupError::Unavailable(format!("no row: {sql}")))
    };
    let exists: bool = one("SELECT to_regclass('public.refinery_schema_history') IS NOT NULL")
        .await?
        .get(0);
    if !exists {
        return Ok(false);
    }
    let applied: Option<i32> = one("SELECT max(version) FROM refinery_schema_history")
        .await?
        .get(0);
    Ok(applied.map(i64::from).unwrap_or(0) >= latest)
}
