//! Key rows on their way to the key index: each record's keys with the
//! record's id and creation time, once each, as the parallel arrays an
//! `unnest` insert takes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kasar_application::StoreError;
use kasar_domain::duplicates::{stored_key, Criterion, MatchPlan, PhoneRegion};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::error::db;
use crate::keys::BLOCKING;

/// A record as its key rows name it: its id and creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Holder {
    pub(crate) id: Uuid,
    pub(crate) created_at: DateTime<Utc>,
}

impl Holder {
    /// The holder of a row whose first two columns are `id, created_at`.
    pub(crate) fn of_row(row: &Row) -> Result<Holder, StoreError> {
        Ok(Holder {
            id: row.try_get(0).map_err(db)?,
            created_at: row.try_get(1).map_err(db)?,
        })
    }

    /// The holders of `ids`, in their order, from the rows (`id, created_at`,
    /// in any order) an insert of those records returned.
    pub(crate) fn of_inserted(ids: &[Uuid], rows: &[Row]) -> Result<Vec<Holder>, StoreError> {
        let created = rows
            .iter()
            .map(|r| Holder::of_row(r).map(|h| (h.id, h)))
            .collect::<Result<HashMap<Uuid, Holder>, StoreError>>()?;
        ids.iter()
            .map(|id| created.get(id).copied())
            .collect::<Option<Vec<Holder>>>()
            .ok_or_else(|| {
                StoreError::Unexpected(anyhow::anyhow!("an inserted record was not returned"))
            })
    }
}

/// Keys of many records as the parallel arrays an `unnest` insert takes,
/// each `(record, criterion, key)` once (a record's keys are pushed
/// together), so the insert needs no `ON CONFLICT`: its speculative
/// insertion costs about 60 % more per row.
#[derive(Debug, Default)]
pub(crate) struct KeyRows {
    pub(crate) ids: Vec<Uuid>,
    pub(crate) created: Vec<DateTime<Utc>>,
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
        holder: Holder,
        texts: &[Option<S>],
    ) {
        self.push(holder, plan.keys(texts, region));
    }

    /// Adds one record's keys (normalized, not yet in their stored form).
    pub(crate) fn push(&mut self, holder: Holder, keys: Vec<(Criterion, String)>) {
        for (criterion, key) in keys {
            self.row(holder, criterion.code(), stored_key(&key).into_owned());
        }
    }

    /// Adds one record's blocking keys.
    pub(crate) fn push_blocks(&mut self, holder: Holder, keys: Vec<String>) {
        for key in keys {
            self.row(holder, BLOCKING, stored_key(&key).into_owned());
        }
    }

    /// Adds one row unless the record already has it.
    pub(crate) fn row(&mut self, holder: Holder, criterion: i16, key: String) {
        if self.ids.last() != Some(&holder.id) {
            self.start = self.ids.len();
        }
        let held = (self.start..self.ids.len())
            .any(|i| self.criteria.get(i) == Some(&criterion) && self.keys.get(i) == Some(&key));
        if !held {
            self.ids.push(holder.id);
            self.created.push(holder.created_at);
            self.criteria.push(criterion);
            self.keys.push(key);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The rows as parallel arrays in the order of the key table's primary
    /// key (criterion, then the key's bytes: the order of a "C" or
    /// "C.UTF-8" collation, close to any other; then creation time and
    /// record): an insert in that order walks the index from one end to the
    /// other instead of jumping across it once per row, which keeps the
    /// pages it visits in cache and costs less the larger the table (about
    /// 5-10 % of the statement measured at 8,000,000 key rows).
    pub(crate) fn in_key_order(&self) -> InKeyOrder<'_> {
        let mut order: Vec<usize> = (0..self.ids.len()).collect();
        // `str` orders by its bytes.
        order.sort_unstable_by_key(|&i| {
            (
                self.criteria.get(i),
                self.keys.get(i),
                self.created.get(i),
                self.ids.get(i),
            )
        });
        let mut out = InKeyOrder::default();
        for i in order {
            if let (Some(id), Some(at), Some(c), Some(k)) = (
                self.ids.get(i),
                self.created.get(i),
                self.criteria.get(i),
                self.keys.get(i),
            ) {
                out.ids.push(*id);
                out.created.push(*at);
                out.criteria.push(*c);
                out.keys.push(k.as_str());
            }
        }
        out
    }

    /// The rows one at a time: (holder, criterion, key).
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Holder, i16, &String)> {
        self.ids
            .iter()
            .zip(&self.created)
            .zip(self.criteria.iter().zip(&self.keys))
            .map(|((id, at), (c, k))| {
                let holder = Holder {
                    id: *id,
                    created_at: *at,
                };
                (holder, *c, k)
            })
    }
}

/// Key rows as the parallel arrays of an insert, in the primary key's order.
#[derive(Debug, Default)]
pub(crate) struct InKeyOrder<'a> {
    pub(crate) ids: Vec<Uuid>,
    pub(crate) created: Vec<DateTime<Utc>>,
    pub(crate) criteria: Vec<i16>,
    pub(crate) keys: Vec<&'a str>,
}

#[cfg(test)]
#[path = "key_rows_tests.rs"]
mod tests;
