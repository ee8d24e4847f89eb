//! `Services` as the driving port: each operation of [`Crm`](crate::Crm)
//! delegates to its use case.

use std::sync::Arc;

use async_trait::async_trait;
use kasar_domain::schema::FieldSpec;
use kasar_domain::token::digest;
use kasar_domain::{Caller, Catalog, FieldDef, ObjectDef, Record};

use crate::authorize::{Authorized, ChangeSchema, Detect, Export, Import, Merge, Read, Write};
use crate::batch::{self, BatchDelete, BatchOutcome, BatchWrite};
use crate::bulk::{self, BulkCommand, BulkOutcome};
use crate::dismissals::{self, DismissCommand, Dismissal};
use crate::duplicates::{
    self, AutoMergeCommand, AutoMergeOutcome, DetectCommand, DetectOutcome, ExportPairs,
    MatchCommand, Matched, MergeCommand, MergeOutcome, PairExport,
};
use crate::error::AppError;
use crate::import::{self, ImportCommand, ImportOutcome};
use crate::merges::{self, ListMerges, MergeEntry, MergePage, UnmergeCommand, UnmergeOutcome};
use crate::ports::Tenant;
use crate::records::{
    self, CreateRecord, ExportRecords, Exported, ListRecords, Page, RecordRef, UpdateRecord,
};
use crate::schema::{FieldChange, NewObject};
use crate::service::Crm;
use crate::{Limits, Services};

/// Times a request runs again on the newest catalog after the catalog
/// changed under it.
const CATALOG_RETRIES: u32 = 3;

/// Evaluates `$call` (which uses `$auth`), and again on the organization's
/// newest catalog when the catalog changed under it: a request works on one
/// version of the catalog from its start to its end, and a change committed
/// meanwhile (through any instance) makes it start over, not fail.
macro_rules! fresh {
    ($self:ident, $auth:ident, $call:expr) => {{
        let mut current = $auth.at_catalog($auth.caller().catalog_version);
        let mut attempt = 0u32;
        loop {
            let $auth = &current;
            match $call {
                Err(AppError::CatalogChanged) if attempt < CATALOG_RETRIES => {
                    attempt += 1;
                    let tenant = Tenant::from(current.caller());
                    let catalog = $self.store.refresh_catalog(&tenant).await?;
                    tracing::info!(version = catalog.version, "catalog changed, running again");
                    current = current.at_catalog(catalog.version);
                }
                other => break other,
            }
        }
    }};
}

#[async_trait]
impl Crm for Services {
    fn limits(&self) -> Limits {
        self.limits.clone()
    }

    async fn ready(&self) -> Result<(), AppError> {
        Ok(self.directory.ping().await?)
    }

    async fn authenticate(&self, token: &str) -> Result<Option<Caller>, AppError> {
        Ok(self.directory.authenticate(&digest(token)).await?)
    }

    async fn catalog(&self, auth: &Authorized<Read>) -> Result<Arc<Catalog>, AppError> {
        fresh!(
            self,
            auth,
            Ok(self.store.catalog(&Tenant::from(auth.caller())).await?)
        )
    }

    async fn object(&self, auth: &Authorized<Read>, name: &str) -> Result<ObjectDef, AppError> {
        fresh!(
            self,
            auth,
            Services::object(self, &Tenant::from(auth.caller()), name)
                .await
                .map(|(_, object)| object)
        )
    }

    async fn list_records(
        &self,
        auth: &Authorized<Read>,
        query: ListRecords,
    ) -> Result<Page, AppError> {
        fresh!(self, auth, records::list(self, auth, query.clone()).await)
    }

    async fn export_records(
        &self,
        auth: &Authorized<Export>,
        command: ExportRecords,
    ) -> Result<Exported, AppError> {
        fresh!(
            self,
            auth,
            records::export(self, auth, command.clone()).await
        )
    }

    async fn get_record(
        &self,
        auth: &Authorized<Read>,
        target: RecordRef,
    ) -> Result<(ObjectDef, Record), AppError> {
        fresh!(self, auth, records::get(self, auth, target.clone()).await)
    }

    async fn create_record(
        &self,
        auth: &Authorized<Write>,
        command: CreateRecord,
    ) -> Result<(ObjectDef, Record), AppError> {
        fresh!(
            self,
            auth,
            records::create(self, auth, command.clone()).await
        )
    }

    async fn update_record(
        &self,
        auth: &Authorized<Write>,
        command: UpdateRecord,
    ) -> Result<(ObjectDef, Record), AppError> {
        fresh!(
            self,
            auth,
            records::update(self, auth, command.clone()).await
        )
    }

    async fn delete_record(
        &self,
        auth: &Authorized<Write>,
        target: RecordRef,
    ) -> Result<(), AppError> {
        fresh!(
            self,
            auth,
            records::delete(self, auth, target.clone()).await
        )
    }

    async fn detect(
        &self,
        auth: &Authorized<Detect>,
        command: DetectCommand,
    ) -> Result<DetectOutcome, AppError> {
        fresh!(
            self,
            auth,
            duplicates::detect(self, auth, command.clone()).await
        )
    }

    async fn merge(
        &self,
        auth: &Authorized<Merge>,
        command: MergeCommand,
    ) -> Result<MergeOutcome, AppError> {
        fresh!(
            self,
            auth,
            duplicates::merge(self, auth, command.clone()).await
        )
    }

    async fn bulk(
        &self,
        auth: &Authorized<Write>,
        command: BulkCommand,
    ) -> Result<BulkOutcome, AppError> {
        fresh!(self, auth, bulk::run(self, auth, command.clone()).await)
    }

    async fn batch_write(
        &self,
        auth: &Authorized<Write>,
        command: BatchWrite,
    ) -> Result<BatchOutcome, AppError> {
        fresh!(self, auth, batch::write(self, auth, command.clone()).await)
    }

    async fn batch_delete(
        &self,
        auth: &Authorized<Write>,
        command: BatchDelete,
    ) -> Result<BatchOutcome, AppError> {
        fresh!(self, auth, batch::delete(self, auth, command.clone()).await)
    }

    async fn import_records(
        &self,
        auth: &Authorized<Import>,
        command: ImportCommand,
    ) -> Result<ImportOutcome, AppError> {
        fresh!(
            self,
            auth,
            import::import(self, auth, command.clone()).await
        )
    }

    async fn auto_merge(
        &self,
        auth: &Authorized<Merge>,
        command: AutoMergeCommand,
    ) -> Result<AutoMergeOutcome, AppError> {
        fresh!(
            self,
            auth,
            duplicates::auto_merge(self, auth, command.clone()).await
        )
    }

    async fn unmerge(
        &self,
        auth: &Authorized<Merge>,
        command: UnmergeCommand,
    ) -> Result<UnmergeOutcome, AppError> {
        fresh!(
            self,
            auth,
            merges::unmerge(self, auth, command.clone()).await
        )
    }

    async fn dismiss(
        &self,
        auth: &Authorized<Merge>,
        command: DismissCommand,
    ) -> Result<Dismissal, AppError> {
        fresh!(
            self,
            auth,
            dismissals::dismiss(self, auth, command.clone()).await
        )
    }

    async fn undismiss(
        &self,
        auth: &Authorized<Merge>,
        command: DismissCommand,
    ) -> Result<Dismissal, AppError> {
        fresh!(
            self,
            auth,
            dismissals::undismiss(self, auth, command.clone()).await
        )
    }

    async fn list_dismissals(
        &self,
        auth: &Authorized<Detect>,
        object_name: Option<String>,
    ) -> Result<Vec<Dismissal>, AppError> {
        fresh!(
            self,
            auth,
            dismissals::list_dismissals(self, auth, object_name.clone()).await
        )
    }

    async fn list_merges(
        &self,
        auth: &Authorized<Detect>,
        command: ListMerges,
    ) -> Result<MergePage, AppError> {
        fresh!(
            self,
            auth,
            merges::list_merges(self, auth, command.clone()).await
        )
    }

    async fn get_merge(
        &self,
        auth: &Authorized<Detect>,
        merge_id: uuid::Uuid,
    ) -> Result<MergeEntry, AppError> {
        fresh!(self, auth, merges::get_merge(self, auth, merge_id).await)
    }

    async fn create_object(
        &self,
        auth: &Authorized<ChangeSchema>,
        new: NewObject,
    ) -> Result<ObjectDef, AppError> {
        Services::create_object(self, auth, new).await
    }

    async fn delete_object(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        force: bool,
    ) -> Result<(), AppError> {
        Services::delete_object(self, auth, object, force).await
    }

    async fn add_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        spec: FieldSpec,
    ) -> Result<FieldDef, AppError> {
        Services::add_field(self, auth, object, spec).await
    }

    async fn patch_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        change: FieldChange,
    ) -> Result<FieldDef, AppError> {
        Services::patch_field(self, auth, change).await
    }

    async fn delete_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        field: &str,
    ) -> Result<(), AppError> {
        Services::delete_field(self, auth, object, field).await
    }

    async fn set_matching(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        comparisons: Vec<kasar_domain::fuzzy::Comparison>,
    ) -> Result<ObjectDef, AppError> {
        Services::set_matching(self, auth, object, comparisons).await
    }

    async fn match_record(
        &self,
        auth: &Authorized<Read>,
        command: MatchCommand,
    ) -> Result<(ObjectDef, Vec<Matched>), AppError> {
        fresh!(
            self,
            auth,
            duplicates::match_record(self, auth, command.clone()).await
        )
    }

    async fn model_weights(
        &self,
        auth: &Authorized<Read>,
        object: Option<String>,
    ) -> Result<Vec<(String, serde_json::Value)>, AppError> {
        duplicates::model_weights(self, auth, object).await
    }

    async fn export_pairs(
        &self,
        auth: &Authorized<Export>,
        command: ExportPairs,
    ) -> Result<PairExport, AppError> {
        fresh!(
            self,
            auth,
            duplicates::export_pairs(self, auth, command.clone()).await
        )
    }
}
