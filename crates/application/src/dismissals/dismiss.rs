//! Dismiss, undismiss and list dismissed sets (admins only).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::command::{DismissCommand, MAX_DISMISSED, MIN_DISMISSED};
use crate::authorize::{Authorized, Detect, Merge};
use crate::error::AppError;
use crate::ports::Tenant;
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
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object_name).await?;
    let ids = ids(&command)?;
    let mut tx = services.store.begin(&tenant).await?;
    let missing = tx.missing_records(&object, &ids).await?;
    if let Some(first) = missing.first() {
        let e = AppError::not_found(&object.name, first);
        return Err(services.explain_missing(&tenant, &object, *first, e).await);
    }
    let out = tx
        .dismiss(&object, &ids, auth.caller().workspace_user_id)
        .await?;
    tx.commit().await?;
    Ok(out)
}

/// Removes the dismissal of exactly that set; 404 NOT_FOUND when there is none.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn undismiss(
    services: &Services,
    auth: &Authorized<Merge>,
    command: DismissCommand,
) -> Result<Dismissal, AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object_name).await?;
    let ids = ids(&command)?;
    let mut tx = services.store.begin(&tenant).await?;
    let removed = tx.undismiss(&object, &ids).await?;
    tx.commit().await?;
    removed.ok_or_else(|| AppError::NotFound("no dismissal holds exactly these records".into()))
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
