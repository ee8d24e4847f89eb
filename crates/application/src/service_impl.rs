//! `Services` as the driving port: each operation of [`Crm`](crate::Crm)
//! delegates to its use case.

use std::sync::Arc;

use async_trait::async_trait;
use kasar_domain::token::digest;
use kasar_domain::{Caller, Catalog, ObjectDef, Record};

use crate::authorize::{Authorized, Detect, Export, Import, Merge, Read, Write};
use crate::batch::{self, BatchDelete, BatchOutcome, BatchWrite};
use crate::bulk::{self, BulkCommand, BulkOutcome};
use crate::dismissals::{self, DismissCommand, Dismissal};
use crate::duplicates::{
    self, AutoMergeCommand, AutoMergeOutcome, DetectCommand, DetectOutcome, MergeCommand,
    MergeOutcome,
};
use crate::error::AppError;
use crate::import::{self, ImportCommand, ImportOutcome};
use crate::merges::{self, ListMerges, MergeEntry, MergePage, UnmergeCommand, UnmergeOutcome};
use crate::ports::Tenant;
use crate::records::{
    self, CreateRecord, ExportRecords, Exported, ListRecords, Page, RecordRef, UpdateRecord,
};
use crate::service::Crm;
use crate::{Limits, Services};

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
        Ok(self.store.catalog(&Tenant::from(auth.caller())).await?)
    }

    async fn object(&self, auth: &Authorized<Read>, name: &str) -> Result<ObjectDef, AppError> {
        Services::object(self, &Tenant::from(auth.caller()), name)
            .await
            .map(|(_, object)| object)
    }

    async fn list_records(
        &self,
        auth: &Authorized<Read>,
        query: ListRecords,
    ) -> Result<Page, AppError> {
        records::list(self, auth, query).await
    }

    async fn export_records(
        &self,
        auth: &Authorized<Export>,
        command: ExportRecords,
    ) -> Result<Exported, AppError> {
        records::export(self, auth, command).await
    }

    async fn get_record(
        &self,
        auth: &Authorized<Read>,
        target: RecordRef,
    ) -> Result<(ObjectDef, Record), AppError> {
        records::get(self, auth, target).await
    }

    async fn create_record(
        &self,
        auth: &Authorized<Write>,
        command: CreateRecord,
    ) -> Result<(ObjectDef, Record), AppError> {
        records::create(self, auth, command).await
    }

    async fn update_record(
        &self,
        auth: &Authorized<Write>,
        command: UpdateRecord,
    ) -> Result<(ObjectDef, Record), AppError> {
        records::update(self, auth, command).await
    }

    async fn delete_record(
        &self,
        auth: &Authorized<Write>,
        target: RecordRef,
    ) -> Result<(), AppError> {
        records::delete(self, auth, target).await
    }

    async fn detect(
        &self,
        auth: &Authorized<Detect>,
        command: DetectCommand,
    ) -> Result<DetectOutcome, AppError> {
        duplicates::detect(self, auth, command).await
    }

    async fn merge(
        &self,
        auth: &Authorized<Merge>,
        command: MergeCommand,
    ) -> Result<MergeOutcome, AppError> {
        duplicates::merge(self, auth, command).await
    }

    async fn bulk(
        &self,
        auth: &Authorized<Write>,
        command: BulkCommand,
    ) -> Result<BulkOutcome, AppError> {
        bulk::run(self, auth, command).await
    }

    async fn batch_write(
        &self,
        auth: &Authorized<Write>,
        command: BatchWrite,
    ) -> Result<BatchOutcome, AppError> {
        batch::write(self, auth, command).await
    }

    async fn batch_delete(
        &self,
        auth: &Authorized<Write>,
        command: BatchDelete,
    ) -> Result<BatchOutcome, AppError> {
        batch::delete(self, auth, command).await
    }

    async fn import_records(
        &self,
        auth: &Authorized<Import>,
        command: ImportCommand,
    ) -> Result<ImportOutcome, AppError> {
        import::import(self, auth, command).await
    }

    async fn auto_merge(
        &self,
        auth: &Authorized<Merge>,
        command: AutoMergeCommand,
    ) -> Result<AutoMergeOutcome, AppError> {
        duplicates::auto_merge(self, auth, command).await
    }

    async fn unmerge(
        &self,
        auth: &Authorized<Merge>,
        command: UnmergeCommand,
    ) -> Result<UnmergeOutcome, AppError> {
        merges::unmerge(self, auth, command).await
    }

    async fn dismiss(
        &self,
        auth: &Authorized<Merge>,
        command: DismissCommand,
    ) -> Result<Dismissal, AppError> {
        dismissals::dismiss(self, auth, command).await
    }

    async fn undismiss(
        &self,
        auth: &Authorized<Merge>,
        command: DismissCommand,
    ) -> Result<Dismissal, AppError> {
        dismissals::undismiss(self, auth, command).await
    }

    async fn list_dismissals(
        &self,
        auth: &Authorized<Detect>,
        object_name: Option<String>,
    ) -> Result<Vec<Dismissal>, AppError> {
        dismissals::list_dismissals(self, auth, object_name).await
    }

    async fn list_merges(
        &self,
        auth: &Authorized<Detect>,
        command: ListMerges,
    ) -> Result<MergePage, AppError> {
        merges::list_merges(self, auth, command).await
    }

    async fn get_merge(
        &self,
        auth: &Authorized<Detect>,
        merge_id: uuid::Uuid,
    ) -> Result<MergeEntry, AppError> {
        merges::get_merge(self, auth, merge_id).await
    }
}
