//! Detect over a whole table from the key index's groups (`_groups_<object>`,
//! migration V8): first the keys the writes since the last detect noted are
//! folded in (their groups recomputed from the key table), then, in one
//! read-only snapshot, the table's size, the sums of the keys held by two or
//! more records (never the records, nor the keys themselves: a set is told
//! by its count and fingerprint), the sets a dismissed set covers, and the
//! holders of the groups returned, through the key each set is found again
//! by among its oldest holder's keys.

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use deadpool_postgres::Transaction;
use kasar_application::ports::{IndexedGroups, Tenant};
use kasar_application::StoreError;
use kasar_domain::duplicates::{
    distinct_sets, exact_order, to_read, Criterion, Holder, KeyGroup, KeySet,
};
use kasar_domain::ObjectDef;
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, Row};
use tracing::instrument;
use uuid::Uuid;

use crate::conn::{bounded, Conn};
use crate::error::db;
use crate::key_tables::{groups_table, keys_table, notes_table};
use crate::sql::table;
use crate::store::PgStore;

/// What the queries of one detect name.
pub(crate) struct Tables {
    pub(crate) records: String,
    pub(crate) keys: String,
    pub(crate) groups: String,
    pub(crate) notes: String,
}

impl Tables {
    /// The tables of `object` in `schema`.
    pub(crate) fn of(schema: &str, object: &str) -> Self {
        Self {
            records: table(schema, object),
            keys: keys_table(schema, object),
            groups: groups_table(schema, object),
            notes: notes_table(schema, object),
        }
    }

    /// Whether the notes table holds a note (writes since the last fold).
    pub(crate) async fn noted(&self, conn: &Conn) -> Result<bool, StoreError> {
        Ok(conn
            .query_opt(&format!("SELECT 1 FROM {} LIMIT 1", self.notes), &[])
            .await?
            .is_some())
    }
}

/// The read-only snapshot of one detect, each round trip under the
/// connection's bound.
struct Snapshot<'a> {
    tx: Transaction<'a>,
    bound: Duration,
    broken: &'a AtomicBool,
}

impl Snapshot<'_> {
    /// The records of the object: all of them when the planner has
    /// `estimated` the table, otherwise no further than one past the scan.
    async fn count(
        &self,
        names: &Tables,
        estimated: bool,
        scan_limit: u32,
    ) -> Result<i64, StoreError> {
        // A table the planner has estimated (at most 1.5x the scan: the
        // caller has ruled out larger estimates) is counted whole: a plain count is twice as fast as one through a
        // LIMIT, so even a table half again the scan costs less. One never
        // estimated (-1) is counted no further than the bound.
        let rows = if estimated {
            let sql = format!("SELECT count(*) FROM {}", names.records);
            self.rows(&sql, &[]).await?
        } else {
            let sql = format!(
                "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT $1) s",
                names.records
            );
            self.rows(&sql, &[&(i64::from(scan_limit) + 1)]).await?
        };
        rows.first().map_or(Ok(0), |r| r.try_get(0)).map_err(db)
    }

    /// The holders of each set, in the sets' order.
    async fn holders(
        &self,
        names: &Tables,
        read: &[KeySet],
    ) -> Result<Vec<Vec<Holder>>, StoreError> {
        // Each set's key is found again among its oldest holder's keys of
        // its criterion (the one whose group has the set's count and
        // fingerprint), then its holders through that key, with the
        // creation times their key rows carry (no record is read).
        let set_codes: Vec<i16> = read.iter().map(|s| s.criterion.code()).collect();
        let oldest: Vec<Uuid> = read.iter().map(|s| s.oldest.1).collect();
        let counts: Vec<i32> = read
            .iter()
            .map(|s| i32::try_from(s.holders).unwrap_or(i32::MAX))
            .collect();
        let (fp1, fp2): (Vec<i64>, Vec<i64>) = read.iter().map(|s| s.fingerprint).unzip();
        let rows = self
            .rows(
                &format!(
                    "WITH s AS (SELECT DISTINCT ON (q.i) q.i, q.criterion, k.key \
                       FROM unnest($1::int2[], $2::uuid[], $3::int4[], $4::int8[], $5::int8[]) \
                         WITH ORDINALITY AS q(criterion, oldest, n, fp1, fp2, i) \
                       JOIN {keys} k ON k.record_id = q.oldest AND k.criterion = q.criterion \
                       JOIN {groups} g ON g.criterion = k.criterion AND g.key = k.key \
                         AND g.n = q.n AND g.fp1 = q.fp1 AND g.fp2 = q.fp2 \
                       ORDER BY q.i) \
                     SELECT s.i, k.created_at, k.record_id FROM s \
                     JOIN {keys} k ON k.criterion = s.criterion AND k.key = s.key",
                    keys = names.keys,
                    groups = names.groups,
                ),
                &[&set_codes, &oldest, &counts, &fp1, &fp2],
            )
            .await?;
        let mut holders: Vec<Vec<Holder>> = vec![Vec::new(); read.len()];
        for row in &rows {
            let i: i64 = row.try_get(0).map_err(db)?;
            let at = (row.try_get(1).map_err(db)?, row.try_get(2).map_err(db)?);
            if let Some(h) = usize::try_from(i - 1).ok().and_then(|i| holders.get_mut(i)) {
                h.push(at);
            }
        }
        Ok(holders)
    }

    async fn rows(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        bounded(self.bound, self.broken, self.tx.query(sql, params)).await
    }
}

impl PgStore {
    /// See `Store::indexed_groups`.
    #[instrument(skip_all, fields(object = %object.name, scan_limit, limit))]
    pub(crate) async fn read_indexed_groups(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        criteria: &[Criterion],
        scan_limit: u32,
        dismissed: &[Vec<Uuid>],
        limit: usize,
    ) -> Result<Option<IndexedGroups>, StoreError> {
        let names = Tables::of(&tenant.schema, &object.name);
        let mut conn = self.connections.read().await?;
        // The planner's estimate rules out, in one round trip and without
        // counting, a table clearly larger than the scan (an estimate off
        // the mark only costs the exact count below, or the scan).
        let estimate: Option<f32> = conn
            .query_opt(
                "SELECT reltuples FROM pg_class WHERE oid = $1::text::regclass",
                &[&names.records],
            )
            .await?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(db)?;
        if estimate.is_some_and(|e| f64::from(e) > f64::from(scan_limit) * 1.5) {
            return Ok(None);
        }
        if names.noted(&conn).await? {
            self.fold(tenant, object, &names).await?;
        }
        let (client, broken, bound) = conn.parts()?;
        let tx = bounded(
            bound,
            broken,
            client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start(),
        )
        .await?;
        let snap = Snapshot { tx, bound, broken };
        let count = snap
            .count(&names, estimate.is_some_and(|e| e >= 0.0), scan_limit)
            .await?;
        if count > i64::from(scan_limit) {
            return Ok(None);
        }
        let codes: Vec<i16> = criteria.iter().map(|c| c.code()).collect();
        let mut groups = shared_keys(&snap, &names, &codes).await?;
        if !dismissed.is_empty() {
            let covered = covered_sets(&snap, &names, &codes, dismissed).await?;
            for g in &mut groups {
                g.dismissed = covered.contains(&(g.criterion.code(), g.holders, g.fingerprint));
            }
        }
        let sets = distinct_sets(groups);
        let total = sets.len();
        let read = sets.get(..to_read(&sets, limit)).unwrap_or_default();
        let holders = snap.holders(&names, read).await?;
        bounded(bound, broken, snap.tx.commit()).await?;
        let read = read.iter().cloned().zip(holders).collect();
        Ok(Some(IndexedGroups {
            groups: exact_order(read, limit),
            total,
            records: usize::try_from(count).unwrap_or(usize::MAX),
        }))
    }
}

/// The keys of `codes` held by two or more records.
async fn shared_keys(
    snap: &Snapshot<'_>,
    names: &Tables,
    codes: &[i16],
) -> Result<Vec<KeyGroup>, StoreError> {
    let rows = snap
        .rows(
            &format!(
                "SELECT criterion, n, fp1, fp2, oldest_at, oldest_id FROM {} \
                 WHERE n >= 2 AND criterion = ANY($1)",
                names.groups
            ),
            &[&codes],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let code: i16 = row.try_get(0).map_err(db)?;
        let Some(criterion) = Criterion::from_code(code) else {
            continue;
        };
        let n: i32 = row.try_get(1).map_err(db)?;
        out.push(KeyGroup {
            criterion,
            holders: u32::try_from(n).unwrap_or(0),
            fingerprint: (row.try_get(2).map_err(db)?, row.try_get(3).map_err(db)?),
            oldest: (row.try_get(4).map_err(db)?, row.try_get(5).map_err(db)?),
            dismissed: false,
        });
    }
    Ok(out)
}

/// The sets of holders every one of which is in one dismissed set (those of
/// the keys the set's records hold as many times as the key has holders), as
/// (criterion, count, fingerprint).
async fn covered_sets(
    snap: &Snapshot<'_>,
    names: &Tables,
    codes: &[i16],
    dismissed: &[Vec<Uuid>],
) -> Result<HashSet<(i16, u32, (i64, i64))>, StoreError> {
    let (ids, sets): (Vec<Uuid>, Vec<i32>) = (0i32..)
        .zip(dismissed)
        .flat_map(|(i, set)| set.iter().map(move |id| (*id, i)))
        .unzip();
    let rows = snap
        .rows(
            &format!(
                "SELECT DISTINCT g.criterion, g.n, g.fp1, g.fp2 FROM ( \
                   SELECT d.s, k.criterion, k.key, count(*) AS c \
                   FROM unnest($1::uuid[], $2::int4[]) AS d(id, s) \
                   JOIN {} k ON k.record_id = d.id AND k.criterion = ANY($3) \
                   GROUP BY d.s, k.criterion, k.key) x \
                 JOIN {} g ON g.criterion = x.criterion AND g.key = x.key AND g.n = x.c",
                names.keys, names.groups
            ),
            &[&ids, &sets, &codes],
        )
        .await?;
    let mut out = HashSet::with_capacity(rows.len());
    for r in &rows {
        let n: i32 = r.try_get(1).map_err(db)?;
        out.insert((
            r.try_get(0).map_err(db)?,
            u32::try_from(n).unwrap_or(0),
            (r.try_get(2).map_err(db)?, r.try_get(3).map_err(db)?),
        ));
    }
    Ok(out)
}
