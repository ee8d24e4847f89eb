//! Undoing a merge's re-linking from its journal: one statement per
//! (object, field) of references and per (junction, side) of links.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kasar_application::ports::{MovedLink, MovedReference, Relinked};
use kasar_application::StoreError;
use kasar_domain::{Catalog, FieldType};
use tracing::instrument;
use uuid::Uuid;

use crate::sql::{ident, table};
use crate::tx::PgTx;

/// Restores the references and links of `relinked` around `master`:
/// (references restored, links restored).
#[instrument(skip_all, fields(references = relinked.references.len(), links = relinked.links.len()))]
pub(crate) async fn unrelink(
    tx: &PgTx,
    catalog: &Catalog,
    master: Uuid,
    relinked: &Relinked,
) -> Result<(u64, u64), StoreError> {
    let mut references: BTreeMap<(&str, &str), Vec<&MovedReference>> = BTreeMap::new();
    for r in &relinked.references {
        references.entry((&r.object, &r.field)).or_default().push(r);
    }
    let mut restored = 0;
    for ((object, field), refs) in references {
        if catalog
            .object(object)
            .and_then(|o| o.field(field))
            .is_none()
        {
            continue; // the catalog no longer holds it
        }
        restored += references_back(tx, object, field, master, &refs).await?;
    }
    let mut links: BTreeMap<(&str, &str), Vec<&MovedLink>> = BTreeMap::new();
    for l in &relinked.links {
        links.entry((&l.table, &l.side)).or_default().push(l);
    }
    let mut linked = 0;
    for ((junction, side), rows) in links {
        let Some(other_table) = other_side(catalog, junction, side) else {
            continue;
        };
        linked += links_back(tx, junction, side, &other_table, master, &rows).await?;
    }
    Ok((restored, linked))
}

/// The object on the other side of `side` of a junction, from the catalog.
fn other_side(catalog: &Catalog, junction: &str, side: &str) -> Option<String> {
    for source in &catalog.objects {
        for f in source
            .fields
            .iter()
            .filter(|f| f.field_type == FieldType::ManyToMany)
        {
            if f.junction_table(&source.name) == junction {
                let target = f.target.clone()?;
                return Some(if side == "source_id" {
                    target
                } else {
                    source.name.clone()
                });
            }
        }
    }
    None
}

/// References of one field that still point at the master point at their
/// duplicate again; `updated_at` goes back when nothing changed the record
/// since the merge.
async fn references_back(
    tx: &PgTx,
    object: &str,
    field: &str,
    master: Uuid,
    refs: &[&MovedReference],
) -> Result<u64, StoreError> {
    let ids: Vec<Uuid> = refs.iter().map(|r| r.record_id).collect();
    let dups: Vec<Uuid> = refs.iter().map(|r| r.duplicate_id).collect();
    let before: Vec<DateTime<Utc>> = refs.iter().map(|r| r.updated_at).collect();
    let after: Vec<DateTime<Utc>> = refs.iter().map(|r| r.merged_updated_at).collect();
    let col = ident(field);
    let sql = format!(
        "UPDATE {} t SET {col} = u.dup, \
         updated_at = CASE WHEN t.updated_at = u.after THEN u.before ELSE clock_timestamp() END \
         FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS u(id, dup, before, after) \
         WHERE t.id = u.id AND t.{col} = $5",
        table(&tx.tenant.schema, object)
    );
    tx.exec(&sql, &[&ids, &dups, &before, &after, &master])
        .await
}

/// Junction rows of one side: moved rows the master still has move back,
/// dropped rows are re-created, where the other side still exists.
async fn links_back(
    tx: &PgTx,
    junction: &str,
    side: &str,
    other_table: &str,
    master: Uuid,
    rows: &[&MovedLink],
) -> Result<u64, StoreError> {
    let other = if side == "source_id" {
        "target_id"
    } else {
        "source_id"
    };
    let dups: Vec<Uuid> = rows.iter().map(|l| l.duplicate_id).collect();
    let others: Vec<Uuid> = rows.iter().map(|l| l.other_id).collect();
    let at: Vec<DateTime<Utc>> = rows.iter().map(|l| l.created_at).collect();
    let moved: Vec<bool> = rows.iter().map(|l| l.moved).collect();
    let schema = &tx.tenant.schema;
    let j = table(schema, junction);
    let o = table(schema, other_table);
    let sql = format!(
        "WITH l AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::bool[]) AS l(dup, other, at, moved)), \
         del AS (DELETE FROM {j} j USING l WHERE l.moved AND j.{side} = $5 AND j.{other} = l.other RETURNING l.dup, l.other, l.at), \
         back AS (SELECT dup, other, at FROM del UNION ALL SELECT dup, other, at FROM l WHERE NOT l.moved), \
         ins AS (INSERT INTO {j} ({side}, {other}, created_at) SELECT b.dup, b.other, b.at FROM back b \
                 WHERE EXISTS (SELECT 1 FROM {o} x WHERE x.id = b.other) ON CONFLICT DO NOTHING RETURNING 1) \
         SELECT count(*) FROM ins"
    );
    let rows = tx
        .rows(&sql, &[&dups, &others, &at, &moved, &master])
        .await?;
    Ok(rows
        .first()
        .map_or(0, |r| r.get::<_, i64>(0))
        .unsigned_abs())
}
