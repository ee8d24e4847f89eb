//! `POST /api/v1/duplicates` against real PostgreSQL (docs/api.md):
//! detection with every criterion, the rejections that change nothing,
//! merges and their re-linking, atomicity and racing merges.
//!
//! The shared helpers live here; the tests are grouped in the submodules.

// Helpers panic on purpose, with a message, like the tests themselves.
#![allow(clippy::expect_used)]

mod atomicity;
mod keys;
mod listing;
mod matching;
mod merge;
mod races;
mod rejections;
mod relink;

use crate::helpers::*;
use serde_json::{json, Value as Json};
use uuid::Uuid;

/// Detect as admin; panics unless 200.
async fn detect(app: &TestApp, body: Json) -> Json {
    let (status, out) = app.duplicates(body).await;
    assert_eq!(status, 200, "detect {out}");
    out
}

/// Detect on `object` with `fields` (all criteria when None).
async fn detect_on(app: &TestApp, object: &str, fields: Option<&[&str]>) -> Json {
    let mut body = json!({"action": "detect", "object_name": object});
    if let Some(fields) = fields {
        body["fields"] = json!(fields);
    }
    detect(app, body).await
}

/// The groups of a detect response as (match_reason, record ids in order).
fn groups(out: &Json) -> Vec<Group> {
    out["duplicate_groups"]
        .as_array()
        .expect("duplicate_groups")
        .iter()
        .map(|g| {
            let reason = g["match_reason"].as_str().expect("match_reason").to_owned();
            let ids = g["records"]
                .as_array()
                .expect("records")
                .iter()
                .map(id_of)
                .collect();
            (reason, ids)
        })
        .collect()
}

/// The `match_reasons` of every group.
fn reasons(out: &Json) -> Vec<Vec<String>> {
    out["duplicate_groups"]
        .as_array()
        .expect("duplicate_groups")
        .iter()
        .map(|g| {
            g["match_reasons"]
                .as_array()
                .expect("match_reasons")
                .iter()
                .map(|r| r.as_str().expect("reason").to_owned())
                .collect()
        })
        .collect()
}

/// An expected or found group: (match_reason, record ids in order).
type Group = (String, Vec<String>);

/// Shorthand for an expected group.
fn group(reason: &str, ids: &[&String]) -> Group {
    (
        reason.to_owned(),
        ids.iter().map(|s| (*s).clone()).collect(),
    )
}

/// A merge request body.
fn merge_body(object: &str, master: &str, duplicates: &[&str]) -> Json {
    json!({"action": "merge", "object_name": object, "master_id": master, "duplicate_ids": duplicates})
}

/// Merges as admin; panics unless 200.
async fn merge(app: &TestApp, body: Json) -> Json {
    let (status, out) = app.duplicates(body).await;
    assert_eq!(status, 200, "merge {out}");
    out
}

/// A record id as a UUID, for SQL parameters.
fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).expect("uuid")
}

/// Sets the `created_at` of a record.
async fn set_created_at(app: &TestApp, object: &str, id: &str, at: &str) {
    let statement = format!(
        "UPDATE \"{}\".\"{object}\" SET created_at = $1::text::timestamptz WHERE id = $2",
        app.org.schema
    );
    let n = app
        .db
        .execute(&statement, &[&at, &uuid(id)])
        .await
        .expect("set created_at");
    assert_eq!(n, 1);
}

/// Rows of `junction` whose `column` (source_id or target_id) is `id`.
async fn junction_rows(app: &TestApp, junction: &str, column: &str, id: &str) -> i64 {
    let statement = format!(
        "SELECT count(*) FROM \"{}\".\"{junction}\" WHERE {column} = $1",
        app.org.schema
    );
    app.db
        .query_one(&statement, &[&uuid(id)])
        .await
        .expect("junction rows")
        .get(0)
}

/// The targets linked from `source` in `junction`, as stored (sorted, repeats kept).
async fn targets(app: &TestApp, junction: &str, source: &str) -> Vec<String> {
    let statement = format!(
        "SELECT target_id::text FROM \"{}\".\"{junction}\" WHERE source_id = $1 ORDER BY 1",
        app.org.schema
    );
    let rows = app
        .db
        .query(&statement, &[&uuid(source)])
        .await
        .expect("targets");
    rows.iter().map(|r| r.get(0)).collect()
}

/// A record without `updated_at`, to compare everything else.
fn without_updated_at(record: &Json) -> Json {
    let mut r = record.clone();
    r.as_object_mut()
        .expect("record object")
        .remove("updated_at");
    r
}

/// Sends `body` with `token` and asserts the status, the error code and that
/// the organization's data did not change.
async fn assert_rejected(app: &TestApp, token: &str, body: Json, status: u16, error: &str) {
    let before = app.snapshot().await;
    let (got, out) = app.post("/api/v1/duplicates", token, &body).await;
    assert_eq!((got, code(&out)), (status, error), "{body} -> {out}");
    assert_eq!(app.snapshot().await, before, "{body} changed data");
}
