//! Import over HTTP: JSON and CSV bodies, each duplicate policy, duplicates
//! found against the whole table and within the request, concurrency.

use crate::helpers::*;
use serde_json::{json, Value as Json};

mod csv;
mod policies;
mod races;

/// POST /api/v1/import/{object} with a JSON body, as admin.
async fn import(app: &TestApp, object: &str, body: Json) -> (u16, Json) {
    app.post(&format!("/api/v1/import/{object}"), &app.admin.token, &body)
        .await
}

/// Records of an object, by SQL.
async fn rows(app: &TestApp, object: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) FROM \"{}\".\"{object}\"",
        app.org.schema
    ))
    .await
}
