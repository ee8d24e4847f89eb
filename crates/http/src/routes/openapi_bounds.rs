//! The generic OpenAPI document with the bounds the server is configured
//! with (the annotations carry the defaults), and the request bodies that the
//! application parses refusing unknown keys marked so.

use kasar_application::Limits;
use serde_json::Value as Json;
use utoipa::OpenApi;

use super::openapi::ApiDoc;

/// Request bodies described by a DTO of this crate but parsed by the
/// application, which refuses keys they do not name.
const CLOSED_BODIES: [&str; 5] = [
    "BatchBody",
    "BatchUpsertBody",
    "BatchDeleteBody",
    "ImportRequest",
    "MatchRequest",
];

/// The document with the bounds the server is configured with (the
/// annotations carry the defaults).
pub(super) fn document(limits: &Limits) -> Json {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Json::Null);
    // Bodies the application parses refusing unknown keys (their DTOs only
    // describe them).
    for body in CLOSED_BODIES {
        set(&mut doc, body, "additionalProperties", false.into());
    }
    let scan = format!(
        "Extension: records to scan, 1 to {} (default {})",
        limits.max_scan_limit, limits.scan_limit
    );
    set(
        &mut doc,
        "DetectBody/properties/scan_limit",
        "maximum",
        limits.max_scan_limit.into(),
    );
    set(
        &mut doc,
        "DetectBody/properties/scan_limit",
        "description",
        scan.into(),
    );
    bound_pairs_scan(&mut doc, limits);
    set(
        &mut doc,
        "MergeBody/properties/duplicate_ids",
        "maxItems",
        limits.merge_duplicates.into(),
    );
    let records = format!(
        "At most {} distinct record ids (repeats count once)",
        limits.bulk_records
    );
    let targets = format!(
        "Records of the field's target object: at most {} distinct ids",
        limits.bulk_targets
    );
    for i in 0..3 {
        let action = format!("BulkBody/oneOf/{i}/properties");
        set(
            &mut doc,
            &format!("{action}/record_ids"),
            "description",
            records.clone().into(),
        );
        if doc.pointer(&format!("/components/schemas/{action}/target_ids/type"))
            == Some(&"array".into())
        {
            set(
                &mut doc,
                &format!("{action}/target_ids"),
                "description",
                targets.clone().into(),
            );
        }
    }
    doc
}

/// The pairs export's `scan_limit` parameter: the configured maximum and
/// default.
fn bound_pairs_scan(doc: &mut Json, limits: &Limits) {
    let params = doc
        .pointer_mut("/paths/~1api~1v1~1export~1duplicates~1{object}/get/parameters")
        .and_then(Json::as_array_mut);
    let Some(param) = params
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(Json::as_str) == Some("scan_limit"))
    else {
        return;
    };
    let description = format!(
        "Newest records to read, 1 to {} (default {})",
        limits.max_scan_limit, limits.scan_limit
    );
    if let Some(p) = param.as_object_mut() {
        p.insert("description".into(), description.into());
    }
    if let Some(schema) = param.get_mut("schema").and_then(Json::as_object_mut) {
        schema.insert("maximum".into(), limits.max_scan_limit.into());
    }
}

/// Sets `key` of the schema object at `path` (under the components' schemas),
/// when there is one.
fn set(doc: &mut Json, path: &str, key: &str, value: Json) {
    let object = doc
        .pointer_mut(&format!("/components/schemas/{path}"))
        .and_then(Json::as_object_mut);
    if let Some(object) = object {
        object.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_states_the_configured_bounds() {
        let limits = Limits {
            max_scan_limit: 1234,
            merge_duplicates: 7,
            bulk_records: 55,
            ..Limits::default()
        };
        let doc = document(&limits);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["DetectBody"]["properties"]["scan_limit"]["maximum"],
            1234
        );
        let pairs = doc["paths"]["/api/v1/export/duplicates/{object}"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "scan_limit")
            .unwrap();
        assert_eq!(pairs["schema"]["maximum"], 1234);
        assert_eq!(
            schemas["MergeBody"]["properties"]["duplicate_ids"]["maxItems"],
            7
        );
        let update = &schemas["BulkBody"]["oneOf"][0]["properties"]["record_ids"];
        assert!(update["description"]
            .as_str()
            .unwrap()
            .contains("At most 55 "));
    }
}
