//! The merge journal in `kasar.merges`: written by a merge's transaction,
//! read by the history routes and by the lookup of merged-away ids. Every
//! query is scoped to the organization.

use std::collections::HashMap;

use kasar_application::ports::{MergeEntry, MergeFilter, MergeSummary, Tenant};
use kasar_application::StoreError;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::conn::Conn;
use crate::error::db;
use crate::tx::PgTx;

/// Longest chain of merges followed to find a survivor.
const MAX_CHAIN: usize = 64;

/// Writes `entry` and purges the organization's expired entries.
pub(crate) async fn record(
    tx: &PgTx,
    entry: &MergeEntry,
    retention_days: u32,
) -> Result<(), StoreError> {
    let json = serde_json::to_value(entry).map_err(|e| StoreError::Unexpected(e.into()))?;
    tx.exec(
        "INSERT INTO kasar.merges (id, organization_id, object_name, master_id, duplicate_ids, strategy, merged_by, token_id, entry) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &entry.merge_id,
            &tx.tenant.organization_id,
            &entry.object_name,
            &entry.master_id,
            &entry.duplicate_ids,
            &entry.strategy,
            &entry.merged_by,
            &entry.token_id,
            &json,
        ],
    )
    .await?;
    if retention_days > 0 {
        tx.exec(
            "DELETE FROM kasar.merges WHERE organization_id = $1 AND merged_at < now() - make_interval(days => $2)",
            &[&tx.tenant.organization_id, &i32::try_from(retention_days).unwrap_or(i32::MAX)],
        )
        .await?;
    }
    Ok(())
}

const SUMMARY: &str =
    "SELECT id, object_name, master_id, duplicate_ids, strategy, merged_at, merged_by, undone_at FROM kasar.merges";

fn summary(r: &Row) -> Result<MergeSummary, StoreError> {
    Ok(MergeSummary {
        merge_id: r.try_get(0).map_err(db)?,
        object_name: r.try_get(1).map_err(db)?,
        master_id: r.try_get(2).map_err(db)?,
        duplicate_ids: r.try_get(3).map_err(db)?,
        strategy: r.try_get(4).map_err(db)?,
        merged_at: r.try_get(5).map_err(db)?,
        merged_by: r.try_get(6).map_err(db)?,
        undone_at: r.try_get(7).map_err(db)?,
    })
}

/// A page of the organization's merges, newest first.
pub(crate) async fn list(
    conn: &Conn,
    tenant: &Tenant,
    filter: &MergeFilter,
    limit: u32,
) -> Result<Vec<MergeSummary>, StoreError> {
    let (at, id) = filter
        .before
        .map_or((None, None), |(a, i)| (Some(a), Some(i)));
    let days = i32::try_from(filter.retention_days).unwrap_or(i32::MAX);
    let sql = format!(
        "{SUMMARY} WHERE organization_id = $1 \
         AND ($2::text IS NULL OR object_name = $2) \
         AND ($3::uuid IS NULL OR master_id = $3 OR duplicate_ids @> ARRAY[$3::uuid]) \
         AND ($4::timestamptz IS NULL OR (merged_at, id) < ($4, $5::uuid)) \
         AND ($6 = 0 OR merged_at >= now() - make_interval(days => $6)) \
         ORDER BY merged_at DESC, id DESC LIMIT $7"
    );
    let rows = conn
        .query(
            &sql,
            &[
                &tenant.organization_id,
                &filter.object_name,
                &filter.record_id,
                &at,
                &id,
                &days,
                &i64::from(limit),
            ],
        )
        .await?;
    rows.iter().map(summary).collect()
}

/// One entry of the organization, with its times.
pub(crate) async fn get(
    conn: &Conn,
    tenant: &Tenant,
    id: Uuid,
) -> Result<Option<MergeEntry>, StoreError> {
    let row = conn
        .query_opt(
            "SELECT entry, merged_at, undone_at FROM kasar.merges WHERE organization_id = $1 AND id = $2",
            &[&tenant.organization_id, &id],
        )
        .await?;
    row.as_ref().map(entry_of).transpose()
}

/// The survivors of records merged away (following merges not undone):
/// one query per hop of the longest chain, whatever the number of ids.
pub(crate) async fn survivors(
    conn: &Conn,
    tenant: &Tenant,
    object: &str,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Uuid>, StoreError> {
    // Each id's current holder, starting from itself.
    let mut holder: HashMap<Uuid, Uuid> = ids.iter().map(|id| (*id, *id)).collect();
    let mut found: HashMap<Uuid, Uuid> = HashMap::new();
    let mut frontier: Vec<Uuid> = ids.to_vec();
    for _ in 0..MAX_CHAIN {
        if frontier.is_empty() {
            break;
        }
        let rows = conn
            .query(
                "SELECT DISTINCT ON (d) d, m.master_id FROM kasar.merges m, unnest(m.duplicate_ids) d \
                 WHERE m.organization_id = $1 AND m.object_name = $2 AND m.undone_at IS NULL \
                 AND m.duplicate_ids && $3::uuid[] AND d = ANY($3) ORDER BY d, m.merged_at DESC",
                &[&tenant.organization_id, &object, &frontier],
            )
            .await?;
        let mut next: HashMap<Uuid, Uuid> = HashMap::new();
        for r in &rows {
            next.insert(r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?);
        }
        frontier.clear();
        for (id, current) in &mut holder {
            if let Some(master) = next.get(current) {
                *current = *master;
                found.insert(*id, *master);
                frontier.push(*master);
            }
        }
        frontier.sort_unstable();
        frontier.dedup();
    }
    Ok(found)
}

/// One entry of the organization, locked (`FOR UPDATE`).
pub(crate) async fn lock(tx: &PgTx, id: Uuid) -> Result<Option<MergeEntry>, StoreError> {
    let rows = tx
        .rows(
            "SELECT entry, merged_at, undone_at FROM kasar.merges WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            &[&tx.tenant.organization_id, &id],
        )
        .await?;
    rows.first().map(entry_of).transpose()
}

/// Marks an entry undone.
pub(crate) async fn mark_undone(tx: &PgTx, id: Uuid) -> Result<(), StoreError> {
    tx.exec(
        "UPDATE kasar.merges SET undone_at = clock_timestamp() WHERE organization_id = $1 AND id = $2",
        &[&tx.tenant.organization_id, &id],
    )
    .await
    .map(|_| ())
}

/// An entry from `entry, merged_at, undone_at`.
fn entry_of(r: &Row) -> Result<MergeEntry, StoreError> {
    let json: serde_json::Value = r.try_get(0).map_err(db)?;
    let mut entry: MergeEntry =
        serde_json::from_value(json).map_err(|e| StoreError::Unexpected(e.into()))?;
    entry.merged_at = r.try_get(1).map_err(db)?;
    entry.undone_at = r.try_get(2).map_err(db)?;
    Ok(entry)
}

/// The latest merge, not undone, that took `id` away; locked.
pub(crate) async fn taking(
    tx: &PgTx,
    object: &str,
    id: Uuid,
) -> Result<Option<MergeEntry>, StoreError> {
    let rows = tx
        .rows(
            "SELECT entry, merged_at, undone_at FROM kasar.merges WHERE organization_id = $1 AND object_name = $2 \
             AND duplicate_ids @> ARRAY[$3::uuid] AND undone_at IS NULL ORDER BY merged_at DESC LIMIT 1 FOR UPDATE",
            &[&tx.tenant.organization_id, &object, &id],
        )
        .await?;
    rows.first().map(entry_of).transpose()
}

/// Replaces an entry (same id, same merged_at); it is no longer undone.
pub(crate) async fn rewrite(tx: &PgTx, entry: &MergeEntry) -> Result<(), StoreError> {
    let json = serde_json::to_value(entry).map_err(|e| StoreError::Unexpected(e.into()))?;
    tx.exec(
        "UPDATE kasar.merges SET entry = $3, undone_at = NULL WHERE organization_id = $1 AND id = $2",
        &[&tx.tenant.organization_id, &entry.merge_id, &json],
    )
    .await
    .map(|_| ())
}
