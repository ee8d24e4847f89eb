//! Bodies of the merge history routes.

use chrono::{DateTime, Utc};
use kasar_application::merges::{MergeEntry, MergeSummary};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The query of `GET /merges`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MergesQuery {
    /// Only merges of this object.
    pub object_name: Option<String>,
    /// Only merges where this record was the master or a duplicate.
    pub record_id: Option<Uuid>,
    /// Merges per page (1 to 200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// One merge in the history.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergeItem {
    pub merge_id: Uuid,
    pub object_name: String,
    pub master_id: Uuid,
    pub duplicate_ids: Vec<Uuid>,
    pub strategy: String,
    pub merged_at: DateTime<Utc>,
    /// The workspace user who merged (null once that user is removed).
    pub merged_by: Option<Uuid>,
    /// When the merge was undone; null while it stands.
    pub undone_at: Option<DateTime<Utc>>,
}

impl From<MergeSummary> for MergeItem {
    fn from(m: MergeSummary) -> Self {
        Self {
            merge_id: m.merge_id,
            object_name: m.object_name,
            master_id: m.master_id,
            duplicate_ids: m.duplicate_ids,
            strategy: m.strategy,
            merged_at: m.merged_at,
            merged_by: m.merged_by,
            undone_at: m.undone_at,
        }
    }
}

/// A page of merges, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergesResponse {
    pub data: Vec<MergeItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[serde(rename = "nextCursor")]
    pub next_cursor: Option<String>,
}

/// One merge in full: who, when, and everything it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergeDetail {
    pub merge_id: Uuid,
    pub object_name: String,
    pub master_id: Uuid,
    pub duplicate_ids: Vec<Uuid>,
    pub strategy: String,
    pub merged_at: Option<DateTime<Utc>>,
    pub merged_by: Uuid,
    /// The token the merge was made with.
    pub token_id: Uuid,
    pub undone_at: Option<DateTime<Utc>>,
    /// The master's fields the merge changed, before and after.
    #[schema(value_type = Object)]
    pub master_before: Map<String, Json>,
    #[schema(value_type = Object)]
    pub master_after: Map<String, Json>,
    /// Each duplicate as it was, as `GET /records/{object}/{id}` returned it.
    #[schema(value_type = Vec<Object>)]
    pub duplicates: Vec<Json>,
    /// BELONGS_TO_ONE references re-pointed at the master.
    pub references_relinked: usize,
    /// Junction rows moved to the master.
    pub links_moved: usize,
    /// Junction rows dropped because the master already had them.
    pub links_dropped: usize,
    /// Each reference re-pointed: `{object, field, record_id, duplicate_id, updated_at}`.
    #[schema(value_type = Vec<Object>)]
    pub references: Json,
    /// Each junction row removed: `{table, side, duplicate_id, other_id, created_at, moved}`.
    #[schema(value_type = Vec<Object>)]
    pub links: Json,
}

impl From<MergeEntry> for MergeDetail {
    fn from(e: MergeEntry) -> Self {
        let moved = e.links.iter().filter(|l| l.moved).count();
        Self {
            references_relinked: e.references.len(),
            links_moved: moved,
            links_dropped: e.links.len() - moved,
            references: serde_json::to_value(&e.references).unwrap_or_default(),
            links: serde_json::to_value(&e.links).unwrap_or_default(),
            merge_id: e.merge_id,
            object_name: e.object_name,
            master_id: e.master_id,
            duplicate_ids: e.duplicate_ids,
            strategy: e.strategy,
            merged_at: e.merged_at,
            merged_by: e.merged_by,
            token_id: e.token_id,
            undone_at: e.undone_at,
            master_before: e.master_before,
            master_after: e.master_after,
            duplicates: e.duplicates,
        }
    }
}

/// `action: "unmerge"`: undo a merge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmergeBody {
    /// `unmerge`
    pub action: String,
    /// The merge to undo (`merge_id` of its response or of `GET /merges`).
    #[schema(format = Uuid)]
    pub merge_id: String,
}

/// A master field changed after the merge, left as it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeptField {
    pub record_id: Uuid,
    pub field: String,
}

/// What an unmerge restored.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnmergeResponse {
    pub merge_id: Uuid,
    /// The duplicates, back with their ids.
    pub restored: Vec<Uuid>,
    pub references_restored: u64,
    pub links_restored: u64,
    pub kept: Vec<KeptField>,
    /// Journaled values the catalog no longer takes (a field deleted since the
    /// merge, a SELECT option removed): their field names, `object.field` for
    /// references held by other objects.
    pub skipped: Vec<String>,
}

impl From<kasar_application::merges::UnmergeOutcome> for UnmergeResponse {
    fn from(o: kasar_application::merges::UnmergeOutcome) -> Self {
        Self {
            merge_id: o.merge_id,
            restored: o.restored,
            references_restored: o.references_restored,
            links_restored: o.links_restored,
            kept: o
                .kept
                .into_iter()
                .map(|(record_id, field)| KeptField { record_id, field })
                .collect(),
            skipped: o.skipped,
        }
    }
}
