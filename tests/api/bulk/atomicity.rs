//! A server fault in the middle of applying leaves nothing half-written.

use super::*;

/// Installs a trigger on `table` that raises when `condition` holds.
async fn boom(app: &TestApp, table: &str, when: &str, condition: &str, ret: &str) {
    let s = &app.org.schema;
    app.sql(&format!(
            "CREATE FUNCTION \"{s}\".boom() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN IF {condition} THEN RAISE EXCEPTION 'boom secret detail'; END IF; RETURN {ret}; END$$; \
             CREATE TRIGGER boom {when} ON \"{s}\".\"{table}\" FOR EACH ROW EXECUTE FUNCTION \"{s}\".boom();"
        ),
    )
    .await;
}

async fn unboom(app: &TestApp, table: &str) {
    let s = &app.org.schema;
    app.sql(&format!(
        "DROP TRIGGER boom ON \"{s}\".\"{table}\"; DROP FUNCTION \"{s}\".boom();"
    ))
    .await;
}

/// Expects a generic 500 and an unchanged organization.
async fn fails_whole(app: &TestApp, body: Json) {
    let before = app.snapshot().await;
    let (status, out) = app.bulk(&app.admin.token, body.clone()).await;
    assert_eq!(
        (status, code(&out)),
        (500, "INTERNAL_ERROR"),
        "{body}: {out}"
    );
    let text = out.to_string();
    assert!(
        !text.contains("boom") && !text.contains("secret") && !text.contains("org_"),
        "details leaked: {out}"
    );
    assert!(
        out["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{out}"
    );
    assert_eq!(
        app.snapshot().await,
        before,
        "a failed request left part of its writes"
    );
}

#[actix_web::test]
async fn a_fault_while_updating_leaves_no_record_changed() {
    let app = spawn_app().await;
    let ids = [
        contact(&app, json!({ "first_name": "A", "job_title": "a" })).await,
        contact(&app, json!({ "first_name": "B", "job_title": "b" })).await,
        contact(&app, json!({ "first_name": "C", "job_title": "c" })).await,
    ];
    // Only the middle record fails: a statement-per-record apply would keep the others.
    boom(
        &app,
        "contacts",
        "BEFORE UPDATE",
        &format!("NEW.job_title = 'boom' AND NEW.id = '{}'", ids[1]),
        "NEW",
    )
    .await;
    let body = json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "job_title", "field_value": "boom" });
    fails_whole(&app, body.clone()).await;
    for (id, title) in ids.iter().zip(["a", "b", "c"]) {
        assert_eq!(app.fetch("contacts", id).await.unwrap()["job_title"], title);
    }
    // The connection that failed went back to the pool in a clean state.
    for _ in 0..10 {
        let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [ids[0]], "field_name": "status", "field_value": "lost" })).await;
        assert_eq!(out["updated"], 1);
    }
    unboom(&app, "contacts").await;
    assert_eq!(ok(&app, &app.admin.token, body).await["updated"], 3);
}

#[actix_web::test]
async fn a_fault_while_adding_links_leaves_no_link_and_no_updated_at_changed() {
    let app = spawn_app().await;
    let (t1, t2) = (tag(&app, "vip").await, tag(&app, "lead").await);
    let ids = [
        contact(&app, json!({ "first_name": "A" })).await,
        contact(&app, json!({ "first_name": "B", "tags": [t1] })).await,
        contact(&app, json!({ "first_name": "C" })).await,
    ];
    let body = json!({ "action": "add_relation", "object_name": "contacts", "record_ids": ids, "relation_field": "tags", "target_ids": [t1, t2] });
    boom(
        &app,
        "contacts_tags",
        "BEFORE INSERT",
        &format!("NEW.source_id = '{}' AND NEW.target_id = '{t2}'", ids[2]),
        "NEW",
    )
    .await;
    fails_whole(&app, body.clone()).await;
    assert_eq!(links(&app, None).await, 1);
    unboom(&app, "contacts_tags").await;

    // The links land, then touching updated_at fails: the links go too.
    boom(
        &app,
        "contacts",
        "BEFORE UPDATE",
        &format!("OLD.id = '{}'", ids[2]),
        "NEW",
    )
    .await;
    fails_whole(&app, body.clone()).await;
    assert_eq!(links(&app, None).await, 1);
    unboom(&app, "contacts").await;

    assert_eq!(ok(&app, &app.admin.token, body).await["added"], 6);
    assert_eq!(links(&app, None).await, 6);
}

#[actix_web::test]
async fn a_fault_while_removing_links_leaves_every_link_in_place() {
    let app = spawn_app().await;
    let (t1, t2) = (tag(&app, "vip").await, tag(&app, "lead").await);
    let ids = [
        contact(&app, json!({ "first_name": "A", "tags": [t1, t2] })).await,
        contact(&app, json!({ "first_name": "B", "tags": [t1, t2] })).await,
    ];
    let body = json!({ "action": "remove_relation", "object_name": "contacts", "record_ids": ids, "relation_field": "tags", "target_ids": [t1, t2] });
    boom(
        &app,
        "contacts_tags",
        "BEFORE DELETE",
        &format!("OLD.source_id = '{}' AND OLD.target_id = '{t2}'", ids[1]),
        "OLD",
    )
    .await;
    fails_whole(&app, body.clone()).await;
    assert_eq!(links(&app, None).await, 4);
    unboom(&app, "contacts_tags").await;

    boom(
        &app,
        "contacts",
        "BEFORE UPDATE",
        &format!("OLD.id = '{}'", ids[1]),
        "NEW",
    )
    .await;
    fails_whole(&app, body.clone()).await;
    assert_eq!(links(&app, None).await, 4);
    unboom(&app, "contacts").await;

    assert_eq!(ok(&app, &app.admin.token, body).await["removed"], 4);
    assert_eq!(links(&app, None).await, 0);
}
