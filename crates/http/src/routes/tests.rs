//! Handlers over a mocked application (`MockCrm`): what the HTTP adapter
//! itself decides (authentication, the order of checks, status codes, bodies),
//! without a database.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::{test, App};
use chrono::Utc;
use kasar_application::authorize::Write;
use kasar_application::{Authorized, MockCrm};
use kasar_domain::standard::standard_objects;
use kasar_domain::{Caller, Record, Role, Scope, Value};
use serde_json::{json, Value as Json};
use uuid::Uuid;

use crate::{configure, HttpState};

const TOKEN: &str = "ksr_0123456789abcdef0123456789abcdef0123456789abcdef";

fn caller(scopes: &[Scope]) -> Caller {
    Caller {
        user_id: Uuid::new_v4(),
        organization_id: Uuid::new_v4(),
        organization_schema: "org_acme".into(),
        catalog_version: 1,
        workspace_user_id: Uuid::new_v4(),
        role: Role::Member,
        scopes: scopes.to_vec(),
        full_name: "M".into(),
        email: "m@acme.test".into(),
        token_id: Uuid::new_v4(),
    }
}

/// A service whose token belongs to a caller with `scopes`.
fn service(scopes: &'static [Scope]) -> MockCrm {
    let mut crm = MockCrm::new();
    crm.expect_authenticate()
        .returning(move |t| Ok((t == TOKEN).then(|| caller(scopes))));
    crm
}

async fn call(crm: MockCrm, req: test::TestRequest) -> (u16, Json) {
    let state = HttpState::new(Arc::new(crm), 1024).expect("metrics");
    let app = test::init_service(App::new().configure(configure(state))).await;
    let resp = test::call_service(&app, req.to_request()).await;
    let status = resp.status().as_u16();
    let body = test::read_body(resp).await;
    (status, serde_json::from_slice(&body).unwrap_or(Json::Null))
}

fn bearer(req: test::TestRequest) -> test::TestRequest {
    req.insert_header(("Authorization", format!("Bearer {TOKEN}")))
}

#[actix_web::test]
async fn a_created_record_is_201_with_its_fields() {
    let mut crm = service(&[Scope::RecordsWrite]);
    crm.expect_create_record()
        .times(1)
        .returning(|_: &Authorized<Write>, command| {
            assert_eq!(command.object, "tags");
            let tags = standard_objects()
                .into_iter()
                .find(|o| o.name == "tags")
                .unwrap();
            let name = command.fields.0["name"].as_str().unwrap().to_owned();
            let record = Record {
                id: Uuid::nil(),
                created_at: Utc::now(),
                updated_at: Utc::now(),
                values: BTreeMap::from([("name".to_owned(), Value::Text(name))]),
            };
            Ok((tags, record))
        });
    let req = bearer(test::TestRequest::post().uri("/api/v1/records/tags"))
        .set_json(json!({"name": "vip"}));
    let (status, body) = call(crm, req).await;
    assert_eq!((status, &body["name"]), (201, &json!("vip")), "{body}");
}

#[actix_web::test]
async fn a_read_only_token_is_refused_before_the_body_is_read() {
    // No expectation on create_record: calling it would fail the test.
    let crm = service(&[Scope::RecordsRead]);
    let req = bearer(test::TestRequest::post().uri("/api/v1/records/tags"))
        .insert_header(("Content-Type", "text/plain"))
        .set_payload("not json");
    let (status, body) = call(crm, req).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (403, &json!("PERMISSION_DENIED"))
    );
}

#[actix_web::test]
async fn a_missing_token_is_401_and_the_service_is_not_asked() {
    let crm = MockCrm::new();
    let (status, body) = call(crm, test::TestRequest::get().uri("/api/v1/me")).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (401, &json!("UNAUTHENTICATED"))
    );
}

#[actix_web::test]
async fn a_bulk_body_of_the_wrong_action_is_400_before_the_use_case() {
    let crm = service(&[Scope::Mcp]);
    let req = bearer(test::TestRequest::post().uri("/api/v1/bulk")).set_json(json!({
        "action": "update_field", "object_name": "contacts", "record_ids": [Uuid::nil()],
        "field_name": "status", "field_value": "new", "target_ids": [Uuid::nil()],
    }));
    let (status, body) = call(crm, req).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("VALIDATION_ERROR")),
        "{body}"
    );
}
