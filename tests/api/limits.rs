//! Limits at their boundary: exactly the limit works, one more is rejected
//! with the documented code and changes nothing. Small limits through
//! `spawn_app_with`, then the defaults.

use actix_web::web::Bytes;
use serde_json::{json, Value as Json};
use uuid::Uuid;

use crate::helpers::*;

/// `template` serialized, its `PAD` placeholder replaced by as many `x` as
/// make the body exactly `size` bytes.
fn sized(template: &Json, size: usize) -> Vec<u8> {
    let text = template.to_string();
    let bare = text.replace("PAD", "").len();
    assert!(bare <= size, "the template alone is {bare} bytes");
    let body = text.replace("PAD", &"x".repeat(size - bare));
    assert_eq!(body.len(), size);
    body.into_bytes()
}

/// Sends `body` without a Content-Length, in chunks of 100 bytes.
async fn send_chunked(app: &TestApp, path: &str, body: Vec<u8>) -> (u16, Json) {
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(100)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let mut resp = awc::Client::default()
        .post(format!("{}{path}", app.address))
        .insert_header(("Authorization", format!("Bearer {}", app.admin.token)))
        .insert_header(("Content-Type", "application/json"))
        .send_stream(futures_util::stream::iter(chunks))
        .await
        .expect("request sent");
    let status = resp.status().as_u16();
    let bytes = resp.body().await.expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or(Json::Null);
    (status, json)
}

fn random_ids(n: usize) -> Vec<String> {
    (0..n).map(|_| Uuid::new_v4().to_string()).collect()
}

/// Inserts `n` rows of `object` with `column` set; returns their ids.
async fn insert_many(app: &TestApp, object: &str, column: &str, n: i32) -> Vec<String> {
    let sql = format!(
        "INSERT INTO \"{}\".\"{object}\" ({column}) SELECT 'row ' || g FROM generate_series(1, $1) g RETURNING id::text",
        app.org.schema
    );
    app.db
        .query(&sql, &[&n])
        .await
        .expect("insert")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Expects 400 VALIDATION_ERROR naming the limit, and an unchanged organization.
async fn over_limit(app: &TestApp, path: &str, body: Json, limit: usize) {
    let before = app.snapshot().await;
    let (status, out) = app.post(path, &app.admin.token, &body).await;
    assert_eq!(
        (status, code(&out)),
        (400, "VALIDATION_ERROR"),
        "one over {limit}: {out}"
    );
    assert!(
        out["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&limit.to_string())),
        "the message names the limit {limit}: {out}"
    );
    assert_eq!(app.snapshot().await, before);
}

fn update_status(ids: &[String]) -> Json {
    json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "status", "field_value": "lost" })
}

fn relation(action: &str, record: &str, targets: &[String]) -> Json {
    json!({ "action": action, "object_name": "contacts", "record_ids": [record], "relation_field": "tags", "target_ids": targets })
}

fn merge(master: &str, duplicates: &[String], dry_run: bool) -> Json {
    json!({ "action": "merge", "object_name": "contacts", "master_id": master, "duplicate_ids": duplicates, "dry_run": dry_run })
}

#[actix_web::test]
async fn a_body_of_exactly_body_limit_bytes_is_accepted_and_one_byte_more_is_413() {
    let app = spawn_app_with(|s| s.server.body_limit = 1000).await;
    let contact = json!({ "first_name": "PAD" });
    let count = "SELECT count(*) FROM \"{s}\".contacts".replace("{s}", &app.org.schema);

    // With a Content-Length.
    let (status, out) = app
        .post_bytes(
            "/api/v1/records/contacts",
            &app.admin.token,
            Some("application/json"),
            sized(&contact, 1000),
        )
        .await;
    assert_eq!(status, 201, "{out}");
    assert_eq!(out["first_name"].as_str().map(str::len), Some(1000 - 17));
    let id = id_of(&out);
    let (status, out) = app
        .post_bytes(
            "/api/v1/records/contacts",
            &app.admin.token,
            Some("application/json"),
            sized(&contact, 1001),
        )
        .await;
    assert_eq!((status, code(&out)), (413, "PAYLOAD_TOO_LARGE"), "{out}");
    assert_eq!(app.count(&count).await, 1);

    // Chunked, without a Content-Length: counted while reading.
    let (status, out) = send_chunked(&app, "/api/v1/records/contacts", sized(&contact, 1000)).await;
    assert_eq!(status, 201, "{out}");
    let (status, out) = send_chunked(&app, "/api/v1/records/contacts", sized(&contact, 1001)).await;
    assert_eq!((status, code(&out)), (413, "PAYLOAD_TOO_LARGE"), "{out}");
    assert_eq!(app.count(&count).await, 2);

    // The same limit on bulk, padded inside the value.
    let bulk = json!({ "action": "update_field", "object_name": "contacts", "record_ids": [id], "field_name": "job_title", "field_value": "PAD" });
    let before = app.snapshot().await;
    let (status, out) = app
        .post_bytes(
            "/api/v1/bulk",
            &app.admin.token,
            Some("application/json"),
            sized(&bulk, 1001),
        )
        .await;
    assert_eq!((status, code(&out)), (413, "PAYLOAD_TOO_LARGE"), "{out}");
    assert_eq!(app.snapshot().await, before);
    let (status, out) = app
        .post_bytes(
            "/api/v1/bulk",
            &app.admin.token,
            Some("application/json"),
            sized(&bulk, 1000),
        )
        .await;
    assert_eq!((status, out["updated"].as_u64()), (200, Some(1)), "{out}");
}

#[actix_web::test]
async fn bulk_takes_exactly_max_record_ids_distinct_ids_and_refuses_one_more() {
    let app = spawn_app_with(|s| s.bulk.max_record_ids = 5).await;
    let mut ids = random_ids(4);
    ids.push(
        app.create_id("contacts", json!({ "first_name": "A" }))
            .await,
    );

    let (status, out) = app.bulk(&app.admin.token, update_status(&ids)).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        (out["total"].as_u64(), out["updated"].as_u64()),
        (Some(5), Some(1)),
        "{out}"
    );
    // Repeats count once: six ids, five distinct.
    let mut repeated = ids.clone();
    repeated.push(ids[4].clone());
    let (status, out) = app.bulk(&app.admin.token, update_status(&repeated)).await;
    assert_eq!((status, out["total"].as_u64()), (200, Some(5)), "{out}");

    let mut six = ids.clone();
    six.push(Uuid::new_v4().to_string());
    let body = json!({ "action": "update_field", "object_name": "contacts", "record_ids": six, "field_name": "status", "field_value": "qualified" });
    over_limit(&app, "/api/v1/bulk", body, 5).await;
}

#[actix_web::test]
async fn relations_take_exactly_max_target_ids_targets_and_refuse_one_more() {
    let app = spawn_app_with(|s| s.bulk.max_target_ids = 3).await;
    let contact = app
        .create_id("contacts", json!({ "first_name": "A" }))
        .await;
    let mut tags = Vec::new();
    for name in ["a", "b", "c", "d"] {
        tags.push(app.create_id("tags", json!({ "name": name })).await);
    }

    for action in ["add_relation", "remove_relation"] {
        over_limit(&app, "/api/v1/bulk", relation(action, &contact, &tags), 3).await;
    }
    let (status, out) = app
        .bulk(
            &app.admin.token,
            relation("add_relation", &contact, &tags[..3]),
        )
        .await;
    assert_eq!((status, out["added"].as_u64()), (200, Some(3)), "{out}");
    let (status, out) = app
        .bulk(
            &app.admin.token,
            relation("remove_relation", &contact, &tags[..3]),
        )
        .await;
    assert_eq!((status, out["removed"].as_u64()), (200, Some(3)), "{out}");
}

#[actix_web::test]
async fn a_merge_takes_exactly_max_duplicate_ids_and_refuses_one_more() {
    let app = spawn_app_with(|s| s.duplicates.max_duplicate_ids = 4).await;
    let master = app
        .create_id("contacts", json!({ "first_name": "Ann" }))
        .await;
    let mut duplicates = Vec::new();
    for _ in 0..5 {
        duplicates.push(
            app.create_id("contacts", json!({ "first_name": "Ann" }))
                .await,
        );
    }

    over_limit(
        &app,
        "/api/v1/duplicates",
        merge(&master, &duplicates, false),
        4,
    )
    .await;
    let (status, out) = app.duplicates(merge(&master, &duplicates[..4], true)).await;
    assert_eq!((status, &out["dry_run"]), (200, &json!(true)), "{out}");
    let (status, out) = app
        .duplicates(merge(&master, &duplicates[..4], false))
        .await;
    assert_eq!(
        (status, out["duplicates_deleted"].as_u64()),
        (200, Some(4)),
        "{out}"
    );
    assert!(app.fetch("contacts", &duplicates[4]).await.is_some());
}

#[actix_web::test]
async fn the_default_limits_accept_exactly_their_value_and_refuse_one_more() {
    let app = spawn_app().await;
    let s = &app.settings;
    assert_eq!(
        (
            s.bulk.max_record_ids,
            s.bulk.max_target_ids,
            s.duplicates.max_duplicate_ids
        ),
        (10_000, 1_000, 100),
        "the documented defaults"
    );

    // record_ids: 10,000 vs 10,001 distinct ids.
    let ids = random_ids(10_001);
    let (status, out) = app
        .bulk(&app.admin.token, update_status(&ids[..10_000]))
        .await;
    assert_eq!(
        (status, out["total"].as_u64()),
        (200, Some(10_000)),
        "{out}"
    );
    over_limit(&app, "/api/v1/bulk", update_status(&ids), 10_000).await;

    // target_ids: 1,000 vs 1,001 tags.
    let contact = app
        .create_id("contacts", json!({ "first_name": "A" }))
        .await;
    let tags = insert_many(&app, "tags", "name", 1_001).await;
    over_limit(
        &app,
        "/api/v1/bulk",
        relation("add_relation", &contact, &tags),
        1_000,
    )
    .await;
    let (status, out) = app
        .bulk(
            &app.admin.token,
            relation("add_relation", &contact, &tags[..1_000]),
        )
        .await;
    assert_eq!((status, out["added"].as_u64()), (200, Some(1_000)), "{out}");

    // duplicate_ids: 100 vs 101 contacts.
    let duplicates = insert_many(&app, "contacts", "first_name", 101).await;
    over_limit(
        &app,
        "/api/v1/duplicates",
        merge(&contact, &duplicates, true),
        100,
    )
    .await;
    let (status, out) = app
        .duplicates(merge(&contact, &duplicates[..100], true))
        .await;
    assert_eq!(
        (status, out["duplicates_deleted"].as_u64()),
        (200, Some(100)),
        "{out}"
    );
}

/// Writes `request` on a raw connection and returns what came back before the
/// server closed it (5 s at most).
async fn raw_exchange(app: &TestApp, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "no answer and no close within 5 s");
    String::from_utf8_lossy(&answer).into_owned()
}

#[actix_web::test]
async fn a_malformed_chunk_size_is_answered_400_not_a_dropped_connection() {
    let app = spawn_app().await;
    let tags = format!("SELECT count(*) FROM \"{}\".tags", app.org.schema);
    for framing in [
        "ZZ\r\n{}\r\n0\r\n\r\n",
        "5\r\n{\"nam\r\nzz\r\n",
        "-1\r\n{}\r\n0\r\n\r\n",
    ] {
        let request = format!(
            "POST /api/v1/records/tags HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{framing}",
            app.admin.token
        );
        let answer = raw_exchange(&app, request.as_bytes()).await;
        assert!(
            answer.starts_with("HTTP/1.1 400"),
            "{framing:?}: {answer:?}"
        );
        assert!(answer.contains("VALIDATION_ERROR"), "{answer}");
    }
    assert_eq!(app.count(&tags).await, 0);
}
