//! Runs a bulk request: checks, judgment, and one transaction of set-based writes.

use std::collections::BTreeMap;

use kasar_domain::{Caller, FieldType};
use uuid::Uuid;

use super::judge::judge;
use super::request::{check_action, check_ids, BulkRequest, Checked};
use crate::error::AppError;
use crate::ports::Tenant;
use crate::records::check_references;
use crate::services::conflict;
use crate::Services;

/// One failed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkFailure {
    pub record_id: Uuid,
    pub code: &'static str,
    pub message: &'static str,
}

/// The counts of `bulk.md`: `succeeded` is `updated`, `added` or `removed`
/// depending on the action, and `succeeded + failed == total`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    pub action: &'static str,
    pub total: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub errors: Vec<BulkFailure>,
}

/// Runs the request.
#[tracing::instrument(skip(services, caller, request), fields(org = %caller.organization_id, object = %request.object, action = request.action.as_str(), records = request.record_ids.len()))]
pub async fn run(
    services: &Services,
    caller: &Caller,
    request: &BulkRequest,
) -> Result<BulkOutcome, AppError> {
    crate::require_write(caller)?;
    let (catalog, object) = services.object(caller, &request.object).await?;
    let ids = check_ids(&services.limits, &request.record_ids)?;
    let checked = check_action(&services.limits, &catalog, &object, &request.action)?;
    let tenant = Tenant::from(caller);
    services
        .retrying(|| async {
            let mut tx = services.store.begin(&tenant).await.map_err(conflict)?;
            let (new_owner, per_record) = match &checked {
                Checked::Update { field, value } => {
                    let values = BTreeMap::from([(field.clone(), value.clone())]);
                    check_references(tx.as_mut(), &catalog, &object, &values).await?;
                    let owner = object
                        .field(field)
                        .filter(|f| f.field_type == FieldType::Owner && f.name == "owner")
                        .map(|_| match value {
                            kasar_domain::Value::Id(id) => Some(*id),
                            _ => None,
                        });
                    (owner, 1)
                }
                Checked::Links {
                    target, targets, ..
                } => {
                    let missing = tx
                        .missing_records(target, targets)
                        .await
                        .map_err(conflict)?;
                    if let Some(id) = missing.first() {
                        return Err(AppError::Validation(format!(
                            "target_ids: {} record {id} does not exist",
                            target.name
                        )));
                    }
                    (None, targets.len() as u64)
                }
            };
            let owners = tx.lock_owners(&object, &ids).await.map_err(conflict)?;
            let verdicts = judge(caller, &ids, &owners, new_owner);
            if !verdicts.allowed.is_empty() {
                match &checked {
                    Checked::Update { field, value } => {
                        let values = BTreeMap::from([(field.clone(), value.clone())]);
                        tx.update(&object, &verdicts.allowed, &values)
                            .await
                            .map_err(conflict)?;
                    }
                    Checked::Links {
                        field,
                        targets,
                        add: true,
                        ..
                    } => {
                        tx.add_links(&object, field, &verdicts.allowed, targets)
                            .await
                            .map_err(conflict)?;
                    }
                    Checked::Links {
                        field,
                        targets,
                        add: false,
                        ..
                    } => {
                        tx.remove_links(&object, field, &verdicts.allowed, targets)
                            .await
                            .map_err(conflict)?;
                    }
                }
            }
            tx.commit().await.map_err(conflict)?;
            let failed = verdicts.failed.len() as u64;
            Ok(BulkOutcome {
                action: request.action.as_str(),
                total: ids.len() as u64 * per_record,
                succeeded: verdicts.allowed.len() as u64 * per_record,
                failed: failed * per_record,
                errors: verdicts
                    .failed
                    .into_iter()
                    .map(|(record_id, code, message)| BulkFailure {
                        record_id,
                        code,
                        message,
                    })
                    .collect(),
            })
        })
        .await
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
