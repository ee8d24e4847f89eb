//! Undo a merge, in one transaction: the duplicates come back as they were,
//! references and links the merge moved (and that still point at the master)
//! go back, links it dropped are re-created, and master fields the merge
//! filled get their old value unless changed since (those are `kept`).

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kasar_domain::{Caller, Catalog, ObjectDef, Record, Value};
use serde::Deserialize;
use serde_json::Value as Json;
use uuid::Uuid;

use super::history::live_entry;
use super::journal::{MergeEntry, Relinked};
use crate::authorize::{Authorized, Merge};
use crate::duplicates::MergeUnit;
use crate::error::AppError;
use crate::ports::{Tenant, Tx};
use crate::transaction::Unit;
use crate::Services;

/// `{"action": "unmerge", "merge_id"}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnmergeCommand {
    pub merge_id: kasar_domain::RecordId,
}

/// What an unmerge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmergeOutcome {
    pub merge_id: Uuid,
    pub restored: Vec<Uuid>,
    pub references_restored: u64,
    pub links_restored: u64,
    /// Master fields changed after the merge, left as they are: (record, field).
    pub kept: Vec<(Uuid, String)>,
    /// Journaled values the catalog no longer takes (a field deleted since,
    /// an option removed): their field names (`object.field` for references
    /// held by other objects), in name order.
    pub skipped: Vec<String>,
}

/// Undoes a merge of the caller's organization.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn unmerge(
    services: &Services,
    auth: &Authorized<Merge>,
    command: UnmergeCommand,
) -> Result<UnmergeOutcome, AppError> {
    let tenant = Tenant::from(auth.caller());
    let merge_id = command.merge_id.uuid();
    // Unknown, expired or of another organization: 404 before any lock.
    let entry = live_entry(services, &tenant, merge_id).await?;
    let (catalog, object) = services.object(&tenant, &entry.object_name).await?;
    let unit = Undo {
        services,
        caller: auth.caller(),
        tenant: &tenant,
        catalog: &catalog,
        object: &object,
        merge_id,
    };
    services.in_transaction(&tenant, &unit).await
}

struct Undo<'a> {
    services: &'a Services,
    caller: &'a Caller,
    tenant: &'a Tenant,
    catalog: &'a Catalog,
    object: &'a ObjectDef,
    merge_id: Uuid,
}

#[async_trait]
impl Unit for Undo<'_> {
    type Output = UnmergeOutcome;

    async fn run(&self, tx: &mut dyn Tx) -> Result<UnmergeOutcome, AppError> {
        // The entry again, locked: two unmerges of one merge run one after the other.
        let entry = tx
            .lock_merge(self.merge_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("merge {} not found", self.merge_id)))?;
        if entry.undone_at.is_some() {
            return Err(AppError::Conflict(format!(
                "merge {} is already undone",
                self.merge_id
            )));
        }
        // Later merges that took this merge's master away (A into B, then B
        // into C): undone first, outermost first, and done again afterwards
        // under their own ids, as if this merge had never happened.
        let mut later: Vec<MergeEntry> = Vec::new();
        let mut holder = entry.master_id;
        while later.len() < MAX_CHAIN {
            let Some(next) = tx.merge_taking(self.object, holder).await? else {
                break;
            };
            holder = next.master_id;
            later.push(next);
        }
        for next in later.iter().rev() {
            self.undo(tx, next).await?;
        }
        let out = self.undo(tx, &entry).await?;
        for next in &later {
            MergeUnit::again(self.caller, self.catalog, self.object, next)
                .run(tx)
                .await?;
        }
        Ok(out)
    }
}

/// Longest chain of later merges undone and done again.
const MAX_CHAIN: usize = 64;

impl Undo<'_> {
    /// Undoes one merge whose entry is locked and not undone.
    async fn undo(&self, tx: &mut dyn Tx, entry: &MergeEntry) -> Result<UnmergeOutcome, AppError> {
        let master = self.lock(tx, entry).await?;
        let mut skipped = BTreeSet::new();
        let records = self.duplicates(tx, entry, &mut skipped).await?;
        tx.restore_records(self.object, &records).await?;
        let relinked = self.still_linkable(entry, &mut skipped);
        let (references_restored, links_restored) = tx
            .unrelink(self.catalog, entry.master_id, &relinked)
            .await?;
        let kept = match master {
            Some(master) => self.master_fields(tx, entry, &master, &mut skipped).await?,
            None => Vec::new(),
        };
        tx.mark_undone(entry.merge_id).await?;
        Ok(UnmergeOutcome {
            merge_id: entry.merge_id,
            restored: entry.duplicate_ids.clone(),
            references_restored,
            links_restored,
            kept,
            skipped: skipped.into_iter().collect(),
        })
    }

    /// The journal's references and links whose fields the catalog still has
    /// (the others name their field in `skipped`).
    fn still_linkable(&self, entry: &MergeEntry, skipped: &mut BTreeSet<String>) -> Relinked {
        let references = entry
            .references
            .iter()
            .filter(|r| {
                let live = self
                    .catalog
                    .object(&r.object)
                    .and_then(|o| o.field(&r.field))
                    .is_some_and(|f| f.target.as_deref() == Some(self.object.name.as_str()));
                if !live {
                    skipped.insert(format!("{}.{}", r.object, r.field));
                }
                live
            })
            .cloned()
            .collect();
        let junctions: BTreeSet<String> = self
            .catalog
            .objects
            .iter()
            .flat_map(|o| o.many_to_many_fields().map(|f| f.junction_table(&o.name)))
            .collect();
        let links = entry
            .links
            .iter()
            .filter(|l| junctions.contains(&l.table))
            .cloned()
            .collect();
        Relinked { references, links }
    }

    /// Locks the master and the duplicates' ids in id order (as a merge does);
    /// returns the master, if it still exists. 409 when a duplicate exists
    /// again or the master was itself merged away since.
    async fn lock(&self, tx: &mut dyn Tx, entry: &MergeEntry) -> Result<Option<Record>, AppError> {
        let mut ids = entry.duplicate_ids.clone();
        ids.push(entry.master_id);
        let locked = tx.lock_records(self.object, &ids).await?;
        if let Some(back) = locked.iter().find(|r| r.id != entry.master_id) {
            return Err(AppError::Conflict(format!(
                "record {} exists again; the merge cannot be undone",
                back.id
            )));
        }
        let master = locked.into_iter().find(|r| r.id == entry.master_id);
        if master.is_none() {
            let found = self
                .services
                .store
                .merged_into(self.tenant, self.object, &[entry.master_id])
                .await?;
            if let Some(survivor) = found.get(&entry.master_id) {
                return Err(AppError::Conflict(format!(
                    "the master {} was merged into {survivor} since: undo that merge first",
                    entry.master_id
                )));
            }
        }
        Ok(master)
    }

    /// The duplicates as they were; a reference to a record deleted since
    /// becomes null (as deleting that record made every other reference).
    async fn duplicates(
        &self,
        tx: &mut dyn Tx,
        entry: &MergeEntry,
        skipped: &mut BTreeSet<String>,
    ) -> Result<Vec<Record>, AppError> {
        let mut records = Vec::with_capacity(entry.duplicates.len());
        for json in &entry.duplicates {
            records.push(record_of(self.object, json, skipped)?);
        }
        for field in self.object.column_fields() {
            let Some(target) = field.target.as_deref().and_then(|t| self.catalog.object(t)) else {
                continue;
            };
            let ids: Vec<Uuid> = records
                .iter()
                .filter_map(|r| match r.get(&field.name) {
                    Value::Id(id) => Some(*id),
                    _ => None,
                })
                .collect();
            if ids.is_empty() {
                continue;
            }
            let gone = tx.missing_records(target, &ids).await?;
            for r in &mut records {
                if matches!(r.get(&field.name), Value::Id(id) if gone.contains(id)) {
                    r.values.insert(field.name.clone(), Value::Null);
                }
            }
        }
        Ok(records)
    }

    /// Gives back the master's fields the merge filled and that still hold
    /// the merge's value; returns the others.
    async fn master_fields(
        &self,
        tx: &mut dyn Tx,
        entry: &MergeEntry,
        master: &Record,
        skipped: &mut BTreeSet<String>,
    ) -> Result<Vec<(Uuid, String)>, AppError> {
        let mut back = BTreeMap::new();
        let mut kept = Vec::new();
        for (name, after) in &entry.master_after {
            let Some(field) = self.object.field(name) else {
                skipped.insert(name.clone());
                continue;
            };
            if master.get(name).to_json() != *after {
                kept.push((master.id, name.clone()));
                continue;
            }
            let before = entry.master_before.get(name).cloned().unwrap_or(Json::Null);
            match Value::from_json(field, &before) {
                Ok(value) => {
                    back.insert(name.clone(), value);
                }
                Err(_) => {
                    skipped.insert(name.clone());
                }
            }
        }
        // The master's updated_at moves, as for any change.
        tx.update(self.object, &[master.id], &back).await?;
        Ok(kept)
    }
}

/// Keys of a journaled record that are not fields.
const SYSTEM_KEYS: [&str; 4] = ["id", "created_at", "updated_at", "merged_into"];

/// A record from its journal JSON (`id`, fields, `created_at`, `updated_at`);
/// MANY_TO_MANY fields are left out (the journal's links restore them). A
/// field added since takes its default; a value the field no longer takes
/// (deleted field, removed option) is named in `skipped`.
fn record_of(
    object: &ObjectDef,
    json: &Json,
    skipped: &mut BTreeSet<String>,
) -> Result<Record, AppError> {
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("journal record: {what}"));
    let time = |key: &str| -> Result<DateTime<Utc>, AppError> {
        json.get(key)
            .and_then(Json::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| bad(key))
    };
    let id = json
        .get("id")
        .and_then(Json::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| bad("id"))?;
    if let Some(map) = json.as_object() {
        skipped.extend(
            map.keys()
                .filter(|k| !SYSTEM_KEYS.contains(&k.as_str()) && object.field(k).is_none())
                .cloned(),
        );
    }
    let mut values = BTreeMap::new();
    for field in object.column_fields() {
        let fallback = || field.default_value.clone().unwrap_or(Json::Null);
        let value = match json
            .get(&field.name)
            .map(|raw| Value::from_json(field, raw))
        {
            Some(Ok(value)) => value,
            found => {
                if found.is_some() {
                    skipped.insert(field.name.clone());
                }
                Value::from_json(field, &fallback())
                    .map_err(|e| AppError::Conflict(format!("the merge cannot be undone: {e}")))?
            }
        };
        values.insert(field.name.clone(), value);
    }
    Ok(Record {
        id,
        created_at: time("created_at")?,
        updated_at: time("updated_at")?,
        values,
    })
}
