//! Portals read in batches: the long read-only scans (detect's, exports)
//! fetch their rows a batch per round trip inside a transaction.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use futures_util::TryStreamExt;
use kasar_application::StoreError;
use tokio_postgres::Row;

use crate::conn::bounded;

/// Fetches the next `size` rows of `portal` in `tx` (one round trip, bounded
/// as a whole: a bound per row would arm a timer thousands of times a
/// batch), handing each to `each`; returns how many came (fewer than `size`
/// once the portal is exhausted).
pub(crate) async fn portal_batch(
    tx: &deadpool_postgres::Transaction<'_>,
    portal: &tokio_postgres::Portal,
    size: i32,
    (limit, broken): (Duration, &AtomicBool),
    mut each: impl FnMut(&Row) -> Result<(), tokio_postgres::Error>,
) -> Result<usize, StoreError> {
    bounded(limit, broken, async {
        let rows = tx.query_portal_raw(portal, size).await?;
        futures_util::pin_mut!(rows);
        let mut n = 0;
        while let Some(row) = rows.try_next().await? {
            each(&row)?;
            n += 1;
        }
        Ok(n)
    })
    .await
}
