//! Fuzzy models (`kasar.match_models`), record counts, and the candidates of
//! one record found through the blocking keys of the key index.

use kasar_application::ports::{Scanned, StoredModel, Tenant};
use kasar_application::StoreError;
use kasar_domain::ObjectDef;
use serde_json::Value as Json;
use uuid::Uuid;

use crate::conn::Connections;
use crate::error::db;
use crate::keys::{keys_table, BLOCKING};
use crate::sql::{ident, table};

/// The stored models of the organization (of one object when named).
pub(crate) async fn models(
    connections: &Connections,
    tenant: &Tenant,
    object_name: Option<String>,
) -> Result<Vec<(String, StoredModel)>, StoreError> {
    let conn = connections.read().await?;
    let rows = conn
        .query(
            "SELECT object_name, profile, records, model, estimated_at FROM kasar.match_models \
             WHERE organization_id = $1 AND ($2::text IS NULL OR object_name = $2) ORDER BY object_name",
            &[&tenant.organization_id, &object_name],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let model: Json = r.try_get(3).map_err(db)?;
            let records: i64 = r.try_get(2).map_err(db)?;
            Ok((
                r.try_get(0).map_err(db)?,
                StoredModel {
                    profile: r.try_get(1).map_err(db)?,
                    records: records.unsigned_abs(),
                    model: serde_json::from_value(model)
                        .map_err(|e| StoreError::Unexpected(e.into()))?,
                    estimated_at: r.try_get(4).map_err(db)?,
                },
            ))
        })
        .collect()
}

/// Stores (or replaces) the model of an object.
pub(crate) async fn save_model(
    connections: &Connections,
    tenant: &Tenant,
    object_name: &str,
    model: &StoredModel,
) -> Result<(), StoreError> {
    let conn = connections.write().await?;
    let json = serde_json::to_value(&model.model).map_err(|e| StoreError::Unexpected(e.into()))?;
    let records = i64::try_from(model.records).unwrap_or(i64::MAX);
    conn.execute(
        "INSERT INTO kasar.match_models (organization_id, object_name, profile, records, model, estimated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organization_id, object_name) DO UPDATE SET \
         profile = EXCLUDED.profile, records = EXCLUDED.records, model = EXCLUDED.model, estimated_at = EXCLUDED.estimated_at",
        &[&tenant.organization_id, &object_name, &model.profile, &records, &json, &model.estimated_at],
    )
    .await?;
    Ok(())
}

/// The number of records of an object.
pub(crate) async fn count(
    connections: &Connections,
    tenant: &Tenant,
    object: &ObjectDef,
) -> Result<u64, StoreError> {
    let conn = connections.read().await?;
    let sql = format!(
        "SELECT count(*) FROM {}",
        table(&tenant.schema, &object.name)
    );
    let row = conn.query_opt(&sql, &[]).await?;
    let n: i64 = row
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(db)?
        .unwrap_or(0);
    Ok(n.unsigned_abs())
}

/// The planner's estimate of an object's record count (`reltuples`, kept by
/// ANALYZE and autovacuum); `None` before the first statistics.
pub(crate) async fn count_estimate(
    connections: &Connections,
    tenant: &Tenant,
    object: &ObjectDef,
) -> Result<Option<u64>, StoreError> {
    let conn = connections.read().await?;
    let row = conn
        .query_opt(
            "SELECT reltuples::float8 FROM pg_class WHERE oid = $1::text::regclass",
            &[&table(&tenant.schema, &object.name)],
        )
        .await?;
    let estimate: Option<f64> = row.map(|r| r.try_get(0)).transpose().map_err(db)?;
    Ok(estimate.filter(|n| *n >= 0.0).map(|n| n as u64))
}

/// The records holding one of `keys` (blocking keys), `columns` as text;
/// a key more than `max_block` records hold is left out.
pub(crate) async fn block_candidates(
    connections: &Connections,
    tenant: &Tenant,
    object: &ObjectDef,
    keys: &[String],
    columns: &[String],
    max_block: usize,
) -> Result<Vec<Scanned>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let conn = connections.read().await?;
    let (sql, stored, cap) = blocks_query(&tenant.schema, object, keys, columns, max_block);
    let rows = conn.query(&sql, &[&stored, &cap]).await?;
    decode(&rows, columns.len())
}

/// The statement of [`block_candidates`] and its parameters (the keys in
/// their stored form, the bound). One statement: at most `max_block + 1`
/// index entries read per key, then the records by id.
pub(crate) fn blocks_query(
    schema: &str,
    object: &ObjectDef,
    keys: &[String],
    columns: &[String],
    max_block: usize,
) -> (String, Vec<String>, i64) {
    let mut list = vec!["t.id".to_owned(), "t.created_at".to_owned()];
    for c in columns {
        match object.field(c) {
            Some(f) if f.is_column() => list.push(format!("t.{}::text", ident(c))),
            _ => list.push("NULL::text".to_owned()),
        }
    }
    let stored: Vec<String> = keys
        .iter()
        .map(|k| kasar_domain::duplicates::stored_key(k).into_owned())
        .collect();
    let cap = i64::try_from(max_block).unwrap_or(i64::MAX);
    let sql = format!(
        "WITH hits AS (SELECT q.key, h.record_id FROM unnest($1::text[]) AS q(key) \
         CROSS JOIN LATERAL (SELECT k.record_id FROM {k} k WHERE k.criterion = {BLOCKING} AND k.key = q.key LIMIT $2::bigint + 1) h), \
         kept AS (SELECT key FROM hits GROUP BY key HAVING count(*) <= $2::bigint) \
         SELECT {} FROM {t} t WHERE t.id IN (SELECT h.record_id FROM hits h JOIN kept USING (key)) \
         ORDER BY t.created_at, t.id",
        list.join(", "),
        k = keys_table(schema, &object.name),
        t = table(schema, &object.name),
    );
    (sql, stored, cap)
}

/// Rows of [`blocks_query`] as scanned records.
pub(crate) fn decode(
    rows: &[tokio_postgres::Row],
    columns: usize,
) -> Result<Vec<Scanned>, StoreError> {
    rows.iter()
        .map(|r| {
            let id: Uuid = r.try_get(0).map_err(db)?;
            let texts = (0..columns)
                .map(|i| r.try_get::<_, Option<String>>(i + 2))
                .collect::<Result<Vec<_>, _>>()
                .map_err(db)?;
            Ok(Scanned {
                id,
                created_at: r.try_get(1).map_err(db)?,
                texts,
            })
        })
        .collect()
}
