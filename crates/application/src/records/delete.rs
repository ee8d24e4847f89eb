//! Delete a record.

use async_trait::async_trait;
use kasar_domain::{Caller, ObjectDef};
use uuid::Uuid;

use super::command::RecordRef;
use super::input::lock_one;
use crate::authorize::{Authorized, Write};
use crate::error::AppError;
use crate::ports::{Tenant, Tx};
use crate::transaction::Unit;
use crate::Services;

/// Deletes one record, under the record-level write rule. References to it are
/// cleared and its links removed by the database.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn delete(
    services: &Services,
    auth: &Authorized<Write>,
    target: RecordRef,
) -> Result<(), AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &target.object).await?;
    let unit = Remove {
        object: &object,
        id: target.id.uuid(),
        caller: auth.caller(),
    };
    match services.in_transaction(&tenant, &unit).await {
        Ok(()) => Ok(()),
        Err(e) => Err(services
            .explain_missing(&tenant, &object, target.id.uuid(), e)
            .await),
    }
}

struct Remove<'a> {
    object: &'a ObjectDef,
    id: Uuid,
    caller: &'a Caller,
}

#[async_trait]
impl Unit for Remove<'_> {
    type Output = ();

    async fn run(&self, tx: &mut dyn Tx) -> Result<(), AppError> {
        lock_one(tx, self.caller, self.object, self.id, None).await?;
        tx.delete(self.object, &[self.id]).await?;
        Ok(())
    }
}
