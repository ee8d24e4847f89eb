//! The driven port of one transaction (`Tx`).

use std::collections::BTreeMap;

use async_trait::async_trait;
use kasar_domain::duplicates::Criterion;
use kasar_domain::{Catalog, ObjectDef, Record, Value};
use uuid::Uuid;

use super::{Dismissal, KeyMatch, MergeEntry, Relinked};
use crate::error::StoreError;

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

    /// For each of `keys` (stored form) held in the key index of `object`, its
    /// oldest holder (the earliest `created_at`, then the smallest id): one
    /// match per key held, none for a key no record holds.
    async fn find_keys(
        &mut self,
        object: &ObjectDef,
        keys: &[(Criterion, String)],
    ) -> Result<Vec<KeyMatch>, StoreError>;

    /// The records of `object` holding one of the blocking `keys` in the key
    /// index, `columns` as text; a key more than `max_block` records hold is
    /// ignored.
    async fn find_blocks(
        &mut self,
        object: &ObjectDef,
        keys: &[String],
        columns: &[String],
        max_block: usize,
    ) -> Result<Vec<crate::ports::Scanned>, StoreError>;

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

    /// The merge, not undone, that took record `id` of `object` away (the
    /// latest), locked until the transaction ends.
    async fn merge_taking(
        &mut self,
        object: &ObjectDef,
        id: Uuid,
    ) -> Result<Option<MergeEntry>, StoreError>;

    /// Replaces a merge's journal entry (a merge done again under its id);
    /// it is no longer undone.
    async fn rewrite_merge(&mut self, entry: &MergeEntry) -> Result<(), StoreError>;

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
