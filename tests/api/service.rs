//! Health, readiness, the OpenAPI document, `/me`, `/schema`, and the error
//! envelope for routing and body failures.

use crate::helpers::*;
use serde_json::json;

#[actix_web::test]
async fn health_and_ready_answer_without_a_token() {
    let app = spawn_app().await;
    let (status, body) = app.send("GET", "/health", None, None).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
    let (status, body) = app.send("GET", "/ready", None, None).await;
    assert_eq!((status, body), (200, json!({"status": "ready"})));
}

#[actix_web::test]
async fn ready_says_unavailable_when_the_database_cannot_be_reached() {
    let app = spawn_app().await;
    // The same app settings pointed at a port where nothing listens.
    let mut settings = app.settings.clone();
    settings.database.url = "postgres://postgres@127.0.0.1:1/nothing".into();
    settings.database.timeout_ms = 500;
    let (_, services) = kasar_server::services(&settings).unwrap();
    let state = kasar_http::HttpState::new(std::sync::Arc::new(services), 1024).unwrap();
    let srv = actix_web::test::init_service(
        actix_web::App::new().configure(kasar_http::configure(state)),
    )
    .await;
    let req = actix_web::test::TestRequest::get()
        .uri("/ready")
        .to_request();
    let resp = actix_web::test::call_service(&srv, req).await;
    assert_eq!(resp.status().as_u16(), 503);
    let body: serde_json::Value = actix_web::test::read_body_json(resp).await;
    assert_eq!(code(&body), "UNAVAILABLE");
    let req = actix_web::test::TestRequest::get()
        .uri("/health")
        .to_request();
    assert_eq!(
        actix_web::test::call_service(&srv, req)
            .await
            .status()
            .as_u16(),
        200
    );
    let req = actix_web::test::TestRequest::get()
        .uri("/api/v1/me")
        .insert_header(("Authorization", format!("Bearer {}", app.admin.token)))
        .to_request();
    let resp = actix_web::test::call_service(&srv, req).await;
    assert_eq!(
        resp.status().as_u16(),
        503,
        "an API request with the database down is 503"
    );
}

#[actix_web::test]
async fn me_describes_the_caller() {
    let app = spawn_app().await;
    let (status, me) = app.get("/api/v1/me", &app.member.token).await;
    assert_eq!(status, 200);
    assert_eq!(
        me["workspaceUserId"],
        json!(app.member.workspace_user_id.to_string())
    );
    assert_eq!(
        me["organizationId"],
        json!(app.org.organization_id.to_string())
    );
    assert_eq!(me["isAdmin"], json!(false));
    assert_eq!(me["scopes"], json!(["records:write"]));
    assert_eq!(me["profile"]["email"], json!("member@acme.test"));
    assert!(me["userId"].as_str().is_some());
    let (_, me) = app.get("/api/v1/me", &app.admin.token).await;
    assert_eq!(me["isAdmin"], json!(true));
}

#[actix_web::test]
async fn schema_lists_the_standard_objects_from_the_catalog() {
    let app = spawn_app().await;
    let (status, schema) = app.get("/api/v1/schema", &app.reader.token).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = schema["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tags", "companies", "contacts", "opportunities"]);
    let (status, contacts) = app.get("/api/v1/schema/contacts", &app.reader.token).await;
    assert_eq!(status, 200);
    let company = contacts["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "company")
        .unwrap();
    assert_eq!(company["type"], "BELONGS_TO_ONE");
    assert_eq!(company["target"], "companies");
    let status_field = contacts["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "status")
        .unwrap();
    assert_eq!(
        status_field["options"],
        json!(["new", "contacted", "qualified", "customer", "lost"])
    );
    let (status, body) = app.get("/api/v1/schema/widgets", &app.reader.token).await;
    assert_eq!((status, code(&body)), (400, "INVALID_OBJECT"));
}

#[actix_web::test]
async fn the_openapi_document_describes_every_route_and_error() {
    let app = spawn_app().await;
    let (status, doc) = app.send("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with('3'));
    for path in [
        "/health",
        "/ready",
        "/api/v1/me",
        "/api/v1/schema",
        "/api/v1/schema/{object}",
        "/api/v1/records/{object}",
        "/api/v1/records/{object}/{id}",
        "/api/v1/duplicates",
        "/api/v1/bulk",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/bulk"]["post"]["responses"]["403"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[actix_web::test]
async fn unknown_routes_and_methods_get_the_envelope() {
    let app = spawn_app().await;
    let (status, body) = app.send("GET", "/nowhere", None, None).await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"));
    let (status, body) = app.get("/api/v1/nowhere", &app.admin.token).await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND"));
    let (status, body) = app.send("DELETE", "/health", None, None).await;
    assert_eq!((status, code(&body)), (405, "METHOD_NOT_ALLOWED"));
    let (status, body) = app.get("/api/v1/bulk", &app.admin.token).await;
    assert_eq!((status, code(&body)), (405, "METHOD_NOT_ALLOWED"));
}

#[actix_web::test]
async fn body_failures_are_415_413_and_400() {
    let app = spawn_app_with(|s| s.server.body_limit = 2048).await;
    let t = app.admin.token.clone();
    let (status, body) = app
        .post_bytes(
            "/api/v1/records/tags",
            &t,
            Some("text/plain"),
            b"{}".to_vec(),
        )
        .await;
    assert_eq!((status, code(&body)), (415, "UNSUPPORTED_MEDIA_TYPE"));
    let (status, body) = app
        .post_bytes("/api/v1/records/tags", &t, None, b"{}".to_vec())
        .await;
    assert_eq!((status, code(&body)), (415, "UNSUPPORTED_MEDIA_TYPE"));
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(4096));
    let (status, body) = app
        .post_bytes(
            "/api/v1/records/tags",
            &t,
            Some("application/json"),
            big.into_bytes(),
        )
        .await;
    assert_eq!((status, code(&body)), (413, "PAYLOAD_TOO_LARGE"));
    let (status, body) = app
        .post_bytes(
            "/api/v1/records/tags",
            &t,
            Some("application/json"),
            b"{\"name\": ".to_vec(),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    let (status, body) = app
        .post_bytes(
            "/api/v1/bulk",
            &t,
            Some("application/json; charset=utf-8"),
            b"[1,2]".to_vec(),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"));
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM \"{}\".tags", app.org.schema))
            .await,
        0
    );
}

#[actix_web::test]
async fn responses_carry_a_request_id() {
    let app = spawn_app().await;
    let client = awc::Client::default();
    let resp = client
        .get(format!("{}/health", app.address))
        .insert_header(("X-Request-Id", "abc-123"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers().get("x-request-id").unwrap(), "abc-123");
    let resp = client
        .get(format!("{}/health", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers().get("x-request-id").unwrap().len(), 36);
}

#[actix_web::test]
async fn the_docs_page_and_its_assets_are_served_by_the_service() {
    let app = spawn_app().await;
    let client = awc::Client::builder().disable_redirects().finish();
    let resp = client
        .get(format!("{}/docs", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 301);
    assert_eq!(resp.headers().get("location").unwrap(), "/docs/");
    let mut page = client
        .get(format!("{}/docs/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = String::from_utf8(page.body().await.unwrap().to_vec()).unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "no asset from elsewhere: {html}"
    );
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        let mut r = client
            .get(format!("{}/docs/{asset}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{asset}");
        let body = r.body().limit(8 * 1024 * 1024).await.unwrap();
        if asset == "swagger-initializer.js" {
            assert!(String::from_utf8_lossy(&body).contains("/api/v1/openapi.json"));
        }
    }
}
