//! Bodies of `POST /api/v1/bulk`.

use kasar_application::ErrorCode;
use kasar_domain::standard::standard_objects;
use kasar_domain::FieldType;
use serde::Serialize;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use super::common::{uuid_schema, ObjectName};

/// The schema of a bulk request, one object per action. Requests are
/// deserialized into the application's `BulkCommand`; this type only
/// describes them in the document.
pub struct BulkBody;

impl PartialSchema for BulkBody {
    fn schema() -> RefOr<Schema> {
        let update = action_schema("update_field", "Set one field of every record")
            .property(
                "field_name",
                names(|t| t != FieldType::ManyToMany)
                    .description(Some("A writable field of the object (not MANY_TO_MANY)")),
            )
            .required("field_name")
            .property(
                "field_value",
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .description(Some(FIELD_VALUE)),
            )
            .required("field_value")
            .property("relation_field", absent())
            .property("target_ids", absent());
        let relation = |action: &str, description: &str| {
            action_schema(action, description)
                .property(
                    "relation_field",
                    names(|t| t == FieldType::ManyToMany)
                        .description(Some("A MANY_TO_MANY field of the object")),
                )
                .required("relation_field")
                .property(
                    "target_ids",
                    ArrayBuilder::new()
                        .items(uuid_schema())
                        .min_items(Some(1))
                        .description(Some(
                            "Records of the field's target object: at most 1,000 distinct ids",
                        )),
                )
                .required("target_ids")
                .property("field_name", absent())
        };
        OneOfBuilder::new()
            .item(update)
            .item(relation("add_relation", "Link every record to the targets"))
            .item(relation(
                "remove_relation",
                "Unlink every record from the targets",
            ))
            .description(Some("A bulk request: one object per action"))
            .into()
    }
}

impl ToSchema for BulkBody {}

/// Instead of `record_ids`: a FilterGroup or a search, one named schema that
/// every action's body refers to.
pub struct BulkWhere;

impl PartialSchema for BulkWhere {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Instead of record_ids: a FilterGroup {type: AND|OR, conditions} or {search: \"...\"} \
                 selecting at most the record_ids limit of records (more is 400)",
            ))
            .into()
    }
}

impl ToSchema for BulkWhere {}

const FIELD_VALUE: &str =
    "A value valid for the field's type; null clears a field that is not required";

/// The fields every action shares.
fn action_schema(action: &str, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description))
        .property(
            "action",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([action])),
        )
        .required("action")
        .property("object_name", Ref::from_schema_name(ObjectName::name()))
        .required("object_name")
        .property(
            "record_ids",
            ArrayBuilder::new()
                .items(uuid_schema())
                .min_items(Some(1))
                .description(Some(
                    "At most 10,000 distinct record ids (repeats count once); or `where`",
                )),
        )
        .property("where", Ref::from_schema_name(BulkWhere::name()))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// A field of another action: accepted only as null (the same as absent).
fn absent() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Null)
        .description(Some("A field of another action: absent or null"))
}

/// The names of the standard objects' fields whose type passes `keep`.
fn names(keep: impl Fn(FieldType) -> bool) -> ObjectBuilder {
    let mut names: Vec<String> = standard_objects()
        .into_iter()
        .flat_map(|o| o.fields)
        .filter(|f| keep(f.field_type))
        .map(|f| f.name)
        .collect();
    names.sort();
    names.dedup();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
}

/// One failed record.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkError {
    pub record_id: Uuid,
    /// `RECORD_NOT_FOUND` or `PERMISSION_DENIED`.
    #[schema(schema_with = error_code)]
    pub code: ErrorCode,
    pub message: String,
    /// For a record a merge took away: the record it survives in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
}

/// Counts of a bulk request: `updated`, `added` or `removed` (by action)
/// plus `failed` always equals `total`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResponse {
    #[schema(schema_with = action_name)]
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
    pub failed: u64,
    /// Present when `failed > 0`: one entry per failed record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<BulkError>>,
    pub total: u64,
}

fn error_code() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            [ErrorCode::RecordNotFound, ErrorCode::PermissionDenied].map(ErrorCode::as_str),
        ))
}

fn action_name() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["update_field", "add_relation", "remove_relation"]))
}
