//! Bounded connections. Every round trip to PostgreSQL on a request's path
//! gets a deadline (`round_trip`); one that passes it answers `Unavailable`,
//! and the connection it ran on is discarded instead of returning to the
//! pool (a connection that stopped answering may answer later, to nobody).
//! Writes also take a permit of the write budget first, so that requests
//! waiting on row locks can never hold every connection: reads keep theirs.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::TimeoutType;
use deadpool_postgres::{Object, Pool, PoolError};
use futures_util::TryStreamExt;
use kasar_application::StoreError;
use tokio::runtime::Handle;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::Row;

use crate::error::{db, pool};
use crate::unnamed::ParamTypes;

/// How connections are handed out: the pool, the bound of a round trip, how
/// long to wait for a connection, and the budget of connections for writes.
#[derive(Clone)]
pub(crate) struct Connections {
    pool: Pool,
    round_trip: Duration,
    wait: Duration,
    writes: Arc<Semaphore>,
    /// `Some`: statements are sent unnamed, with the parameter types kept
    /// here (a pooler in transaction mode, see `unnamed`); `None`: named
    /// statements, prepared once per connection.
    unnamed: Option<Arc<ParamTypes>>,
    /// The runtime that drives the connections (see `connect`), if any.
    runtime: Option<Handle>,
}

impl Connections {
    /// Connections of `pool`; writes may hold `write_budget` of them at once;
    /// `named_statements` false sends every statement unnamed.
    pub(crate) fn new(
        pool: Pool,
        round_trip: Duration,
        wait: Duration,
        write_budget: usize,
        named_statements: bool,
    ) -> Self {
        Self {
            pool,
            round_trip,
            wait,
            writes: Arc::new(Semaphore::new(write_budget.max(1))),
            unnamed: (!named_statements).then(Arc::default),
            runtime: Handle::try_current().ok(),
        }
    }

    /// A connection for reads.
    pub(crate) async fn read(&self) -> Result<Conn, StoreError> {
        let object = self.pool.get().await.map_err(saturated_or_down)?;
        Ok(self.conn(object, None))
    }

    /// A connection for a unit of work that writes: a permit of the write
    /// budget first (503 busy when none frees up in time), then a connection.
    pub(crate) async fn write(&self) -> Result<Conn, StoreError> {
        let permit = tokio::time::timeout(self.wait, self.writes.clone().acquire_owned())
            .await
            .map_err(|_| StoreError::Busy("every write connection is in use".into()))?
            .map_err(|_| StoreError::Unavailable("the pool is closed".into()))?;
        let object = self.pool.get().await.map_err(saturated_or_down)?;
        Ok(self.conn(object, Some(permit)))
    }

    /// A pooled connection with this pool's bound, statement mode and
    /// runtime, holding `permit` (a write's) until it is dropped.
    fn conn(&self, object: Object, permit: Option<OwnedSemaphorePermit>) -> Conn {
        Conn {
            object: Some(object),
            round_trip: self.round_trip,
            broken: AtomicBool::new(false),
            _permit: permit,
            unnamed: self.unnamed.clone(),
            runtime: self.runtime.clone(),
        }
    }
}

/// A pool error: waiting for a free connection in vain is a saturated
/// service; not reaching the database is an outage.
fn saturated_or_down(e: PoolError) -> StoreError {
    match e {
        PoolError::Timeout(TimeoutType::Wait) => {
            StoreError::Busy("no database connection became free in time".into())
        }
        other => pool(other),
    }
}

/// One pooled connection whose round trips are bounded.
pub(crate) struct Conn {
    object: Option<Object>,
    round_trip: Duration,
    broken: AtomicBool,
    _permit: Option<OwnedSemaphorePermit>,
    unnamed: Option<Arc<ParamTypes>>,
    runtime: Option<Handle>,
}

impl Conn {
    /// The rows of `sql` (its one parameter: `param`), read on the runtime
    /// that drives the connection (see `on_runtime`).
    pub(crate) async fn rows_on_runtime<P>(
        self,
        sql: String,
        param: P,
    ) -> Result<Vec<Row>, StoreError>
    where
        P: ToSql + Sync + Send + 'static,
    {
        self.on_runtime(|conn| async move { conn.query(&sql, &[&param]).await })
            .await
    }

    /// Runs `work` on this connection on the runtime that drives it (here,
    /// when there is none). Rows arrive in as many batches as the socket is
    /// read; read from an HTTP worker, each batch crosses to that worker's
    /// thread, which doubled the time of a read of 5,000 rows (2.6 against
    /// 1.3 ms).
    pub(crate) async fn on_runtime<T, F>(
        self,
        work: impl FnOnce(Conn) -> F,
    ) -> Result<T, StoreError>
    where
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
        T: Send + 'static,
    {
        let Some(runtime) = self.runtime.clone() else {
            return work(self).await;
        };
        runtime
            .spawn(work(self))
            .await
            .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("a read was cut short: {e}")))?
    }

    /// Whether statements are named (and may be cached per connection).
    pub(crate) fn named_statements(&self) -> bool {
        self.unnamed.is_none()
    }

    pub(crate) fn client(&self) -> Result<&Object, StoreError> {
        self.object
            .as_ref()
            .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("connection already released")))
    }

    /// Runs one round trip under the bound. A timeout or a lost connection
    /// marks the connection broken: it will be discarded, not pooled.
    pub(crate) async fn bounded<T>(
        &self,
        round_trip: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, StoreError> {
        bounded(self.round_trip, &self.broken, round_trip).await
    }

    /// Whether a round trip failed in a way that leaves the connection unusable.
    pub(crate) fn is_broken(&self) -> bool {
        self.broken.load(Ordering::Relaxed)
    }

    /// The connection and its bound, for statements that need `&mut` access
    /// (a driver transaction); round trips go through [`bounded`].
    pub(crate) fn parts(&mut self) -> Result<(&mut Object, &AtomicBool, Duration), StoreError> {
        let object = self.object.as_mut().ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!("connection already released"))
        })?;
        Ok((object, &self.broken, self.round_trip))
    }

    /// Takes the connection out (for a transaction that ends it).
    pub(crate) fn take(&mut self) -> Option<Object> {
        self.object.take()
    }

    /// Runs a statement: prepared once per connection and cached (named
    /// statements), or sent unnamed with its described parameter types.
    /// Returns its rows and the number of rows it changed.
    async fn run(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<(Vec<Row>, u64), StoreError> {
        let c = self.client()?;
        let stream = match &self.unnamed {
            None => {
                let stmt = self.bounded(c.prepare_cached(sql)).await?;
                self.bounded(c.query_raw(&stmt, params.iter().copied()))
                    .await?
            }
            Some(known) => {
                let types = known.of(self, sql, params.len()).await?;
                let typed = params.iter().copied().zip(types.iter().cloned());
                self.bounded(c.query_typed_raw(sql, typed)).await?
            }
        };
        self.bounded(async move {
            futures_util::pin_mut!(stream);
            let mut rows = Vec::new();
            while let Some(row) = stream.try_next().await? {
                rows.push(row);
            }
            Ok((rows, stream.rows_affected().unwrap_or(0)))
        })
        .await
    }

    /// Rows of a statement.
    pub(crate) async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        Ok(self.run(sql, params).await?.0)
    }

    /// Rows of a statement whose parameters carry their types: sent with
    /// them, in one round trip, and not cached (selection SQL varies too much
    /// to be cached per connection).
    pub(crate) async fn query_typed(
        &self,
        sql: &str,
        params: &[(&(dyn ToSql + Sync), Type)],
    ) -> Result<Vec<Row>, StoreError> {
        let c = self.client()?;
        self.bounded(c.query_typed(sql, params)).await
    }

    /// The row of a statement, if any (more than one is an error).
    pub(crate) async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, StoreError> {
        let mut rows = self.run(sql, params).await?.0;
        if rows.len() > 1 {
            return Err(StoreError::Unexpected(anyhow::anyhow!(
                "{} rows where at most one was expected: {sql}",
                rows.len()
            )));
        }
        Ok(rows.pop())
    }

    /// Rows changed by a statement.
    pub(crate) async fn execute(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        Ok(self.run(sql, params).await?.1)
    }

    /// Statements without parameters.
    pub(crate) async fn batch_execute(&self, sql: &str) -> Result<(), StoreError> {
        let c = self.client()?;
        self.bounded(c.batch_execute(sql)).await
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.is_broken() {
            if let Some(object) = self.object.take() {
                // Detached from the pool: dropping it closes the connection.
                drop(Object::take(object));
            }
        }
    }
}

/// Runs `round_trip` within `limit`; a timeout or a lost connection sets
/// `broken`.
pub(crate) async fn bounded<T>(
    limit: Duration,
    broken: &AtomicBool,
    round_trip: impl Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(limit, round_trip).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => {
            let e = db(e);
            if matches!(e, StoreError::Unavailable(_)) {
                broken.store(true, Ordering::Relaxed);
            }
            Err(e)
        }
        Err(_) => {
            broken.store(true, Ordering::Relaxed);
            Err(StoreError::Unavailable(format!(
                "no answer from the database within {} ms",
                limit.as_millis()
            )))
        }
    }
}
