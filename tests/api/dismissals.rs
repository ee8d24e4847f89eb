//! Dismissals over HTTP: "not a duplicate", honoured by detect (and counted
//! out of `total_groups`), undone by undismiss, listed.

use crate::helpers::*;
use serde_json::{json, Value as Json};

/// Detect by e-mail unless `extra` names other fields.
async fn detect(app: &TestApp, extra: Json) -> Json {
    let mut body = json!({"fields": ["email"]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.detect_contacts(body).await
}

fn group_ids(out: &Json) -> Vec<Vec<String>> {
    out["duplicate_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            sorted(
                &g["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(id_of)
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_dismissed_group_leaves_detect_until_a_record_outside_the_set_joins_it() {
    let app = spawn_app().await;
    let a = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let b = app
        .create_id("contacts", json!({"email": "ANN@x.io"}))
        .await;
    let c = app.create_id("contacts", json!({"email": "bo@x.io"})).await;
    let d = app.create_id("contacts", json!({"email": "bo@x.io"})).await;
    assert_eq!(detect(&app, json!({})).await["total_groups"], 2);

    let (status, out) = app
        .duplicates(json!({"action": "dismiss", "object_name": "contacts", "record_ids": [b, a]}))
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["record_ids"], json!(sorted(&[a.clone(), b.clone()])));
    let out = detect(&app, json!({})).await;
    assert_eq!(group_ids(&out), vec![sorted(&[c.clone(), d.clone()])]);
    assert_eq!(out["total_groups"], 1, "a dismissed group is not counted");
    let all = detect(&app, json!({"include_dismissed": true})).await;
    assert_eq!(all["total_groups"], 2);

    // A third record joins the group: it is reported again.
    let e = app
        .create_id("contacts", json!({"email": " ann@X.io"}))
        .await;
    let out = detect(&app, json!({})).await;
    assert!(
        group_ids(&out).contains(&sorted(&[a.clone(), b.clone(), e.clone()])),
        "{out}"
    );

    let (_, listed) = app
        .get("/api/v1/dismissals?object_name=contacts", &app.admin.token)
        .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        listed["data"][0]["dismissed_by"],
        app.admin.workspace_user_id.to_string()
    );

    let (status, out) = app
        .duplicates(json!({"action": "undismiss", "object_name": "contacts", "record_ids": [a, b]}))
        .await;
    assert_eq!(status, 200, "{out}");
    app.sql(&format!("DELETE FROM {{s}}.contacts WHERE id = '{e}'"))
        .await;
    assert_eq!(detect(&app, json!({})).await["total_groups"], 2);
    let (status, out) = app
        .duplicates(json!({"action": "undismiss", "object_name": "contacts", "record_ids": [a, b]}))
        .await;
    assert_eq!((status, code(&out)), (404, "NOT_FOUND"));
    let (_, listed) = app.get("/api/v1/dismissals", &app.admin.token).await;
    assert_eq!(listed["data"], json!([]));
}

#[actix_web::test]
async fn dismissing_twice_keeps_one_set_and_bad_requests_change_nothing() {
    let app = spawn_app().await;
    let a = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let b = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let body = json!({"action": "dismiss", "object_name": "contacts", "record_ids": [a, b]});
    let (_, first) = app.duplicates(body.clone()).await;
    let (_, second) = app.duplicates(body.clone()).await;
    assert_eq!(first["dismissal_id"], second["dismissal_id"]);

    let (status, out) = app
        .post("/api/v1/duplicates", &app.member.token, &body)
        .await;
    assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"));
    let reader = app
        .token("acme", "admin@acme.test", &["records:read"], None)
        .await;
    let (status, _) = app.post("/api/v1/duplicates", &reader, &body).await;
    assert_eq!(
        status, 403,
        "dismissing writes: a read-only admin token may not"
    );
    for bad in [
        json!({"action": "dismiss", "object_name": "contacts", "record_ids": [a]}),
        json!({"action": "dismiss", "object_name": "contacts", "record_ids": [a, a]}),
        json!({"action": "dismiss", "object_name": "contacts", "record_ids": [a, "nope"]}),
    ] {
        let (status, out) = app.duplicates(bad.clone()).await;
        assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{bad}");
    }
    let (status, out) = app
        .duplicates(json!({"action": "dismiss", "object_name": "contacts", "record_ids": [a, uuid::Uuid::new_v4()]}))
        .await;
    assert_eq!((status, code(&out)), (404, "RECORD_NOT_FOUND"));
    let (status, out) = app
        .duplicates(json!({"action": "dismiss", "object_name": "planets", "record_ids": [a, b]}))
        .await;
    assert_eq!((status, code(&out)), (400, "INVALID_OBJECT"));
    let globex = app.other_org().await;
    let (_, listed) = app.get("/api/v1/dismissals", &globex.token).await;
    assert_eq!(listed["data"], json!([]), "another organization sees none");
    let (_, listed) = app.get("/api/v1/dismissals", &app.admin.token).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
}
