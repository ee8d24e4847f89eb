//! The driven port of catalog changes (`SchemaTx`): one transaction that
//! holds the organization's catalog for itself (no other change can commit
//! meanwhile), waits a bounded time for the locks of the tables it alters,
//! and changes the catalog rows and the tables together.

use std::sync::Arc;

use async_trait::async_trait;
use kasar_domain::schema::SchemaChange;
use kasar_domain::Catalog;

use crate::error::StoreError;

/// An open catalog change. Dropped without `commit`, it changes nothing.
/// Methods fail with `StoreError::Busy` when a lock was not granted within
/// the change's lock timeout.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SchemaTx: Send {
    /// The catalog as the transaction holds it: the organization's current
    /// one, with every change applied so far.
    fn catalog(&self) -> &Catalog;

    /// Records of `object`.
    async fn count_records(&mut self, object: &str) -> Result<i64, StoreError>;

    /// Records of `object` whose column `field` is null.
    async fn count_nulls(&mut self, object: &str, field: &str) -> Result<i64, StoreError>;

    /// Records of `object` whose column `field` holds one of `values`.
    async fn count_values(
        &mut self,
        object: &str,
        field: &str,
        values: &[String],
    ) -> Result<i64, StoreError>;

    /// Applies `change` to the tables, the catalog rows and the key index.
    /// `StoreError::NameTaken` when a table or index it would create exists.
    async fn apply(&mut self, change: &SchemaChange) -> Result<(), StoreError>;

    /// Commits; the new catalog.
    async fn commit(self: Box<Self>) -> Result<Arc<Catalog>, StoreError>;
}
