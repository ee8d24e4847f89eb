//! Bodies of `POST /api/v1/duplicates`.

use kasar_domain::duplicates::MergeStrategy;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{
    ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use super::common::{uuid_schema, ObjectName, RecordBody};
use super::record_out::RecordOut;

/// `action: "detect"`: find groups of matching records.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectBody {
    /// `detect`
    #[schema(schema_with = detect_action)]
    pub action: String,
    /// The object to scan (`contacts`, `companies`...).
    #[schema(value_type = ObjectName)]
    pub object_name: String,
    /// `exact` (the default: shared normalized keys) or `fuzzy` (scored
    /// comparisons of the object's match profile).
    #[schema(schema_with = detect_mode)]
    pub mode: Option<String>,
    /// Fuzzy: the score from which a pair joins records, in (0, 1] (default 0.9).
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    pub threshold: Option<f64>,
    /// Exact: a subset of `email`, `phone`, `linkedin`, `name`; fuzzy: names of
    /// comparisons of the object's match profile (default all).
    #[schema(schema_with = criteria)]
    pub fields: Option<Vec<String>>,
    /// Groups to return, 1 to 1000 (default 50).
    #[schema(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Extension: records to scan, up to the server maximum (default: the
    /// configured scan limit, 5,000; the maximum is 1,000,000 by default).
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub scan_limit: Option<i64>,
    /// Extension: also report groups that lie in a dismissed set (default false).
    pub include_dismissed: Option<bool>,
}

/// `action: "merge"`: merge duplicates into a master record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// `merge`
    #[schema(schema_with = merge_action)]
    pub action: String,
    #[schema(value_type = ObjectName)]
    pub object_name: String,
    /// The record to keep.
    #[schema(format = Uuid)]
    pub master_id: String,
    /// 1 to 100 records to merge into the master and delete (no repeats, not the master).
    #[schema(schema_with = duplicate_ids)]
    pub duplicate_ids: Vec<String>,
    /// `keep_master` (default) or `fill_blanks`.
    #[schema(schema_with = merge_strategy)]
    pub merge_strategy: Option<String>,
    /// Extension: run the merge, report it with a preview, and roll it back.
    pub dry_run: Option<bool>,
}

/// A detect or merge request: a `DetectBody` or a `MergeBody`, told apart by `action`.
pub struct DuplicatesRequest;

impl PartialSchema for DuplicatesRequest {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(Ref::from_schema_name(DetectBody::name()))
            .item(Ref::from_schema_name(MergeBody::name()))
            .item(Ref::from_schema_name("DismissBody"))
            .item(Ref::from_schema_name("UnmergeBody"))
            .item(Ref::from_schema_name("AutoMergeBody"))
            .description(Some("A request, told apart by `action`"))
            .into()
    }
}

impl ToSchema for DuplicatesRequest {}

fn one_string(value: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([value]))
}

fn detect_action() -> ObjectBuilder {
    one_string("detect")
}

fn merge_action() -> ObjectBuilder {
    one_string("merge")
}

fn detect_mode() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::String, Type::Null]))
        .enum_values(Some(["exact", "fuzzy"]))
}

fn criteria() -> ArrayBuilder {
    ArrayBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::Array, Type::Null]))
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^[a-z][a-z0-9_]{0,62}$")),
        )
        .min_items(Some(1))
}

fn duplicate_ids() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(uuid_schema())
        .min_items(Some(1))
        .max_items(Some(100))
        .unique_items(true)
}

fn merge_strategy() -> ObjectBuilder {
    let mut values: Vec<serde_json::Value> = MergeStrategy::ALL
        .iter()
        .map(|m| m.as_str().into())
        .collect();
    values.push(serde_json::Value::Null);
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![Type::String, Type::Null]))
        .enum_values(Some(values))
}

fn strategy() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(MergeStrategy::ALL.map(MergeStrategy::as_str)))
}

/// Records matching each other.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupBody {
    /// Full records, oldest first.
    #[schema(value_type = Vec<RecordBody>)]
    pub records: Vec<RecordOut>,
    /// Exact: the first criterion that found this set (`email`, `phone`,
    /// `linkedin`, `name`); fuzzy: the comparison that gave most weight.
    pub match_reason: String,
    /// Exact (extension): every criterion that found exactly this set;
    /// fuzzy: every comparison at a level above `other` in one of its pairs.
    pub match_reasons: Vec<String>,
    /// Fuzzy: the weakest link that holds the group together (the smallest
    /// score on its maximum spanning tree).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Fuzzy: the group's pairs at or above the threshold, strongest first,
    /// at most 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs: Option<Vec<PairBody>>,
}

/// A scored pair of a fuzzy group.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairBody {
    pub record_ids: Vec<uuid::Uuid>,
    /// Match probability.
    pub score: f64,
    /// Each comparison's level (`exact`, `nickname`, ..., `other`, `missing`).
    pub levels: std::collections::BTreeMap<String, String>,
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
    #[schema(schema_with = strategy)]
    pub strategy: String,
    /// Extension: true when nothing was written.
    pub dry_run: bool,
    /// Extension: BELONGS_TO_ONE references re-pointed at the master.
    pub references_relinked: u64,
    /// Extension: junction rows moved to the master.
    pub links_moved: u64,
    /// Extension: junction rows dropped because the master already had them.
    pub links_dropped: u64,
    /// Extension: the journal entry of the merge (`GET /merges/{merge_id}`); absent on a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_id: Option<Uuid>,
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
    Dismissal(super::dismissals::DismissalBody),
    Unmerge(super::merges::UnmergeResponse),
    AutoMerge(super::auto_merge::AutoMergeResponse),
}
