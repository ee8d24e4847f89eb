//! No per-object code: an object an admin adds, with a field of every type
//! (relations to itself, to companies and to tags) and a relation pointing at
//! it from contacts, works on every route; deleting a field and then the
//! object leaves nothing behind.

use crate::helpers::*;
use serde_json::{json, Value as Json};

async fn ok(app: &TestApp, method: &str, path: &str, body: Option<Json>) -> Json {
    let (status, out) = app
        .send(method, path, Some(&app.admin.token), body.as_ref())
        .await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {out}"
    );
    out
}

async fn create_projects(app: &TestApp) {
    ok(
        app,
        "POST",
        "/api/v1/schema",
        Some(json!({"name": "projects", "label": "Projects", "fields": [
            {"name": "name", "type": "TEXT", "required": true},
            {"name": "email", "type": "EMAIL"},
            {"name": "phone", "type": "PHONE"},
            {"name": "profile", "type": "LINKEDIN"},
            {"name": "budget", "type": "NUMBER"},
            {"name": "active", "type": "BOOLEAN", "default": true},
            {"name": "starts", "type": "DATE"},
            {"name": "stage", "type": "SELECT", "options": ["idea", "live"], "default": "idea"},
            {"name": "owner", "type": "OWNER"},
            {"name": "parent", "type": "BELONGS_TO_ONE", "target": "projects"},
            {"name": "company", "type": "BELONGS_TO_ONE", "target": "companies"},
            {"name": "tags", "type": "MANY_TO_MANY", "target": "tags"},
        ]})),
    )
    .await;
    ok(
        app,
        "POST",
        "/api/v1/schema/contacts/fields",
        Some(json!({"name": "project", "type": "BELONGS_TO_ONE", "target": "projects"})),
    )
    .await;
}

#[actix_web::test]
async fn a_custom_object_works_on_every_route_and_leaves_nothing_when_deleted() {
    let app = spawn_app().await;
    create_projects(&app).await;
    let company = app.create_id("companies", json!({"name": "Initech"})).await;
    let t1 = app.create_id("tags", json!({"name": "t1"})).await;
    let t2 = app.create_id("tags", json!({"name": "t2"})).await;
    // The organization's OpenAPI document types it.
    let (_, doc) = app
        .send("GET", "/api/v1/openapi.json", Some(&app.admin.token), None)
        .await;
    assert_eq!(
        doc["components"]["schemas"]["projects_create"]["required"],
        json!(["name"])
    );
    assert_eq!(
        doc["components"]["schemas"]["projects"]["properties"]["tags"]["type"],
        json!(["array", "null"])
    );
    assert!(doc["paths"]["/api/v1/records/projects/{id}"]["patch"].is_object());
    // Records: create (defaults), get, update, list with a filter, search.
    let p1 = app.create("projects", json!({"name": "Apollo", "email": "Lead@Apollo.io", "phone": "+44 20 7946 0000",
        "budget": 10.5, "starts": "2026-01-31", "owner": app.admin.workspace_user_id, "company": company, "tags": [t1]})).await;
    assert_eq!(
        (p1["active"].clone(), p1["stage"].clone()),
        (json!(true), json!("idea"))
    );
    let p1 = id_of(&p1);
    let p2 = app.create_id("projects", json!({"name": "Apollo 2", "email": "lead@apollo.io", "phone": "+442079460000", "tags": [t2]})).await;
    let child = app
        .create_id("projects", json!({"name": "Child", "parent": p2}))
        .await;
    let contact = app
        .create_id("contacts", json!({"first_name": "Ann", "project": p2}))
        .await;
    ok(
        &app,
        "PATCH",
        &format!("/api/v1/records/projects/{p2}"),
        Some(json!({"stage": "live"})),
    )
    .await;
    let list = ok(
        &app,
        "GET",
        "/api/v1/records/projects?filter_field=stage&filter_operator=equals&filter_value=live",
        None,
    )
    .await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    let found = ok(&app, "POST", "/api/v1/records/projects/search", Some(json!({"filters": {"type": "AND", "conditions": [{"field": "budget", "operator": "greater_than", "value": 5}]}}))).await;
    assert_eq!(found["data"].as_array().map(Vec::len), Some(1), "{found}");
    let (status, exported) = app
        .get("/api/v1/export/projects?format=json", &app.admin.token)
        .await;
    assert_eq!(status, 200, "{exported}");
    assert!(exported.to_string().contains("Apollo 2"));
    // Batches and import (a duplicate on the custom EMAIL field is caught).
    let batch = ok(
        &app,
        "POST",
        "/api/v1/records/projects/batch/create",
        Some(json!({"records": [{"name": "B1"}, {"name": "B2"}]})),
    )
    .await;
    assert_eq!(batch["created"], 2, "{batch}");
    let import = ok(
        &app,
        "POST",
        "/api/v1/import/projects",
        Some(json!({"on_duplicate": "skip", "records": [
        {"name": "Imported", "email": "LEAD@apollo.io"}, {"name": "New", "email": "new@x.io"}]})),
    )
    .await;
    assert_eq!(
        result_statuses(&import),
        ["duplicate", "created"],
        "{import}"
    );
    // Detect on its EMAIL and PHONE fields.
    for field in ["email", "phone"] {
        let (status, out) = app
            .duplicates(json!({"action": "detect", "object_name": "projects", "fields": [field]}))
            .await;
        assert_eq!(status, 200, "{out}");
        assert_eq!(
            out["duplicate_groups"].as_array().unwrap().len(),
            1,
            "{field}: {out}"
        );
    }
    // Bulk and dismissals.
    let (status, out) = app.bulk(&app.admin.token, json!({"action": "update_field", "object_name": "projects", "record_ids": [p1, p2], "field_name": "budget", "field_value": 7})).await;
    assert_eq!(status, 200, "{out}");
    ok(
        &app,
        "POST",
        "/api/v1/duplicates",
        Some(json!({"action": "dismiss", "object_name": "projects", "record_ids": [p1, child]})),
    )
    .await;
    let dismissals = ok(&app, "GET", "/api/v1/dismissals?object_name=projects", None).await;
    assert!(dismissals.to_string().contains(&child), "{dismissals}");
    // Merge re-links both ways: its own parent relation, contacts.project, its tags.
    let merged = ok(&app, "POST", "/api/v1/duplicates", Some(json!({"action": "merge", "object_name": "projects", "master_id": p1, "duplicate_ids": [p2]}))).await;
    assert_eq!(
        app.fetch("projects", &child).await.unwrap()["parent"],
        json!(p1)
    );
    assert_eq!(
        app.fetch("contacts", &contact).await.unwrap()["project"],
        json!(p1)
    );
    assert_eq!(
        sorted(
            &[app.fetch("projects", &p1).await.unwrap()["tags"].clone()]
                .iter()
                .flat_map(|t| t.as_array().unwrap().clone())
                .map(|t| t.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        ),
        sorted(&[t1.clone(), t2.clone()])
    );
    // ... and merging the companies and tags it points at re-links it.
    let t3 = app.create_id("tags", json!({"name": "t1"})).await;
    ok(&app, "POST", "/api/v1/duplicates", Some(json!({"action": "merge", "object_name": "tags", "master_id": t3, "duplicate_ids": [t1]}))).await;
    assert!(app.fetch("projects", &p1).await.unwrap()["tags"]
        .to_string()
        .contains(&t3));
    let other = app.create_id("companies", json!({"name": "Initech"})).await;
    ok(&app, "POST", "/api/v1/duplicates", Some(json!({"action": "merge", "object_name": "companies", "master_id": other, "duplicate_ids": [company]}))).await;
    assert_eq!(
        app.fetch("projects", &p1).await.unwrap()["company"],
        json!(other)
    );
    // The journal lists the merge, and undoing it restores the duplicate.
    let merge_id = merged["merge_id"].as_str().unwrap().to_owned();
    let journal = ok(&app, "GET", "/api/v1/merges?object_name=projects", None).await;
    assert!(journal.to_string().contains(&merge_id), "{journal}");
    ok(
        &app,
        "POST",
        "/api/v1/duplicates",
        Some(json!({"action": "unmerge", "merge_id": merge_id})),
    )
    .await;
    assert_eq!(
        app.fetch("contacts", &contact).await.unwrap()["project"],
        json!(p2)
    );
    // Delete a field, then the object (force: records and contacts.project go).
    let (status, _) = app
        .delete("/api/v1/schema/projects/fields/budget", &app.admin.token)
        .await;
    assert_eq!(status, 204);
    assert!(app
        .fetch("projects", &p1)
        .await
        .unwrap()
        .get("budget")
        .is_none());
    let (status, out) = app
        .delete("/api/v1/schema/projects?force=true", &app.admin.token)
        .await;
    assert_eq!(status, 204, "{out}");
    let left = app.db.query("SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'org_acme' AND c.relname LIKE '%project%'", &[]).await.unwrap();
    let left: Vec<String> = left.iter().map(|r| r.get(0)).collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        app.count("SELECT count(*) FROM kasar.objects WHERE name = 'projects'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT count(*) FROM kasar.fields WHERE name = 'project' OR target_object = 'projects'").await, 0);
    assert_eq!(
        app.count("SELECT count(*) FROM kasar.merges WHERE object_name = 'projects'")
            .await,
        0
    );
    assert_eq!(app.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'org_acme' AND column_name = 'project'").await, 0);
    let (status, out) = app.get("/api/v1/records/projects", &app.admin.token).await;
    assert_eq!((status, code(&out)), (400, "INVALID_OBJECT"));
    let (_, doc) = app
        .send("GET", "/api/v1/openapi.json", Some(&app.admin.token), None)
        .await;
    assert!(doc["components"]["schemas"]["projects"].is_null());
    assert!(doc["paths"]["/api/v1/records/projects"].is_null());
}
