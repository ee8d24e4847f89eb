//! The selection schemas of an organization's document: a search body, a
//! FilterGroup and a sort key typed per object. A condition names a field of
//! the object, an operator that applies to its type and a value of that
//! type; groups nest at most [`MAX_DEPTH`] deep (one schema per level).

use kasar_domain::select::{Op, MAX_CONDITIONS};
use kasar_domain::select::{MAX_DEPTH, MAX_SEARCH_CHARS, MAX_SORT_KEYS, MAX_VALUES};
use kasar_domain::{FieldDef, FieldType, ObjectDef};
use serde_json::{json, Map, Value as Json};

use super::openapi_org::REF;
use crate::dto::common::{value_schema, ANY_TEXT};

/// How a column compares (the operators that apply to it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Compare {
    /// TEXT, EMAIL, PHONE, LINKEDIN: equality and substrings.
    Text,
    /// NUMBER, DATE, `created_at`, `updated_at`: equality and order.
    Ordered,
    /// SELECT, BOOLEAN, ids: equality only.
    Equality,
    /// MANY_TO_MANY: the targets held.
    Links,
}

/// A column a selection names: its name, how it compares and the schema of
/// one value.
pub(super) struct Column {
    pub(super) name: String,
    pub(super) compare: Compare,
    value: Json,
}

fn ops(list: &[Op]) -> Json {
    Json::Array(list.iter().map(|op| json!(op.as_str())).collect())
}

/// The columns of `object`: `id`, the timestamps and its fields.
pub(super) fn columns(object: &ObjectDef) -> Vec<Column> {
    let uuid = json!({"type": "string", "format": "uuid"});
    let instant = json!({"anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
    ]});
    let mut out = vec![Column {
        name: "id".into(),
        compare: Compare::Equality,
        value: uuid,
    }];
    for name in ["created_at", "updated_at"] {
        out.push(Column {
            name: name.into(),
            compare: Compare::Ordered,
            value: instant.clone(),
        });
    }
    out.extend(object.fields.iter().map(field_column));
    out
}

fn field_column(field: &FieldDef) -> Column {
    let compare = match field.field_type {
        FieldType::Text | FieldType::Email | FieldType::Phone | FieldType::Linkedin => {
            Compare::Text
        }
        FieldType::Number | FieldType::Date => Compare::Ordered,
        FieldType::Select | FieldType::Boolean | FieldType::Owner | FieldType::BelongsToOne => {
            Compare::Equality
        }
        FieldType::ManyToMany => Compare::Links,
    };
    let value = serde_json::to_value(value_schema(field, false, false)).unwrap_or(Json::Null);
    Column {
        name: field.name.clone(),
        compare,
        value,
    }
}

/// A condition on `column` with one of `operators` and a value of `value`
/// (`None`: any value, ignored).
fn condition(column: &Column, operators: &[Op], value: Option<Json>) -> Json {
    let required: Vec<&str> = match value {
        Some(_) => vec!["field", "operator", "value"],
        None => vec!["field", "operator"],
    };
    json!({
        "type": "object",
        "required": required,
        "properties": {
            "field": {"type": "string", "enum": [column.name]},
            "operator": {"type": "string", "enum": ops(operators)},
            "value": value.unwrap_or_else(|| json!({})),
        },
        "additionalProperties": false,
    })
}

/// The families of operators a column takes, each with the schema of its
/// value (`None`: no value).
fn families(column: &Column) -> Vec<(Vec<Op>, Option<Json>)> {
    let list = |item: &Json| json!({"type": "array", "items": item, "minItems": 1, "maxItems": MAX_VALUES});
    let mut out = vec![(vec![Op::IsNull, Op::IsNotNull], None)];
    if column.compare == Compare::Links {
        let ids = list(&json!({"type": "string", "format": "uuid"}));
        out.push((vec![Op::HasAny, Op::HasNone], Some(ids)));
        return out;
    }
    let mut scalar = vec![Op::Equals, Op::NotEquals];
    if column.compare == Compare::Ordered {
        scalar.extend([
            Op::GreaterThan,
            Op::GreaterEqual,
            Op::LessThan,
            Op::LessEqual,
        ]);
    }
    out.push((scalar, Some(column.value.clone())));
    out.push((vec![Op::In, Op::NotIn], Some(list(&column.value))));
    if column.compare == Compare::Text {
        let text = json!({"type": "string", "minLength": 1, "pattern": ANY_TEXT});
        out.push((
            vec![Op::Contains, Op::NotContains, Op::StartsWith],
            Some(text),
        ));
    }
    out
}

/// The operators that apply to `column`.
pub(super) fn operators(column: &Column) -> Vec<Op> {
    families(column)
        .into_iter()
        .flat_map(|(ops, _)| ops)
        .collect()
}

/// The conditions a column takes, one schema per family of operators.
fn conditions_of(column: &Column) -> Vec<Json> {
    families(column)
        .into_iter()
        .map(|(ops, value)| condition(column, &ops, value))
        .collect()
}

/// A search: any text up to its bound (a search body's and a list's).
pub(super) fn search_schema() -> Json {
    json!({"type": "string", "maxLength": MAX_SEARCH_CHARS, "pattern": ANY_TEXT})
}

/// The name of the FilterGroup schema of `object` at `level` (1: the top).
fn group_name(object: &ObjectDef, level: usize) -> String {
    if level == 1 {
        format!("FilterGroup_{}", object.name)
    } else {
        format!("FilterGroup_{}_{level}", object.name)
    }
}

/// Adds `FilterCondition_<object>` and the FilterGroup schemas of `object`;
/// the name of the top one.
pub(super) fn add_filter_schemas(schemas: &mut Map<String, Json>, object: &ObjectDef) -> String {
    let condition_name = format!("FilterCondition_{}", object.name);
    let branches: Vec<Json> = columns(object).iter().flat_map(conditions_of).collect();
    schemas.insert(
        condition_name.clone(),
        json!({"title": condition_name, "description": format!(
            "A condition on a field of {}: an operator that applies to its type, a value of that type",
            object.label()), "anyOf": branches}),
    );
    for level in 1..=MAX_DEPTH {
        let name = group_name(object, level);
        let mut items = vec![json!({"$ref": format!("{REF}{condition_name}")})];
        if level < MAX_DEPTH {
            items.push(json!({"$ref": format!("{REF}{}", group_name(object, level + 1))}));
        }
        schemas.insert(
            name.clone(),
            json!({
                "title": name,
                "description": format!(
                    "Conditions joined by AND or OR; groups nest at most {MAX_DEPTH} deep and hold at most {MAX_CONDITIONS} conditions in all"),
                "type": "object",
                "required": ["type", "conditions"],
                "properties": {
                    "type": {"type": "string", "enum": ["AND", "OR"]},
                    "conditions": {"type": "array", "minItems": 1, "maxItems": MAX_CONDITIONS,
                                   "items": {"anyOf": items}},
                },
                "additionalProperties": false,
            }),
        );
    }
    group_name(object, 1)
}

/// Adds the search body of `object` (and its filter and sort schemas); its
/// name.
pub(super) fn add_search_body(schemas: &mut Map<String, Json>, object: &ObjectDef) -> String {
    let group = add_filter_schemas(schemas, object);
    let columns = columns(object);
    let sortable: Vec<&str> = columns
        .iter()
        .filter(|c| c.compare != Compare::Links)
        .map(|c| c.name.as_str())
        .collect();
    let sort_key = format!("SortKey_{}", object.name);
    schemas.insert(
        sort_key.clone(),
        json!({
            "title": sort_key,
            "description": "A sort key: a field that is not MANY_TO_MANY and a direction (default desc); a field named again is ignored",
            "type": "object",
            "required": ["field"],
            "properties": {
                "field": {"type": "string", "enum": sortable},
                "direction": {"type": ["string", "null"], "enum": ["asc", "desc", null]},
            },
            "additionalProperties": false,
        }),
    );
    let all: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let search = search_schema();
    // `filters` excludes `search`: one branch each.
    let branch = |filters: Json, search: Json| {
        json!({
            "type": "object",
            "properties": {
                "filters": filters,
                "search": search,
                "sort": {"type": ["array", "null"], "maxItems": MAX_SORT_KEYS,
                         "items": {"$ref": format!("{REF}{sort_key}")}},
                "fields": {"type": ["array", "null"], "description": "Fields to return besides `id`",
                           "items": {"type": "string", "enum": all}},
                "limit": {"type": ["integer", "null"], "minimum": 1, "maximum": 100},
                "cursor": {"type": ["string", "null"],
                           "description": "`nextCursor` of the previous page of the same selection"},
            },
            "additionalProperties": false,
        })
    };
    let none = json!({"type": "null"});
    let name = format!("SearchBody_{}", object.name);
    schemas.insert(
        name.clone(),
        json!({
            "title": name,
            "description": format!("A search of {}: a FilterGroup or a text search, sort, projection and page", object.label()),
            "anyOf": [
                branch(json!({"anyOf": [{"$ref": format!("{REF}{group}")}, none]}), none.clone()),
                branch(none.clone(), json!({"anyOf": [search, none]})),
            ],
        }),
    );
    name
}
