//! Read one record.

use kasar_domain::{ObjectDef, Record};

use super::command::RecordRef;
use crate::authorize::{Authorized, Read};
use crate::error::AppError;
use crate::ports::Tenant;
use crate::Services;

/// One record by id; an id of another organization is not found.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn get(
    services: &Services,
    auth: &Authorized<Read>,
    target: RecordRef,
) -> Result<(ObjectDef, Record), AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &target.object).await?;
    let id = target.id.uuid();
    let mut found = services.store.get_many(&tenant, &object, &[id]).await?;
    match found.pop() {
        Some(record) => Ok((object, record)),
        None => {
            let e = AppError::not_found(&object.name, id);
            Err(services.explain_missing(&tenant, &object, id, e).await)
        }
    }
}
