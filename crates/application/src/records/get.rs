//! Read one record.

use kasar_domain::{Caller, ObjectDef, Record};
use uuid::Uuid;

use crate::error::AppError;
use crate::ports::Tenant;
use crate::Services;

/// One record by id; an id of another organization is not found.
#[tracing::instrument(skip(services, caller), fields(org = %caller.organization_id))]
pub async fn get(
    services: &Services,
    caller: &Caller,
    object: &str,
    id: &str,
) -> Result<(ObjectDef, Record), AppError> {
    let (_, object) = services.object(caller, object).await?;
    let uuid = Uuid::parse_str(id)
        .map_err(|_| AppError::not_found(&object.name, crate::services::shorten(id)))?;
    let mut found = services
        .store
        .get_many(&Tenant::from(caller), &object, &[uuid])
        .await?;
    let record = found
        .pop()
        .ok_or_else(|| AppError::not_found(&object.name, uuid))?;
    Ok((object, record))
}
