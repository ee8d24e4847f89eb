//! Selecting records over HTTP: every operator for every field type it names,
//! search, sort and keyset pages that hold while records are written,
//! projection, the POST form, injection through every parameter, the indexes,
//! bulk by `where`, and export.

mod bulk_where;
mod export;
mod injection;
mod operators;
mod paging;

use crate::helpers::*;
use serde_json::{json, Value as Json};

/// GET /records/{object} with `query` (already encoded) as admin.
async fn list(app: &TestApp, object: &str, query: &str) -> (u16, Json) {
    app.get(
        &format!("/api/v1/records/{object}?{query}"),
        &app.admin.token,
    )
    .await
}

/// The ids of a 200 page, in order.
fn ids(page: &Json) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(id_of)
        .collect()
}

/// Percent-encodes a query value.
fn enc(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The ids (sorted) of every record `filters` selects, through the list.
async fn matching(app: &TestApp, object: &str, filters: &Json) -> Vec<String> {
    let (status, page) = list(
        app,
        object,
        &format!("limit=100&filters={}", enc(&filters.to_string())),
    )
    .await;
    assert_eq!(status, 200, "{filters}: {page}");
    assert_eq!(
        page["total"].as_u64().map(|n| n as usize),
        Some(ids(&page).len()),
        "{page}"
    );
    sorted(&ids(&page))
}

/// One condition as a FilterGroup.
fn one(field: &str, op: &str, value: Json) -> Json {
    json!({"type": "AND", "conditions": [{"field": field, "operator": op, "value": value}]})
}
