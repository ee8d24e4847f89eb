//! Replacing the keys of records an update changed: only the keys that
//! differ are deleted and inserted.

use std::collections::HashSet;

use kasar_application::StoreError;
use kasar_domain::ObjectDef;
use uuid::Uuid;

use crate::error::db;
use crate::keys::{insert, keys_table, KeyRows};
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
            &format!("SELECT record_id, criterion, key FROM {k} WHERE record_id = ANY($1) AND criterion = ANY($2)"),
            &[&ids, &codes],
        )
        .await?;
    let mut old: HashSet<(Uuid, i16, String)> = HashSet::with_capacity(held.len());
    for r in &held {
        old.insert((
            r.try_get(0).map_err(db)?,
            r.try_get(1).map_err(db)?,
            r.try_get(2).map_err(db)?,
        ));
    }
    let mut added = KeyRows::default();
    for (holder, criterion, key) in new.iter() {
        // `take`: what remains in `old` afterwards is what goes.
        if old.take(&(holder.id, criterion, key.clone())).is_none() {
            added.row(holder, criterion, key.clone());
        }
    }
    if !old.is_empty() {
        let (mut gone_ids, mut gone_codes, mut gone_keys) = (Vec::new(), Vec::new(), Vec::new());
        for (id, criterion, key) in old {
            gone_ids.push(id);
            gone_codes.push(criterion);
            gone_keys.push(key);
        }
        tx.exec(
            &format!(
                "DELETE FROM {k} k USING unnest($1::uuid[], $2::int2[], $3::text[]) AS d(r, c, key) \
                 WHERE k.criterion = d.c AND k.key = d.key AND k.record_id = d.r"
            ),
            &[&gone_ids, &gone_codes, &gone_keys],
        )
        .await?;
    }
    insert(tx, object, &added).await
}
