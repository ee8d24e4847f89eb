//! The per-object bodies of the organization's document that the generic
//! one leaves untyped: the records of batch create, update and upsert and of
//! an import, the fields an upsert may match on, the would-be record of a
//! match and a search's selection.

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
    if *generic == "ImportRequest" {
        body = import_branches(body);
        // The organization's document types the JSON form. The CSV form is
        // a text whose header decides its columns, with options in the
        // query that a JSON import refuses (OpenAPI cannot tie parameters
        // to one media type): the generic document describes it.
        if let Some(Json::Array(params)) = op.get_mut("parameters") {
            params.retain(|p| p.get("in") != Some(&json!("query")));
        }
        if let Some(Json::Object(content)) = op.pointer_mut("/requestBody/content") {
            content.remove("text/csv");
        }
        if let Some(d) = op.pointer_mut("/requestBody/description") {
            *d = json!(JSON_ONLY);
        }
    }
    set_body(schemas, op, &name, body);
}

/// The body description of an import in the organization's document.
const JSON_ONLY: &str = "The records, typed by the object's fields, and the duplicate policy. \
(A CSV body, with its options in the query, is described by the generic document.)";

/// Names `body` `name`, adds it to the components and makes it the JSON
/// body of `op`.
fn set_body(schemas: &mut Map<String, Json>, op: &mut Json, name: &str, mut body: Json) {
    if let Some(m) = body.as_object_mut() {
        m.insert("title".into(), json!(name));
    }
    schemas.insert(name.to_owned(), body);
    refer_body(op, name);
}

/// Makes the component `name` the JSON body of `op`.
fn refer_body(op: &mut Json, name: &str) {
    if let Some(schema) = op.pointer_mut("/requestBody/content/application~1json/schema") {
        *schema = json!({"$ref": format!("{REF}{name}")});
    }
}

/// An import body as two branches: exact matching (`fields` may name the
/// criteria, no `threshold`) and fuzzy matching (`threshold`, no `fields`).
fn import_branches(body: Json) -> Json {
    let description = body.get("description").cloned().unwrap_or(Json::Null);
    let mut exact = body.clone();
    let mut fuzzy = body;
    for (branch, required, mode, fields, threshold) in [
        (
            &mut exact,
            json!(["records"]),
            json!({"type": ["string", "null"], "enum": ["exact", null]}),
            None,
            json!({"type": "null"}),
        ),
        (
            &mut fuzzy,
            json!(["records", "match"]),
            json!({"type": "string", "enum": ["fuzzy"]}),
            Some(json!({"type": "null"})),
            json!({"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1}),
        ),
    ] {
        let Some(m) = branch.as_object_mut() else {
            continue;
        };
        m.remove("description");
        m.remove("title");
        m.insert("required".into(), required);
        if let Some(Json::Object(props)) = m.get_mut("properties") {
            props.insert("match".into(), mode);
            props.insert("threshold".into(), threshold);
            if let Some(fields) = fields {
                props.insert("fields".into(), fields);
            }
        }
    }
    json!({"description": description, "anyOf": [exact, fuzzy]})
}

/// Types the JSON body of a match (the would-be record holds fields of
/// `object`, as an update does: none is required) and of a search (the
/// selection's fields, operators and values of `object`).
pub(super) fn type_selection_body(
    schemas: &mut Map<String, Json>,
    object: &ObjectDef,
    path: &str,
    op: &mut Json,
) {
    if path.ends_with("/search") {
        let name = super::openapi_select::add_search_body(schemas, object);
        refer_body(op, &name);
    } else if path.ends_with("/match") {
        let Some(mut body) = schemas.get("MatchRequest").cloned() else {
            return;
        };
        if let Some(record) = body.pointer_mut("/properties/record") {
            *record = json!({"$ref": format!("{REF}{}_update", object.name)});
        }
        set_body(schemas, op, &format!("MatchRequest_{}", object.name), body);
    }
}
