//! Partially update a record.

use kasar_domain::{Caller, ObjectDef, Record};
use serde_json::Value as Json;
use uuid::Uuid;

use super::input::{check_references, new_owner, parse_values};
use crate::error::{AppError, StoreError, NO_PERMISSION_ON_RECORD};
use crate::ports::Tenant;
use crate::require_write;
use crate::services::shorten;
use crate::Services;

/// Sets the given fields of one record, under the record-level write rule.
#[tracing::instrument(skip(services, caller, body), fields(org = %caller.organization_id))]
pub async fn update(
    services: &Services,
    caller: &Caller,
    object: &str,
    id: &str,
    body: &Json,
) -> Result<(ObjectDef, Record), AppError> {
    require_write(caller)?;
    let (catalog, object) = services.object(caller, object).await?;
    let values = parse_values(&object, body, false)?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::not_found(&object.name, shorten(id)))?;
    let mut tx = services.store.begin(&Tenant::from(caller)).await?;
    let owners = tx.lock_owners(&object, &[id]).await?;
    let Some((_, owner)) = owners.first() else {
        return Err(AppError::not_found(&object.name, id));
    };
    if !caller.may_change(*owner, new_owner(&values)) {
        return Err(AppError::PermissionDenied(NO_PERMISSION_ON_RECORD.into()));
    }
    check_references(tx.as_mut(), &catalog, &object, &values).await?;
    if !values.is_empty() {
        tx.update(&object, &[id], &values).await?;
    }
    let record = tx
        .get(&object, id)
        .await?
        .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("locked record {id} vanished")))?;
    tx.commit().await?;
    Ok((object, record))
}
