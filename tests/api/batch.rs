//! Batches over HTTP: create, update, upsert and delete of many records, each
//! judged as the single-record routes judge it, results in request order,
//! everything that passes written in one transaction.

use crate::helpers::*;
use serde_json::{json, Value as Json};

async fn batch(app: &TestApp, token: &str, op: &str, body: Json) -> (u16, Json) {
    app.post(
        &format!("/api/v1/records/contacts/batch/{op}"),
        token,
        &body,
    )
    .await
}

#[actix_web::test]
async fn a_batch_create_writes_what_passes_and_reports_the_rest_in_order() {
    let app = spawn_app().await;
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    let other = app.admin.workspace_user_id.to_string();
    let records = json!([
        {"first_name": "Ann", "email": "ann@x.io", "tags": [tag]},
        {"first_name": "Bad", "email": "not-an-email"},
        "not an object",
        {"first_name": "Ghost", "company": uuid::Uuid::new_v4()},
        {"first_name": "Given away", "owner": other},
        {"first_name": "Cy"},
    ]);
    let (status, out) = batch(
        &app,
        &app.member.token,
        "create",
        json!({"records": records}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        result_statuses(&out),
        [
            "created",
            "VALIDATION_ERROR",
            "VALIDATION_ERROR",
            "VALIDATION_ERROR",
            "PERMISSION_DENIED",
            "created"
        ]
    );
    assert_eq!(
        (
            out["created"].clone(),
            out["failed"].clone(),
            out["total"].clone()
        ),
        (json!(2), json!(4), json!(6))
    );
    assert_eq!(out["object_name"], "contacts");
    let ann = out["results"][0]["id"].as_str().unwrap();
    let record = app.fetch("contacts", ann).await.unwrap();
    assert_eq!(
        (
            record["email"].clone(),
            record["tags"].clone(),
            record["status"].clone()
        ),
        (json!("ann@x.io"), json!([tag]), json!("new"))
    );
    let count = format!("SELECT count(*) FROM \"{}\".contacts", app.org.schema);
    assert_eq!(app.count(&count).await, 2);
}

#[actix_web::test]
async fn a_batch_update_changes_each_record_in_its_own_fields_under_the_write_rule() {
    let app = spawn_app().await;
    let member = app.member.workspace_user_id.to_string();
    let admin = app.admin.workspace_user_id.to_string();
    let mine = app
        .create_id(
            "contacts",
            json!({"first_name": "M", "owner": member, "job_title": "keep"}),
        )
        .await;
    let theirs = app
        .create_id("contacts", json!({"first_name": "T", "owner": admin}))
        .await;
    let free = app
        .create_id("contacts", json!({"first_name": "F", "status": "lost"}))
        .await;
    let before_free = app.fetch("contacts", &free).await.unwrap();
    let records = json!([
        {"id": mine, "first_name": "Mine"},
        {"id": theirs, "first_name": "Stolen"},
        {"id": free, "status": "lost"},
        {"id": uuid::Uuid::new_v4(), "first_name": "Nobody"},
        {"first_name": "No id"},
        {"id": mine, "first_name": "Twice"},
    ]);
    let (status, out) = batch(
        &app,
        &app.member.token,
        "update",
        json!({"records": records}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        result_statuses(&out),
        [
            "updated",
            "PERMISSION_DENIED",
            "updated",
            "RECORD_NOT_FOUND",
            "VALIDATION_ERROR",
            "VALIDATION_ERROR"
        ]
    );
    let m = app.fetch("contacts", &mine).await.unwrap();
    assert_eq!(
        (m["first_name"].clone(), m["job_title"].clone()),
        (json!("Mine"), json!("keep"))
    );
    assert_eq!(
        app.fetch("contacts", &theirs).await.unwrap()["first_name"],
        "T"
    );
    let f = app.fetch("contacts", &free).await.unwrap();
    assert_eq!(
        f["updated_at"], before_free["updated_at"],
        "nothing changed: updated_at stays"
    );
}

#[actix_web::test]
async fn an_upsert_updates_matches_creates_the_rest_and_fails_ambiguous_ones() {
    let app = spawn_app().await;
    let ann = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "email": "Ann@X.io"}),
        )
        .await;
    app.create(
        "contacts",
        json!({"first_name": "Dup1", "email": "dup@x.io"}),
    )
    .await;
    app.create(
        "contacts",
        json!({"first_name": "Dup2", "email": " DUP@x.io"}),
    )
    .await;
    let records = json!([
        {"email": "  ann@x.io ", "job_title": "CEO"},
        {"email": "new@x.io", "first_name": "New"},
        {"email": "dup@x.io", "first_name": "?"},
        {"email": "NEW@x.io", "first_name": "Again"},
        {"first_name": "No email"},
    ]);
    let (status, out) = batch(
        &app,
        &app.admin.token,
        "upsert",
        json!({"records": records, "match_field": "email"}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        result_statuses(&out),
        [
            "updated",
            "created",
            "AMBIGUOUS_MATCH",
            "VALIDATION_ERROR",
            "created"
        ]
    );
    assert_eq!(
        (out["created"].clone(), out["updated"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(out["results"][0]["id"], json!(ann));
    assert_eq!(
        app.fetch("contacts", &ann).await.unwrap()["job_title"],
        "CEO"
    );
    for bad in ["tags", "status", "nope"] {
        let (status, out) = batch(
            &app,
            &app.admin.token,
            "upsert",
            json!({"records": [], "match_field": bad}),
        )
        .await;
        assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{bad}");
    }
}

#[actix_web::test]
async fn a_batch_delete_judges_each_id() {
    let app = spawn_app().await;
    let member = app.member.workspace_user_id.to_string();
    let admin = app.admin.workspace_user_id.to_string();
    let mine = app.create_id("contacts", json!({"owner": member})).await;
    let theirs = app.create_id("contacts", json!({"owner": admin})).await;
    let body = json!({"record_ids": [mine, theirs, "x", uuid::Uuid::new_v4(), mine]});
    let (status, out) = app
        .send(
            "DELETE",
            "/api/v1/records/contacts",
            Some(&app.member.token),
            Some(&body),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        result_statuses(&out),
        [
            "deleted",
            "PERMISSION_DENIED",
            "VALIDATION_ERROR",
            "RECORD_NOT_FOUND",
            "VALIDATION_ERROR"
        ]
    );
    assert_eq!(out["deleted"], 1);
    assert!(app.fetch("contacts", &mine).await.is_none());
    assert!(app.fetch("contacts", &theirs).await.is_some());
}

#[actix_web::test]
async fn what_is_wrong_with_the_request_itself_is_400_and_writes_nothing() {
    let app = spawn_app_with(|s| s.records.max_batch = 3).await;
    let before = app.snapshot().await;
    let four: Vec<Json> = (0..4)
        .map(|i| json!({"first_name": format!("n{i}")}))
        .collect();
    for (op, body) in [
        ("create", json!({"records": four})),
        ("create", json!({"records": {"first_name": "x"}})),
        ("create", json!({"records": [], "extra": 1})),
        ("update", json!({})),
        ("upsert", json!({"records": []})),
    ] {
        let (status, out) = batch(&app, &app.admin.token, op, body.clone()).await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{op} {body}: {out}"
        );
    }
    let (status, out) = app
        .post(
            "/api/v1/records/widgets/batch/create",
            &app.admin.token,
            &json!({"records": []}),
        )
        .await;
    assert_eq!((status, code(&out)), (400, "INVALID_OBJECT"));
    let (status, _) = batch(&app, &app.reader.token, "create", json!({"records": []})).await;
    assert_eq!(status, 403);
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn a_batch_is_set_based_a_fixed_number_of_statements_whatever_its_size() {
    let app = spawn_app().await;
    let tag = app.create_id("tags", json!({"name": "t"})).await;
    // Every INSERT, UPDATE or DELETE statement on the contacts and their tag
    // links counts one, however many rows it touches.
    app.sql(
        "CREATE TABLE {s}.writes (n int NOT NULL); INSERT INTO {s}.writes VALUES (0);
         CREATE FUNCTION {s}.count_write() RETURNS trigger LANGUAGE plpgsql AS
           $$BEGIN UPDATE {s}.writes SET n = n + 1; RETURN NULL; END$$;
         CREATE TRIGGER w AFTER INSERT OR UPDATE OR DELETE ON {s}.contacts FOR EACH STATEMENT EXECUTE FUNCTION {s}.count_write();
         CREATE TRIGGER w AFTER INSERT OR UPDATE OR DELETE ON {s}.contacts_tags FOR EACH STATEMENT EXECUTE FUNCTION {s}.count_write();",
    )
    .await;
    let writes = format!("SELECT n::bigint FROM \"{}\".writes", app.org.schema);
    let mut counts = Vec::new();
    for n in [2usize, 200] {
        let start = app.count(&writes).await;
        let records: Vec<Json> = (0..n)
            .map(|i| json!({"first_name": format!("r{i}"), "tags": [tag]}))
            .collect();
        let (status, out) = batch(
            &app,
            &app.admin.token,
            "create",
            json!({"records": records}),
        )
        .await;
        assert_eq!((status, out["created"].clone()), (200, json!(n)), "{out}");
        let updates: Vec<Json> = out["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| json!({"id": r["id"], "job_title": "x", "tags": []}))
            .collect();
        let (status, out) = batch(
            &app,
            &app.admin.token,
            "update",
            json!({"records": updates}),
        )
        .await;
        assert_eq!((status, out["updated"].clone()), (200, json!(n)), "{out}");
        counts.push(app.count(&writes).await - start);
    }
    assert_eq!(
        counts[0], counts[1],
        "statements for 2 and for 200 records: {counts:?}"
    );
    let links = format!("SELECT count(*) FROM \"{}\".contacts_tags", app.org.schema);
    assert_eq!(
        app.count(&links).await,
        0,
        "the updates replaced the links with none"
    );
}
