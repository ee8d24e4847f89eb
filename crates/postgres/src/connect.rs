//! Where connections live. A connection's socket and its driver task belong
//! to the runtime that opened them; opened from an HTTP worker, they would die
//! with that worker when a graceful shutdown stops idle workers first, under
//! the requests of other workers still using them. So every connection is
//! opened on, and driven by, the runtime that built the pool, which outlives
//! the HTTP server.

use deadpool_postgres::Connect;
use futures_util::future::BoxFuture;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, Config, Error, NoTls};

/// Opens connections on one runtime (the current one when the pool is
/// built; the caller's when there is none).
pub(crate) struct OnRuntime {
    handle: Option<Handle>,
}

impl OnRuntime {
    /// Connections on the runtime running now, if any.
    pub(crate) fn current() -> Self {
        Self {
            handle: Handle::try_current().ok(),
        }
    }
}

impl Connect for OnRuntime {
    fn connect(&self, config: &Config) -> BoxFuture<'_, Result<(Client, JoinHandle<()>), Error>> {
        let config = config.clone();
        let handle = self.handle.clone();
        Box::pin(async move {
            if let Some(handle) = handle {
                if let Ok(opened) = handle.spawn(open(config.clone())).await {
                    return opened;
                }
                // The pool's runtime is shutting down: open here instead.
            }
            open(config).await
        })
    }
}

/// Opens a connection and spawns its driver on the current runtime.
async fn open(config: Config) -> Result<(Client, JoinHandle<()>), Error> {
    let (client, connection) = config.connect(NoTls).await?;
    let driver = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "database connection ended");
        }
    });
    Ok((client, driver))
}
