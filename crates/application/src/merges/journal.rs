//! The merge journal: what a merge changed, written in the merge's own
//! transaction, enough to list, explain and undo it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use uuid::Uuid;

/// A BELONGS_TO_ONE reference a merge re-pointed from a duplicate to the master.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedReference {
    /// The object holding the reference, its field and its record.
    pub object: String,
    pub field: String,
    pub record_id: Uuid,
    /// The duplicate it pointed at.
    pub duplicate_id: Uuid,
    /// The record's `updated_at` before the merge touched it, and the one the
    /// merge gave it.
    pub updated_at: DateTime<Utc>,
    pub merged_updated_at: DateTime<Utc>,
}

/// A junction row of a duplicate the merge removed: moved (the master got
/// the same link) or dropped (the master had it already).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedLink {
    /// The junction table, and the side (`source_id` or `target_id`) that held the duplicate.
    pub table: String,
    pub side: String,
    pub duplicate_id: Uuid,
    /// The record on the other side.
    pub other_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// True when the master got this link from the merge.
    pub moved: bool,
}

/// What re-linking did, row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relinked {
    pub references: Vec<MovedReference>,
    pub links: Vec<MovedLink>,
}

impl Relinked {
    /// References re-pointed, links moved, links dropped.
    pub fn counts(&self) -> (u64, u64, u64) {
        let moved = self.links.iter().filter(|l| l.moved).count() as u64;
        (
            self.references.len() as u64,
            moved,
            self.links.len() as u64 - moved,
        )
    }
}

/// One merge as the journal holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeEntry {
    pub merge_id: Uuid,
    pub object_name: String,
    pub master_id: Uuid,
    pub duplicate_ids: Vec<Uuid>,
    pub strategy: String,
    /// The workspace user and the token that merged.
    pub merged_by: Uuid,
    pub token_id: Uuid,
    pub merged_at: Option<DateTime<Utc>>,
    pub undone_at: Option<DateTime<Utc>>,
    /// The master's fields the merge changed: their values before, and the
    /// values the merge gave them.
    pub master_before: Map<String, Json>,
    pub master_after: Map<String, Json>,
    /// Each duplicate as it was (the record's JSON form: id, fields, times).
    pub duplicates: Vec<Json>,
    pub references: Vec<MovedReference>,
    pub links: Vec<MovedLink>,
}

/// A merge in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSummary {
    pub merge_id: Uuid,
    pub object_name: String,
    pub master_id: Uuid,
    pub duplicate_ids: Vec<Uuid>,
    pub strategy: String,
    pub merged_at: DateTime<Utc>,
    pub merged_by: Option<Uuid>,
    pub undone_at: Option<DateTime<Utc>>,
}

/// Which merges a listing returns, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeFilter {
    pub object_name: Option<String>,
    /// Merges where this record was master or duplicate.
    pub record_id: Option<Uuid>,
    /// Only merges older than this (`merged_at`, `merge_id`): the cursor.
    pub before: Option<(DateTime<Utc>, Uuid)>,
    /// Entries older than this many days are expired (0: none).
    pub retention_days: u32,
}
