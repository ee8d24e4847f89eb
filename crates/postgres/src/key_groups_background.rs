//! Folding the key index's notes in the background (`serve`): every object
//! whose notes table holds rows gets them folded into its groups, as the
//! next detect would, so a detect after a bulk load or an import does not
//! pay for the whole load's keys on its own request.

use std::collections::{BTreeMap, BTreeSet};

use kasar_application::ports::Tenant;
use kasar_application::StoreError;
use tracing::instrument;
use uuid::Uuid;

use crate::error::db;
use crate::key_groups::Tables;
use crate::key_tables::notes_name;
use crate::store::PgStore;

impl PgStore {
    /// Folds the notes of every object of every organization that has some
    /// (fold by fold, each under the object's advisory lock, so a detect
    /// folding at the same time waits for a chunk at most); the number of
    /// objects folded. Only the notes tables the statistics count live rows
    /// in are read: a folded table keeps its pages (and its file size) until
    /// a vacuum, so the size would name every table ever written; a count
    /// the statistics have not caught up with waits for the next round, or
    /// for a detect, which always checks.
    #[instrument(skip(self))]
    pub async fn fold_pending(&self) -> Result<usize, StoreError> {
        let mut pending: BTreeMap<(Uuid, String), BTreeSet<String>> = BTreeMap::new();
        {
            let conn = self.connections.read().await?;
            let rows = conn
                .query(
                    "SELECT o.id, o.schema_name, c.relname::text FROM kasar.organizations o \
                     JOIN pg_stat_user_tables c ON c.schemaname = o.schema_name \
                     WHERE c.relname LIKE '\\_dirty\\_%' AND c.n_live_tup > 0",
                    &[],
                )
                .await?;
            for row in &rows {
                let org: Uuid = row.try_get(0).map_err(db)?;
                let schema: String = row.try_get(1).map_err(db)?;
                let relation: String = row.try_get(2).map_err(db)?;
                pending.entry((org, schema)).or_default().insert(relation);
            }
        }
        let mut folded = 0;
        for ((organization_id, schema), relations) in pending {
            let catalog = self.load_catalog(organization_id).await?;
            let tenant = Tenant {
                organization_id,
                schema,
                catalog_version: 0,
            };
            for object in &catalog.objects {
                if !relations.contains(&notes_name(&object.name)) {
                    continue;
                }
                let names = Tables::of(&tenant.schema, &object.name);
                let noted = {
                    let conn = self.connections.read().await?;
                    names.noted(&conn).await?
                };
                if noted {
                    self.fold(&tenant, object, &names).await?;
                    folded += 1;
                }
            }
        }
        Ok(folded)
    }
}
