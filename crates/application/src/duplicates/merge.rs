//! Merge duplicates into a master record, in one transaction: lock in id
//! order, resolve fields, re-link references and junction rows, delete the
//! duplicates, bump the master's `updated_at`.

use std::collections::{BTreeMap, HashSet};

use kasar_domain::duplicates::{resolve_fields, MergeStrategy};
use kasar_domain::{Caller, ObjectDef, Record};
use uuid::Uuid;

use super::{parse_ids, require_admin};
use crate::error::AppError;
use crate::ports::{RelinkCounts, Tenant};
use crate::services::conflict;
use crate::Services;

/// A merge request, as typed by the HTTP adapter.
#[derive(Debug, Clone, Default)]
pub struct MergeRequest {
    pub object: String,
    pub master_id: String,
    pub duplicate_ids: Vec<String>,
    pub strategy: Option<String>,
    pub dry_run: bool,
}

/// What a merge did (or would do, on a dry run).
#[derive(Debug, Clone)]
pub struct MergeOutcome {
    pub master_id: Uuid,
    pub duplicates_deleted: u64,
    pub strategy: MergeStrategy,
    pub relinked: RelinkCounts,
    pub dry_run: bool,
    /// The master as it would look after the merge (dry run only).
    pub preview: Option<(ObjectDef, Record)>,
}

/// Merges `duplicate_ids` into `master_id`.
#[tracing::instrument(skip(services, caller), fields(org = %caller.organization_id))]
pub async fn merge(
    services: &Services,
    caller: &Caller,
    request: &MergeRequest,
) -> Result<MergeOutcome, AppError> {
    require_admin(caller)?;
    // A merge writes (and deletes) records: a read-only token may only detect.
    crate::require_write(caller)?;
    let (catalog, object) = services.object(caller, &request.object).await?;
    let (master, duplicates, strategy) = validate(services, request)?;
    let tenant = Tenant::from(caller);
    services
        .retrying(|| async {
            let mut tx = services.store.begin(&tenant).await.map_err(conflict)?;
            let mut all = duplicates.clone();
            all.push(master);
            let locked = tx.lock_records(&object, &all).await.map_err(conflict)?;
            if locked.len() < all.len() {
                let found: HashSet<Uuid> = locked.iter().map(|r| r.id).collect();
                let missing: Vec<String> = all
                    .iter()
                    .filter(|id| !found.contains(id))
                    .map(Uuid::to_string)
                    .collect();
                return Err(AppError::RecordNotFound(format!(
                    "{} record(s) not found: {}",
                    object.name,
                    missing.join(", ")
                )));
            }
            let by_id: BTreeMap<Uuid, &Record> = locked.iter().map(|r| (r.id, r)).collect();
            let master_record = by_id[&master];
            let dup_records: Vec<&Record> = duplicates.iter().map(|id| by_id[id]).collect();
            let changes = resolve_fields(&object, strategy, master_record, &dup_records);
            if !changes.is_empty() {
                tx.update(&object, &[master], &changes)
                    .await
                    .map_err(conflict)?;
            }
            let relinked = tx
                .relink(&catalog, &object, master, &duplicates)
                .await
                .map_err(conflict)?;
            let deleted = tx.delete(&object, &duplicates).await.map_err(conflict)?;
            tx.update(&object, &[master], &BTreeMap::new())
                .await
                .map_err(conflict)?;
            let preview = if request.dry_run {
                let after = tx.get(&object, master).await.map_err(conflict)?;
                tx.rollback().await.map_err(conflict)?;
                after.map(|r| (object.clone(), r))
            } else {
                tx.commit().await.map_err(conflict)?;
                None
            };
            Ok(MergeOutcome {
                master_id: master,
                duplicates_deleted: deleted,
                strategy,
                relinked,
                dry_run: request.dry_run,
                preview,
            })
        })
        .await
}

/// The request checks that need no database.
fn validate(
    services: &Services,
    request: &MergeRequest,
) -> Result<(Uuid, Vec<Uuid>, MergeStrategy), AppError> {
    let master = parse_ids("master_id", std::slice::from_ref(&request.master_id))?[0];
    if request.duplicate_ids.is_empty() {
        return Err(AppError::Validation(
            "duplicate_ids must not be empty".into(),
        ));
    }
    let max = services.limits.merge_duplicates;
    if request.duplicate_ids.len() > max {
        return Err(AppError::Validation(format!(
            "duplicate_ids holds more than {max} ids"
        )));
    }
    let duplicates = parse_ids("duplicate_ids", &request.duplicate_ids)?;
    let mut seen = HashSet::new();
    for id in &duplicates {
        if !seen.insert(*id) {
            return Err(AppError::Validation(format!("duplicate_ids repeats {id}")));
        }
    }
    if seen.contains(&master) {
        return Err(AppError::Validation(
            "master_id appears in duplicate_ids".into(),
        ));
    }
    let strategy = match request.strategy.as_deref() {
        None => MergeStrategy::KeepMaster,
        Some(s) => MergeStrategy::parse(s).ok_or_else(|| {
            AppError::Validation(format!(
                "unknown merge_strategy '{}' (keep_master, fill_blanks)",
                crate::services::shorten(s)
            ))
        })?,
    };
    Ok((master, duplicates, strategy))
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
