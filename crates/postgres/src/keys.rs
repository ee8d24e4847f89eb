//! The key index: every record's normalized match keys (computed by the
//! domain's normalizers, the ones detect uses) in a table per object of the
//! organization's schema, `_keys_<object>`, written in the same transaction as
//! the write that changes them. Inserts and updates call in from `PgTx`; a
//! statement-level trigger on the object's table drops the keys of the
//! records any DELETE removes (merges and deletes through every route, and by
//! hand), with one set-based statement. Keys are stored in their
//! [`stored_key`] form. Besides the exact keys of each criterion, the table
//! holds the blocking keys of fuzzy matching under criterion [`BLOCKING`],
//! computed from the object's match profile ([`BlockPlan`]).

use std::collections::BTreeMap;

use kasar_application::ports::KeyMatch;
use kasar_application::StoreError;
use kasar_domain::duplicates::{stored_key, Criterion, MatchPlan, PhoneRegion};
use kasar_domain::fuzzy::BlockPlan;
use kasar_domain::{ObjectDef, Value};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::error::db;
pub(crate) use crate::key_tables::keys_table;
use crate::sql::ident;
use crate::tx::PgTx;

/// The criterion number of the blocking keys of fuzzy matching (the exact
/// criteria take 0 to 3).
pub(crate) const BLOCKING: i16 = 8;

/// Keys of many records as the parallel arrays an `unnest` insert takes,
/// each `(record, criterion, key)` once (a record's keys are pushed
/// together), so the insert needs no `ON CONFLICT`: its speculative
/// insertion costs about 60 % more per row.
#[derive(Debug, Default)]
pub(crate) struct KeyRows {
    pub(crate) ids: Vec<Uuid>,
    pub(crate) criteria: Vec<i16>,
    pub(crate) keys: Vec<String>,
    /// Where the rows of the last record pushed begin.
    start: usize,
}

impl KeyRows {
    /// Adds the keys `plan` computes from one record's texts.
    pub(crate) fn add<S: AsRef<str>>(
        &mut self,
        plan: &MatchPlan,
        region: PhoneRegion,
        id: Uuid,
        texts: &[Option<S>],
    ) {
        self.push(id, plan.keys(texts, region));
    }

    /// Adds one record's keys (normalized, not yet in their stored form).
    pub(crate) fn push(&mut self, id: Uuid, keys: Vec<(Criterion, String)>) {
        for (criterion, key) in keys {
            self.row(id, criterion.code(), stored_key(&key).into_owned());
        }
    }

    /// Adds one record's blocking keys.
    pub(crate) fn push_blocks(&mut self, id: Uuid, keys: Vec<String>) {
        for key in keys {
            self.row(id, BLOCKING, stored_key(&key).into_owned());
        }
    }

    /// Adds one row unless the record already has it.
    pub(crate) fn row(&mut self, id: Uuid, criterion: i16, key: String) {
        if self.ids.last() != Some(&id) {
            self.start = self.ids.len();
        }
        let held = (self.start..self.ids.len())
            .any(|i| self.criteria.get(i) == Some(&criterion) && self.keys.get(i) == Some(&key));
        if !held {
            self.ids.push(id);
            self.criteria.push(criterion);
            self.keys.push(key);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The rows as parallel arrays in the order of the key table's primary
    /// key (criterion, then the key's bytes: the order of a "C" or
    /// "C.UTF-8" collation, close to any other): an insert in that order
    /// walks the index from one end to the other instead of jumping across
    /// it once per row, which keeps the pages it visits in cache and costs
    /// less the larger the table (about 5-10 % of the statement measured at
    /// 8,000,000 key rows).
    pub(crate) fn in_key_order(&self) -> (Vec<Uuid>, Vec<i16>, Vec<&str>) {
        let mut order: Vec<usize> = (0..self.ids.len()).collect();
        // `str` orders by its bytes.
        order.sort_unstable_by_key(|&i| (self.criteria.get(i), self.keys.get(i)));
        let mut out = (
            Vec::with_capacity(order.len()),
            Vec::with_capacity(order.len()),
            Vec::with_capacity(order.len()),
        );
        for i in order {
            if let (Some(id), Some(c), Some(k)) =
                (self.ids.get(i), self.criteria.get(i), self.keys.get(i))
            {
                out.0.push(*id);
                out.1.push(*c);
                out.2.push(k.as_str());
            }
        }
        out
    }
}

/// Stores the keys of records just inserted, from the values written (a
/// field absent from a row is null, as the insert leaves it).
pub(crate) async fn for_inserted(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    rows: &[&BTreeMap<String, Value>],
) -> Result<(), StoreError> {
    let plan = MatchPlan::new(object, &Criterion::ALL);
    let blocks = BlockPlan::new(object);
    let mut out = KeyRows::default();
    for (id, row) in ids.iter().zip(rows) {
        out.push(*id, plan.value_keys(row, tx.region));
        out.push_blocks(*id, blocks.value_keys(row, tx.region));
    }
    insert(tx, object, &out).await
}

/// What an update must return for its keys to be refreshed: the criteria
/// whose keys read a field it writes, and their plan, and the blocking plan
/// when the profile reads one; `None` when it writes no such field.
pub(crate) struct Refresh {
    criteria: Vec<Criterion>,
    plan: MatchPlan,
    blocks: Option<BlockPlan>,
}

impl Refresh {
    /// The refresh an update of the fields `written` needs, if any.
    pub(crate) fn of(object: &ObjectDef, written: impl Fn(&str) -> bool) -> Option<Refresh> {
        let criteria = MatchPlan::criteria_reading(object, &written);
        let blocks = BlockPlan::new(object);
        let blocks = blocks
            .columns()
            .iter()
            .any(|c| written(c))
            .then_some(blocks);
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

    /// ` RETURNING t.id, t.<column>, …`: the update's rows as the refresh reads them.
    pub(crate) fn returning(&self, alias: &str) -> String {
        let mut cols = vec![format!("{alias}.id")];
        cols.extend(
            self.plan
                .columns()
                .iter()
                .map(|c| format!("{alias}.{}", ident(c))),
        );
        if let Some(blocks) = &self.blocks {
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
        let exact = self.plan.columns().len();
        for row in rows {
            let id: Uuid = row.try_get(0).map_err(db)?;
            let texts = (0..exact)
                .map(|i| row.try_get(i + 1))
                .collect::<Result<Vec<Option<&str>>, _>>()
                .map_err(db)?;
            out.add(&self.plan, tx.region, id, &texts);
            if let Some(blocks) = &self.blocks {
                let texts = (0..blocks.columns().len())
                    .map(|i| row.try_get(i + 1 + exact))
                    .collect::<Result<Vec<Option<&str>>, _>>()
                    .map_err(db)?;
                out.push_blocks(id, blocks.keys(&texts, tx.region));
            }
            ids.push(id);
        }
        let mut codes: Vec<i16> = self.criteria.iter().map(|c| c.code()).collect();
        if self.blocks.is_some() {
            codes.push(BLOCKING);
        }
        crate::key_replace::replace(tx, object, &ids, &codes, &out).await
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
        "INSERT INTO {} (record_id, criterion, key) \
         SELECT * FROM unnest($1::uuid[], $2::int2[], $3::text[])",
        keys_table(&tx.tenant.schema, &object.name)
    );
    let (ids, criteria, keys) = rows.in_key_order();
    tx.exec(&sql, &[&ids, &criteria, &keys]).await.map(|_| ())
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

/// The records holding one of `keys`, oldest first: one index lookup per key.
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
        "SELECT k.criterion, k.key, k.record_id FROM unnest($1::int2[], $2::text[]) AS q(criterion, key) \
         JOIN {} k ON k.criterion = q.criterion AND k.key = q.key \
         JOIN {} t ON t.id = k.record_id ORDER BY t.created_at, t.id",
        keys_table(&tx.tenant.schema, &object.name),
        tx.t(&object.name)
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

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
