//! The schema routes' use cases: each opens a change transaction, judges the
//! request against the catalog it holds, applies and commits.

use std::sync::Arc;

use kasar_domain::fuzzy::{check_profile, Comparison};
use kasar_domain::schema::{FieldPatch, FieldSpec, SchemaChange};
use kasar_domain::{Catalog, FieldDef, ObjectDef};
use tracing::instrument;

use super::judge;
use crate::authorize::{Authorized, ChangeSchema};
use crate::error::AppError;
use crate::ports::{SchemaTx, Tenant};
use crate::Services;

/// A new object as the API receives it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewObject {
    pub name: String,
    pub label: Option<String>,
    pub fields: Vec<FieldSpec>,
}

/// A patch of one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub object: String,
    pub field: String,
    pub patch: FieldPatch,
}

impl Services {
    /// Opens a catalog change of `tenant` with the configured lock timeout.
    pub(super) async fn open_schema_change(
        &self,
        tenant: &Tenant,
    ) -> Result<Box<dyn SchemaTx>, AppError> {
        Ok(self
            .store
            .begin_schema(tenant, self.limits.schema_lock_timeout_ms)
            .await?)
    }

    /// Applies `changes` in order on `tx` and commits.
    async fn finish(
        mut tx: Box<dyn SchemaTx>,
        changes: &[SchemaChange],
    ) -> Result<Arc<Catalog>, AppError> {
        for change in changes {
            tracing::info!(change = %change.describe(), "catalog change");
            tx.apply(change).await?;
        }
        Ok(tx.commit().await?)
    }

    fn object_of(catalog: &Catalog, name: &str) -> Result<ObjectDef, AppError> {
        catalog.object(name).cloned().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("object {name} missing after change"))
        })
    }

    fn field_of(catalog: &Catalog, object: &str, field: &str) -> Result<FieldDef, AppError> {
        Self::object_of(catalog, object)?
            .field(field)
            .cloned()
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("field {field} missing after change"))
            })
    }

    /// `POST /schema`: the new object as the catalog now shows it.
    #[instrument(skip_all, fields(object = %new.name))]
    pub(crate) async fn create_object(
        &self,
        auth: &Authorized<ChangeSchema>,
        new: NewObject,
    ) -> Result<ObjectDef, AppError> {
        let tx = self
            .open_schema_change(&Tenant::from(auth.caller()))
            .await?;
        let change =
            judge::create_object(tx.as_ref(), &self.limits, &new.name, new.label, &new.fields)?;
        let catalog = Self::finish(tx, &[change]).await?;
        Self::object_of(&catalog, &new.name)
    }

    /// `DELETE /schema/{object}`.
    #[instrument(skip(self, auth))]
    pub(crate) async fn delete_object(
        &self,
        auth: &Authorized<ChangeSchema>,
        name: &str,
        force: bool,
    ) -> Result<(), AppError> {
        let mut tx = self
            .open_schema_change(&Tenant::from(auth.caller()))
            .await?;
        let changes = judge::delete_object(tx.as_mut(), name, force).await?;
        Self::finish(tx, &changes).await.map(|_| ())
    }

    /// `POST /schema/{object}/fields`: the new field.
    #[instrument(skip(self, auth, spec), fields(field = %spec.name))]
    pub(crate) async fn add_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        spec: FieldSpec,
    ) -> Result<FieldDef, AppError> {
        let mut tx = self
            .open_schema_change(&Tenant::from(auth.caller()))
            .await?;
        let change = judge::add_field(tx.as_mut(), &self.limits, object, &spec).await?;
        let catalog = Self::finish(tx, &[change]).await?;
        Self::field_of(&catalog, object, &spec.name)
    }

    /// `PATCH /schema/{object}/fields/{field}`: the field after the change.
    #[instrument(skip_all, fields(object = %change.object, field = %change.field))]
    pub(crate) async fn patch_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        change: FieldChange,
    ) -> Result<FieldDef, AppError> {
        let mut tx = self
            .open_schema_change(&Tenant::from(auth.caller()))
            .await?;
        let judged =
            judge::patch_field(tx.as_mut(), &change.object, &change.field, &change.patch).await?;
        let catalog = Self::finish(tx, &[judged]).await?;
        Self::field_of(&catalog, &change.object, &change.field)
    }

    /// `DELETE /schema/{object}/fields/{field}`.
    #[instrument(skip(self, auth))]
    pub(crate) async fn delete_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        field: &str,
    ) -> Result<(), AppError> {
        let tx = self
            .open_schema_change(&Tenant::from(auth.caller()))
            .await?;
        let change = judge::delete_field(tx.as_ref(), object, field)?;
        Self::finish(tx, &[change]).await.map(|_| ())
    }

    /// `PUT /schema/{object}/matching`: the object with its new profile.
    #[instrument(skip(self, auth, comparisons))]
    pub(crate) async fn set_matching(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        comparisons: Vec<Comparison>,
    ) -> Result<ObjectDef, AppError> {
        let tx = self
            .open_schema_change(&Tenant::from(auth.caller()))
            .await?;
        let target = tx
            .catalog()
            .object(object)
            .ok_or_else(|| AppError::InvalidObject(kasar_domain::id::shorten(object)))?;
        check_profile(target, &comparisons).map_err(AppError::Validation)?;
        let change = SchemaChange::SetMatching {
            object: object.to_owned(),
            comparisons: Some(comparisons),
        };
        let catalog = Self::finish(tx, &[change]).await?;
        Self::object_of(&catalog, object)
    }
}
