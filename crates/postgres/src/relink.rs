//! Re-linking for a merge: every BELONGS_TO_ONE column (of any object) that
//! points at a duplicate is pointed at the master; every junction row of a
//! duplicate is moved to the master, or dropped where the master already has
//! that link. One statement per relation, found from the catalog.

use kasar_application::ports::RelinkCounts;
use kasar_application::StoreError;
use kasar_domain::catalog::InboundRelation;
use kasar_domain::{Catalog, ObjectDef};
use tracing::instrument;
use uuid::Uuid;

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
) -> Result<RelinkCounts, StoreError> {
    let schema = &tx.tenant.schema;
    let mut counts = RelinkCounts::default();
    for relation in catalog.inbound_relations(&object.name) {
        match relation {
            InboundRelation::Column {
                source_object,
                field,
            } => {
                let col = ident(&field);
                let sql = format!(
                    "UPDATE {} SET {col} = $1, updated_at = clock_timestamp() WHERE {col} = ANY($2)",
                    table(schema, &source_object)
                );
                counts.references_moved += tx.exec(&sql, &[&master, &duplicates]).await?;
            }
            InboundRelation::Junction {
                table: junction,
                column,
            } => {
                let (side, other) = (column.column(), column.other());
                let j = table(schema, &junction);
                let sql = format!(
                    "WITH moved AS (DELETE FROM {j} WHERE {side} = ANY($2) RETURNING {other} AS o), \
                     ins AS (INSERT INTO {j} ({side}, {other}) SELECT DISTINCT $1::uuid, o FROM moved \
                             ON CONFLICT DO NOTHING RETURNING 1) \
                     SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM ins)"
                );
                let rows = tx.rows(&sql, &[&master, &duplicates]).await?;
                if let Some(r) = rows.first() {
                    let (moved, inserted): (i64, i64) = (r.get(0), r.get(1));
                    counts.links_moved += inserted.unsigned_abs();
                    counts.links_dropped += (moved - inserted).unsigned_abs();
                }
            }
        }
    }
    Ok(counts)
}
