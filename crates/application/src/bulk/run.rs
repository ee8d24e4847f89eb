//! Runs a bulk command: checks, then one transaction that judges every record
//! and applies the change to the allowed ones with set-based writes.

use std::collections::BTreeMap;

use async_trait::async_trait;
use kasar_domain::select::Selection;
use kasar_domain::{owner_change, Caller, Catalog, ObjectDef};
use uuid::Uuid;

use super::command::BulkCommand;
use super::judge::{judge, Verdicts};
use super::request::{check_action, check_targets, Checked, Targets};
use crate::authorize::{Authorized, Write};
use crate::error::AppError;
use crate::error_code::ErrorCode;
use crate::ports::{Tenant, Tx};
use crate::records::check_references;
use crate::transaction::Unit;
use crate::Services;

/// One failed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkFailure {
    pub record_id: Uuid,
    pub code: ErrorCode,
    pub message: &'static str,
    /// For a record a merge took away: the record it survives in.
    pub merged_into: Option<Uuid>,
}

/// The counts of a bulk request: `succeeded` is `updated`, `added` or
/// `removed` depending on the action, and `succeeded + failed == total`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    pub action: &'static str,
    pub total: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub errors: Vec<BulkFailure>,
}

/// Runs the command.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id, object = %command.object_name(), action = command.action(), records = command.record_ids().map_or(0, <[_]>::len)))]
pub async fn run(
    services: &Services,
    auth: &Authorized<Write>,
    command: BulkCommand,
) -> Result<BulkOutcome, AppError> {
    let tenant = Tenant::from(auth.caller());
    let (catalog, object) = services.object(&tenant, command.object_name()).await?;
    let targets = check_targets(&services.limits, &object, &command)?;
    let checked = check_action(&services.limits, &catalog, &object, &command)?;
    let ids = match targets {
        Targets::Listed(ids) => ids,
        Targets::Selected(selection) => select(services, &tenant, &object, &selection).await?,
    };
    let unit = Apply {
        caller: auth.caller(),
        catalog: &catalog,
        object: &object,
        ids: &ids,
        checked: &checked,
    };
    let (verdicts, per_record) = services.in_transaction(&tenant, &unit).await?;
    let count = |n: usize| n as u64 * per_record;
    let missing: Vec<Uuid> = verdicts
        .failed
        .iter()
        .filter(|(_, code, _)| *code == ErrorCode::RecordNotFound)
        .map(|(id, _, _)| *id)
        .collect();
    let survivors = if missing.is_empty() {
        std::collections::HashMap::new()
    } else {
        services
            .store
            .merged_into(&tenant, &object, &missing)
            .await?
    };
    Ok(BulkOutcome {
        action: command.action(),
        total: count(ids.len()),
        succeeded: count(verdicts.allowed.len()),
        failed: count(verdicts.failed.len()),
        errors: verdicts
            .failed
            .into_iter()
            .map(|(record_id, code, message)| BulkFailure {
                record_id,
                code,
                message,
                merged_into: survivors.get(&record_id).copied(),
            })
            .collect(),
    })
}

/// The ids a selection picks, at most the bulk limit (more is 400: nothing
/// changes).
async fn select(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
    selection: &Selection,
) -> Result<Vec<Uuid>, AppError> {
    let max = services.limits.bulk_records;
    let fetch = u32::try_from(max.saturating_add(1)).unwrap_or(u32::MAX);
    let ids = services
        .store
        .select_ids(tenant, object, selection, fetch)
        .await?;
    if ids.len() > max {
        return Err(AppError::Validation(format!(
            "where selects more than {max} records"
        )));
    }
    Ok(ids)
}

/// The transaction of a bulk request.
struct Apply<'a> {
    caller: &'a Caller,
    catalog: &'a Catalog,
    object: &'a ObjectDef,
    ids: &'a [Uuid],
    checked: &'a Checked,
}

#[async_trait]
impl Unit for Apply<'_> {
    /// The verdicts and how many changes each allowed record counts for.
    type Output = (Verdicts, u64);

    async fn run(&self, tx: &mut dyn Tx) -> Result<(Verdicts, u64), AppError> {
        let (new_owner, per_record) = self.check_targets(tx).await?;
        let owners = tx.lock_owners(self.object, self.ids).await?;
        let verdicts = judge(self.caller, self.ids, &owners, new_owner);
        if !verdicts.allowed.is_empty() {
            self.write(tx, &verdicts.allowed).await?;
        }
        Ok((verdicts, per_record))
    }
}

impl Apply<'_> {
    /// Checks that the ids the change names exist; returns the owner change it
    /// makes and how many changes it counts per record.
    async fn check_targets(
        &self,
        tx: &mut dyn Tx,
    ) -> Result<(Option<Option<Uuid>>, u64), AppError> {
        match self.checked {
            Checked::Update { field, value } => {
                let values = BTreeMap::from([(field.clone(), value.clone())]);
                check_references(tx, self.catalog, self.object, &values).await?;
                Ok((owner_change(self.object, &values), 1))
            }
            Checked::Links {
                target, targets, ..
            } => {
                let missing = tx.missing_records(target, targets).await?;
                if let Some(id) = missing.first() {
                    return Err(AppError::Validation(format!(
                        "target_ids: {} record {id} does not exist",
                        target.name
                    )));
                }
                Ok((None, targets.len() as u64))
            }
        }
    }

    /// Applies the change to the allowed records.
    async fn write(&self, tx: &mut dyn Tx, allowed: &[Uuid]) -> Result<(), AppError> {
        match self.checked {
            Checked::Update { field, value } => {
                let values = BTreeMap::from([(field.clone(), value.clone())]);
                tx.update(self.object, allowed, &values).await?;
            }
            Checked::Links {
                field,
                targets,
                add: true,
                ..
            } => {
                tx.add_links(self.object, field, allowed, targets).await?;
            }
            Checked::Links {
                field,
                targets,
                add: false,
                ..
            } => {
                tx.remove_links(self.object, field, allowed, targets)
                    .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
