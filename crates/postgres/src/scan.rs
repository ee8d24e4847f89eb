//! The scan of an object's newest records for detect: a portal read in
//! batches inside a transaction, each row handed to a sink with the scanned
//! columns as text.

use kasar_application::ports::{ScanSink, Tenant};
use kasar_application::StoreError;
use kasar_domain::ObjectDef;

use crate::conn::{bounded, portal_batch, Conn};
use crate::sql::{ident, table};

/// Rows fetched per round trip by a duplicates scan.
const SCAN_BATCH: i32 = 8192;

/// Streams the newest `limit` records of `object` on `conn` into `sink`;
/// returns how many were read.
pub(crate) async fn newest(
    mut conn: Conn,
    tenant: &Tenant,
    object: &ObjectDef,
    columns: &[String],
    limit: u32,
    sink: &mut ScanSink<'_>,
) -> Result<usize, StoreError> {
    let mut list = vec!["id".to_owned(), "created_at".to_owned()];
    // Every column as text (fuzzy comparisons read dates, numbers and
    // ids too); a name that is no column reads null.
    for c in columns {
        match object.field(c) {
            Some(f) if f.field_type.is_textual() => list.push(ident(c)),
            Some(f) if f.is_column() => list.push(format!("{}::text", ident(c))),
            _ => list.push("NULL::text".to_owned()),
        }
    }
    let sql = format!(
        "SELECT {} FROM {} ORDER BY created_at DESC, id DESC LIMIT $1",
        list.join(", "),
        table(&tenant.schema, &object.name)
    );
    // A portal read in batches: rows arrive while the previous ones are
    // processed, and no more than one batch waits in memory however
    // large the scan (a plain query would buffer what the sink has not
    // consumed yet). Read-only; dropped, the transaction rolls back.
    let named = conn.named_statements();
    let (client, broken, limit_rt) = conn.parts()?;
    let tx = bounded(limit_rt, broken, client.transaction()).await?;
    // Unnamed statements (a pooler in transaction mode): the portal needs
    // a named statement, prepared in the transaction and closed before
    // it ends, so nothing named outlives it (see `unnamed`).
    let stmt = if named {
        bounded(limit_rt, broken, tx.prepare_cached(&sql)).await?
    } else {
        bounded(limit_rt, broken, tx.prepare(&sql)).await?
    };
    let portal = bounded(limit_rt, broken, tx.bind(&stmt, &[&i64::from(limit)])).await?;
    let mut count = 0;
    loop {
        let in_batch = portal_batch(&tx, &portal, SCAN_BATCH, (limit_rt, broken), |row| {
            let texts = (0..columns.len())
                .map(|i| row.try_get(i + 2))
                .collect::<Result<Vec<Option<&str>>, _>>()?;
            sink(row.try_get(0)?, row.try_get(1)?, &texts);
            Ok(())
        })
        .await?;
        count += in_batch;
        if in_batch < SCAN_BATCH as usize {
            break;
        }
    }
    // Closed in the transaction (a dropped statement sends its Close).
    drop(portal);
    drop(stmt);
    bounded(limit_rt, broken, tx.commit()).await?;
    Ok(count)
}
