//! Authentication, scopes, roles, the order of checks, tenant isolation, and
//! names crafted as SQL.

use crate::helpers::*;
use kasar_domain::Role;
use serde_json::json;

#[actix_web::test]
async fn missing_malformed_and_unknown_tokens_are_401() {
    let app = spawn_app().await;
    let (status, body) = app.send("GET", "/api/v1/me", None, None).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
    let unknown = format!("ksr_{}", "0".repeat(64));
    for bad in [
        "",
        "nope",
        "ksr_short",
        unknown.as_str(),
        &app.admin.token[..app.admin.token.len() - 1],
    ] {
        let (status, body) = app.get("/api/v1/me", bad).await;
        assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"), "{bad}");
    }
    let client = awc::Client::default();
    let mut resp = client
        .get(format!("{}/api/v1/me", app.address))
        .insert_header(("Authorization", format!("Basic {}", app.admin.token)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "UNAUTHENTICATED");
}

#[actix_web::test]
async fn revoked_and_expired_tokens_are_401() {
    let app = spawn_app().await;
    let (status, _) = app.get("/api/v1/me", &app.member.token).await;
    assert_eq!(status, 200);
    let prefix: String = app.member.token.chars().take(12).collect();
    kasar_application::admin::revoke_token(&app.services, &prefix)
        .await
        .unwrap();
    let (status, body) = app.get("/api/v1/me", &app.member.token).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));

    let token = app
        .token("acme", "admin@acme.test", &["mcp"], Some(1))
        .await;
    assert_eq!(app.get("/api/v1/me", &token).await.0, 200);
    let digest = kasar_domain::token::digest(&token);
    app.db.execute("UPDATE kasar.api_tokens SET expires_at = now() - interval '1 second' WHERE digest = $1", &[&digest]).await.unwrap();
    let (status, body) = app.get("/api/v1/me", &token).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"));
}

#[actix_web::test]
async fn a_token_without_a_valid_scope_is_403_everywhere() {
    let app = spawn_app().await;
    let digest = kasar_domain::token::digest(&app.member.token);
    app.db
        .execute(
            "UPDATE kasar.api_tokens SET scopes = '{admin,superuser}' WHERE digest = $1",
            &[&digest],
        )
        .await
        .unwrap();
    for path in ["/api/v1/me", "/api/v1/schema", "/api/v1/records/contacts"] {
        let (status, body) = app.get(path, &app.member.token).await;
        assert_eq!((status, code(&body)), (403, "PERMISSION_DENIED"), "{path}");
    }
}

#[actix_web::test]
async fn a_read_only_token_reads_but_never_writes_and_403_comes_before_the_body() {
    let app = spawn_app().await;
    let id = app.create_id("tags", json!({"name": "vip"})).await;
    let t = app.reader.token.clone();
    assert_eq!(app.get("/api/v1/records/tags", &t).await.0, 200);
    assert_eq!(
        app.get(&format!("/api/v1/records/tags/{id}"), &t).await.0,
        200
    );
    let before = app.snapshot().await;
    let (status, body) = app
        .post_bytes(
            "/api/v1/records/tags",
            &t,
            Some("application/json"),
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "PERMISSION_DENIED"));
    let (status, _) = app
        .patch(
            &format!("/api/v1/records/tags/{id}"),
            &t,
            &json!({"name": "x"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app.delete(&format!("/api/v1/records/tags/{id}"), &t).await;
    assert_eq!(status, 403);
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn another_organizations_ids_are_not_found_and_never_touched() {
    let app = spawn_app().await;
    let globex = app.other_org().await;
    let company = app.create_id("companies", json!({"name": "Acme Co"})).await;
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    let before = app.snapshot().await;
    let path = format!("/api/v1/records/companies/{company}");
    let (status, body) = app.get(&path, &globex.token).await;
    assert_eq!((status, code(&body)), (404, "RECORD_NOT_FOUND"));
    let (status, body) = app
        .patch(&path, &globex.token, &json!({"name": "pwned"}))
        .await;
    assert_eq!((status, code(&body)), (404, "RECORD_NOT_FOUND"));
    let (status, body) = app.delete(&path, &globex.token).await;
    assert_eq!((status, code(&body)), (404, "RECORD_NOT_FOUND"));
    let (_, list) = app.get("/api/v1/records/companies", &globex.token).await;
    assert_eq!(list["total"], 0);
    // Referencing another organization's records from one's own is a bad value.
    let (status, body) = app
        .post(
            "/api/v1/records/contacts",
            &globex.token,
            &json!({"company": company}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, body) = app
        .post(
            "/api/v1/records/contacts",
            &globex.token,
            &json!({"tags": [tag]}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, body) = app
        .post(
            "/api/v1/records/contacts",
            &globex.token,
            &json!({"owner": app.admin.workspace_user_id}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn object_and_field_names_crafted_as_sql_are_4xx_and_leave_the_schema_untouched() {
    let app = spawn_app().await;
    app.create("tags", json!({"name": "keep"})).await;
    let tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')";
    let (before, before_tables) = (app.snapshot().await, app.count(tables).await);
    let long = "a".repeat(300);
    let crafted = [
        "tags\"; DROP TABLE tags; --",
        "tags;DROP%20SCHEMA%20kasar%20CASCADE",
        "kasar.api_tokens",
        "public.refinery_schema_history",
        "org_acme.tags",
        "tags%00",
        "tags'",
        long.as_str(),
        "TAGS",
    ];
    let t = app.admin.token.clone();
    for name in crafted {
        let path = format!(
            "/api/v1/records/{}",
            name.replace(' ', "%20").replace('"', "%22")
        );
        let (status, body) = app.get(&path, &t).await;
        assert!((400..500).contains(&status), "{name}: {status} {body}");
        let (status, _) = app.post(&path, &t, &json!({"name": "x"})).await;
        assert!((400..500).contains(&status), "{name}: {status}");
        let (status, body) = app.bulk(&t, json!({"action": "update_field", "object_name": name, "record_ids": [uuid::Uuid::new_v4()], "field_name": "name", "field_value": "x"})).await;
        assert_eq!((status, code(&body)), (400, "INVALID_OBJECT"), "{name}");
        let (status, body) = app
            .duplicates(json!({"action": "detect", "object_name": name}))
            .await;
        assert_eq!((status, code(&body)), (400, "INVALID_OBJECT"), "{name}");
        let mut field = serde_json::Map::new();
        field.insert(name.to_owned(), json!("x"));
        let (status, body) = app
            .post(
                "/api/v1/records/tags",
                &t,
                &serde_json::Value::Object(field),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (400, "VALIDATION_ERROR"),
            "field {name}"
        );
        let (status, body) = app.bulk(&t, json!({"action": "update_field", "object_name": "tags", "record_ids": [uuid::Uuid::new_v4()], "field_name": name, "field_value": "x"})).await;
        assert_eq!(
            (status, code(&body)),
            (400, "VALIDATION_ERROR"),
            "bulk field {name}"
        );
    }
    assert_eq!(app.snapshot().await, before);
    assert_eq!(app.count(tables).await, before_tables);
}

#[actix_web::test]
async fn tokens_are_stored_only_as_digests() {
    let app = spawn_app().await;
    let rows = app
        .db
        .query("SELECT t::text FROM kasar.api_tokens t", &[])
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    for r in rows {
        let row: String = r.get(0);
        for user in [&app.admin, &app.member, &app.reader] {
            assert!(!row.contains(&user.token[4..]), "clear token stored");
        }
    }
}

#[actix_web::test]
async fn roles_are_per_workspace_user() {
    let app = spawn_app().await;
    let second = app
        .user("acme", "second@acme.test", Role::Admin, &["records:read"])
        .await;
    let (_, me) = app.get("/api/v1/me", &second.token).await;
    assert_eq!(me["isAdmin"], json!(true));
    assert_eq!(me["scopes"], json!(["records:read"]));
}
