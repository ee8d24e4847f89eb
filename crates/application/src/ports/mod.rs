//! The ports the use cases need, implemented by adapters (PostgreSQL) and by
//! `mockall` mocks in unit tests (feature `mocks` for other crates).
//!
//! Every method may fail with `StoreError::Unavailable` when the database cannot
//! be reached and `StoreError::Unexpected` on a bug; other errors are listed on
//! the method.

use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use kasar_domain::duplicates::Criterion;
use kasar_domain::{Caller, Record};
use uuid::Uuid;

use crate::error::StoreError;

mod directory;
mod schema;
mod store;
mod tx;

#[cfg(any(test, feature = "mocks"))]
pub use directory::MockDirectory;
pub use directory::{Directory, NewToken, RevokeError, WorkspaceUser};
#[cfg(any(test, feature = "mocks"))]
pub use schema::MockSchemaTx;
pub use schema::SchemaTx;
#[cfg(any(test, feature = "mocks"))]
pub use store::MockStore;
pub use store::Store;
#[cfg(any(test, feature = "mocks"))]
pub use tx::MockTx;
pub use tx::Tx;

/// The organization a request works in: its id, PostgreSQL schema, and the
/// version of its catalog the request works on (0: whichever is current,
/// for operator commands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub organization_id: Uuid,
    pub schema: String,
    pub catalog_version: i64,
}

impl From<&Caller> for Tenant {
    fn from(c: &Caller) -> Self {
        Self {
            organization_id: c.organization_id,
            schema: c.organization_schema.clone(),
            catalog_version: c.catalog_version,
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

/// Where a scan of key digests hands each record: its id, creation time and,
/// per criterion, the digests of its keys concatenated (empty: none; see
/// `kasar_domain::duplicates::record_digests`).
pub type DigestSink<'a> =
    dyn FnMut(Uuid, DateTime<Utc>, &[(kasar_domain::duplicates::Criterion, &[u8])]) + Send + 'a;

/// A record holding a key of the key index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMatch {
    pub criterion: Criterion,
    /// The key, in its stored form.
    pub key: String,
    pub id: Uuid,
}

/// The fuzzy model estimated for an object, as stored: the profile it was
/// estimated for (its JSON form), the number of records it saw, when.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredModel {
    pub profile: serde_json::Value,
    pub records: u64,
    pub model: kasar_domain::fuzzy::model::Model,
    pub estimated_at: DateTime<Utc>,
}

/// A record read for comparison: its id, creation time, and the requested
/// columns as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Scanned {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub texts: Vec<Option<String>>,
}

/// Detect over a whole table, from the key index's groups.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedGroups {
    /// The first groups asked for, in the contract's order.
    pub groups: Vec<kasar_domain::duplicates::DuplicateGroup>,
    /// Every group found (dismissed ones left out).
    pub total: usize,
    /// The records of the table.
    pub records: usize,
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
