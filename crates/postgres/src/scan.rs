//! The scans of an object's newest records for detect: their key digests
//! (exact detect) or their columns as text (fuzzy detect), read in batches
//! inside a transaction when they may be many, each row handed to a sink.

use kasar_application::ports::{DigestSink, ScanSink, Tenant};
use kasar_application::StoreError;
use kasar_domain::duplicates::Criterion;
use kasar_domain::ObjectDef;
use tokio_postgres::Row;

use crate::conn::{bounded, Conn};
use crate::copy_out;
use crate::digests::DigestRecord;
use crate::error::db;
use crate::key_tables::digests_table;
use crate::portal::portal_batch;
use crate::sql::{ident, table};

/// Rows fetched per round trip by a duplicates scan.
const SCAN_BATCH: i32 = 8192;

/// Streams the newest `limit` records of `object` on `conn` into `sink`;
/// returns how many were read.
pub(crate) async fn newest(
    conn: Conn,
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
    read(conn, &sql, limit, |row| {
        let texts = (0..columns.len())
            .map(|i| row.try_get(i + 2))
            .collect::<Result<Vec<Option<&str>>, _>>()?;
        sink(row.try_get(0)?, row.try_get(1)?, &texts);
        Ok(())
    })
    .await
}

/// Streams the key digests of the newest `limit` records of `object` into
/// `sink` (their digests table's primary key read backwards, each record as
/// its column `d` lays it out); returns how many were read. Up to one batch
/// of them, on named statements, as the binary output of `COPY` (see
/// `copy_out`; its statement kept prepared when `keep`); otherwise as the
/// rows of a query.
pub(crate) async fn newest_digests(
    conn: Conn,
    tenant: &Tenant,
    object: &ObjectDef,
    limit: u32,
    keep: bool,
    sink: &mut DigestSink<'_>,
) -> Result<usize, StoreError> {
    let newest = format!(
        "SELECT d FROM {} ORDER BY created_at DESC, record_id DESC",
        digests_table(&tenant.schema, &object.name)
    );
    if limit <= SCAN_BATCH.unsigned_abs() && conn.named_statements() {
        // COPY takes no parameters: the limit, a number, is written in.
        let copy = format!("COPY ({newest} LIMIT {limit}) TO STDOUT (FORMAT binary)");
        return copy_out::each_field(conn, copy, keep, &mut |d| {
            let d = d.ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("a null `d`")))?;
            to_sink(DigestRecord::parse(d)?, sink);
            Ok(())
        })
        .await;
    }
    let mut failed = None;
    let count = read(conn, &format!("{newest} LIMIT $1"), limit, |row| {
        match DigestRecord::parse(row.try_get(0)?) {
            Ok(record) => to_sink(record, sink),
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
        Ok(())
    })
    .await?;
    failed.map_or(Ok(count), Err)
}

/// Hands one record's digests to `sink`.
fn to_sink(record: DigestRecord<'_>, sink: &mut DigestSink<'_>) {
    // `digests` is by criterion code, the order of `ALL`.
    let ([c0, c1, c2, c3], [d0, d1, d2, d3]) = (Criterion::ALL, record.digests);
    sink(
        record.id,
        record.created_at,
        &[(c0, d0), (c1, d1), (c2, d2), (c3, d3)],
    );
}

/// Runs `sql` (its one parameter: `limit`) on `conn`, each row to `each`;
/// returns how many rows were read. Up to one batch, one round trip, read on
/// the runtime that drives the connection (`Conn::rows_on_runtime`); more, a
/// portal read in batches inside a read-only transaction, so that rows arrive
/// while the previous ones are processed and no more than one batch waits in
/// memory however large the scan (a plain query would buffer what `each` has
/// not consumed yet).
async fn read(
    mut conn: Conn,
    sql: &str,
    limit: u32,
    mut each: impl FnMut(&Row) -> Result<(), tokio_postgres::Error>,
) -> Result<usize, StoreError> {
    let limit = i64::from(limit);
    if limit <= i64::from(SCAN_BATCH) {
        let rows = conn.rows_on_runtime(sql.to_owned(), limit).await?;
        for row in &rows {
            each(row).map_err(db)?;
        }
        return Ok(rows.len());
    }
    let named = conn.named_statements();
    let (client, broken, limit_rt) = conn.parts()?;
    let tx = bounded(limit_rt, broken, client.transaction()).await?;
    // Unnamed statements (a pooler in transaction mode): the portal needs
    // a named statement, prepared in the transaction and closed before
    // it ends, so nothing named outlives it (see `unnamed`).
    let stmt = if named {
        bounded(limit_rt, broken, tx.prepare_cached(sql)).await?
    } else {
        bounded(limit_rt, broken, tx.prepare(sql)).await?
    };
    let portal = bounded(limit_rt, broken, tx.bind(&stmt, &[&limit])).await?;
    let mut count = 0;
    loop {
        let in_batch =
            portal_batch(&tx, &portal, SCAN_BATCH, (limit_rt, broken), &mut each).await?;
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
