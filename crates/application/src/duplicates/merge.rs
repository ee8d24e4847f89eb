//! Merge duplicates into a master record, in one transaction: lock in id
//! order, resolve fields, re-link references and junction rows, delete the
//! duplicates, bump the master's `updated_at`.

use std::collections::{BTreeMap, HashSet};

use async_trait::async_trait;
use kasar_domain::duplicates::{resolve_fields, MergeStrategy};
use kasar_domain::{Caller, Catalog, ObjectDef, Record, Value};
use serde_json::Map;
use uuid::Uuid;

use super::command::MergeCommand;
use crate::authorize::{Authorized, Merge};
use crate::error::AppError;
use crate::ports::{MergeEntry, RelinkCounts, Relinked, Tenant, Tx};
use crate::transaction::Unit;
use crate::Services;

/// What a merge did (or would do, on a dry run).
#[derive(Debug, Clone)]
pub struct MergeOutcome {
    pub master_id: Uuid,
    pub duplicates_deleted: u64,
    pub strategy: MergeStrategy,
    pub relinked: RelinkCounts,
    pub dry_run: bool,
    /// The journal entry written (none on a dry run).
    pub merge_id: Option<Uuid>,
    /// The master as it would look after the merge (dry run only).
    pub preview: Option<(ObjectDef, Record)>,
}

/// Merges the command's duplicates into its master.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn merge(
    services: &Services,
    auth: &Authorized<Merge>,
    command: MergeCommand,
) -> Result<MergeOutcome, AppError> {
    let tenant = Tenant::from(auth.caller());
    let (catalog, object) = services.object(&tenant, &command.object_name).await?;
    let (master, duplicates) = validate(services, &command)?;
    let unit = MergeUnit {
        caller: auth.caller(),
        retention_days: services.limits.journal_retention_days,
        catalog: &catalog,
        object: &object,
        master,
        duplicates: &duplicates,
        strategy: command.merge_strategy.unwrap_or_default(),
        dry_run: command.dry_run.unwrap_or(false),
        again: None,
    };
    match services.in_transaction(&tenant, &unit).await {
        Err(e @ AppError::RecordNotFound(_)) => {
            // The first id a merge took away, if any, names its survivor.
            let mut e = e;
            for id in std::iter::once(master).chain(duplicates.iter().copied()) {
                e = services.explain_missing(&tenant, &object, id, e).await;
                if matches!(e, AppError::MergedAway { .. }) {
                    break;
                }
            }
            Err(e)
        }
        other => other,
    }
}

/// The checks that need no database: at most the configured number of
/// duplicates, none repeated, the master not among them.
fn validate(services: &Services, command: &MergeCommand) -> Result<(Uuid, Vec<Uuid>), AppError> {
    let master = command.master_id.uuid();
    if command.duplicate_ids.is_empty() {
        return Err(AppError::Validation(
            "duplicate_ids must not be empty".into(),
        ));
    }
    let max = services.limits.merge_duplicates;
    if command.duplicate_ids.len() > max {
        return Err(AppError::Validation(format!(
            "duplicate_ids holds more than {max} ids"
        )));
    }
    let mut seen = HashSet::new();
    for id in &command.duplicate_ids {
        if !seen.insert(id.uuid()) {
            return Err(AppError::Validation(format!("duplicate_ids repeats {id}")));
        }
    }
    if seen.contains(&master) {
        return Err(AppError::Validation(
            "master_id appears in duplicate_ids".into(),
        ));
    }
    Ok((
        master,
        command.duplicate_ids.iter().map(|id| id.uuid()).collect(),
    ))
}

pub(crate) struct MergeUnit<'a> {
    caller: &'a Caller,
    retention_days: u32,
    catalog: &'a Catalog,
    object: &'a ObjectDef,
    master: Uuid,
    duplicates: &'a [Uuid],
    strategy: MergeStrategy,
    dry_run: bool,
    /// A merge done again in place of its journal entry: its id, who and with
    /// which token (see `again`).
    again: Option<(Uuid, Uuid, Uuid)>,
}

impl<'a> MergeUnit<'a> {
    /// The merge of `entry` done again, its entry rewritten under the same id
    /// (undoing an earlier merge of a chain undoes and redoes the later ones).
    pub(crate) fn again(
        caller: &'a Caller,
        catalog: &'a Catalog,
        object: &'a ObjectDef,
        entry: &'a MergeEntry,
    ) -> Self {
        Self {
            caller,
            retention_days: 0,
            catalog,
            object,
            master: entry.master_id,
            duplicates: &entry.duplicate_ids,
            strategy: MergeStrategy::parse(&entry.strategy).unwrap_or_default(),
            dry_run: false,
            again: Some((entry.merge_id, entry.merged_by, entry.token_id)),
        }
    }
}

#[async_trait]
impl Unit for MergeUnit<'_> {
    type Output = MergeOutcome;

    fn rolls_back(&self) -> bool {
        self.dry_run
    }

    async fn run(&self, tx: &mut dyn Tx) -> Result<MergeOutcome, AppError> {
        let (master, duplicates) = self.lock(tx).await?;
        let duplicates: Vec<&Record> = duplicates.iter().collect();
        let changes = resolve_fields(self.object, self.strategy, &master, &duplicates);
        if !changes.is_empty() {
            tx.update(self.object, &[self.master], &changes).await?;
        }
        let relinked = tx
            .relink(self.catalog, self.object, self.master, self.duplicates)
            .await?;
        let deleted = tx.delete(self.object, self.duplicates).await?;
        tx.update(self.object, &[self.master], &BTreeMap::new())
            .await?;
        let merge_id = if self.dry_run {
            None
        } else {
            let entry = self.entry(&master, &duplicates, &changes, &relinked);
            if self.again.is_some() {
                tx.rewrite_merge(&entry).await?;
            } else {
                tx.record_merge(&entry, self.retention_days).await?;
            }
            Some(entry.merge_id)
        };
        let preview = if self.dry_run {
            tx.get(self.object, self.master)
                .await?
                .map(|r| (self.object.clone(), r))
        } else {
            None
        };
        Ok(MergeOutcome {
            master_id: self.master,
            duplicates_deleted: deleted,
            strategy: self.strategy,
            relinked: RelinkCounts::from(&relinked),
            dry_run: self.dry_run,
            merge_id,
            preview,
        })
    }
}

impl MergeUnit<'_> {
    /// The journal entry of this merge.
    fn entry(
        &self,
        master: &Record,
        duplicates: &[&Record],
        changes: &BTreeMap<String, Value>,
        relinked: &Relinked,
    ) -> MergeEntry {
        let (mut before, mut after) = (Map::new(), Map::new());
        for (field, value) in changes {
            before.insert(field.clone(), master.get(field).to_json());
            after.insert(field.clone(), value.to_json());
        }
        let (merge_id, merged_by, token_id) = self.again.unwrap_or((
            Uuid::now_v7(),
            self.caller.workspace_user_id,
            self.caller.token_id,
        ));
        MergeEntry {
            merge_id,
            object_name: self.object.name.clone(),
            master_id: self.master,
            duplicate_ids: self.duplicates.to_vec(),
            strategy: self.strategy.as_str().to_owned(),
            merged_by,
            token_id,
            merged_at: None,
            undone_at: None,
            master_before: before,
            master_after: after,
            duplicates: duplicates.iter().map(|d| d.to_json(self.object)).collect(),
            references: relinked.references.clone(),
            links: relinked.links.clone(),
        }
    }

    /// Locks every record in id order; 404 naming the missing ones. Returns
    /// the master and the duplicates in request order.
    async fn lock(&self, tx: &mut dyn Tx) -> Result<(Record, Vec<Record>), AppError> {
        let mut all = self.duplicates.to_vec();
        all.push(self.master);
        let mut by_id: BTreeMap<Uuid, Record> = tx
            .lock_records(self.object, &all)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let missing: Vec<String> = all
            .iter()
            .filter(|id| !by_id.contains_key(id))
            .map(Uuid::to_string)
            .collect();
        let master = by_id.remove(&self.master);
        let duplicates: Vec<Record> = self
            .duplicates
            .iter()
            .filter_map(|id| by_id.remove(id))
            .collect();
        match master {
            Some(master) if missing.is_empty() => Ok((master, duplicates)),
            _ => Err(AppError::RecordNotFound(format!(
                "{} record(s) not found: {}",
                self.object.name,
                missing.join(", ")
            ))),
        }
    }
}
