//! The OpenAPI document of one organization (`GET /api/v1/openapi.json` with
//! a token): the generic document, with a named schema per object of the
//! organization's catalog for a record (`<object>`), a create body
//! (`<object>_create`) and an update body (`<object>_update`), and every route
//! whose path names an object written out once per object, its bodies typed
//! with those schemas. Generic components that hold records (a list page, a
//! batch body...) get a copy per object (`<Component>_<object>`); a search,
//! a match, an import and a bulk change are typed per object too, and so are
//! the query parameters of a list and an export.

use std::collections::{BTreeMap, BTreeSet};

use kasar_domain::{Catalog, ObjectDef};
use serde_json::{json, Map, Value as Json};
use utoipa::openapi::RefOr;

use crate::dto::common::field_value_schema;

/// The prefix of a reference to a component schema.
pub(super) const REF: &str = "#/components/schemas/";

/// The generic record schemas and the per-object schema each becomes.
const RECORD_SCHEMAS: [(&str, &str); 4] = [
    ("RecordBody", ""),
    ("ProjectedRecord", "_projected"),
    ("RecordCreate", "_create"),
    ("RecordInput", "_update"),
];

fn schema_json(schema: RefOr<utoipa::openapi::schema::Schema>) -> Json {
    serde_json::to_value(schema).unwrap_or(Json::Null)
}

/// `(record, projected, create, update)` schemas of `object`.
fn object_schemas(object: &ObjectDef) -> [Json; 4] {
    let system = [
        ("id", json!({"type": "string", "format": "uuid"})),
        (
            "created_at",
            json!({"type": "string", "format": "date-time"}),
        ),
        (
            "updated_at",
            json!({"type": "string", "format": "date-time"}),
        ),
    ];
    let mut stored = Map::new();
    let mut create = Map::new();
    let mut update = Map::new();
    let mut required_create = Vec::new();
    for (name, s) in &system {
        stored.insert((*name).into(), s.clone());
    }
    for f in &object.fields {
        stored.insert(f.name.clone(), schema_json(field_value_schema(f)));
        create.insert(f.name.clone(), schema_json(field_value_schema(f)));
        update.insert(f.name.clone(), schema_json(field_value_schema(f)));
        if f.required && f.default_value.is_none() {
            required_create.push(json!(f.name));
        }
    }
    // A whole record carries every field (null when empty).
    let required_stored: Vec<Json> = ["id", "created_at", "updated_at"]
        .into_iter()
        .map(Json::from)
        .chain(object.fields.iter().map(|f| json!(f.name)))
        .collect();
    let label = object.label();
    [
        json!({"type": "object", "title": object.name, "description": format!("A record of {label}"),
               "properties": stored.clone(), "required": required_stored, "additionalProperties": false}),
        json!({"type": "object", "title": format!("{}_projected", object.name),
               "description": format!("A record of {label}: id and the fields of the projection"),
               "properties": stored, "required": ["id"], "additionalProperties": false}),
        json!({"type": "object", "title": format!("{}_create", object.name),
               "description": format!("A new record of {label}; a field left out takes its default"),
               "properties": create, "required": required_create, "additionalProperties": false}),
        json!({"type": "object", "title": format!("{}_update", object.name),
               "description": format!("Fields of a record of {label} to change"),
               "properties": update, "additionalProperties": false}),
    ]
}

/// Replaces every `$ref` to a key of `map` inside `value`.
fn replace_refs(value: &mut Json, map: &BTreeMap<String, String>) {
    match value {
        Json::Object(m) => {
            if let Some(Json::String(r)) = m.get_mut("$ref") {
                if let Some(to) = r.strip_prefix(REF).and_then(|name| map.get(name)) {
                    *r = format!("{REF}{to}");
                }
            }
            m.values_mut().for_each(|v| replace_refs(v, map));
        }
        Json::Array(items) => items.iter_mut().for_each(|v| replace_refs(v, map)),
        _ => {}
    }
}

/// Whether `value` holds a `$ref` to a key of `map`.
fn refers_to(value: &Json, map: &BTreeMap<String, String>) -> bool {
    match value {
        Json::Object(m) => {
            m.get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix(REF))
                .is_some_and(|name| map.contains_key(name))
                || m.values().any(|v| refers_to(v, map))
        }
        Json::Array(items) => items.iter().any(|v| refers_to(v, map)),
        _ => false,
    }
}

/// The names of the components `value` refers to, directly or through
/// other components.
fn reachable(value: &Json, schemas: &Map<String, Json>) -> BTreeSet<String> {
    fn direct(value: &Json, out: &mut Vec<String>) {
        match value {
            Json::Object(m) => {
                if let Some(name) = m
                    .get("$ref")
                    .and_then(Json::as_str)
                    .and_then(|r| r.strip_prefix(REF))
                {
                    out.push(name.to_owned());
                }
                m.values().for_each(|v| direct(v, out));
            }
            Json::Array(items) => items.iter().for_each(|v| direct(v, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo = Vec::new();
    direct(value, &mut todo);
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            if let Some(s) = schemas.get(&name) {
                direct(s, &mut todo);
            }
        }
    }
    seen
}

/// Adds the schemas of `object` and copies of the components (among
/// `used`, those the object routes reach) that hold its records; the map
/// from generic names to the object's.
fn specialize_components(
    schemas: &mut Map<String, Json>,
    object: &ObjectDef,
    used: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = RECORD_SCHEMAS
        .iter()
        .map(|(generic, suffix)| ((*generic).to_owned(), format!("{}{suffix}", object.name)))
        .collect();
    for ((_, suffix), schema) in RECORD_SCHEMAS.iter().zip(object_schemas(object)) {
        schemas.insert(format!("{}{suffix}", object.name), schema);
    }
    loop {
        let holders: Vec<String> = schemas
            .iter()
            .filter(|(name, s)| {
                used.contains(*name) && !map.contains_key(*name) && refers_to(s, &map)
            })
            .map(|(name, _)| name.clone())
            .collect();
        if holders.is_empty() {
            break;
        }
        for name in holders {
            map.insert(name.clone(), format!("{name}_{}", object.name));
        }
    }
    let copies: Vec<(String, Json)> = map
        .iter()
        .filter_map(|(generic, own)| {
            let mut copy = schemas.get(generic)?.clone();
            if RECORD_SCHEMAS.iter().any(|(g, _)| g == generic) {
                return None;
            }
            replace_refs(&mut copy, &map);
            if let Some(m) = copy.as_object_mut() {
                m.insert("title".into(), json!(own));
            }
            Some((own.clone(), copy))
        })
        .collect();
    schemas.extend(copies);
    map
}

/// The generic document `doc` made the document of an organization with
/// `catalog`.
pub(crate) fn organization_document(mut doc: Json, catalog: &Catalog) -> Json {
    let names: Vec<Json> = catalog.objects.iter().map(|o| json!(o.name)).collect();
    let mut object_paths: Vec<(String, Json)> = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Json::as_object_mut) {
        let generic: Vec<String> = paths
            .keys()
            .filter(|p| p.contains("{object}") && !p.starts_with("/api/v1/schema"))
            .cloned()
            .collect();
        for p in generic {
            if let Some(item) = paths.remove(&p) {
                object_paths.push((p, item));
            }
        }
    }
    let mut new_paths = Map::new();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Json::as_object_mut)
    {
        let routes = Json::Array(object_paths.iter().map(|(_, item)| item.clone()).collect());
        let used = reachable(&routes, schemas);
        for object in &catalog.objects {
            let map = specialize_components(schemas, object, &used);
            super::openapi_bodies::id_schemas(schemas, object);
            for (path, item) in &object_paths {
                let mut item = item.clone();
                replace_refs(&mut item, &map);
                if let Some(post) = item.get_mut("post") {
                    super::openapi_bodies::type_records_body(schemas, object, path, post);
                    super::openapi_bodies::type_selection_body(schemas, object, path, post);
                }
                if let Some(get) = item.get_mut("get") {
                    super::openapi_query::type_query(object, path, get);
                }
                if let Some(ops) = item.as_object_mut() {
                    for op in ops.values_mut().filter_map(Json::as_object_mut) {
                        if let Some(Json::String(id)) = op.get_mut("operationId") {
                            *id = format!("{id}_{}", object.name);
                        }
                        if let Some(Json::Array(params)) = op.get_mut("parameters") {
                            params.retain(|p| {
                                p.get("name") != Some(&json!("object"))
                                    || p.get("in") != Some(&json!("path"))
                            });
                        }
                    }
                }
                new_paths.insert(path.replace("{object}", &object.name), item);
            }
        }
        super::openapi_bulk::type_bulk_body(schemas, catalog);
        if let Some(Json::Object(o)) = schemas.get_mut("ObjectName") {
            o.insert("enum".into(), Json::Array(names));
            o.insert(
                "description".into(),
                json!("An object of the organization's catalog"),
            );
        }
        // The generic bodies' per-object branches would repeat the objects'
        // own schemas: they refer to them instead.
        for (generic, suffix) in [("RecordCreate", "_create"), ("RecordInput", "_update")] {
            let refs: Vec<Json> = catalog
                .objects
                .iter()
                .map(|o| json!({"$ref": format!("{REF}{}{suffix}", o.name)}))
                .collect();
            if let Some(Json::Object(s)) = schemas.get_mut(generic) {
                s.insert("anyOf".into(), Json::Array(refs));
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Json::as_object_mut) {
        paths.extend(new_paths);
    }
    doc
}
