//! Delete a record.

use kasar_domain::Caller;
use uuid::Uuid;

use crate::error::{AppError, NO_PERMISSION_ON_RECORD};
use crate::ports::Tenant;
use crate::require_write;
use crate::services::shorten;
use crate::Services;

/// Deletes one record, under the record-level write rule. References to it are
/// cleared and its links removed by the database.
#[tracing::instrument(skip(services, caller), fields(org = %caller.organization_id))]
pub async fn delete(
    services: &Services,
    caller: &Caller,
    object: &str,
    id: &str,
) -> Result<(), AppError> {
    require_write(caller)?;
    let (_, object) = services.object(caller, object).await?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::not_found(&object.name, shorten(id)))?;
    let mut tx = services.store.begin(&Tenant::from(caller)).await?;
    let owners = tx.lock_owners(&object, &[id]).await?;
    let Some((_, owner)) = owners.first() else {
        return Err(AppError::not_found(&object.name, id));
    };
    if !caller.may_change(*owner, None) {
        return Err(AppError::PermissionDenied(NO_PERMISSION_ON_RECORD.into()));
    }
    tx.delete(&object, &[id]).await?;
    tx.commit().await?;
    Ok(())
}
