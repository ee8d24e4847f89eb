//! Replacing the keys of records an update changed: only the keys that
//! differ are deleted and inserted.

use std::collections::HashSet;

use kasar_application::StoreError;
use kasar_domain::ObjectDef;
use uuid::Uuid;

use crate::error::db;
use crate::keys::{insert, keys_table, Holder, KeyRows};
use crate::tx::PgTx;

/// Makes the keys of `codes` held by `ids` exactly `new`: reads the keys
/// they hold, deletes those no longer computed and inserts those not held
/// yet. A change of one field thus rewrites the keys that changed (an e-mail:
/// its exact key and its blocking key), not every key of the criteria that
/// read it (all blocking keys of the record). The records are locked by the
/// update that precedes, so their keys cannot change in between.
pub(crate) async fn replace(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    codes: &[i16],
    new: &KeyRows,
) -> Result<(), StoreError> {
    let k = keys_table(&tx.tenant.schema, &object.name);
    let held = tx
        .rows(
            &format!(
                "SELECT record_id, created_at, criterion, key FROM {k} \
                 WHERE record_id = ANY($1) AND criterion = ANY($2)"
            ),
            &[&ids, &codes],
        )
        .await?;
    // The held keys borrowed from the rows read: no copy of each.
    let mut old: HashSet<(Holder, i16, &str)> = HashSet::with_capacity(held.len());
    for r in &held {
        old.insert((
            Holder::of_row(r)?,
            r.try_get(2).map_err(db)?,
            r.try_get(3).map_err(db)?,
        ));
    }
    let mut added = KeyRows::default();
    for (holder, criterion, key) in new.iter() {
        // `remove`: what remains in `old` afterwards is what goes.
        if !old.remove(&(holder, criterion, key.as_str())) {
            added.row(holder, criterion, key.clone());
        }
    }
    if !old.is_empty() {
        let mut gone = KeyRows::default();
        for (holder, criterion, key) in old {
            gone.row(holder, criterion, key.to_owned());
        }
        // The whole primary key of each row: a common key (ten thousand
        // records given one e-mail) has as many entries, and a probe by
        // key alone would walk them all for each row it deletes.
        let gone = gone.in_key_order();
        tx.exec(
            &format!(
                "DELETE FROM {k} k USING unnest($1::int2[], $2::text[], $3::timestamptz[], $4::uuid[]) \
                 AS d(c, key, at, r) \
                 WHERE k.criterion = d.c AND k.key = d.key AND k.created_at = d.at AND k.record_id = d.r"
            ),
            &[&gone.criteria, &gone.keys, &gone.created, &gone.ids],
        )
        .await?;
    }
    insert(tx, object, &added).await
}
