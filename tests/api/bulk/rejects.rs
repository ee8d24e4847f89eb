//! Requests refused as a whole (400 / 403 / 401): nothing changes.

use super::*;

/// A contact that every rejected request names, with a company and a tag so
/// that any stray write would show in the snapshot.
struct Fx {
    c: String,
    co: String,
    opp: String,
    t: String,
    t2: String,
}

async fn fixture(app: &TestApp) -> Fx {
    let co = app
        .create_id("companies", json!({ "name": "Acme", "employees": 10 }))
        .await;
    let t = tag(app, "vip").await;
    let t2 = tag(app, "lead").await;
    let c = contact(
        app,
        json!({ "first_name": "A", "job_title": "keep", "company": co, "tags": [t] }),
    )
    .await;
    let opp = app
        .create_id(
            "opportunities",
            json!({ "name": "Deal", "close_date": "2025-01-01" }),
        )
        .await;
    Fx { c, co, opp, t, t2 }
}

/// Sends `body` as `token`; expects `status` and `expected` and no change at all.
async fn rejected(app: &TestApp, token: &str, body: Json, status: u16, expected: &str) {
    let before = app.snapshot().await;
    let (got, out) = app.bulk(token, body.clone()).await;
    let shown: String = body.to_string().chars().take(300).collect();
    assert_eq!((got, code(&out)), (status, expected), "{shown}: {out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{out}"
    );
    assert_eq!(app.snapshot().await, before, "{shown} changed something");
}

fn update(object: &str, id: &str, field: &str, value: Json) -> Json {
    json!({ "action": "update_field", "object_name": object, "record_ids": [id], "field_name": field, "field_value": value })
}

#[actix_web::test]
async fn a_read_only_token_is_refused_for_the_whole_request() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let token = app.reader.token.clone();
    rejected(
        &app,
        &token,
        update("contacts", &fx.c, "job_title", json!("x")),
        403,
        "PERMISSION_DENIED",
    )
    .await;
    rejected(&app, &token, json!({ "action": "add_relation", "object_name": "contacts", "record_ids": [fx.c], "relation_field": "tags", "target_ids": [fx.t2] }), 403, "PERMISSION_DENIED").await;
    rejected(
        &app,
        &token,
        json!({ "action": "nope", "record_ids": [] }),
        403,
        "PERMISSION_DENIED",
    )
    .await;
    let before = app.snapshot().await;
    let (status, out) = app
        .post_bytes(
            "/api/v1/bulk",
            &token,
            Some("application/json"),
            b"{\"action\": ".to_vec(),
        )
        .await;
    assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"), "{out}");
    let (status, out) = app
        .send(
            "POST",
            "/api/v1/bulk",
            None,
            Some(&update("contacts", &fx.c, "job_title", json!("x"))),
        )
        .await;
    assert_eq!((status, code(&out)), (401, "UNAUTHENTICATED"), "{out}");
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn malformed_requests_are_rejected_and_change_nothing() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let c = fx.c.as_str();
    let bad = "VALIDATION_ERROR";
    let base = |extra: Json| {
        let mut b = json!({ "action": "update_field", "object_name": "contacts", "record_ids": [c], "field_name": "job_title", "field_value": "x" });
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() && k != "field_value" {
                b.as_object_mut().unwrap().remove(k);
            } else {
                b[k] = v.clone();
            }
        }
        b
    };
    let mut over: Vec<String> = random_ids(10_000);
    over.push(c.to_owned());
    let cases = [
        (base(json!({ "action": "delete_all" })), bad),
        (base(json!({ "action": "UPDATE_FIELD" })), bad),
        (base(json!({ "action": 1 })), bad),
        (base(json!({ "action": null })), bad),
        (base(json!({ "object_name": "widgets" })), "INVALID_OBJECT"),
        (base(json!({ "object_name": null })), bad),
        (base(json!({ "record_ids": null })), bad),
        (base(json!({ "record_ids": [] })), bad),
        (base(json!({ "record_ids": ["not-a-uuid"] })), bad),
        (base(json!({ "record_ids": [c, "not-a-uuid"] })), bad),
        (base(json!({ "record_ids": [c, 42] })), bad),
        (base(json!({ "record_ids": c })), bad),
        (base(json!({ "record_ids": over })), bad),
        (base(json!({ "force": true })), bad),
        (base(json!({ "fieldName": "status" })), bad),
    ];
    for (body, expected) in cases {
        rejected(&app, &app.admin.token, body, 400, expected).await;
    }
    let before = app.snapshot().await;
    for raw in [
        &b"{\"action\": "[..],
        b"",
        b"[]",
        b"not json",
        b"{\"action\":\"update_field\",}",
    ] {
        let (status, out) = app
            .post_bytes(
                "/api/v1/bulk",
                &app.admin.token,
                Some("application/json"),
                raw.to_vec(),
            )
            .await;
        assert_eq!(
            (status, code(&out)),
            (400, bad),
            "{}: {out}",
            String::from_utf8_lossy(raw)
        );
    }
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn update_field_refuses_fields_that_cannot_be_written() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let c = fx.c.as_str();
    let missing_name = json!({ "action": "update_field", "object_name": "contacts", "record_ids": [c], "field_value": "x" });
    let missing_value = json!({ "action": "update_field", "object_name": "contacts", "record_ids": [c], "field_name": "job_title" });
    let cases = [
        missing_name,
        missing_value,
        update("contacts", c, "nope", json!("x")),
        update("contacts", c, "id", json!(Uuid::new_v4().to_string())),
        update("contacts", c, "created_at", json!("2020-01-01T00:00:00Z")),
        update("contacts", c, "updated_at", json!("2020-01-01T00:00:00Z")),
        update("contacts", c, "tags", json!([fx.t2])),
        update("contacts", c, "tags", json!(null)),
        update("companies", &fx.co, "name", json!(null)),
        update("opportunities", &fx.opp, "name", json!(null)),
        update("tags", &fx.t, "name", json!(null)),
    ];
    for body in cases {
        rejected(&app, &app.admin.token, body, 400, "VALIDATION_ERROR").await;
    }
}

#[actix_web::test]
async fn update_field_refuses_values_invalid_for_the_field_type() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let (c, co, opp) = (fx.c.as_str(), fx.co.as_str(), fx.opp.as_str());
    let nobody = Uuid::new_v4().to_string();
    let cases = [
        update("contacts", c, "email", json!("no-at-sign")),
        update("contacts", c, "email", json!("a@")),
        update("contacts", c, "email", json!("@b.test")),
        update("contacts", c, "email", json!(7)),
        update("contacts", c, "status", json!("vip")),
        update("contacts", c, "status", json!("Qualified")),
        update("contacts", c, "status", json!(2)),
        update("contacts", c, "first_name", json!(12)),
        update("contacts", c, "job_title", json!({ "a": 1 })),
        update("companies", co, "employees", json!("many")),
        update("companies", co, "employees", json!("42")),
        update("companies", co, "employees", json!(true)),
        update("opportunities", opp, "amount", json!("1000")),
        update("opportunities", opp, "close_date", json!("2025-13-45")),
        update("opportunities", opp, "close_date", json!("2025-02-30")),
        update("opportunities", opp, "close_date", json!("31/03/2025")),
        update("opportunities", opp, "close_date", json!(20250331)),
        update("contacts", c, "company", json!(nobody)),
        update("contacts", c, "company", json!("not-a-uuid")),
        update("contacts", c, "company", json!(fx.t)),
        update("opportunities", opp, "contact", json!(co)),
        update("contacts", c, "owner", json!(nobody)),
        update("contacts", c, "owner", json!("not-a-uuid")),
        update("contacts", c, "owner", json!(c)),
    ];
    for body in cases {
        rejected(&app, &app.admin.token, body, 400, "VALIDATION_ERROR").await;
    }
}

#[actix_web::test]
async fn relation_requests_are_checked_before_anything_changes() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let (c, t, t2) = (fx.c.as_str(), fx.t.as_str(), fx.t2.as_str());
    let nowhere = Uuid::new_v4().to_string();
    let mut over: Vec<String> = random_ids(1_000);
    over.push(t2.to_owned());
    for action in ["add_relation", "remove_relation"] {
        let rel = |field: Json, targets: Json| {
            let mut b = json!({ "action": action, "object_name": "contacts", "record_ids": [c], "relation_field": field, "target_ids": targets });
            for k in ["relation_field", "target_ids"] {
                if b[k].is_null() {
                    b.as_object_mut().unwrap().remove(k);
                }
            }
            b
        };
        let cases = [
            rel(Json::Null, json!([t, t2])),
            rel(json!("company"), json!([fx.co])),
            rel(json!("status"), json!([t2])),
            rel(json!("owner"), json!([app.admin.workspace_user_id])),
            rel(json!("nope"), json!([t2])),
            rel(json!("tags"), Json::Null),
            rel(json!("tags"), json!([])),
            rel(json!("tags"), json!(t2)),
            rel(json!("tags"), json!(["not-a-uuid"])),
            rel(json!("tags"), json!([t, t2, "not-a-uuid"])),
            rel(json!("tags"), json!(over)),
            rel(json!("tags"), json!([nowhere])),
            rel(json!("tags"), json!([t, t2, nowhere])),
            rel(json!("tags"), json!([t2, c])),
            json!({ "action": action, "object_name": "tags", "record_ids": [t], "relation_field": "tags", "target_ids": [t2] }),
        ];
        for body in cases {
            rejected(&app, &app.admin.token, body, 400, "VALIDATION_ERROR").await;
        }
    }
}
