//! `GET /metrics`: the Prometheus text format, without a token and outside
//! the rate limits; request counts by route template, the pool, and what the
//! service did; and the switch that turns it off.

use crate::helpers::*;
use serde_json::json;

async fn scrape(app: &TestApp) -> String {
    let mut resp = app
        .http_raw()
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("scrape");
    assert_eq!(resp.status().as_u16(), 200);
    let ct = resp
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    String::from_utf8(resp.body().await.unwrap().to_vec()).unwrap()
}

/// The value of the sample line starting with `series` (labels included).
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_what_the_service_did() {
    let app = spawn_app_with(|s| s.rate_limit.records = 3).await;
    let a = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let b = app
        .create_id("contacts", json!({"email": "ANN@x.io"}))
        .await;
    let (status, _) = app
        .duplicates(json!({"action": "detect", "object_name": "contacts", "fields": ["email"]}))
        .await;
    assert_eq!(status, 200);
    let (status, merged) = app.duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": a, "duplicate_ids": [b]})).await;
    assert_eq!(status, 200, "{merged}");
    let (status, _) = app
        .duplicates(json!({"action": "unmerge", "merge_id": merged["merge_id"]}))
        .await;
    assert_eq!(status, 200);
    let (status, out) = app
        .post(
            "/api/v1/import/contacts",
            &app.admin.token,
            &json!({"records": [{"first_name": "Bo"}, {"first_name": "Cy"}]}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    let (status, _) = app
        .bulk(&app.admin.token, json!({"action": "update_field", "object_name": "contacts", "record_ids": [a, b], "field_name": "job_title", "field_value": "CEO"}))
        .await;
    assert_eq!(status, 200);
    for _ in 0..4 {
        app.get("/api/v1/me", &app.reader.token).await;
    }
    // Scraped more often than any limit allows: never limited.
    for _ in 0..5 {
        scrape(&app).await;
    }
    let text = scrape(&app).await;
    let me = r#"kasar_http_requests_total{method="GET",route="/api/v1/me",status="#;
    assert_eq!(sample(&text, &format!("{me}\"200\"}}")), 3.0, "{text}");
    assert_eq!(sample(&text, &format!("{me}\"429\"}}")), 1.0);
    assert!(text.contains(r#"kasar_http_request_duration_seconds_bucket{method="POST",route="/api/v1/records/{object}",status="201",le="0.5"}"#));
    assert!(!text.contains(&a), "ids never become labels");
    assert_eq!(sample(&text, "kasar_records_merged_total"), 1.0);
    assert_eq!(sample(&text, "kasar_merges_undone_total"), 1.0);
    assert_eq!(sample(&text, "kasar_records_imported_total"), 2.0);
    assert_eq!(sample(&text, "kasar_bulk_records_changed_total"), 2.0);
    assert_eq!(sample(&text, "kasar_duplicate_groups_found_total"), 1.0);
    assert!(sample(&text, "kasar_db_pool_connections") >= 1.0, "{text}");
    assert!(text.contains("kasar_db_pool_waiting 0"));
}

#[actix_web::test]
async fn metrics_can_be_turned_off() {
    let app = spawn_app_with(|s| s.metrics.enabled = false).await;
    let (status, _) = app.send("GET", "/metrics", None, None).await;
    assert_eq!(status, 404);
}
