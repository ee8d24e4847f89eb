//! Replacing the keys of records an update changed: only the keys that
//! differ are deleted and inserted.

use std::collections::HashMap;

use kasar_application::StoreError;
use kasar_domain::ObjectDef;
use uuid::Uuid;

use crate::error::db;
use crate::keys::{insert, keys_table, Holder, KeyRows, BLOCKING};
use crate::tid::Tid;
use crate::tx::PgTx;

/// Makes the keys held by `ids` of the exact criteria `codes` and the
/// blocking keys of `prefixes` exactly `new`: reads the keys they hold,
/// deletes those no longer computed and inserts those not held yet. A change
/// of one field thus rewrites the keys that changed (an e-mail: its exact key
/// and its blocking key), and reads only the keys it can change (an e-mail's
/// blocking keys, not the name's).
///
/// The keys that go are deleted by their rows' addresses, read with them:
/// no index is searched, nor is the key table scanned. The addresses stay
/// right until the delete: the records are locked by the update that
/// precedes, and every write of a record's key rows locks the record first;
/// key rows are never updated but by a hand change of a record's
/// `created_at`, which waits on the same lock; and vacuum moves no live row
/// (VACUUM FULL and CLUSTER wait on this transaction's lock on the table).
pub(crate) async fn replace(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    (codes, prefixes): (&[i16], &[&str]),
    new: &KeyRows,
) -> Result<(), StoreError> {
    let k = keys_table(&tx.tenant.schema, &object.name);
    let held = tx
        .rows(
            &format!(
                "SELECT record_id, created_at, criterion, key, ctid FROM {k} \
                 WHERE record_id = ANY($1) AND (criterion = ANY($2) \
                 OR (criterion = {BLOCKING} AND left(key, 2) = ANY($3)))"
            ),
            &[&ids, &codes, &prefixes],
        )
        .await?;
    // The held keys borrowed from the rows read: no copy of each.
    let mut old: HashMap<(Holder, i16, &str), Tid> = HashMap::with_capacity(held.len());
    for r in &held {
        old.insert(
            (
                Holder::of_row(r)?,
                r.try_get(2).map_err(db)?,
                r.try_get(3).map_err(db)?,
            ),
            r.try_get(4).map_err(db)?,
        );
    }
    let mut added = KeyRows::default();
    for (holder, criterion, key) in new.iter() {
        // `remove`: what remains in `old` afterwards is what goes.
        if old.remove(&(holder, criterion, key.as_str())).is_none() {
            added.row(holder, criterion, key.clone());
        }
    }
    if !old.is_empty() {
        // In the table's order: the pages are visited once each, in turn.
        let mut gone: Vec<Tid> = old.into_values().collect();
        gone.sort_unstable();
        let deleted = tx
            .exec(&format!("DELETE FROM {k} WHERE ctid = ANY($1)"), &[&gone])
            .await?;
        // A row deleted by another transaction in between (which the locks
        // above rule out) would be skipped: the transaction is retried.
        if usize::try_from(deleted).ok() != Some(gone.len()) {
            return Err(StoreError::Conflict);
        }
    }
    insert(tx, object, &added).await
}
