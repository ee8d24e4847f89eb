//! The ports the use cases need, implemented by adapters (PostgreSQL) and by
//! `mockall` mocks in unit tests (feature `mocks` for other crates).
//!
//! Every method may fail with `StoreError::Unavailable` when the database cannot
//! be reached and `StoreError::Unexpected` on a bug; other errors are listed on
//! the method.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use kasar_domain::duplicates::Criterion;
use kasar_domain::select::{After, Selection};
use kasar_domain::{Caller, Catalog, ObjectDef, Record, Role, Value};
use uuid::Uuid;

use crate::error::StoreError;

/// The organization a request works in: its id and PostgreSQL schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub organization_id: Uuid,
    pub schema: String,
}

impl From<&Caller> for Tenant {
    fn from(c: &Caller) -> Self {
        Self {
            organization_id: c.organization_id,
            schema: c.organization_schema.clone(),
        }
    }
}

/// What a selection found: a page of records, the number of records that
/// match, and whether more follow the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    pub records: Vec<Record>,
    pub total: i64,
    pub more: bool,
}

/// Batches of records of an export, in the selection's order; ends after the
/// last batch or with the first error.
pub type RecordStream = BoxStream<'static, Result<Vec<Record>, StoreError>>;

/// Receives each scanned record: its id, creation time and the values of the
/// columns asked for (null as `None`), borrowed for the call only.
pub type ScanSink<'a> = dyn FnMut(Uuid, DateTime<Utc>, &[Option<&str>]) + Send + 'a;

/// A record holding a key of the key index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMatch {
    pub criterion: Criterion,
    /// The key, in its stored form.
    pub key: String,
    pub id: Uuid,
}

pub use crate::dismissals::Dismissal;
pub use crate::merges::journal::{
    MergeEntry, MergeFilter, MergeSummary, MovedLink, MovedReference, Relinked,
};

/// What re-linking moved during a merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelinkCounts {
    /// BELONGS_TO_ONE references re-pointed at the master.
    pub references_moved: u64,
    /// Junction rows moved to the master.
    pub links_moved: u64,
    /// Junction rows dropped because the master already had that link.
    pub links_dropped: u64,
}

impl From<&Relinked> for RelinkCounts {
    fn from(r: &Relinked) -> Self {
        let (references_moved, links_moved, links_dropped) = r.counts();
        Self {
            references_moved,
            links_moved,
            links_dropped,
        }
    }
}

/// Reads and units of work in an organization's schema.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync {
    /// The organization's catalog (cached by adapters; it changes only when the
    /// organization is provisioned).
    async fn catalog(&self, tenant: &Tenant) -> Result<Arc<Catalog>, StoreError>;

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

    /// Starts a unit of work (one transaction). Dropping it without `commit`
    /// rolls it back, and its connection never returns to the pool mid-transaction.
    async fn begin(&self, tenant: &Tenant) -> Result<Box<dyn Tx>, StoreError>;
}

/// One transaction in an organization's schema. Every write sets `updated_at`
/// of the records whose fields or links it changes.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Tx: Send {
    /// Locks the records (`FOR UPDATE`, in id order) and returns their owners
    /// (`None` when the object has no owner field or it is null). Missing ids are absent.
    async fn lock_owners(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<(Uuid, Option<Uuid>)>, StoreError>;

    /// Locks the records (`FOR UPDATE`, in id order) and returns them whole.
    async fn lock_records(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<Record>, StoreError>;

    /// Holds every other import into `object` of the organization until this
    /// transaction ends, so that their duplicate checks see each other's records.
    async fn lock_imports(&mut self, object: &ObjectDef) -> Result<(), StoreError>;

    /// The records of `object` holding one of `keys` (stored form) in the key
    /// index, oldest record first (then by id).
    async fn find_keys(
        &mut self,
        object: &ObjectDef,
        keys: &[(Criterion, String)],
    ) -> Result<Vec<KeyMatch>, StoreError>;

    /// Which of `ids` are not records of `object`.
    async fn missing_records(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError>;

    /// Which of `ids` are not workspace users of the tenant's organization.
    async fn missing_users(&mut self, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError>;

    /// Inserts a record with the given column values and links; returns its id.
    async fn insert(
        &mut self,
        object: &ObjectDef,
        values: &BTreeMap<String, Value>,
    ) -> Result<Uuid, StoreError>;

    /// Inserts records with the given ids (column values and links), with a
    /// fixed number of statements whatever their count.
    async fn insert_many(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        rows: &[BTreeMap<String, Value>],
    ) -> Result<(), StoreError>;

    /// Sets, for each record, its own given fields (and replaces the
    /// MANY_TO_MANY fields it gives), with a fixed number of statements. A
    /// record's `updated_at` moves when a value really changes or links are given.
    async fn update_many(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        rows: &[BTreeMap<String, Value>],
    ) -> Result<(), StoreError>;

    /// Records whose `field` matches one of `keys` (`id`: the id as
    /// lowercase hyphenated text; EMAIL: trimmed and lowercased; TEXT:
    /// exactly), as (key, id) pairs: several for a key several records match.
    async fn find_by(
        &mut self,
        object: &ObjectDef,
        field: &str,
        keys: &[String],
    ) -> Result<Vec<(String, Uuid)>, StoreError>;

    /// Sets column values (and replaces MANY_TO_MANY links) of the records.
    /// Only rows whose values really change get a new `updated_at`, unless
    /// links are replaced or `values` is empty (a plain touch of every row).
    /// Returns how many ids it was given, not how many rows changed.
    async fn update(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        values: &BTreeMap<String, Value>,
    ) -> Result<u64, StoreError>;

    /// Links every record to every target through `field`; returns the links
    /// inserted (existing links are left alone).
    async fn add_links(
        &mut self,
        object: &ObjectDef,
        field: &str,
        ids: &[Uuid],
        targets: &[Uuid],
    ) -> Result<u64, StoreError>;

    /// Unlinks every record from every target through `field`; returns the
    /// links removed.
    async fn remove_links(
        &mut self,
        object: &ObjectDef,
        field: &str,
        ids: &[Uuid],
        targets: &[Uuid],
    ) -> Result<u64, StoreError>;

    /// Points every reference and junction row of `duplicates` at `master`,
    /// dropping junction rows the master already has; returns every row it
    /// changed, for the journal.
    async fn relink(
        &mut self,
        catalog: &Catalog,
        object: &ObjectDef,
        master: Uuid,
        duplicates: &[Uuid],
    ) -> Result<Relinked, StoreError>;

    /// Records a dismissed set (sorted ids); the existing one when the same
    /// set was dismissed before.
    async fn dismiss(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        by: Uuid,
    ) -> Result<Dismissal, StoreError>;

    /// Removes the dismissal of exactly `ids` (sorted); returns it, if there was one.
    async fn undismiss(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Option<Dismissal>, StoreError>;

    /// A journal entry of the organization, locked until the transaction ends.
    async fn lock_merge(&mut self, id: Uuid) -> Result<Option<MergeEntry>, StoreError>;

    /// Marks a merge undone.
    async fn mark_undone(&mut self, id: Uuid) -> Result<(), StoreError>;

    /// Inserts records as they were: their ids, `created_at`, `updated_at`
    /// and column values (with their keys); links are restored apart.
    async fn restore_records(
        &mut self,
        object: &ObjectDef,
        records: &[Record],
    ) -> Result<(), StoreError>;

    /// Undoes re-linking: references the merge re-pointed that still point
    /// at `master` point at their duplicate again (their `updated_at` back
    /// when nothing changed them since); junction rows it moved that the
    /// master still has move back; rows it dropped are re-created (where the
    /// record on the other side still exists). Returns (references, links) restored.
    async fn unrelink(
        &mut self,
        catalog: &Catalog,
        master: Uuid,
        relinked: &Relinked,
    ) -> Result<(u64, u64), StoreError>;

    /// Writes a merge's journal entry, and purges the organization's entries
    /// older than `retention_days` (0: keeps them all).
    async fn record_merge(
        &mut self,
        entry: &MergeEntry,
        retention_days: u32,
    ) -> Result<(), StoreError>;

    /// Deletes records; returns how many were deleted.
    async fn delete(&mut self, object: &ObjectDef, ids: &[Uuid]) -> Result<u64, StoreError>;

    /// One record as it stands inside the transaction.
    async fn get(&mut self, object: &ObjectDef, id: Uuid) -> Result<Option<Record>, StoreError>;

    /// Commits. On error nothing was written.
    async fn commit(&mut self) -> Result<(), StoreError>;

    /// Rolls back explicitly (dropping does too).
    async fn rollback(&mut self) -> Result<(), StoreError>;
}

/// A workspace user as the operator CLI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceUser {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
}

/// A new API token to store (only its digest and display prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub workspace_user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub digest: Vec<u8>,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Why a token could not be revoked.
#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    #[error("no token matches '{0}'")]
    NotFound(String),
    #[error("'{0}' matches more than one token; use the token id")]
    Ambiguous(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The control plane: organizations, users, tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Directory: Send + Sync {
    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The caller a token digest belongs to, if the token exists, is not
    /// revoked and has not expired.
    async fn authenticate(&self, digest: &[u8]) -> Result<Option<Caller>, StoreError>;

    /// Creates an organization with its own schema holding `objects`, all in one
    /// transaction. `StoreError::Constraint` when the slug is taken.
    async fn create_organization(
        &self,
        slug: &str,
        name: &str,
        objects: &[ObjectDef],
    ) -> Result<Tenant, StoreError>;

    /// An organization by slug.
    async fn find_organization(&self, slug: &str) -> Result<Option<Tenant>, StoreError>;

    /// Adds (or finds) the user by email and makes them a workspace user of the
    /// organization with `role`. Returns the workspace user.
    async fn add_user(
        &self,
        organization_id: Uuid,
        email: &str,
        full_name: &str,
        role: Role,
    ) -> Result<WorkspaceUser, StoreError>;

    /// A workspace user of an organization by email.
    async fn find_user(
        &self,
        organization_id: Uuid,
        email: &str,
    ) -> Result<Option<WorkspaceUser>, StoreError>;

    /// Stores a token; returns its id.
    async fn create_token(&self, token: &NewToken) -> Result<Uuid, StoreError>;

    /// Revokes a token by id or display prefix.
    async fn revoke_token(&self, id_or_prefix: &str) -> Result<Uuid, RevokeError>;
}
