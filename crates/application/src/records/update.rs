//! Partially update a record.

use std::collections::BTreeMap;

use async_trait::async_trait;
use kasar_domain::{owner_change, Caller, Catalog, ObjectDef, Record, Value};
use uuid::Uuid;

use super::command::UpdateRecord;
use super::input::{check_references, lock_one, parse_values, read_back};
use crate::authorize::{Authorized, Write};
use crate::error::AppError;
use crate::ports::{Tenant, Tx};
use crate::transaction::Unit;
use crate::Services;

/// Sets the given fields of one record, under the record-level write rule.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id))]
pub async fn update(
    services: &Services,
    auth: &Authorized<Write>,
    command: UpdateRecord,
) -> Result<(ObjectDef, Record), AppError> {
    let tenant = Tenant::from(auth.caller());
    let (catalog, object) = services.object(&tenant, &command.object).await?;
    let values = parse_values(&object, &command.fields, false)?;
    let unit = Change {
        catalog: &catalog,
        object: &object,
        id: command.id.uuid(),
        values: &values,
        caller: auth.caller(),
    };
    match services.in_transaction(&tenant, &unit).await {
        Ok(record) => Ok((object, record)),
        Err(e) => Err(services
            .explain_missing(&tenant, &object, command.id.uuid(), e)
            .await),
    }
}

struct Change<'a> {
    catalog: &'a Catalog,
    object: &'a ObjectDef,
    id: Uuid,
    values: &'a BTreeMap<String, Value>,
    caller: &'a Caller,
}

#[async_trait]
impl Unit for Change<'_> {
    type Output = Record;

    async fn run(&self, tx: &mut dyn Tx) -> Result<Record, AppError> {
        let change = owner_change(self.object, self.values);
        lock_one(tx, self.caller, self.object, self.id, change).await?;
        check_references(tx, self.catalog, self.object, self.values).await?;
        if !self.values.is_empty() {
            tx.update(self.object, &[self.id], self.values).await?;
        }
        read_back(tx, self.object, self.id).await
    }
}
