//! Create a record.

use std::collections::BTreeMap;

use async_trait::async_trait;
use kasar_domain::{owner_change, Catalog, ObjectDef, Record, Value};

use super::command::CreateRecord;
use super::input::{check_references, parse_values, read_back};
use crate::authorize::{Authorized, Write};
use crate::error::AppError;
use crate::ports::{Tenant, Tx};
use crate::transaction::Unit;
use crate::Services;

/// Creates a record from its field values.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id))]
pub async fn create(
    services: &Services,
    auth: &Authorized<Write>,
    command: CreateRecord,
) -> Result<(ObjectDef, Record), AppError> {
    let caller = auth.caller();
    let tenant = Tenant::from(caller);
    let (catalog, object) = services.object(&tenant, &command.object).await?;
    let values = parse_values(&object, &command.fields, true)?;
    if !caller.may_change(None, owner_change(&object, &values)) {
        return Err(AppError::PermissionDenied(
            "a member may set owner only to itself or null".into(),
        ));
    }
    let unit = Insert {
        catalog: &catalog,
        object: &object,
        values: &values,
    };
    let record = services.in_transaction(&tenant, &unit).await?;
    Ok((object, record))
}

struct Insert<'a> {
    catalog: &'a Catalog,
    object: &'a ObjectDef,
    values: &'a BTreeMap<String, Value>,
}

#[async_trait]
impl Unit for Insert<'_> {
    type Output = Record;

    async fn run(&self, tx: &mut dyn Tx) -> Result<Record, AppError> {
        check_references(tx, self.catalog, self.object, self.values).await?;
        let id = tx.insert(self.object, self.values).await?;
        read_back(tx, self.object, id).await
    }
}
