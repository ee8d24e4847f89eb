//! The driven port of reads and units of work (`Store`).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use kasar_domain::duplicates::Criterion;
use kasar_domain::select::{After, Selection};
use kasar_domain::{Catalog, ObjectDef, Record};
use uuid::Uuid;

use super::{
    DigestSink, Dismissal, IndexedGroups, MergeEntry, MergeFilter, MergeSummary, RecordStream,
    ScanSink, Scanned, SchemaTx, Selected, StoredModel, Tenant, Tx,
};
use crate::error::StoreError;

/// Reads and units of work in an organization's schema.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync {
    /// The organization's catalog at the tenant's version (cached by
    /// adapters; the version changes with every committed catalog change).
    async fn catalog(&self, tenant: &Tenant) -> Result<Arc<Catalog>, StoreError>;

    /// The organization's catalog as committed now, whatever the tenant's
    /// version (after `StoreError::CatalogChanged`).
    async fn refresh_catalog(&self, tenant: &Tenant) -> Result<Arc<Catalog>, StoreError>;

    /// Opens a change of the organization's catalog that waits at most
    /// `lock_timeout_ms` for each lock it needs.
    async fn begin_schema(
        &self,
        tenant: &Tenant,
        lock_timeout_ms: u64,
    ) -> Result<Box<dyn SchemaTx>, StoreError>;

    /// The first `limit` records of `selection` (after `after`, in its order)
    /// and how many records match it in all.
    async fn select(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        selection: &Selection,
        after: Option<After>,
        limit: u32,
    ) -> Result<Selected, StoreError>;

    /// The ids of the first `limit` records of `selection`'s filter and search.
    async fn select_ids(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        selection: &Selection,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError>;

    /// Every record of `selection`, whole, in its order, in batches read
    /// from a server-side cursor (the memory does not grow with the table).
    async fn export(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        selection: &Selection,
    ) -> Result<RecordStream, StoreError>;

    /// Records by id, in no particular order; missing ids are skipped.
    async fn get_many(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<Record>, StoreError>;

    /// Streams the `limit` most recently created records, newest first, with
    /// only `columns`, to `sink` as they arrive (nothing is buffered); returns
    /// how many were read.
    async fn scan<'a>(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        columns: &[String],
        limit: u32,
        sink: &mut ScanSink<'a>,
    ) -> Result<usize, StoreError>;

    /// Streams the `limit` most recently created records, newest first, as
    /// the digests of their exact keys (kept by the key index beside the
    /// keys), to `sink` as they arrive; returns how many were read.
    async fn scan_digests<'a>(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        limit: u32,
        sink: &mut DigestSink<'a>,
    ) -> Result<usize, StoreError>;

    /// Detect over the whole table from the key index's groups, in one
    /// snapshot: the first `limit` groups of `criteria` not covered by one of
    /// `dismissed`, how many there are, how many records the table holds.
    /// `None` when the table holds more than `scan_limit` records (a scan of
    /// the newest ones is then what the contract asks for).
    async fn indexed_groups(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        criteria: &[Criterion],
        scan_limit: u32,
        dismissed: &[Vec<Uuid>],
        limit: usize,
    ) -> Result<Option<IndexedGroups>, StoreError>;

    /// The organization's dismissed sets, newest first (of one object when named).
    async fn dismissals(
        &self,
        tenant: &Tenant,
        object_name: Option<String>,
    ) -> Result<Vec<Dismissal>, StoreError>;

    /// Merges of the organization, newest first, at most `limit`.
    async fn merges(
        &self,
        tenant: &Tenant,
        filter: &MergeFilter,
        limit: u32,
    ) -> Result<Vec<MergeSummary>, StoreError>;

    /// One journal entry of the organization (expired ones included).
    async fn merge_entry(
        &self,
        tenant: &Tenant,
        id: Uuid,
    ) -> Result<Option<MergeEntry>, StoreError>;

    /// For each of `ids` a merge took away, the record it survives in,
    /// following merges that were not undone (A into B, B into C: C); ids
    /// never merged away are absent.
    async fn merged_into(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Uuid>, StoreError>;

    /// The stored fuzzy models of the organization's objects (of one when
    /// named), by object name.
    async fn models(
        &self,
        tenant: &Tenant,
        object_name: Option<String>,
    ) -> Result<Vec<(String, StoredModel)>, StoreError>;

    /// Stores the fuzzy model of an object (replacing the previous one).
    async fn save_model(
        &self,
        tenant: &Tenant,
        object_name: &str,
        model: &StoredModel,
    ) -> Result<(), StoreError>;

    /// The number of records of an object.
    async fn count(&self, tenant: &Tenant, object: &ObjectDef) -> Result<u64, StoreError>;

    /// The planner's estimate of an object's record count (no scan; `None`
    /// before the table's first statistics).
    async fn count_estimate(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
    ) -> Result<Option<u64>, StoreError>;

    /// The records holding one of the blocking `keys` in the key index,
    /// with `columns` as text; a key more than `max_block` records hold is
    /// ignored (it says too little). Never scans the table.
    async fn block_candidates(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        keys: &[String],
        columns: &[String],
        max_block: usize,
    ) -> Result<Vec<Scanned>, StoreError>;

    /// Starts a unit of work (one transaction). Dropping it without `commit`
    /// rolls it back, and its connection never returns to the pool mid-transaction.
    async fn begin(&self, tenant: &Tenant) -> Result<Box<dyn Tx>, StoreError>;
}
