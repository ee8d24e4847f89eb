//! The key index: every record's normalized match keys (computed by the
//! domain's normalizers, the ones detect uses) in a table per object of the
//! organization's schema, `_keys_<object>`, written in the same transaction as
//! the write that changes them. Inserts and updates call in from `PgTx`; a
//! statement-level trigger on the object's table drops the keys of the
//! records any DELETE removes (merges and deletes through every route, and by
//! hand), with one set-based statement. Keys are stored in their
//! [`stored_key`] form. Besides the exact keys of each criterion, the table
//! holds the blocking keys of fuzzy matching under criterion [`BLOCKING`],
//! computed from the object's match profile ([`BlockPlan`]). Each key row
//! carries its record's creation time, so the oldest holder of a key is the
//! first entry of the key in the primary key (criterion, key, created_at,
//! record_id): the duplicate check reads one index entry per key and no
//! record.

use std::collections::BTreeMap;

use kasar_application::ports::KeyMatch;
use kasar_application::StoreError;
use kasar_domain::duplicates::{Criterion, MatchPlan};
use kasar_domain::fuzzy::BlockPlan;
use kasar_domain::{ObjectDef, Value};
use tokio_postgres::Row;

use crate::digests::DigestRows;
use crate::error::db;
pub(crate) use crate::key_rows::{Holder, KeyRows};
pub(crate) use crate::key_tables::keys_table;
use crate::sql::ident;
use crate::tx::PgTx;

/// The criterion number of the blocking keys of fuzzy matching (the exact
/// criteria take 0 to 3).
pub(crate) const BLOCKING: i16 = 8;

/// Stores the keys of records just inserted (`holders`: their ids and
/// creation times as the insert returned them), from the values written (a
/// field absent from a row is null, as the insert leaves it).
pub(crate) async fn for_inserted(
    tx: &PgTx,
    object: &ObjectDef,
    holders: &[Holder],
    rows: &[&BTreeMap<String, Value>],
) -> Result<(), StoreError> {
    let plan = MatchPlan::new(object, &Criterion::ALL);
    let blocks = BlockPlan::new(object);
    let mut out = KeyRows::default();
    let mut digests = DigestRows::default();
    for (holder, row) in holders.iter().zip(rows) {
        let keys = plan.value_keys(row, tx.region);
        digests.push(*holder, &keys);
        out.push(*holder, keys);
        out.push_blocks(*holder, blocks.value_keys(row, tx.region));
    }
    insert(tx, object, &out).await?;
    crate::digests::insert(tx, object, &digests).await
}

/// What an update must return for its keys to be refreshed: the criteria
/// whose keys read a field it writes, and their plan, and when a comparison
/// of the profile reads one, the prefixes of the blocking keys that can
/// change and the plan giving every key of those prefixes
/// ([`BlockPlan::refreshed`]); `None` when it writes no such field.
pub(crate) struct Refresh {
    criteria: Vec<Criterion>,
    plan: MatchPlan,
    blocks: Option<(BlockPlan, Vec<&'static str>)>,
}

impl Refresh {
    /// The refresh an update of the fields `written` needs, if any.
    pub(crate) fn of(object: &ObjectDef, written: impl Fn(&str) -> bool) -> Option<Refresh> {
        let criteria = MatchPlan::criteria_reading(object, &written);
        let blocks = BlockPlan::new(object).refreshed(&written);
        if criteria.is_empty() && blocks.is_none() {
            return None;
        }
        let plan = MatchPlan::new(object, &criteria);
        Some(Refresh {
            criteria,
            plan,
            blocks,
        })
    }

    /// ` RETURNING t.id, t.created_at, t.<column>, …`: the update's rows as
    /// the refresh reads them.
    pub(crate) fn returning(&self, alias: &str) -> String {
        let mut cols = vec![format!("{alias}.id"), format!("{alias}.created_at")];
        cols.extend(
            self.plan
                .columns()
                .iter()
                .map(|c| format!("{alias}.{}", ident(c))),
        );
        if let Some((blocks, _)) = &self.blocks {
            cols.extend(
                blocks
                    .columns()
                    .iter()
                    .map(|c| format!("{alias}.{}::text", ident(c))),
            );
        }
        format!(" RETURNING {}", cols.join(", "))
    }

    /// Replaces the keys of the refreshed criteria of the rows an update
    /// returned (rows it left unchanged keep keys that are still right).
    pub(crate) async fn apply(
        &self,
        tx: &PgTx,
        object: &ObjectDef,
        rows: &[Row],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut ids = Vec::with_capacity(rows.len());
        let mut out = KeyRows::default();
        let mut digests = DigestRows::default();
        let exact = self.plan.columns().len();
        for row in rows {
            let holder = Holder::of_row(row)?;
            let texts = (0..exact)
                .map(|i| row.try_get(i + 2))
                .collect::<Result<Vec<Option<&str>>, _>>()
                .map_err(db)?;
            let keys = self.plan.keys(&texts, tx.region);
            digests.push(holder, &keys);
            out.push(holder, keys);
            if let Some((blocks, _)) = &self.blocks {
                let texts = (0..blocks.columns().len())
                    .map(|i| row.try_get(i + 2 + exact))
                    .collect::<Result<Vec<Option<&str>>, _>>()
                    .map_err(db)?;
                out.push_blocks(holder, blocks.keys(&texts, tx.region));
            }
            ids.push(holder.id);
        }
        let codes: Vec<i16> = self.criteria.iter().map(|c| c.code()).collect();
        let prefixes = self.blocks.as_ref().map_or(&[][..], |(_, p)| p);
        crate::key_replace::replace(tx, object, &ids, (&codes, prefixes), &out).await?;
        crate::digests::update(tx, object, &self.criteria, &digests).await
    }
}

/// Inserts key rows: the rows of records that hold none of them yet (new
/// records, or the criteria a refresh has just deleted).
pub(crate) async fn insert(
    tx: &PgTx,
    object: &ObjectDef,
    rows: &KeyRows,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO {} (record_id, created_at, criterion, key) \
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::int2[], $4::text[])",
        keys_table(&tx.tenant.schema, &object.name)
    );
    let rows = rows.in_key_order();
    tx.exec(
        &sql,
        &[&rows.ids, &rows.created, &rows.criteria, &rows.keys],
    )
    .await
    .map(|_| ())
}

/// Holds other imports into `object` until the transaction ends (a
/// transaction-level advisory lock on the organization's schema and object).
pub(crate) async fn lock_imports(tx: &PgTx, object: &ObjectDef) -> Result<(), StoreError> {
    let name = format!("kasar import {}.{}", tx.tenant.schema, object.name);
    tx.rows(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        &[&name],
    )
    .await
    .map(|_| ())
}

/// The oldest record holding each of `keys` (the first entry of the key in
/// the primary key, which orders its holders by creation time, then id):
/// one index lookup per key, no record read.
pub(crate) async fn find(
    tx: &PgTx,
    object: &ObjectDef,
    keys: &[(Criterion, String)],
) -> Result<Vec<KeyMatch>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (codes, texts): (Vec<i16>, Vec<&str>) =
        keys.iter().map(|(c, k)| (c.code(), k.as_str())).unzip();
    let sql = format!(
        "SELECT q.criterion, q.key, h.record_id FROM unnest($1::int2[], $2::text[]) AS q(criterion, key) \
         CROSS JOIN LATERAL (SELECT k.record_id FROM {} k WHERE k.criterion = q.criterion AND k.key = q.key \
         ORDER BY k.created_at, k.record_id LIMIT 1) h",
        keys_table(&tx.tenant.schema, &object.name)
    );
    let rows = tx.rows(&sql, &[&codes, &texts]).await?;
    rows.iter()
        .filter_map(|r| {
            let code: i16 = match r.try_get(0) {
                Ok(c) => c,
                Err(e) => return Some(Err(db(e))),
            };
            let criterion = Criterion::from_code(code)?;
            Some(
                r.try_get(1)
                    .and_then(|key| Ok((key, r.try_get(2)?)))
                    .map(|(key, id)| KeyMatch { criterion, key, id })
                    .map_err(db),
            )
        })
        .collect()
}
