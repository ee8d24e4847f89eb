//! The per-object bodies of the organization's document that the generic
//! one leaves untyped: the records of batch create, update and upsert and of
//! an import, and the fields an upsert may match on.

use kasar_domain::{FieldType, ObjectDef};
use serde_json::{json, Map, Value as Json};

use super::openapi_org::REF;

/// The typed JSON body of an object route whose generic body holds untyped
/// records: (path suffix, generic body, name of the typed body, schema of
/// one record).
const RECORD_BODIES: [(&str, &str, &str, &str); 4] = [
    ("/batch/create", "BatchBody", "BatchCreateBody", "_create"),
    ("/batch/update", "BatchBody", "BatchUpdateBody", "_with_id"),
    (
        "/batch/upsert",
        "BatchUpsertBody",
        "BatchUpsertBody",
        "_upsert",
    ),
    (
        "/api/v1/import/{object}",
        "ImportRequest",
        "ImportRequest",
        "_create",
    ),
];

/// The record schemas of batch updates and upserts: the update body with
/// `id` (required for an update, optional for an upsert).
pub(super) fn id_schemas(schemas: &mut Map<String, Json>, object: &ObjectDef) {
    let Some(update) = schemas.get(&format!("{}_update", object.name)).cloned() else {
        return;
    };
    for (suffix, required) in [("_with_id", true), ("_upsert", false)] {
        let mut s = update.clone();
        if let Some(m) = s.as_object_mut() {
            if let Some(Json::Object(props)) = m.get_mut("properties") {
                props.insert("id".into(), json!({"type": "string", "format": "uuid"}));
            }
            if required {
                m.insert("required".into(), json!(["id"]));
            }
            m.insert("title".into(), json!(format!("{}{suffix}", object.name)));
        }
        schemas.insert(format!("{}{suffix}", object.name), s);
    }
}

/// Types the JSON body of `op` (on `path`) for `object`, when its generic
/// body holds untyped records.
pub(super) fn type_records_body(
    schemas: &mut Map<String, Json>,
    object: &ObjectDef,
    path: &str,
    op: &mut Json,
) {
    let Some((_, generic, typed, item)) = RECORD_BODIES.iter().find(|(p, ..)| path.ends_with(p))
    else {
        return;
    };
    let Some(mut body) = schemas.get(*generic).cloned() else {
        return;
    };
    if let Some(items) = body.pointer_mut("/properties/records/items") {
        *items = json!({"$ref": format!("{REF}{}{item}", object.name)});
    }
    if *generic == "BatchUpsertBody" {
        let matchable: Vec<Json> = std::iter::once(json!("id"))
            .chain(
                object
                    .fields
                    .iter()
                    .filter(|f| matches!(f.field_type, FieldType::Text | FieldType::Email))
                    .map(|f| json!(f.name)),
            )
            .collect();
        if let Some(m) = body
            .pointer_mut("/properties/match_field")
            .and_then(Json::as_object_mut)
        {
            m.insert("enum".into(), Json::Array(matchable));
        }
    }
    let name = format!("{typed}_{}", object.name);
    if let Some(m) = body.as_object_mut() {
        m.insert("title".into(), json!(name));
    }
    schemas.insert(name.clone(), body);
    if let Some(schema) = op.pointer_mut("/requestBody/content/application~1json/schema") {
        *schema = json!({"$ref": format!("{REF}{name}")});
    }
}
