//! Bodies of the `auto_merge` action of `POST /duplicates`.

use kasar_application::duplicates::{AutoMergeOutcome, AutoMerged};
use kasar_application::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::{ObjectName, RecordBody};

/// `action: "auto_merge"`: detect, then merge every reported group into its master.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoMergeBody {
    /// `auto_merge`
    pub action: String,
    #[schema(value_type = ObjectName)]
    pub object_name: String,
    /// As detect's `mode`: `exact` (default) or `fuzzy`.
    pub mode: Option<String>,
    /// With mode `fuzzy` (required there): only groups whose score is at
    /// least this are merged, 0.5 to 1.
    #[schema(minimum = 0.5, maximum = 1.0)]
    pub min_score: Option<f64>,
    /// As detect's `fields` (default all).
    pub fields: Option<Vec<String>>,
    /// `oldest` (default), `newest`, `most_recently_updated` or `most_complete`.
    #[schema(schema_with = rules)]
    pub master_rule: Option<String>,
    /// `keep_master` (default) or `fill_blanks`.
    pub merge_strategy: Option<String>,
    /// Groups to merge, 1 to 1000 (default 100).
    #[schema(minimum = 1, maximum = 1000)]
    pub max_groups: Option<i64>,
    /// Records to scan, as detect's (extension).
    #[schema(minimum = 1)]
    pub scan_limit: Option<i64>,
    /// Report the plan with previews and change nothing.
    pub dry_run: Option<bool>,
}

fn rules() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([
            "oldest",
            "newest",
            "most_recently_updated",
            "most_complete",
        ]))
}

/// One group: merged (or, on a dry run, as it would be), or why not.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutoMergeResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_ids: Option<Vec<Uuid>>,
    /// The journal entry (absent on a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_id: Option<Uuid>,
    /// Dry run: the master as it would look.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<RecordBody>,
    /// A failed group: its records, code and message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_ids: Option<Vec<Uuid>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub code: Option<ErrorCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What an auto-merge did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutoMergeResponse {
    pub merged_groups: u64,
    pub records_merged: u64,
    pub failed: u64,
    pub dry_run: bool,
    pub results: Vec<AutoMergeResult>,
}

impl From<AutoMergeOutcome> for AutoMergeResponse {
    fn from(out: AutoMergeOutcome) -> Self {
        let object = out.object;
        Self {
            merged_groups: out.merged_groups,
            records_merged: out.records_merged,
            failed: out.failed,
            dry_run: out.dry_run,
            results: out
                .results
                .into_iter()
                .map(|r| match r {
                    AutoMerged::Merged {
                        master_id,
                        duplicate_ids,
                        merge_id,
                        preview,
                    } => AutoMergeResult {
                        master_id: Some(master_id),
                        duplicate_ids: Some(duplicate_ids),
                        merge_id,
                        preview: preview.as_ref().map(|p| RecordBody::of(&object, p)),
                        record_ids: None,
                        code: None,
                        message: None,
                    },
                    AutoMerged::Failed {
                        record_ids,
                        code,
                        message,
                    } => AutoMergeResult {
                        master_id: None,
                        duplicate_ids: None,
                        merge_id: None,
                        preview: None,
                        record_ids: Some(record_ids),
                        code: Some(code),
                        message: Some(message),
                    },
                })
                .collect(),
        }
    }
}
