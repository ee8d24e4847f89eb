//! Folding the key index's notes into its groups (migration V8): the keys
//! writes changed since the last fold get their groups recomputed from the
//! key table, in chunks of bounded size so no statement runs long whatever
//! was written since.

use kasar_application::ports::{Tenant, Tx};
use kasar_application::StoreError;
use kasar_domain::ObjectDef;
use tracing::instrument;

use crate::error::db;
use crate::key_groups::Tables;
use crate::store::PgStore;
use crate::tx::PgTx;

/// Notes taken out per statement (about a second of work on two cores).
const CHUNK: i64 = 100_000;

/// After taking out this many notes, the notes and groups tables are
/// vacuumed and analyzed: the check for notes would otherwise step over every
/// dead note, and detect's read of the groups over every group row a chunk
/// replaced, until autovacuum runs.
const VACUUM_AFTER: i64 = 10_000;

impl PgStore {
    /// Folds every note into the groups, a chunk per transaction: each takes
    /// out up to `CHUNK` notes and, in the same statement (one snapshot),
    /// recomputes the groups of the keys they name from the key table (two
    /// or more holders) and drops those of keys left with fewer. Folds of one
    /// object wait for each other (a transaction-level advisory lock), so a
    /// fold never writes what an older snapshot saw over a newer one; writes
    /// go on meanwhile (their notes wait for the next fold).
    #[instrument(skip_all, fields(object = %object.name))]
    pub(crate) async fn fold(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        names: &Tables,
    ) -> Result<(), StoreError> {
        let mut total = 0;
        loop {
            let taken = self.fold_chunk(tenant, object, names).await?;
            total += taken;
            if taken < CHUNK {
                break;
            }
        }
        if total >= VACUUM_AFTER {
            let conn = self.connections.write().await?;
            conn.batch_execute(&format!(
                "VACUUM (ANALYZE) {}, {}",
                names.notes, names.groups
            ))
            .await?;
        }
        Ok(())
    }

    /// One chunk of the fold, in its own transaction; how many notes it took.
    async fn fold_chunk(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        names: &Tables,
    ) -> Result<i64, StoreError> {
        let conn = self.connections.write().await?;
        let mut tx = PgTx::begin(conn, tenant.clone(), self.region).await?;
        let lock = format!("kasar groups {}.{}", tenant.schema, object.name);
        tx.rows(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&lock],
        )
        .await?;
        // Index probes per noted key, whatever the planner guesses of the
        // notes (a scan of rows a DELETE returns is always guessed small):
        // a hash or merge join would read the whole key table for every
        // chunk. Every join below is driven by the noted
        // keys (an anti-join of the groups against the recomputed ones,
        // tried first, compared every pair: 34 s instead of 3 s for 285,000
        // notes).
        tx.exec("SET LOCAL enable_hashjoin = off", &[]).await?;
        tx.exec("SET LOCAL enable_mergejoin = off", &[]).await?;
        // The key rows carry their records' creation times: the groups are
        // computed from the key table's primary key alone.
        let Tables {
            keys,
            groups,
            notes,
            ..
        } = names;
        let rows = tx
            .rows(
                &format!(
                    "WITH noted AS (DELETE FROM {notes} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {notes} LIMIT $1)) \
                       RETURNING criterion, key), \
                     k AS (SELECT DISTINCT criterion, key FROM noted), \
                     r AS (SELECT k.criterion, k.key, count(x.record_id)::int AS n, \
                       bit_xor(uuid_hash_extended(x.record_id, 1)) AS fp1, bit_xor(uuid_hash_extended(x.record_id, 2)) AS fp2, \
                       (array_agg(x.created_at ORDER BY x.created_at, x.record_id))[1] AS oldest_at, \
                       (array_agg(x.record_id ORDER BY x.created_at, x.record_id))[1] AS oldest_id \
                       FROM k LEFT JOIN {keys} x ON x.criterion = k.criterion AND x.key = k.key \
                       GROUP BY k.criterion, k.key), \
                     gone AS (DELETE FROM {groups} g USING r WHERE g.criterion = r.criterion AND g.key = r.key AND r.n < 2), \
                     put AS (INSERT INTO {groups} AS g (criterion, key, n, fp1, fp2, oldest_at, oldest_id) \
                       SELECT * FROM r WHERE r.n >= 2 ON CONFLICT (criterion, key) DO UPDATE SET n = EXCLUDED.n, \
                       fp1 = EXCLUDED.fp1, fp2 = EXCLUDED.fp2, oldest_at = EXCLUDED.oldest_at, \
                       oldest_id = EXCLUDED.oldest_id) \
                     SELECT count(*) FROM noted"
                ),
                &[&CHUNK],
            )
            .await?;
        let taken: i64 = rows.first().map_or(Ok(0), |r| r.try_get(0)).map_err(db)?;
        tx.commit().await?;
        Ok(taken)
    }
}
