//! Re-linking for a merge: every BELONGS_TO_ONE column (of any object) that
//! points at a duplicate is pointed at the master; every junction row of a
//! duplicate is moved to the master, or dropped where the master already has
//! that link. One statement per relation, found from the catalog; each
//! returns the rows it changed, for the merge journal.

use std::collections::HashSet;

use kasar_application::ports::{MovedLink, MovedReference, Relinked};
use kasar_application::StoreError;
use kasar_domain::catalog::InboundRelation;
use kasar_domain::{Catalog, ObjectDef};
use tracing::instrument;
use uuid::Uuid;

use crate::error::db;
use crate::sql::{ident, table};
use crate::tx::PgTx;

/// Re-links `duplicates` to `master` inside `tx`.
#[instrument(skip_all, fields(object = %object.name, duplicates = duplicates.len()))]
pub(crate) async fn relink(
    tx: &PgTx,
    catalog: &Catalog,
    object: &ObjectDef,
    master: Uuid,
    duplicates: &[Uuid],
) -> Result<Relinked, StoreError> {
    let schema = &tx.tenant.schema;
    let mut out = Relinked::default();
    for relation in catalog.inbound_relations(&object.name) {
        match relation {
            InboundRelation::Column {
                source_object,
                field,
            } => {
                let col = ident(&field);
                let t = table(schema, &source_object);
                // The subquery reads each row as it was; the outer condition
                // is checked again on a row changed concurrently.
                let sql = format!(
                    "UPDATE {t} t SET {col} = $1, updated_at = clock_timestamp() \
                     FROM (SELECT id, {col} AS was, updated_at AS at FROM {t} WHERE {col} = ANY($2)) o \
                     WHERE t.id = o.id AND t.{col} = ANY($2) RETURNING t.id, o.was, o.at, t.updated_at"
                );
                for r in tx.rows(&sql, &[&master, &duplicates]).await? {
                    out.references.push(MovedReference {
                        object: source_object.clone(),
                        field: field.clone(),
                        record_id: r.try_get(0).map_err(db)?,
                        duplicate_id: r.try_get(1).map_err(db)?,
                        updated_at: r.try_get(2).map_err(db)?,
                        merged_updated_at: r.try_get(3).map_err(db)?,
                    });
                }
            }
            InboundRelation::Junction {
                table: junction,
                column,
            } => {
                let (side, other) = (column.column(), column.other());
                let j = table(schema, &junction);
                let sql = format!(
                    "WITH gone AS (DELETE FROM {j} WHERE {side} = ANY($2) RETURNING {side} AS d, {other} AS o, created_at), \
                     ins AS (INSERT INTO {j} ({side}, {other}) SELECT DISTINCT $1::uuid, o FROM gone \
                             ON CONFLICT DO NOTHING RETURNING {other} AS o) \
                     SELECT d, o, created_at, o IN (SELECT o FROM ins) FROM gone ORDER BY o, d"
                );
                // Of the duplicates holding a link the master got, the first
                // (by id) counts as moved, the others as dropped.
                let mut given: HashSet<Uuid> = HashSet::new();
                for r in tx.rows(&sql, &[&master, &duplicates]).await? {
                    let other_id: Uuid = r.try_get(1).map_err(db)?;
                    let inserted: bool = r.try_get(3).map_err(db)?;
                    out.links.push(MovedLink {
                        table: junction.clone(),
                        side: side.to_owned(),
                        duplicate_id: r.try_get(0).map_err(db)?,
                        other_id,
                        created_at: r.try_get(2).map_err(db)?,
                        moved: inserted && given.insert(other_id),
                    });
                }
            }
        }
    }
    Ok(out)
}
