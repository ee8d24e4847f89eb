//! The driving port: everything the HTTP adapter (and the demo seeder) may ask
//! of the application, one method per operation. Adapters hold an
//! `Arc<dyn Crm>` and never reach the driven ports; tests of an adapter use
//! `MockCrm`.

use std::sync::Arc;

use async_trait::async_trait;
use kasar_domain::schema::FieldSpec;
use kasar_domain::{Caller, Catalog, FieldDef, ObjectDef, Record};

use crate::authorize::{Authorized, ChangeSchema, Detect, Export, Import, Merge, Read, Write};
use crate::batch::{BatchDelete, BatchOutcome, BatchWrite};
use crate::bulk::{BulkCommand, BulkOutcome};
use crate::dismissals::{DismissCommand, Dismissal};
use crate::duplicates::{
    AutoMergeCommand, AutoMergeOutcome, DetectCommand, DetectOutcome, ExportPairs, MatchCommand,
    Matched, MergeCommand, MergeOutcome, PairExport,
};
use crate::error::AppError;
use crate::import::{ImportCommand, ImportOutcome};
use crate::merges::{ListMerges, MergeEntry, MergePage, UnmergeCommand, UnmergeOutcome};
use crate::records::{
    CreateRecord, ExportRecords, Exported, ListRecords, Page, RecordRef, UpdateRecord,
};
use crate::schema::{FieldChange, NewObject};
use crate::Limits;

/// The use cases, as the driving adapters see them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Crm: Send + Sync + 'static {
    /// The configured limits (for documents that describe them).
    fn limits(&self) -> Limits;

    /// `Ok` when the database answers.
    async fn ready(&self) -> Result<(), AppError>;

    /// The caller a bearer token belongs to; `None` when it is unknown,
    /// revoked or expired.
    async fn authenticate(&self, token: &str) -> Result<Option<Caller>, AppError>;

    /// The caller's catalog.
    async fn catalog(&self, auth: &Authorized<Read>) -> Result<Arc<Catalog>, AppError>;

    /// One object of the caller's catalog, or INVALID_OBJECT.
    async fn object(&self, auth: &Authorized<Read>, name: &str) -> Result<ObjectDef, AppError>;

    /// A page of the records a selection picks.
    async fn list_records(
        &self,
        auth: &Authorized<Read>,
        query: ListRecords,
    ) -> Result<Page, AppError>;

    /// Every record a selection picks, streamed.
    async fn export_records(
        &self,
        auth: &Authorized<Export>,
        command: ExportRecords,
    ) -> Result<Exported, AppError>;

    /// One record.
    async fn get_record(
        &self,
        auth: &Authorized<Read>,
        target: RecordRef,
    ) -> Result<(ObjectDef, Record), AppError>;

    /// Creates a record.
    async fn create_record(
        &self,
        auth: &Authorized<Write>,
        command: CreateRecord,
    ) -> Result<(ObjectDef, Record), AppError>;

    /// Changes a record.
    async fn update_record(
        &self,
        auth: &Authorized<Write>,
        command: UpdateRecord,
    ) -> Result<(ObjectDef, Record), AppError>;

    /// Deletes a record.
    async fn delete_record(
        &self,
        auth: &Authorized<Write>,
        target: RecordRef,
    ) -> Result<(), AppError>;

    /// Finds duplicate groups.
    async fn detect(
        &self,
        auth: &Authorized<Detect>,
        command: DetectCommand,
    ) -> Result<DetectOutcome, AppError>;

    /// Merges duplicates into a master.
    async fn merge(
        &self,
        auth: &Authorized<Merge>,
        command: MergeCommand,
    ) -> Result<MergeOutcome, AppError>;

    /// Creates, updates or upserts many records.
    async fn batch_write(
        &self,
        auth: &Authorized<Write>,
        command: BatchWrite,
    ) -> Result<BatchOutcome, AppError>;

    /// Deletes many records.
    async fn batch_delete(
        &self,
        auth: &Authorized<Write>,
        command: BatchDelete,
    ) -> Result<BatchOutcome, AppError>;

    /// Imports records with a duplicate policy.
    async fn import_records(
        &self,
        auth: &Authorized<Import>,
        command: ImportCommand,
    ) -> Result<ImportOutcome, AppError>;

    /// Detects and merges every reported group.
    async fn auto_merge(
        &self,
        auth: &Authorized<Merge>,
        command: AutoMergeCommand,
    ) -> Result<AutoMergeOutcome, AppError>;

    /// Undoes a merge.
    async fn unmerge(
        &self,
        auth: &Authorized<Merge>,
        command: UnmergeCommand,
    ) -> Result<UnmergeOutcome, AppError>;

    /// Dismisses a set of records ("not duplicates of each other").
    async fn dismiss(
        &self,
        auth: &Authorized<Merge>,
        command: DismissCommand,
    ) -> Result<Dismissal, AppError>;

    /// Removes a dismissal.
    async fn undismiss(
        &self,
        auth: &Authorized<Merge>,
        command: DismissCommand,
    ) -> Result<Dismissal, AppError>;

    /// Dismissed sets, newest first.
    async fn list_dismissals(
        &self,
        auth: &Authorized<Detect>,
        object_name: Option<String>,
    ) -> Result<Vec<Dismissal>, AppError>;

    /// Merges, newest first.
    async fn list_merges(
        &self,
        auth: &Authorized<Detect>,
        command: ListMerges,
    ) -> Result<MergePage, AppError>;

    /// One merge's journal entry.
    async fn get_merge(
        &self,
        auth: &Authorized<Detect>,
        merge_id: uuid::Uuid,
    ) -> Result<MergeEntry, AppError>;

    /// Applies one change to many records.
    async fn bulk(
        &self,
        auth: &Authorized<Write>,
        command: BulkCommand,
    ) -> Result<BulkOutcome, AppError>;

    /// `POST /schema`: a new custom object, as the catalog shows it.
    async fn create_object(
        &self,
        auth: &Authorized<ChangeSchema>,
        new: NewObject,
    ) -> Result<ObjectDef, AppError>;

    /// `DELETE /schema/{object}` (`force`: with its records and the
    /// relation fields that target it).
    async fn delete_object(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        force: bool,
    ) -> Result<(), AppError>;

    /// `POST /schema/{object}/fields`: the new field.
    async fn add_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        spec: FieldSpec,
    ) -> Result<FieldDef, AppError>;

    /// `PATCH /schema/{object}/fields/{field}`: the changed field.
    async fn patch_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        change: FieldChange,
    ) -> Result<FieldDef, AppError>;

    /// `DELETE /schema/{object}/fields/{field}`.
    async fn delete_field(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        field: &str,
    ) -> Result<(), AppError>;

    /// `PUT /schema/{object}/matching`: the object with its new profile.
    async fn set_matching(
        &self,
        auth: &Authorized<ChangeSchema>,
        object: &str,
        comparisons: Vec<kasar_domain::fuzzy::Comparison>,
    ) -> Result<ObjectDef, AppError>;

    /// `POST /records/{object}/match`: the records a would-be record matches.
    async fn match_record(
        &self,
        auth: &Authorized<Read>,
        command: MatchCommand,
    ) -> Result<(ObjectDef, Vec<Matched>), AppError>;

    /// The weights of the fuzzy models estimated for the objects' current
    /// profiles (of one object when named), by object name.
    async fn model_weights(
        &self,
        auth: &Authorized<Read>,
        object: Option<String>,
    ) -> Result<Vec<(String, serde_json::Value)>, AppError>;

    /// `GET /export/duplicates/{object}`: every pair, produced as it is read.
    async fn export_pairs(
        &self,
        auth: &Authorized<Export>,
        command: ExportPairs,
    ) -> Result<PairExport, AppError>;
}
