//! Bodies of `POST /api/v1/duplicates`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::RecordBody;

/// `action: "detect"`: find groups of matching records.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectBody {
    /// `detect`
    pub action: String,
    /// The object to scan (`contacts`, `companies`...).
    pub object_name: String,
    /// Subset of `email`, `phone`, `linkedin`, `name` (default all).
    pub fields: Option<Vec<String>>,
    /// Groups to return, 1 to 1000 (default 50).
    pub limit: Option<i64>,
    /// Extension: records to scan, up to the server maximum (default: the
    /// configured scan limit, 5,000).
    pub scan_limit: Option<i64>,
}

/// `action: "merge"`: merge duplicates into a master record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// `merge`
    pub action: String,
    pub object_name: String,
    /// The record to keep.
    pub master_id: String,
    /// 1 to 100 records to merge into the master and delete.
    pub duplicate_ids: Vec<String>,
    /// `keep_master` (default) or `fill_blanks`.
    pub merge_strategy: Option<String>,
    /// Extension: run the merge, report it with a preview, and roll it back.
    pub dry_run: Option<bool>,
}

/// A detect or merge request.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub enum DuplicatesRequest {
    Detect(DetectBody),
    Merge(MergeBody),
}

/// Records matching each other.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupBody {
    /// Full records, oldest first.
    pub records: Vec<RecordBody>,
    /// The first criterion that found this set.
    pub match_reason: String,
    /// Extension: every criterion that found exactly this set.
    pub match_reasons: Vec<String>,
}

/// Result of a detect.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetectResponse {
    pub duplicate_groups: Vec<GroupBody>,
    /// Every group found in the scan (`duplicate_groups` holds the first `limit`).
    pub total_groups: usize,
    /// Records read by the scan.
    pub records_scanned: usize,
}

/// Result of a merge.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergeResponse {
    pub master_id: Uuid,
    pub duplicates_deleted: u64,
    pub strategy: String,
    /// Extension: true when nothing was written.
    pub dry_run: bool,
    /// Extension: BELONGS_TO_ONE references re-pointed at the master.
    pub references_relinked: u64,
    /// Extension: junction rows moved to the master.
    pub links_moved: u64,
    /// Extension: junction rows dropped because the master already had them.
    pub links_dropped: u64,
    /// Extension (dry run only): the master as it would look after the merge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<RecordBody>,
}

/// Either response of the endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum DuplicatesResponse {
    Detect(DetectResponse),
    Merge(MergeResponse),
}
