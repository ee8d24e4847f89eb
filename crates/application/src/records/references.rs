//! References checked at once for any number of records: one query per
//! reference field, whatever the number of records (single writes, bulk and
//! batches alike).

use std::collections::{BTreeMap, HashSet};

use kasar_domain::{Catalog, FieldType, ObjectDef, Value};
use uuid::Uuid;

use crate::error::{AppError, StoreError};
use crate::ports::Tx;

/// For each row, the message of its first reference that names nothing (an
/// OWNER that is no workspace user, a BELONGS_TO_ONE or MANY_TO_MANY id that
/// is no record of the target), or `None`.
pub(crate) async fn missing_references(
    tx: &mut dyn Tx,
    catalog: &Catalog,
    object: &ObjectDef,
    rows: &[&BTreeMap<String, Value>],
) -> Result<Vec<Option<String>>, AppError> {
    let mut out: Vec<Option<String>> = vec![None; rows.len()];
    // By name: a record's first reference to nothing is the same whatever
    // the catalog's order of its fields.
    let mut fields: Vec<_> = object.fields.iter().collect();
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    for field in fields {
        let ids_of = |row: &BTreeMap<String, Value>| -> Vec<Uuid> {
            match row.get(&field.name) {
                Some(Value::Id(id)) => vec![*id],
                Some(Value::Ids(ids)) => ids.clone(),
                _ => Vec::new(),
            }
        };
        let mut all: Vec<Uuid> = rows.iter().flat_map(|r| ids_of(r)).collect();
        if all.is_empty() {
            continue;
        }
        all.sort_unstable();
        all.dedup();
        let (missing, what) = match field.field_type {
            FieldType::Owner => (tx.missing_users(&all).await?, "workspace user"),
            FieldType::BelongsToOne | FieldType::ManyToMany => {
                let target = field
                    .target
                    .as_deref()
                    .and_then(|t| catalog.object(t))
                    .ok_or_else(|| {
                        StoreError::Unexpected(anyhow::anyhow!(
                            "field {} has no target",
                            field.name
                        ))
                    })?;
                (tx.missing_records(target, &all).await?, "record")
            }
            _ => continue,
        };
        let missing: HashSet<Uuid> = missing.into_iter().collect();
        for (slot, row) in out.iter_mut().zip(rows) {
            if slot.is_some() {
                continue;
            }
            if let Some(id) = ids_of(row).into_iter().find(|id| missing.contains(id)) {
                *slot = Some(format!(
                    "field '{}': {what} {id} does not exist",
                    field.name
                ));
            }
        }
    }
    Ok(out)
}
