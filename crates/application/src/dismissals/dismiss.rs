//! Dismiss, undismiss and list dismissed sets (admins only).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kasar_domain::ObjectDef;
use uuid::Uuid;

use super::command::{DismissCommand, MAX_DISMISSED, MIN_DISMISSED};
use crate::authorize::{Authorized, Detect, Merge};
use crate::error::AppError;
use crate::ports::{Tenant, Tx};
use crate::transaction::Unit;
use crate::Services;

/// A dismissed set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dismissal {
    pub dismissal_id: Uuid,
    pub object_name: String,
    /// Sorted.
    pub record_ids: Vec<Uuid>,
    pub dismissed_at: DateTime<Utc>,
    pub dismissed_by: Option<Uuid>,
}

/// The command's ids, sorted, after the checks that need no database.
fn ids(command: &DismissCommand) -> Result<Vec<Uuid>, AppError> {
    let mut ids: Vec<Uuid> = command.record_ids.iter().map(|id| id.uuid()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != command.record_ids.len() {
        return Err(AppError::Validation("record_ids repeats an id".into()));
    }
    if !(MIN_DISMISSED..=MAX_DISMISSED).contains(&ids.len()) {
        return Err(AppError::Validation(format!(
            "record_ids holds {MIN_DISMISSED} to {MAX_DISMISSED} ids"
        )));
    }
    Ok(ids)
}

/// Records that the records are not duplicates of each other (again: the
/// same set is kept once). 404 when one is not a record of the object.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn dismiss(
    services: &Services,
    auth: &Authorized<Merge>,
    command: DismissCommand,
) -> Result<Dismissal, AppError> {
    let by = auth.caller().workspace_user_id;
    change(services, auth, &command, Some(by))
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("dismissal not written")))
}

/// Removes the dismissal of exactly that set; 404 NOT_FOUND when there is none.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn undismiss(
    services: &Services,
    auth: &Authorized<Merge>,
    command: DismissCommand,
) -> Result<Dismissal, AppError> {
    change(services, auth, &command, None)
        .await?
        .ok_or_else(|| AppError::NotFound("no dismissal holds exactly these records".into()))
}

/// Dismisses the set (`by` the caller) or, without `by`, undismisses it, in
/// one unit of work of the transaction runner; returns the dismissal written
/// or removed. 404 when a record to dismiss does not exist.
async fn change(
    services: &Services,
    auth: &Authorized<Merge>,
    command: &DismissCommand,
    by: Option<Uuid>,
) -> Result<Option<Dismissal>, AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object_name).await?;
    let ids = ids(command)?;
    let unit = Change {
        object: &object,
        ids: &ids,
        by,
    };
    match services.in_transaction(&tenant, &unit).await? {
        Ok(set) => Ok(set),
        Err(missing) => {
            let e = AppError::not_found(&object.name, missing);
            Err(services.explain_missing(&tenant, &object, missing, e).await)
        }
    }
}

struct Change<'a> {
    object: &'a ObjectDef,
    ids: &'a [Uuid],
    by: Option<Uuid>,
}

#[async_trait]
impl Unit for Change<'_> {
    /// The dismissal written or removed, or the first id that is no record.
    type Output = Result<Option<Dismissal>, Uuid>;

    async fn run(&self, tx: &mut dyn Tx) -> Result<Self::Output, AppError> {
        let Some(by) = self.by else {
            return Ok(Ok(tx.undismiss(self.object, self.ids).await?));
        };
        if let Some(first) = tx.missing_records(self.object, self.ids).await?.first() {
            return Ok(Err(*first));
        }
        Ok(Ok(Some(tx.dismiss(self.object, self.ids, by).await?)))
    }
}

/// The dismissed sets, newest first (of one object when named).
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn list_dismissals(
    services: &Services,
    auth: &Authorized<Detect>,
    object_name: Option<String>,
) -> Result<Vec<Dismissal>, AppError> {
    let tenant = Tenant::from(auth.caller());
    if let Some(name) = &object_name {
        services.object(&tenant, name).await?;
    }
    Ok(services.store.dismissals(&tenant, object_name).await?)
}
