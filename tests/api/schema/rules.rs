//! The rules of the schema routes: names, reserved names, standard objects
//! and fields protected, no type change, required with default, SELECT
//! options, delete with force, limits, who may change the catalog.

use crate::helpers::*;
use serde_json::{json, Value as Json};

async fn add_field(app: &TestApp, object: &str, body: Json) -> (u16, Json) {
    app.post(
        &format!("/api/v1/schema/{object}/fields"),
        &app.admin.token,
        &body,
    )
    .await
}

#[actix_web::test]
async fn an_object_is_created_shown_and_refused_when_its_name_breaks_a_rule() {
    let app = spawn_app().await;
    let body = json!({"name": "partners", "label": "Partners", "fields": [
        {"name": "name", "type": "TEXT", "required": true},
        {"name": "tier", "type": "SELECT", "options": ["gold", "silver"], "default": "silver"},
    ]});
    let (status, out) = app.post("/api/v1/schema", &app.admin.token, &body).await;
    assert_eq!(status, 201, "{out}");
    assert_eq!(out["name"], "partners");
    assert_eq!(out["label"], "Partners");
    assert_eq!(out["custom"], true);
    assert_eq!(out["fields"][1]["default"], "silver");
    let (status, shown) = app.get("/api/v1/schema/partners", &app.member.token).await;
    assert_eq!(status, 200);
    assert_eq!(shown, out);
    let (_, all) = app.get("/api/v1/schema", &app.member.token).await;
    let contacts = &all["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "contacts")
        .unwrap();
    assert_eq!(contacts["custom"], false);
    assert_eq!(contacts["label"], "contacts");
    // A record gets the default; the required field is required.
    let rec = app.create("partners", json!({"name": "Initech"})).await;
    assert_eq!(rec["tier"], "silver");
    let (status, _) = app
        .post(
            "/api/v1/records/partners",
            &app.admin.token,
            &json!({"tier": "gold"}),
        )
        .await;
    assert_eq!(status, 400);

    let (status, out) = app
        .post(
            "/api/v1/schema",
            &app.admin.token,
            &json!({"name": "partners"}),
        )
        .await;
    assert_eq!((status, code(&out)), (409, "CONFLICT"), "{out}");
    for bad in [
        "Partners",
        "1x",
        "pg_stuff",
        "id",
        "merged_into",
        &"x".repeat(64),
    ] {
        let (status, out) = app
            .post("/api/v1/schema", &app.admin.token, &json!({"name": bad}))
            .await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{bad}: {out}"
        );
    }
    // A junction name taken by an object: 409, nothing created.
    let (status, out) = app
        .post(
            "/api/v1/schema",
            &app.admin.token,
            &json!({"name": "contacts_tags"}),
        )
        .await;
    assert_eq!((status, code(&out)), (409, "CONFLICT"), "{out}");
    let (status, _) = app
        .get("/api/v1/schema/contacts_tags", &app.admin.token)
        .await;
    assert_eq!(status, 400);
    // A 63-character name works (its longer internal names are shortened).
    let long = format!("p{}", "x".repeat(62));
    let (status, out) = app
        .post(
            "/api/v1/schema",
            &app.admin.token,
            &json!({"name": long, "fields": [
                {"name": format!("e{}", "y".repeat(62)), "type": "EMAIL"},
                {"name": "links", "type": "MANY_TO_MANY", "target": long},
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{out}");
    app.create(&long, json!({format!("e{}", "y".repeat(62)): "a@b.io"}))
        .await;
}

#[actix_web::test]
async fn only_admins_with_the_mcp_scope_change_the_schema_and_before_the_body_is_read() {
    let app = spawn_app().await;
    let writer = app
        .token("acme", "admin@acme.test", &["records:write"], None)
        .await;
    for token in [&app.member.token, &writer] {
        let (status, out) = app
            .send_raw(
                "POST",
                "/api/v1/schema",
                token,
                Some("text/plain"),
                b"not json".to_vec(),
            )
            .await;
        assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"), "{out}");
        let (status, _) = app
            .delete("/api/v1/schema/contacts/fields/email", token)
            .await;
        assert_eq!(status, 403);
    }
}

#[actix_web::test]
async fn standard_objects_and_fields_are_protected_and_types_never_change() {
    let app = spawn_app().await;
    let (status, out) = app
        .delete("/api/v1/schema/contacts", &app.admin.token)
        .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    let (status, out) = app
        .delete("/api/v1/schema/contacts/fields/email", &app.admin.token)
        .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    let (status, out) = app
        .patch(
            "/api/v1/schema/contacts/fields/email",
            &app.admin.token,
            &json!({"type": "TEXT"}),
        )
        .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    // A standard SELECT grows, never shrinks.
    let path = "/api/v1/schema/contacts/fields/status";
    let (status, out) = app
        .patch(
            path,
            &app.admin.token,
            &json!({"options": ["new", "contacted"]}),
        )
        .await;
    assert_eq!(status, 400, "{out}");
    let grown = json!(["new", "contacted", "qualified", "customer", "lost", "vip"]);
    let (status, out) = app
        .patch(
            path,
            &app.admin.token,
            &json!({"options": grown, "label": "Status"}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["options"], grown);
    assert_eq!(out["label"], "Status");
    app.create("contacts", json!({"status": "vip"})).await;
    // A name taken among the object's fields.
    let (status, out) = add_field(&app, "contacts", json!({"name": "email", "type": "TEXT"})).await;
    assert_eq!((status, code(&out)), (409, "CONFLICT"), "{out}");
    let (status, out) = add_field(&app, "nothing", json!({"name": "x", "type": "TEXT"})).await;
    assert_eq!((status, code(&out)), (400, "INVALID_OBJECT"), "{out}");
}

#[actix_web::test]
async fn required_defaults_and_options_are_judged_against_the_records() {
    let app = spawn_app().await;
    let a = app
        .create_id("contacts", json!({"first_name": "Ann"}))
        .await;
    let (status, out) = add_field(
        &app,
        "contacts",
        json!({"name": "tier", "type": "TEXT", "required": true}),
    )
    .await;
    assert_eq!((status, code(&out)), (409, "CONFLICT"), "{out}");
    let (status, out) = add_field(
        &app,
        "contacts",
        json!({"name": "tier", "type": "SELECT", "required": true, "options": ["a", "b"], "default": "a"}),
    )
    .await;
    assert_eq!(status, 201, "{out}");
    assert_eq!(app.fetch("contacts", &a).await.unwrap()["tier"], "a");
    let (status, out) = app
        .patch(
            "/api/v1/schema/contacts/fields/tier",
            &app.admin.token,
            &json!({"options": ["b"], "default": "b"}),
        )
        .await;
    assert_eq!((status, code(&out)), (409, "CONFLICT"), "{out}");
    let (status, out) =
        add_field(&app, "contacts", json!({"name": "score", "type": "NUMBER"})).await;
    assert_eq!(status, 201, "{out}");
    let (status, out) = app
        .patch(
            "/api/v1/schema/contacts/fields/score",
            &app.admin.token,
            &json!({"required": true}),
        )
        .await;
    assert_eq!((status, code(&out)), (409, "CONFLICT"), "{out}");
    assert!(
        out["error"]["message"].as_str().unwrap().contains('1'),
        "{out}"
    );
    // Invalid definitions.
    for bad in [
        json!({"name": "x", "type": "TEXT", "options": ["a"]}),
        json!({"name": "x", "type": "SELECT", "options": []}),
        json!({"name": "x", "type": "NUMBER", "default": "ten"}),
        json!({"name": "x", "type": "BELONGS_TO_ONE"}),
        json!({"name": "x", "type": "BELONGS_TO_ONE", "target": "nothing"}),
        json!({"name": "x", "type": "TEXT", "target": "tags"}),
        json!({"name": "created_at", "type": "TEXT"}),
        json!({"name": "x", "type": "TEXT", "colour": "red"}),
    ] {
        let (status, out) = add_field(&app, "contacts", bad.clone()).await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{bad}: {out}"
        );
    }
}

#[actix_web::test]
async fn deleting_an_object_with_records_or_inbound_relations_needs_force() {
    let app = spawn_app().await;
    let (status, _) = app
        .post(
            "/api/v1/schema",
            &app.admin.token,
            &json!({"name": "partners", "fields": [{"name": "name", "type": "TEXT"}]}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = add_field(
        &app,
        "contacts",
        json!({"name": "partner", "type": "BELONGS_TO_ONE", "target": "partners"}),
    )
    .await;
    assert_eq!(status, 201);
    let p = app.create_id("partners", json!({"name": "Initech"})).await;
    let c = app
        .create_id("contacts", json!({"first_name": "Ann", "partner": p}))
        .await;
    let (status, out) = app
        .delete("/api/v1/schema/partners", &app.admin.token)
        .await;
    assert_eq!((status, code(&out)), (409, "CONFLICT"), "{out}");
    let (status, out) = app
        .delete("/api/v1/schema/partners?force=true", &app.admin.token)
        .await;
    assert_eq!(status, 204, "{out}");
    let contact = app.fetch("contacts", &c).await.unwrap();
    assert!(contact.get("partner").is_none(), "{contact}");
    assert_eq!(
        app.count("SELECT count(*) FROM kasar.objects WHERE name = 'partners'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM pg_class WHERE relname LIKE '%partner%'")
            .await,
        0
    );
}

#[actix_web::test]
async fn limits_come_from_configuration() {
    let app = spawn_app_with(|s| {
        s.schema.max_objects = 1;
        s.schema.max_fields = 2;
    })
    .await;
    let (status, _) = app
        .post("/api/v1/schema", &app.admin.token, &json!({"name": "a"}))
        .await;
    assert_eq!(status, 201);
    let (status, out) = app
        .post("/api/v1/schema", &app.admin.token, &json!({"name": "b"}))
        .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    let (status, out) = add_field(&app, "tags", json!({"name": "x", "type": "TEXT"})).await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
}

#[actix_web::test]
async fn adding_a_nullable_or_constant_default_field_never_rewrites_the_table() {
    let app = spawn_app().await;
    for i in 0..50 {
        app.create("contacts", json!({"first_name": format!("n{i}")}))
            .await;
    }
    let relfile =
        "SELECT relfilenode::bigint FROM pg_class WHERE oid = 'org_acme.contacts'::regclass";
    let before = app.count(relfile).await;
    for body in [
        json!({"name": "score", "type": "NUMBER"}),
        json!({"name": "vip", "type": "BOOLEAN", "default": false, "required": true}),
        json!({"name": "since", "type": "DATE", "default": "2020-01-31"}),
    ] {
        let (status, out) = add_field(&app, "contacts", body).await;
        assert_eq!(status, 201, "{out}");
    }
    assert_eq!(app.count(relfile).await, before);
    let (status, _) = app
        .delete("/api/v1/schema/contacts/fields/score", &app.admin.token)
        .await;
    assert_eq!(status, 204);
    assert_eq!(app.count(relfile).await, before);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM org_acme.contacts WHERE vip = false AND since = '2020-01-31'"
        )
        .await,
        50
    );
}

#[actix_web::test]
async fn a_merge_journaled_before_a_change_stays_undoable_and_names_what_it_skipped() {
    let app = spawn_app().await;
    for body in [
        json!({"name": "nickname", "type": "TEXT"}),
        json!({"name": "labels", "type": "MANY_TO_MANY", "target": "tags"}),
    ] {
        let (status, out) = add_field(&app, "contacts", body).await;
        assert_eq!(status, 201, "{out}");
    }
    let t = app.create_id("tags", json!({"name": "vip"})).await;
    let a = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "email": "ann@x.io"}),
        )
        .await;
    let b = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "email": "ann@x.io", "nickname": "Annie", "labels": [t]}),
        )
        .await;
    let (status, merged) = app
        .duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": a, "duplicate_ids": [b], "merge_strategy": "fill_blanks"}))
        .await;
    assert_eq!(status, 200, "{merged}");
    for field in ["nickname", "labels"] {
        let (status, _) = app
            .delete(
                &format!("/api/v1/schema/contacts/fields/{field}"),
                &app.admin.token,
            )
            .await;
        assert_eq!(status, 204);
    }
    let (status, out) = add_field(
        &app,
        "contacts",
        json!({"name": "tier", "type": "TEXT", "required": true, "default": "basic"}),
    )
    .await;
    assert_eq!(status, 201, "{out}");
    let (status, out) = app
        .duplicates(json!({"action": "unmerge", "merge_id": merged["merge_id"]}))
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["skipped"], json!(["labels", "nickname"]), "{out}");
    let back = app.fetch("contacts", &b).await.unwrap();
    assert_eq!(
        (back["email"].clone(), back["tier"].clone()),
        (json!("ann@x.io"), json!("basic"))
    );
    assert!(app
        .fetch("contacts", &a)
        .await
        .unwrap()
        .get("nickname")
        .is_none());
}
