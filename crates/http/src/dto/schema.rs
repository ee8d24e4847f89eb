//! Bodies of the schema routes: a field definition, a new object, a field's
//! patch. Handlers read the JSON as a value and hand it to the application's
//! parser (one parser for the API and for `kasar schema apply`); these types
//! describe it in the OpenAPI document.

use kasar_domain::fuzzy::Comparator;
use kasar_domain::FieldType;
use serde::Deserialize;
use serde_json::Value as Json;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, ToSchema};

/// A field definition.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FieldDefBody {
    /// Not `id`, `created_at`, `updated_at`, `merged_into` nor `pg_...`.
    #[schema(pattern = r"^[a-z][a-z0-9_]{0,62}$")]
    pub name: String,
    /// One of the field types.
    #[serde(rename = "type")]
    #[schema(value_type = FieldTypeName)]
    pub field_type: String,
    /// Display text (default: the name).
    pub label: Option<String>,
    /// Default false; a required field added to an object with records needs a default.
    pub required: Option<bool>,
    /// SELECT only: 1 to 200 distinct non-blank strings.
    #[schema(min_items = 1, max_items = 200)]
    pub options: Option<Vec<String>>,
    /// A valid value of the field (not for relations), written into every existing record.
    #[schema(schema_with = crate::dto::common::any_value)]
    pub default: Option<Json>,
    /// BELONGS_TO_ONE and MANY_TO_MANY only: an object of the catalog, the object itself included.
    pub target: Option<String>,
}

/// The name of a field type: the catalog's field types.
pub struct FieldTypeName;

impl utoipa::PartialSchema for FieldTypeName {
    fn schema() -> RefOr<Schema> {
        names(
            "The name of a field type.",
            FieldType::ALL.map(FieldType::as_str),
        )
    }
}

impl ToSchema for FieldTypeName {}

/// A string schema whose values are `names`.
fn names<const N: usize>(description: &str, names: [&str; N]) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(names))
        .into()
}

/// A new custom object.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewObjectBody {
    /// Not `id`, `created_at`, `updated_at`, `merged_into` nor `pg_...`.
    #[schema(pattern = r"^[a-z][a-z0-9_]{0,62}$")]
    pub name: String,
    pub label: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldDefBody>,
}

/// What a patch of a field may change; a property left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FieldPatchBody {
    /// New display text (null: the name).
    pub label: Option<String>,
    /// Making a field required fails with 409 while records hold null in it.
    pub required: Option<bool>,
    /// New default (null: none).
    #[schema(schema_with = crate::dto::common::any_value)]
    pub default: Option<Json>,
    /// SELECT only: the new options; removing one that records hold fails with 409.
    pub options: Option<Vec<String>>,
}

/// Options of deleting an object.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteObjectParams {
    /// Also delete the object's records and the relation fields of other objects that target it.
    pub force: Option<bool>,
}

/// A new match profile.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MatchingBody {
    /// 1 to 20 comparisons.
    #[schema(min_items = 1, max_items = 20)]
    pub comparisons: Vec<ComparisonBody>,
}

/// One comparison of a new match profile.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ComparisonBody {
    #[schema(pattern = r"^[a-z][a-z0-9_]{0,62}$")]
    pub name: String,
    /// The comparator.
    #[schema(value_type = ComparatorName)]
    pub comparator: String,
    /// Fields of the object that suit the comparator.
    #[schema(min_items = 1)]
    pub fields: Vec<String>,
}

/// The name of a comparator: the domain's comparators.
pub struct ComparatorName;

impl utoipa::PartialSchema for ComparatorName {
    fn schema() -> RefOr<Schema> {
        names(
            "The name of a comparator.",
            Comparator::ALL.map(Comparator::as_str),
        )
    }
}

impl ToSchema for ComparatorName {}
