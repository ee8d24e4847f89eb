//! Running selections: a page with its total, the ids a bulk `where` picks,
//! and an export streamed from a server-side cursor. Selection SQL varies with
//! every filter, so it is not cached per connection (the cache would grow
//! without bound); its parameters carry their types instead, so a statement
//! costs one round trip, not a prepare and an execute.

use kasar_application::ports::{RecordStream, Selected, Tenant};
use kasar_application::StoreError;
use kasar_domain::select::{After, Selection};
use kasar_domain::{ObjectDef, Record};
use tokio::sync::mpsc;
use tokio_postgres::types::{ToSql, Type};
use uuid::Uuid;

use crate::conn::{bounded, Conn};
use crate::error::db;
use crate::portal::portal_batch;
use crate::select::{clause, order_by, Typed};
use crate::sql::{decode_record, select_records, table};

/// Records read per round trip of an export.
const EXPORT_BATCH: i32 = 2000;

/// Parameters as the driver takes them with their types.
fn typed(params: &[Typed]) -> Vec<(&(dyn ToSql + Sync), Type)> {
    params
        .iter()
        .map(|(p, t)| (p.as_ref() as &(dyn ToSql + Sync), t.clone()))
        .collect()
}

/// The first `limit` records after `after` and the number of matches: two
/// statements sent together (pipelined), one round trip.
pub(crate) async fn page(
    client: &Conn,
    tenant: &Tenant,
    object: &ObjectDef,
    selection: &Selection,
    after: Option<&After>,
    limit: u32,
) -> Result<Selected, StoreError> {
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
    let mut params: Vec<Typed> = vec![(Box::new(i64::from(limit) + 1), Type::INT8)];
    params.extend(rows_clause.params);
    let count_clause = clause(&tenant.schema, object, selection, None, 1);
    let count = format!(
        "SELECT count(*) FROM {} t WHERE {}",
        table(&tenant.schema, &object.name),
        count_clause.sql
    );
    let (row_params, count_params) = (typed(&params), typed(&count_clause.params));
    let (rows, counted) = tokio::try_join!(
        client.query_typed(&sql, &row_params),
        client.query_typed(&count, &count_params),
    )?;
    let mut records = rows
        .iter()
        .map(|r| decode_record(object, r))
        .collect::<Result<Vec<Record>, _>>()
        .map_err(db)?;
    let more = records.len() > limit as usize;
    records.truncate(limit as usize);
    Ok(Selected {
        records,
        total: counted.first().map_or(0, |r| r.get(0)),
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
    let mut params: Vec<Typed> = vec![(Box::new(i64::from(limit)), Type::INT8)];
    params.extend(c.params);
    let rows = client.query_typed(&sql, &typed(&params)).await?;
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
    params: Vec<Typed>,
    object: &ObjectDef,
    out: &mpsc::Sender<Result<Vec<Record>, StoreError>>,
) -> Result<(), StoreError> {
    let (client, broken, limit) = conn.parts()?;
    let tx = bounded(
        limit,
        broken,
        client.build_transaction().read_only(true).start(),
    )
    .await?;
    let types: Vec<Type> = params.iter().map(|(_, t)| t.clone()).collect();
    let stmt = bounded(limit, broken, tx.prepare_typed(sql, &types)).await?;
    let values: Vec<&(dyn ToSql + Sync)> = params
        .iter()
        .map(|(p, _)| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let portal = bounded(limit, broken, tx.bind(&stmt, &values)).await?;
    loop {
        let mut batch = Vec::with_capacity(EXPORT_BATCH as usize);
        portal_batch(&tx, &portal, EXPORT_BATCH, (limit, broken), |row| {
            batch.push(decode_record(object, row)?);
            Ok(())
        })
        .await?;
        let last = batch.len() < EXPORT_BATCH as usize;
        if !batch.is_empty() && out.send(Ok(batch)).await.is_err() {
            // The reader is gone (the client hung up): stop reading.
            return Ok(());
        }
        if last {
            break;
        }
    }
    // Closed in the transaction, before COMMIT (a dropped statement sends its
    // Close): behind a pooler in transaction mode no name outlives it.
    drop(portal);
    drop(stmt);
    bounded(limit, broken, tx.commit()).await
}
