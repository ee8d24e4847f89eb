//! bulk tests: `POST /api/v1/bulk` against a real PostgreSQL (see
//! docs/api.md). Shared helpers here; the cases live in the submodules.

use crate::helpers::*;
use serde_json::{json, Value as Json};
use uuid::Uuid;

mod atomicity;
mod judgment;
mod races;
mod rejects;
mod relations;
mod scale;
mod tenancy;
mod update;

/// Sends a bulk request that must answer 200; returns the body.
async fn ok(app: &TestApp, token: &str, body: Json) -> Json {
    let (status, out) = app.bulk(token, body.clone()).await;
    assert_eq!(status, 200, "bulk {body}: {out}");
    out
}

/// Creates a contact as admin.
async fn contact(app: &TestApp, body: Json) -> String {
    app.create_id("contacts", body).await
}

/// Creates a tag as admin.
async fn tag(app: &TestApp, name: &str) -> String {
    app.create_id("tags", json!({ "name": name })).await
}

/// The stored `updated_at` of each record, to the microsecond.
async fn stamps(app: &TestApp, object: &str, ids: &[&str]) -> Vec<String> {
    let sql = format!(
        "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM \"{}\".\"{object}\" WHERE id = $1",
        app.org.schema
    );
    let mut out = Vec::new();
    for id in ids {
        let id = Uuid::parse_str(id).unwrap();
        out.push(app.db.query_one(&sql, &[&id]).await.unwrap().get(0));
    }
    out
}

/// Rows of the contacts ↔ tags junction, optionally for one contact.
async fn links(app: &TestApp, source: Option<&str>) -> i64 {
    let t = format!("\"{}\".\"contacts_tags\"", app.org.schema);
    match source {
        None => app.count(&format!("SELECT count(*) FROM {t}")).await,
        Some(id) => {
            app.count(&format!(
                "SELECT count(*) FROM {t} WHERE source_id = '{id}'"
            ))
            .await
        }
    }
}

/// The ids of a MANY_TO_MANY value, sorted.
fn ids_of(value: &Json) -> Vec<String> {
    let mut ids: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// `n` random UUIDs as strings.
fn random_ids(n: usize) -> Vec<String> {
    (0..n).map(|_| Uuid::new_v4().to_string()).collect()
}

/// The failed records of a response as (record_id, code), in response order.
fn failures(out: &Json) -> Vec<(String, String)> {
    out["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {out}"))
        .iter()
        .map(|e| {
            (
                e["record_id"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn every_response_balances_its_counts() {
    // A smoke check of the response shape shared by the three actions.
    let app = spawn_app().await;
    let c = contact(&app, json!({ "first_name": "A" })).await;
    let t = tag(&app, "vip").await;
    let missing = Uuid::new_v4().to_string();
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [c, missing], "field_name": "status", "field_value": "lost" })).await;
    assert_eq!(
        out,
        json!({ "action": "update_field", "updated": 1, "failed": 1, "total": 2, "errors": [{ "record_id": missing, "code": "RECORD_NOT_FOUND", "message": out["errors"][0]["message"] }] })
    );
    let out = ok(&app, &app.admin.token, json!({ "action": "add_relation", "object_name": "contacts", "record_ids": [c], "relation_field": "tags", "target_ids": [t] })).await;
    assert_eq!(
        out,
        json!({ "action": "add_relation", "added": 1, "failed": 0, "total": 1 })
    );
    let out = ok(&app, &app.admin.token, json!({ "action": "remove_relation", "object_name": "contacts", "record_ids": [c], "relation_field": "tags", "target_ids": [t] })).await;
    assert_eq!(
        out,
        json!({ "action": "remove_relation", "removed": 1, "failed": 0, "total": 1 })
    );
}
