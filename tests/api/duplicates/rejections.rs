//! Requests the endpoint refuses: each one answers its error and changes
//! nothing (snapshot of the organization's schema equal before and after).

use super::*;

/// A master and a duplicate that a valid merge would change: same email, the
/// duplicate tagged and pointed at by an opportunity.
async fn pair(app: &TestApp) -> (String, String) {
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    let master = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "email": "ann@x.io"}),
        )
        .await;
    let duplicate = app
        .create_id(
            "contacts",
            json!({"last_name": "Lee", "email": "ann@x.io", "tags": [tag]}),
        )
        .await;
    app.create(
        "opportunities",
        json!({"name": "Deal", "contact": duplicate}),
    )
    .await;
    (master, duplicate)
}

#[actix_web::test]
async fn members_and_readers_are_denied_before_the_body_is_judged() {
    let app = spawn_app().await;
    let (master, duplicate) = pair(&app).await;
    let bodies = [
        merge_body("contacts", &master, &[&duplicate]),
        json!({"action": "detect", "object_name": "contacts"}),
        json!({"action": "explode"}),
        json!({"object_name": "nope", "limit": 0}),
        json!([1, 2, 3]),
    ];
    for user in [&app.member, &app.reader] {
        for body in &bodies {
            assert_rejected(&app, &user.token, body.clone(), 403, "PERMISSION_DENIED").await;
        }
        let before = app.snapshot().await;
        let (status, out) = app
            .post_bytes(
                "/api/v1/duplicates",
                &user.token,
                Some("application/json"),
                b"{not json".to_vec(),
            )
            .await;
        assert_eq!(
            (status, code(&out)),
            (403, "PERMISSION_DENIED"),
            "{}: {out}",
            user.email
        );
        assert_eq!(app.snapshot().await, before);
    }
    assert!(app.fetch("contacts", &duplicate).await.is_some());
}

#[actix_web::test]
async fn a_missing_or_unknown_action_is_a_validation_error() {
    let app = spawn_app().await;
    let (master, duplicate) = pair(&app).await;
    let mut merge_without_action = merge_body("contacts", &master, &[&duplicate]);
    merge_without_action
        .as_object_mut()
        .expect("object")
        .remove("action");
    for body in [
        json!({"object_name": "contacts"}),
        json!({"action": "Detect", "object_name": "contacts"}),
        json!({"action": "delete", "object_name": "contacts"}),
        json!({"action": 1, "object_name": "contacts"}),
        json!({"action": null, "object_name": "contacts"}),
        merge_without_action,
    ] {
        assert_rejected(&app, &app.admin.token, body, 400, "VALIDATION_ERROR").await;
    }
}

#[actix_web::test]
async fn an_unknown_object_is_invalid_object() {
    let app = spawn_app().await;
    let (master, duplicate) = pair(&app).await;
    for body in [
        json!({"action": "detect", "object_name": "people"}),
        json!({"action": "detect", "object_name": "Contacts"}),
        merge_body("people", &master, &[&duplicate]),
    ] {
        assert_rejected(&app, &app.admin.token, body, 400, "INVALID_OBJECT").await;
    }
}

#[actix_web::test]
async fn detect_with_bad_fields_or_limit_is_a_validation_error() {
    let app = spawn_app().await;
    pair(&app).await;
    let with = |extra: Json| {
        let mut body = json!({"action": "detect", "object_name": "contacts"});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    for body in [
        with(json!({"fields": []})),
        with(json!({"fields": ["mail"]})),
        with(json!({"fields": ["email", "Email"]})),
        with(json!({"fields": "email"})),
        with(json!({"limit": 0})),
        with(json!({"limit": -1})),
        with(json!({"limit": 1001})),
        with(json!({"limit": 1.5})),
        with(json!({"limit": "10"})),
    ] {
        assert_rejected(&app, &app.admin.token, body, 400, "VALIDATION_ERROR").await;
    }
}

#[actix_web::test]
async fn merge_requests_that_break_the_rules_are_validation_errors() {
    let app = spawn_app().await;
    let (master, duplicate) = pair(&app).await;
    let third = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let mut many: Vec<String> = (0..100).map(|_| Uuid::new_v4().to_string()).collect();
    many.push(duplicate.clone());
    let with = |key: &str, value: Json| {
        let mut body = merge_body("contacts", &master, &[&duplicate]);
        body[key] = value;
        body
    };
    let mut without_ids = merge_body("contacts", &master, &[&duplicate]);
    without_ids
        .as_object_mut()
        .expect("object")
        .remove("duplicate_ids");
    let mut without_master = merge_body("contacts", &master, &[&duplicate]);
    without_master
        .as_object_mut()
        .expect("object")
        .remove("master_id");
    for body in [
        merge_body("contacts", &master, &[&duplicate, &master]),
        merge_body("contacts", &master, &[&master]),
        merge_body("contacts", &master, &[]),
        merge_body("contacts", &master, &[&duplicate, &third, &duplicate]),
        with("duplicate_ids", json!(many)),
        with("duplicate_ids", json!(duplicate)),
        with("duplicate_ids", json!(null)),
        without_ids,
        without_master,
        with("master_id", json!("not-a-uuid")),
        with("master_id", json!(null)),
        with("duplicate_ids", json!([duplicate, "42"])),
        with("duplicate_ids", json!([duplicate, 42])),
        with("merge_strategy", json!("merge_all")),
        with("merge_strategy", json!("KEEP_MASTER")),
        with("dry_run", json!("yes")),
    ] {
        assert_rejected(&app, &app.admin.token, body, 400, "VALIDATION_ERROR").await;
    }
}

#[actix_web::test]
async fn one_hundred_duplicate_ids_are_allowed() {
    let app = spawn_app().await;
    let (master, duplicate) = pair(&app).await;
    let mut ids: Vec<String> = (0..99).map(|_| Uuid::new_v4().to_string()).collect();
    ids.push(duplicate.clone());
    // Within the bound, the unknown ids make it a 404, not a 400.
    let body = json!({"action": "merge", "object_name": "contacts", "master_id": master, "duplicate_ids": ids});
    assert_rejected(&app, &app.admin.token, body, 404, "RECORD_NOT_FOUND").await;
}

#[actix_web::test]
async fn a_master_or_duplicate_that_is_not_a_record_of_the_organization_is_not_found() {
    let app = spawn_app().await;
    let (master, duplicate) = pair(&app).await;
    let company = app.create_id("companies", json!({"name": "Acme"})).await;
    let globex = app.other_org().await;
    let (status, theirs) = app
        .post(
            "/api/v1/records/contacts",
            &globex.token,
            &json!({"email": "ann@x.io"}),
        )
        .await;
    assert_eq!(status, 201, "{theirs}");
    let theirs = id_of(&theirs);
    let (status, their_company) = app
        .post(
            "/api/v1/records/companies",
            &globex.token,
            &json!({"name": "Acme"}),
        )
        .await;
    assert_eq!(status, 201, "{their_company}");
    let their_company = id_of(&their_company);
    let missing = Uuid::new_v4().to_string();

    let cases = [
        merge_body("contacts", &missing, &[&duplicate]),
        merge_body("contacts", &master, &[&missing]),
        merge_body("contacts", &master, &[&duplicate, &missing]),
        merge_body("contacts", &master, &[&theirs]),
        merge_body("contacts", &master, &[&duplicate, &theirs]),
        merge_body("contacts", &theirs, &[&duplicate]),
        merge_body("contacts", &master, &[&company]),
        merge_body("companies", &company, &[&their_company]),
        merge_body("companies", &their_company, &[&company]),
    ];
    for body in cases {
        assert_rejected(
            &app,
            &app.admin.token,
            body.clone(),
            404,
            "RECORD_NOT_FOUND",
        )
        .await;
        let mut fill = body;
        fill["merge_strategy"] = json!("fill_blanks");
        assert_rejected(&app, &app.admin.token, fill, 404, "RECORD_NOT_FOUND").await;
    }
    // The other organization's records are untouched too.
    for (object, id) in [("contacts", &theirs), ("companies", &their_company)] {
        let (status, out) = app
            .get(&format!("/api/v1/records/{object}/{id}"), &globex.token)
            .await;
        assert_eq!(status, 200, "{out}");
    }
}

#[actix_web::test]
async fn an_admin_token_with_the_read_only_scope_may_detect_but_not_merge() {
    let app = spawn_app().await;
    let (master, duplicate) = pair(&app).await;
    let read_only = app
        .token("acme", &app.admin.email, &["records:read"], None)
        .await;

    let (status, out) = app
        .post(
            "/api/v1/duplicates",
            &read_only,
            &json!({"action": "detect", "object_name": "contacts"}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(groups(&out), vec![group("email", &[&master, &duplicate])]);

    assert_rejected(
        &app,
        &read_only,
        merge_body("contacts", &master, &[&duplicate]),
        403,
        "PERMISSION_DENIED",
    )
    .await;
    assert!(app.fetch("contacts", &duplicate).await.is_some());
}
