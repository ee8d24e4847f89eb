//! The bulk body of an organization's document, typed per object: one
//! branch per object, action and field (the field's name and a value of its
//! type; for a relation change, a MANY_TO_MANY field of the object), the
//! records named by `record_ids` or selected by `where` (a FilterGroup of
//! the object, or a search).

use kasar_domain::select::MAX_SEARCH_CHARS;
use kasar_domain::{Catalog, FieldType, ObjectDef};
use serde_json::{json, Map, Value as Json};

use super::openapi_org::REF;
use crate::dto::common::{value_schema, NON_BLANK_TEXT};

/// The generic bulk body's description of `record_ids` (it states the
/// configured bound), or a plain one.
fn record_ids(schemas: &Map<String, Json>) -> Json {
    let description = schemas
        .get("BulkBody")
        .and_then(|b| b.pointer("/oneOf/0/properties/record_ids/description"))
        .cloned()
        .unwrap_or_else(|| json!("Distinct record ids"));
    json!({"type": "array", "items": {"type": "string", "format": "uuid"}, "minItems": 1,
           "description": description})
}

/// A `where` that selects by a text search.
const BULK_SEARCH: &str = "BulkSearch";

/// Adds `BulkSearch` and `BulkWhere_<object>` (a FilterGroup of the object
/// or a search); the latter's name.
fn add_where(schemas: &mut Map<String, Json>, object: &ObjectDef, group: &str) -> String {
    schemas.insert(
        BULK_SEARCH.into(),
        json!({
            "title": BULK_SEARCH,
            "description": "Records whose text fields contain the search (case-insensitive)",
            "type": "object",
            "required": ["search"],
            "properties": {"search": {"type": "string", "maxLength": MAX_SEARCH_CHARS,
                                      "pattern": NON_BLANK_TEXT}},
            "additionalProperties": false,
        }),
    );
    let name = format!("BulkWhere_{}", object.name);
    schemas.insert(
        name.clone(),
        json!({
            "title": name,
            "description": format!(
                "Records of {} selected by a FilterGroup or a search (at most the record_ids bound)",
                object.label()),
            "anyOf": [{"$ref": format!("{REF}{group}")}, {"$ref": format!("{REF}{BULK_SEARCH}")}],
        }),
    );
    name
}

/// The two ways to name the records: `record_ids`, or `where`.
fn selectors(record_ids: &Json, selector: &str) -> [(Json, Json, &'static str); 2] {
    let none = json!({"type": "null"});
    let selected = json!({"$ref": format!("{REF}{selector}")});
    [
        (record_ids.clone(), none.clone(), "record_ids"),
        (none, selected, "where"),
    ]
}

/// The branches of `object`'s bulk changes.
fn branches(object: &ObjectDef, record_ids: &Json, selector: &str) -> Vec<Json> {
    let none = json!({"type": "null"});
    let mut changes: Vec<(&str, Vec<&str>, Map<String, Json>)> = Vec::new();
    for field in &object.fields {
        let mut props = Map::new();
        if field.field_type == FieldType::ManyToMany {
            let targets = json!({"type": "array", "minItems": 1,
                                 "items": {"type": "string", "format": "uuid"},
                                 "description": "Existing records of the field's target object"});
            props.insert(
                "relation_field".into(),
                json!({"type": "string", "enum": [field.name]}),
            );
            props.insert("target_ids".into(), targets);
            props.insert("field_name".into(), none.clone());
            for action in ["add_relation", "remove_relation"] {
                let required = vec!["action", "object_name", "relation_field", "target_ids"];
                changes.push((action, required, props.clone()));
            }
        } else {
            let value = value_schema(field, !field.required, field.required);
            props.insert(
                "field_name".into(),
                json!({"type": "string", "enum": [field.name]}),
            );
            props.insert(
                "field_value".into(),
                serde_json::to_value(value).unwrap_or(Json::Null),
            );
            props.insert("relation_field".into(), none.clone());
            props.insert("target_ids".into(), none.clone());
            let required = vec!["action", "object_name", "field_name", "field_value"];
            changes.push(("update_field", required, props));
        }
    }
    let mut out = Vec::new();
    for (action, required, props) in changes {
        for (ids, selected, by) in selectors(record_ids, selector) {
            let mut props = props.clone();
            props.insert("action".into(), json!({"type": "string", "enum": [action]}));
            props.insert(
                "object_name".into(),
                json!({"type": "string", "enum": [object.name]}),
            );
            props.insert("record_ids".into(), ids);
            props.insert("where".into(), selected);
            let mut required = required.clone();
            required.push(by);
            out.push(
                json!({"type": "object", "required": required, "properties": props,
                            "additionalProperties": false}),
            );
        }
    }
    out
}

/// Replaces the generic `BulkBody` with the organization's: every object,
/// action and field of `catalog`.
pub(super) fn type_bulk_body(schemas: &mut Map<String, Json>, catalog: &Catalog) {
    let record_ids = record_ids(schemas);
    let mut all = Vec::new();
    for object in &catalog.objects {
        let group = super::openapi_select::add_filter_schemas(schemas, object);
        let selector = add_where(schemas, object, &group);
        all.extend(branches(object, &record_ids, &selector));
    }
    schemas.insert(
        "BulkBody".into(),
        json!({
            "title": "BulkBody",
            "description": "A bulk request: one change (a field set, or links added or removed) to records of one object, named by record_ids or selected by where",
            "anyOf": all,
        }),
    );
}
