//! Delete many records, each judged as a single delete judges it.

use std::collections::HashSet;

use async_trait::async_trait;
use kasar_domain::{Caller, ObjectDef};
use serde_json::Value as Json;
use uuid::Uuid;

use super::command::BatchDelete;
use super::outcome::{failed, BatchOutcome, BatchResult};
use super::too_many;
use crate::authorize::{Authorized, Write};
use crate::error::{AppError, NO_PERMISSION_ON_RECORD};
use crate::error_code::ErrorCode;
use crate::ports::{Tenant, Tx};
use crate::transaction::Unit;
use crate::Services;

/// Deletes the records the command names; one result per id.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id, records = command.record_ids.len()))]
pub async fn delete(
    services: &Services,
    auth: &Authorized<Write>,
    command: BatchDelete,
) -> Result<BatchOutcome, AppError> {
    too_many(services, command.record_ids.len())?;
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object).await?;
    let (ids, mut results) = parse_ids(&command.record_ids);
    let unit = Remove {
        caller: auth.caller(),
        object: &object,
        ids: &ids,
    };
    results.extend(services.in_transaction(&tenant, &unit).await?);
    Ok(BatchOutcome::of(results))
}

/// The well-formed ids with their index (repeats fail), and the failures.
fn parse_ids(raw: &[Json]) -> (Vec<(usize, Uuid)>, Vec<BatchResult>) {
    let (mut ids, mut results) = (Vec::new(), Vec::new());
    let mut seen = HashSet::new();
    for (index, value) in raw.iter().enumerate() {
        match value.as_str().and_then(|s| Uuid::parse_str(s).ok()) {
            Some(id) if seen.insert(id) => ids.push((index, id)),
            Some(id) => results.push(failed(
                index,
                ErrorCode::ValidationError,
                format!("{id} is repeated in this request"),
            )),
            None => results.push(failed(
                index,
                ErrorCode::ValidationError,
                "a record id is a UUID string",
            )),
        }
    }
    (ids, results)
}

struct Remove<'a> {
    caller: &'a Caller,
    object: &'a ObjectDef,
    ids: &'a [(usize, Uuid)],
}

#[async_trait]
impl Unit for Remove<'_> {
    type Output = Vec<BatchResult>;

    async fn run(&self, tx: &mut dyn Tx) -> Result<Vec<BatchResult>, AppError> {
        let ids: Vec<Uuid> = self.ids.iter().map(|(_, id)| *id).collect();
        let owners: std::collections::HashMap<Uuid, Option<Uuid>> = tx
            .lock_owners(self.object, &ids)
            .await?
            .into_iter()
            .collect();
        let mut results = Vec::with_capacity(ids.len());
        let mut allowed = Vec::new();
        for (index, id) in self.ids {
            match owners.get(id) {
                None => results.push(failed(
                    *index,
                    ErrorCode::RecordNotFound,
                    AppError::not_found(&self.object.name, id).to_string(),
                )),
                Some(owner) if !self.caller.may_change(*owner, None) => {
                    results.push(failed(
                        *index,
                        ErrorCode::PermissionDenied,
                        NO_PERMISSION_ON_RECORD,
                    ));
                }
                Some(_) => {
                    allowed.push(*id);
                    results.push(BatchResult::Done {
                        index: *index,
                        id: *id,
                        status: "deleted",
                    });
                }
            }
        }
        if !allowed.is_empty() {
            tx.delete(self.object, &allowed).await?;
        }
        Ok(results)
    }
}
