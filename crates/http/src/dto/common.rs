//! Bodies shared by several routes: records, lists, schema, `/me`, health.

use kasar_domain::standard::standard_objects;
use kasar_domain::value::max_chars;
use kasar_domain::{FieldDef, FieldType, ObjectDef, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema,
    SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;
use uuid::Uuid;

/// A record: `id`, `created_at`, `updated_at` and every field of the object by
/// name; BELONGS_TO_ONE as the target id or null, MANY_TO_MANY as an array of ids.
#[derive(Debug, Serialize, Deserialize)]
pub struct RecordBody(pub Json);

impl utoipa::PartialSchema for RecordBody {
    fn schema() -> RefOr<Schema> {
        record_schema(true)
    }
}

impl ToSchema for RecordBody {}

/// A record of a list or an export: `id` and the fields asked for (every
/// field unless a projection names some).
pub struct ProjectedRecord;

impl utoipa::PartialSchema for ProjectedRecord {
    fn schema() -> RefOr<Schema> {
        record_schema(false)
    }
}

impl ToSchema for ProjectedRecord {}

/// The schema of a record; `whole`: its timestamps are always there.
fn record_schema(whole: bool) -> RefOr<Schema> {
    {
        let mut o = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(if whole {
                "A record: id, created_at, updated_at and every field of its object by name \
                 (the fields of the standard objects are listed; an organization's catalog may add others)"
            } else {
                "A record: id and the fields of the projection (every field without one)"
            }))
            .property("id", uuid_schema())
            .required("id")
            .property("created_at", timestamp_schema())
            .property("updated_at", timestamp_schema());
        if whole {
            o = o.required("created_at").required("updated_at");
        }
        for (name, schema) in standard_field_schemas() {
            o = o.property(name, schema);
        }
        o.additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .examples([serde_json::json!({
                "id": "550e8400-e29b-41d4-a716-446655440000", "first_name": "Alice", "last_name": "Martin",
                "email": "alice@example.com", "company": null, "tags": [],
                "created_at": "2025-01-15T10:30:00.000000Z", "updated_at": "2025-01-15T10:30:00.000000Z"
            })])
            .into()
    }
}

/// The body of an update (PATCH or PUT): field name to value, for fields of
/// the object named in the path (`GET /api/v1/schema/{object}` lists them).
/// The schema has one branch per standard object; `id`, `created_at` and
/// `updated_at` are set by the server.
pub struct RecordInput;

impl utoipa::PartialSchema for RecordInput {
    fn schema() -> RefOr<Schema> {
        record_input(
            false,
            "Fields of the object named in the path, by name (one branch per standard object). \
             null clears a field that is not required; BELONGS_TO_ONE and OWNER ids must exist in \
             the organization; MANY_TO_MANY is the whole array of ids.",
        )
    }
}

impl ToSchema for RecordInput {}

/// The body of a create: as `RecordInput`, with the object's required fields.
pub struct RecordCreate;

impl utoipa::PartialSchema for RecordCreate {
    fn schema() -> RefOr<Schema> {
        record_input(
            true,
            "Fields of the object named in the path, by name, its required fields included \
             (one branch per standard object; a SELECT field left out takes its default). \
             BELONGS_TO_ONE and OWNER ids must exist in the organization.",
        )
    }
}

impl ToSchema for RecordCreate {}

/// One branch per standard object: its fields and nothing else.
fn record_input(creating: bool, description: &str) -> RefOr<Schema> {
    let mut any = AnyOfBuilder::new();
    for object in standard_objects() {
        let mut o = ObjectBuilder::new()
            .schema_type(Type::Object)
            .title(Some(format!(
                "{}_{}",
                object.name,
                if creating { "create" } else { "update" }
            )));
        for field in &object.fields {
            o = o.property(&field.name, field_value_schema(field));
            if creating && field.required {
                o = o.required(&field.name);
            }
        }
        any = any.item(o.additional_properties(Some(AdditionalProperties::FreeForm(false))));
    }
    any.description(Some(description))
        .examples([serde_json::json!({
            "first_name": "Alice", "last_name": "Martin", "email": "alice@example.com", "status": "qualified"
        })])
        .into()
}

/// The name of an object of the organization's catalog. The document lists the
/// standard objects every organization starts with; any other name is 400
/// INVALID_OBJECT.
pub struct ObjectName;

impl utoipa::PartialSchema for ObjectName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(standard_objects().into_iter().map(|o| o.name)))
            .description(Some(
                "An object of the organization's catalog (every organization starts with these)",
            ))
            .examples(["contacts"])
            .into()
    }
}

impl ToSchema for ObjectName {}

/// Any JSON value, null included (a field's default: its type is the field's).
pub(crate) fn any_value() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::AnyValue)
        .description(Some("A value of the field's type, or null"))
}

/// A UUID string.
pub(crate) fn uuid_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
}

fn timestamp_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
}

/// Any text but U+0000, which PostgreSQL cannot store.
pub(crate) const ANY_TEXT: &str = r"^[^\u0000]*$";

/// Text holding a character that is not white space (and no U+0000).
/// U+0085 is named besides `\s`: white space to the service, not to an
/// ECMA-262 `\s`.
pub(crate) const NON_BLANK_TEXT: &str = r"^[^\u0000]*[^\s\u0085\u0000][^\u0000]*$";

/// The schema of the values of a field: its JSON type, null unless required.
pub(crate) fn field_value_schema(field: &FieldDef) -> RefOr<Schema> {
    value_schema(field, !field.required, field.required)
}

/// A value of `field`'s type: null among them when `nullable`; with
/// `non_blank`, not a white-space-only string nor an empty MANY_TO_MANY
/// array (what a required field refuses). Strings are bounded by the type's
/// length ([`max_chars`]).
pub(crate) fn value_schema(field: &FieldDef, nullable: bool, non_blank: bool) -> RefOr<Schema> {
    let typed = |t: Type| {
        if nullable {
            SchemaType::Array(vec![t, Type::Null])
        } else {
            SchemaType::Type(t)
        }
    };
    let string = || {
        ObjectBuilder::new()
            .schema_type(typed(Type::String))
            .max_length(max_chars(field.field_type))
    };
    let described = |b: ObjectBuilder| b.description(Some(field.field_type.as_str())).into();
    let text = if non_blank { NON_BLANK_TEXT } else { ANY_TEXT };
    match field.field_type {
        FieldType::Text | FieldType::Phone | FieldType::Linkedin => {
            described(string().pattern(Some(text)))
        }
        // One `@` with text on both sides, no white space but around it
        // (trimmed).
        // (A pattern rather than `format: email`, whose validators apply
        // RFC 5322 and refuse addresses the service takes, such as `a@b`.)
        FieldType::Email => {
            described(string().pattern(Some(r"^\s*[^@\s\u0085\u0000]+@[^@\s\u0085\u0000]+\s*$")))
        }
        FieldType::Number => described(ObjectBuilder::new().schema_type(typed(Type::Number))),
        FieldType::Boolean => described(ObjectBuilder::new().schema_type(typed(Type::Boolean))),
        FieldType::Date => {
            described(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))))
        }
        FieldType::Select => {
            let mut options: Vec<Json> = field
                .options
                .iter()
                .map(|o| Json::from(o.as_str()))
                .collect();
            if nullable {
                options.push(Json::Null);
            }
            described(string().enum_values(Some(options)))
        }
        FieldType::Owner | FieldType::BelongsToOne => {
            described(uuid_schema().schema_type(typed(Type::String)))
        }
        FieldType::ManyToMany => ArrayBuilder::new()
            .schema_type(typed(Type::Array))
            .items(uuid_schema())
            .min_items(non_blank.then_some(1))
            .description(Some(field.field_type.as_str()))
            .into(),
    }
}

/// Every field of the standard objects, by name, with the schema of its
/// values; a name several objects share with different schemas accepts any value.
fn standard_field_schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut out: Vec<(String, RefOr<Schema>)> = Vec::new();
    for object in standard_objects() {
        for field in &object.fields {
            // Required on one object, optional on another: document the optional form.
            let optional = field.clone().with_required(false);
            let schema = field_value_schema(&optional);
            match out.iter_mut().find(|(n, _)| *n == field.name) {
                None => out.push((field.name.clone(), schema)),
                Some((_, existing)) if *existing == schema => {}
                Some((_, existing)) => {
                    *existing = ObjectBuilder::new()
                        .schema_type(SchemaType::AnyValue)
                        .into()
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

impl RecordBody {
    /// The JSON form of a record of `object`.
    pub fn of(object: &ObjectDef, record: &Record) -> Self {
        Self(record.to_json(object))
    }
}

/// An object of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectSchema {
    pub name: String,
    /// Display text (the name unless an admin set one).
    pub label: String,
    /// Whether an admin added the object (false for the standard objects).
    pub custom: bool,
    pub fields: Vec<FieldSchema>,
    /// The match profile of fuzzy detection.
    pub matching: MatchingSchema,
}

/// A match profile: the comparisons fuzzy detection runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchingSchema {
    pub comparisons: Vec<ComparisonSchema>,
    /// True when no profile was set: the default for the object's fields.
    pub default: bool,
    /// The model in force (null until the object's model has been estimated
    /// for this profile, by a fuzzy detect, match or pairs export): `prior`,
    /// `records` it was estimated from, `estimated_at`, and `comparisons`,
    /// the weight log2(m/u) of each level of each comparison.
    #[schema(schema_with = any_value)]
    pub weights: Option<Json>,
}

/// One comparison of a match profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonSchema {
    /// `^[a-z][a-z0-9_]{0,62}$`, unique in the profile.
    pub name: String,
    /// person_name, org_name, text, email, phone, date, code or linkedin.
    pub comparator: String,
    /// The fields it reads.
    pub fields: Vec<String>,
}

impl From<&ObjectDef> for MatchingSchema {
    fn from(o: &ObjectDef) -> Self {
        Self {
            comparisons: o
                .profile()
                .into_iter()
                .map(|c| ComparisonSchema {
                    name: c.name,
                    comparator: c.comparator.as_str().to_owned(),
                    fields: c.fields,
                })
                .collect(),
            default: o.matching.is_none(),
            weights: None,
        }
    }
}

/// A field of an object.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldSchema {
    pub name: String,
    /// TEXT, EMAIL, PHONE, LINKEDIN, NUMBER, BOOLEAN, DATE, SELECT, OWNER, BELONGS_TO_ONE or MANY_TO_MANY.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Display text (the name unless an admin set one).
    pub label: String,
    pub required: bool,
    /// Whether an admin added the field (false for standard fields).
    pub custom: bool,
    /// Allowed values of a SELECT field.
    pub options: Vec<String>,
    /// The value a create that leaves the field out gets (null: none).
    #[schema(schema_with = any_value)]
    pub default: Option<Json>,
    /// Target object of a relation.
    pub target: Option<String>,
}

impl From<&FieldDef> for FieldSchema {
    fn from(f: &FieldDef) -> Self {
        Self {
            name: f.name.clone(),
            field_type: f.field_type.as_str().to_owned(),
            label: f.label().to_owned(),
            required: f.required,
            custom: f.custom,
            options: f.options.clone(),
            default: f.default_value.clone(),
            target: f.target.clone(),
        }
    }
}

impl From<&ObjectDef> for ObjectSchema {
    fn from(o: &ObjectDef) -> Self {
        Self {
            name: o.name.clone(),
            label: o.label().to_owned(),
            custom: o.custom,
            fields: o.fields.iter().map(FieldSchema::from).collect(),
            matching: MatchingSchema::from(o),
        }
    }
}

/// Every object of the organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemaResponse {
    pub objects: Vec<ObjectSchema>,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeResponse {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub workspace_user_id: Uuid,
    pub is_admin: bool,
    pub scopes: Vec<String>,
    pub profile: Profile,
}

/// The caller's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Profile {
    pub full_name: String,
    pub email: String,
}

/// Liveness or readiness.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    /// `ok` or `ready`.
    pub status: String,
}
