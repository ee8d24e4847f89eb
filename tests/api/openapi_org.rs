//! `GET /api/v1/openapi.json` with a token: the organization's document, one
//! named schema per object (record, create and update bodies) and the object
//! routes written out per object; without a token, the generic document.

use crate::helpers::*;
use serde_json::{json, Value as Json};

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
