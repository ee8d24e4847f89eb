//! Running selections: a page with its total, the ids a bulk `where` picks,
//! and an export streamed from a server-side cursor. Selection SQL varies with
//! every filter, so it is prepared per query rather than cached per
//! connection (the cache would grow without bound).

use futures_util::TryStreamExt;
use kasar_application::ports::{RecordStream, Selected, Tenant};
use kasar_application::StoreError;
use kasar_domain::select::{After, Selection};
use kasar_domain::{ObjectDef, Record};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::conn::{bounded, Conn};
use crate::error::db;
use crate::select::{clause, order_by};
use crate::sql::{decode_record, refs, select_records, table, Param};

/// Records read per round trip of an export.
const EXPORT_BATCH: i32 = 1000;

/// The first `limit` records after `after` and the number of matches.
pub(crate) async fn page(
    client: &Conn,
    tenant: &Tenant,
    object: &ObjectDef,
    selection: &Selection,
    after: Option<&After>,
    limit: u32,
) -> Result<Selected, StoreError> {
    let fetch: Param = Box::new(i64::from(limit) + 1);
    let rows_clause = clause(&tenant.schema, object, selection, after, 2);
    let sql = select_records(
        &tenant.schema,
        object,
        &format!(
            "WHERE {} {} LIMIT $1",
            rows_clause.sql,
            order_by(&selection.sort)
        ),
    );
    let mut params = vec![fetch];
    params.extend(rows_clause.params);
    let rows = client.query_once(&sql, &refs(&params)).await?;
    let mut records = rows
        .iter()
        .map(|r| decode_record(object, r))
        .collect::<Result<Vec<Record>, _>>()
        .map_err(db)?;
    let more = records.len() > limit as usize;
    records.truncate(limit as usize);
    let count_clause = clause(&tenant.schema, object, selection, None, 1);
    let count = format!(
        "SELECT count(*) FROM {} t WHERE {}",
        table(&tenant.schema, &object.name),
        count_clause.sql
    );
    let total: i64 = client
        .query_once(&count, &refs(&count_clause.params))
        .await?
        .first()
        .map_or(0, |r| r.get(0));
    Ok(Selected {
        records,
        total,
        more,
    })
}

/// The ids of the first `limit` matches, in id order.
pub(crate) async fn ids(
    client: &Conn,
    tenant: &Tenant,
    object: &ObjectDef,
    selection: &Selection,
    limit: u32,
) -> Result<Vec<Uuid>, StoreError> {
    let c = clause(&tenant.schema, object, selection, None, 2);
    let sql = format!(
        "SELECT t.id FROM {} t WHERE {} ORDER BY t.id LIMIT $1",
        table(&tenant.schema, &object.name),
        c.sql
    );
    let mut params: Vec<Param> = vec![Box::new(i64::from(limit))];
    params.extend(c.params);
    let rows = client.query_once(&sql, &refs(&params)).await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Streams every match in batches from a server-side cursor (a portal in a
/// read-only transaction), at most two batches ahead of the reader.
pub(crate) fn stream(
    conn: Conn,
    tenant: &Tenant,
    object: &ObjectDef,
    selection: &Selection,
) -> RecordStream {
    let c = clause(&tenant.schema, object, selection, None, 1);
    let sql = select_records(
        &tenant.schema,
        object,
        &format!("WHERE {} {}", c.sql, order_by(&selection.sort)),
    );
    let (tx, rx) = mpsc::channel(2);
    let object = object.clone();
    tokio::spawn(async move {
        if let Err(e) = produce(conn, &sql, c.params, &object, &tx).await {
            let _ = tx.send(Err(e)).await;
        }
    });
    Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

async fn produce(
    mut conn: Conn,
    sql: &str,
    params: Vec<Param>,
    object: &ObjectDef,
    out: &mpsc::Sender<Result<Vec<Record>, StoreError>>,
) -> Result<(), StoreError> {
    let (client, broken, limit) = conn.parts()?;
    let tx = bounded(limit, broken, client.transaction()).await?;
    let stmt = bounded(limit, broken, tx.prepare(sql)).await?;
    let portal = bounded(limit, broken, tx.bind(&stmt, &refs(&params))).await?;
    loop {
        let rows = bounded(limit, broken, tx.query_portal_raw(&portal, EXPORT_BATCH)).await?;
        futures_util::pin_mut!(rows);
        let mut batch = Vec::with_capacity(EXPORT_BATCH as usize);
        while let Some(row) = bounded(limit, broken, rows.try_next()).await? {
            batch.push(decode_record(object, &row).map_err(db)?);
        }
        let last = batch.len() < EXPORT_BATCH as usize;
        if !batch.is_empty() && out.send(Ok(batch)).await.is_err() {
            // The reader is gone (the client hung up): stop reading.
            return Ok(());
        }
        if last {
            break;
        }
    }
    bounded(limit, broken, tx.commit()).await
}
