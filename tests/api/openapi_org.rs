//! `GET /api/v1/openapi.json` with a token: the organization's document, one
//! named schema per object (record, create and update bodies) and the object
//! routes written out per object; without a token, the generic document.

use crate::helpers::*;
use serde_json::{json, Value as Json};

mod query;

async fn doc(app: &TestApp, token: Option<&str>) -> (u16, Json) {
    app.send("GET", "/api/v1/openapi.json", token, None).await
}

#[actix_web::test]
async fn a_token_gets_its_organizations_document_typed_per_object() {
    let app = spawn_app().await;
    let (status, generic) = doc(&app, None).await;
    assert_eq!(status, 200);
    assert!(generic["paths"]["/api/v1/records/{object}"].is_object());
    assert!(generic["components"]["schemas"]["contacts_create"].is_null());

    let (status, out) = app
        .post("/api/v1/schema", &app.admin.token, &json!({"name": "projects", "fields": [
            {"name": "title", "type": "TEXT", "required": true},
            {"name": "starts", "type": "DATE"},
            {"name": "stage", "type": "SELECT", "options": ["idea", "live"], "default": "idea", "required": true},
            {"name": "lead", "type": "BELONGS_TO_ONE", "target": "contacts"},
        ]}))
        .await;
    assert_eq!(status, 201, "{out}");
    let (status, own) = doc(&app, Some(&app.reader.token)).await;
    assert_eq!(status, 200);
    let schemas = &own["components"]["schemas"];
    for object in ["tags", "companies", "contacts", "opportunities", "projects"] {
        for suffix in ["", "_create", "_update"] {
            assert!(
                schemas[format!("{object}{suffix}")].is_object(),
                "{object}{suffix}"
            );
        }
        let path = format!("/api/v1/records/{object}");
        assert_eq!(
            own["paths"][&path]["post"]["requestBody"]["content"]["application/json"]["schema"]
                ["$ref"],
            format!("#/components/schemas/{object}_create")
        );
        assert!(own["paths"][format!("{path}/{{id}}")]["patch"].is_object());
        assert!(own["paths"][format!("/api/v1/import/{object}")]["post"].is_object());
    }
    assert!(own["paths"]["/api/v1/records/{object}"].is_null());
    let projects = &schemas["projects_create"];
    assert_eq!(
        projects["required"],
        json!(["title"]),
        "a field with a default may be left out"
    );
    assert_eq!(projects["properties"]["starts"]["format"], "date");
    assert_eq!(
        projects["properties"]["stage"]["enum"],
        json!(["idea", "live"])
    );
    assert_eq!(projects["properties"]["lead"]["format"], "uuid");
    assert_eq!(projects["additionalProperties"], false);
    assert_eq!(schemas["opportunities_create"]["required"], json!(["name"]));
    assert_eq!(
        schemas["contacts"]["properties"]["email"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(
        schemas["BatchCreateBody_projects"]["properties"]["records"]["items"]["$ref"],
        "#/components/schemas/projects_create"
    );
    assert_eq!(
        schemas["ObjectName"]["enum"],
        json!(["tags", "companies", "contacts", "opportunities", "projects"])
    );
    // Operation ids stay unique.
    let mut ids: Vec<String> = own["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| {
            item.as_object()
                .unwrap()
                .values()
                .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        })
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    // Another organization sees its own catalog only.
    let globex = app.other_org().await;
    let (_, theirs) = doc(&app, Some(&globex.token)).await;
    assert!(theirs["components"]["schemas"]["projects"].is_null());
    // A header that names no valid token is refused.
    let (status, _) = doc(&app, Some("ksr_not_a_real_token_000000000000000000")).await;
    assert_eq!(status, 401);
}

/// The branches of an `anyOf` whose `property` is the one-value enum `name`.
fn branches<'a>(schema: &'a Json, property: &str, name: &str) -> Vec<&'a Json> {
    schema["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["properties"][property]["enum"] == json!([name]))
        .collect()
}

#[actix_web::test]
async fn searches_matches_imports_and_bulk_changes_are_typed_per_object() {
    let app = spawn_app().await;
    let (status, out) = app
        .post(
            "/api/v1/schema",
            &app.admin.token,
            &json!({"name": "projects", "fields": [
                {"name": "title", "type": "TEXT", "required": true},
                {"name": "budget", "type": "NUMBER"},
                {"name": "stage", "type": "SELECT", "options": ["idea", "live"]},
                {"name": "labels", "type": "MANY_TO_MANY", "target": "tags"},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{out}");
    let (_, own) = doc(&app, Some(&app.admin.token)).await;
    let schemas = &own["components"]["schemas"];
    let body = |path: &str| {
        own["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .clone()
    };
    // A required text holds a character that is not white space.
    let title = &schemas["projects_create"]["properties"]["title"];
    assert_eq!(title["maxLength"], 100_000);
    assert!(title["pattern"].as_str().unwrap().contains("[^\\s"));
    let email = &schemas["contacts_create"]["properties"]["email"];
    assert_eq!(email["maxLength"], 254);
    assert!(email["pattern"].as_str().unwrap().contains('@'));
    // Search: conditions name the object's fields, with the operators of
    // their types; sort keys leave MANY_TO_MANY out.
    assert_eq!(
        body("/api/v1/records/projects/search"),
        "#/components/schemas/SearchBody_projects"
    );
    let conditions = &schemas["FilterCondition_projects"];
    let ops = |field: &str| -> Vec<String> {
        branches(conditions, "field", field)
            .iter()
            .flat_map(|b| b["properties"]["operator"]["enum"].as_array().unwrap())
            .map(|o| o.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ops("budget").contains(&"greater_than".to_owned()));
    assert!(!ops("budget").contains(&"contains".to_owned()));
    assert!(ops("title").contains(&"starts_with".to_owned()));
    assert_eq!(
        ops("labels"),
        ["is_null", "is_not_null", "has_any", "has_none"]
    );
    let stage = branches(conditions, "field", "stage");
    assert!(stage
        .iter()
        .any(|b| b["properties"]["value"]["enum"] == json!(["idea", "live"])));
    assert!(schemas["FilterGroup_projects_5"].is_object());
    assert!(
        schemas["FilterGroup_projects_6"].is_null(),
        "five levels at most"
    );
    let sortable = &schemas["SortKey_projects"]["properties"]["field"]["enum"];
    assert!(sortable.as_array().unwrap().contains(&json!("budget")));
    assert!(!sortable.as_array().unwrap().contains(&json!("labels")));
    // Match: the would-be record is typed like an update.
    assert_eq!(
        schemas["MatchRequest_projects"]["properties"]["record"]["$ref"],
        "#/components/schemas/projects_update"
    );
    // Import: JSON only, exact (criteria) or fuzzy (threshold).
    let import = &own["paths"]["/api/v1/import/projects"]["post"];
    assert!(import["requestBody"]["content"]["text/csv"].is_null());
    let request = &schemas["ImportRequest_projects"];
    let fuzzy = branches(request, "match", "fuzzy");
    assert_eq!(fuzzy[0]["properties"]["fields"]["type"], "null");
    // Bulk: a branch per object, field and selector, values typed.
    let bulk = &schemas["BulkBody"];
    let stage: Vec<&Json> = branches(bulk, "field_name", "stage")
        .into_iter()
        .filter(|b| b["properties"]["object_name"]["enum"] == json!(["projects"]))
        .collect();
    assert_eq!(stage.len(), 2, "record_ids or where");
    assert_eq!(
        stage[0]["properties"]["object_name"]["enum"],
        json!(["projects"])
    );
    assert_eq!(
        stage[0]["properties"]["field_value"]["enum"],
        json!(["idea", "live", null])
    );
    let labels = branches(bulk, "relation_field", "labels");
    assert_eq!(labels.len(), 4, "add or remove, by ids or where");
    assert!(branches(bulk, "object_name", "projects")
        .iter()
        .all(|b| b["additionalProperties"] == false));
}

#[actix_web::test]
async fn integral_numbers_count_as_integers_and_a_repeated_sort_key_is_ignored() {
    let app = spawn_app().await;
    let token = &app.admin.token;
    for name in ["Ann", "Bob"] {
        app.create("contacts", json!({"first_name": name})).await;
    }
    // JSON Schema counts 1.0 as an integer; so does the service.
    let (status, page) = app
        .post(
            "/api/v1/records/contacts/search",
            token,
            &json!({"limit": 1.0, "sort": [
                {"field": "first_name", "direction": "asc"},
                {"field": "first_name", "direction": "desc"},
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page["data"][0]["first_name"], "Ann",
        "the first key decides"
    );
    let (status, _) = app
        .post(
            "/api/v1/records/contacts/search",
            token,
            &json!({"limit": 1.5}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, out) = app
        .post(
            "/api/v1/records/contacts/match",
            token,
            &json!({"record": {"first_name": "Ann"}, "limit": 5.0}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
}
