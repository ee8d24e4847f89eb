//! Detect's read of the key index: the keys that more than one record of
//! the scan holds, with their records' ids and creation times, in one
//! read-only snapshot. Over the whole table it reads only colliding keys (the
//! primary key's order groups them) and never the records' columns; over the
//! newest N it reads those records' keys through the index by record.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use kasar_application::ports::{KeySink, Tenant};
use kasar_application::StoreError;
use kasar_domain::duplicates::Criterion;
use kasar_domain::ObjectDef;
use tokio_postgres::IsolationLevel;
use uuid::Uuid;

use crate::conn::{bounded, Conn};
use crate::error::db;
use crate::keys::keys_table;
use crate::sql::table;

/// Rows fetched per round trip.
const BATCH: i32 = 8192;

/// The statement: the scan's records are `s` (the whole table, or its newest
/// `$2`), their keys of the criteria `$1` that collide within `s`, ordered by
/// record so that each record's keys arrive together.
fn statement(tenant: &Tenant, object: &ObjectDef, whole: bool) -> String {
    let (t, k) = (
        table(&tenant.schema, &object.name),
        keys_table(&tenant.schema, &object.name),
    );
    if whole {
        format!(
            "SELECT k.record_id, t.created_at, k.criterion, k.key \
             FROM {k} k JOIN {t} t ON t.id = k.record_id \
             WHERE (k.criterion, k.key) IN \
                 (SELECT criterion, key FROM {k} WHERE criterion = ANY($1) GROUP BY criterion, key HAVING count(*) > 1) \
             ORDER BY k.record_id"
        )
    } else {
        format!(
            "WITH s AS MATERIALIZED (SELECT id, created_at FROM {t} ORDER BY created_at DESC, id DESC LIMIT $2), \
             sk AS MATERIALIZED (SELECT s.id, s.created_at, k.criterion, k.key FROM s JOIN {k} k ON k.record_id = s.id \
                                 WHERE k.criterion = ANY($1)) \
             SELECT id, created_at, criterion, key FROM sk WHERE (criterion, key) IN \
                 (SELECT criterion, key FROM sk GROUP BY criterion, key HAVING count(*) > 1) \
             ORDER BY id"
        )
    }
}

/// Feeds `sink` each record of the scan of the `limit` newest records that
/// shares a key with another, with those keys; returns how many records the
/// scan covers.
pub(crate) async fn scan_keys(
    conn: &mut Conn,
    tenant: &Tenant,
    object: &ObjectDef,
    criteria: &[Criterion],
    limit: u32,
    sink: &mut KeySink<'_>,
) -> Result<usize, StoreError> {
    let codes: Vec<i16> = criteria.iter().map(|c| c.code()).collect();
    let limit = i64::from(limit);
    let (client, broken, rt) = conn.parts()?;
    let tx = bounded(
        rt,
        broken,
        client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start(),
    )
    .await?;
    // One row past the limit tells a scan of the whole table (when the table
    // holds no more than the limit) from one of its newest `limit` records.
    let count_sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT $1::bigint + 1) s",
        table(&tenant.schema, &object.name)
    );
    let count: i64 = bounded(rt, broken, tx.query_one(&count_sql, &[&limit]))
        .await?
        .try_get(0)
        .map_err(db)?;
    let whole = count <= limit;
    let count = count.min(limit);
    let stmt = bounded(rt, broken, tx.prepare(&statement(tenant, object, whole))).await?;
    let portal = if whole {
        bounded(rt, broken, tx.bind(&stmt, &[&codes])).await?
    } else {
        bounded(rt, broken, tx.bind(&stmt, &[&codes, &limit])).await?
    };
    let mut current: Option<(Uuid, DateTime<Utc>)> = None;
    let mut keys: Vec<(Criterion, String)> = Vec::new();
    let mut flush = |current: &Option<(Uuid, DateTime<Utc>)>,
                     keys: &mut Vec<(Criterion, String)>| {
        if let Some((id, at)) = current {
            sink(*id, *at, keys);
        }
        keys.clear();
    };
    loop {
        let rows = bounded(rt, broken, tx.query_portal_raw(&portal, BATCH)).await?;
        futures_util::pin_mut!(rows);
        let mut in_batch = 0;
        while let Some(row) = bounded(rt, broken, rows.try_next()).await? {
            in_batch += 1;
            let id: Uuid = row.try_get(0).map_err(db)?;
            if current.map(|(c, _)| c) != Some(id) {
                flush(&current, &mut keys);
                current = Some((id, row.try_get(1).map_err(db)?));
            }
            let code: i16 = row.try_get(2).map_err(db)?;
            if let Some(c) = Criterion::from_code(code) {
                keys.push((c, row.try_get(3).map_err(db)?));
            }
        }
        if in_batch < BATCH {
            break;
        }
    }
    flush(&current, &mut keys);
    bounded(rt, broken, tx.commit()).await?;
    usize::try_from(count).map_err(|e| StoreError::Unexpected(e.into()))
}
