//! Create a record.

use kasar_domain::{Caller, ObjectDef, Record};
use serde_json::Value as Json;

use crate::require_write;

use super::input::{check_references, new_owner, parse_values};
use crate::error::{AppError, StoreError};
use crate::ports::Tenant;
use crate::Services;

/// Creates a record from a JSON object of field values.
#[tracing::instrument(skip(services, caller, body), fields(org = %caller.organization_id))]
pub async fn create(
    services: &Services,
    caller: &Caller,
    object: &str,
    body: &Json,
) -> Result<(ObjectDef, Record), AppError> {
    require_write(caller)?;
    let (catalog, object) = services.object(caller, object).await?;
    let values = parse_values(&object, body, true)?;
    if !caller.may_change(None, new_owner(&values)) {
        return Err(AppError::PermissionDenied(
            "a member may set owner only to itself or null".into(),
        ));
    }
    let mut tx = services.store.begin(&Tenant::from(caller)).await?;
    check_references(tx.as_mut(), &catalog, &object, &values).await?;
    let id = tx.insert(&object, &values).await?;
    let record = tx.get(&object, id).await?.ok_or_else(|| {
        StoreError::Unexpected(anyhow::anyhow!("inserted record {id} not readable"))
    })?;
    tx.commit().await?;
    Ok((object, record))
}
