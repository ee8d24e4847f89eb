//! Bulk over HTTP vs the raw set-based SQL of the same rows, the two sides
//! alternated.

use std::time::{Duration, Instant};

use crate::report::{time_alternated, Report};
use crate::seed;
use crate::setup::Bench;
use serde_json::json;
use uuid::Uuid;

/// Measures update_field at several sizes and add_relation of 1,000 × 5.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let ids = seed::contacts(bench, 10_000, 0.0, 99).await;
    for size in [100usize, 1_000, 10_000] {
        let iterations = if size <= 1000 { 30 } else { 15 };
        let (http, raw) = update_field(bench, &ids[..size], "job_title", "", iterations).await;
        report.add("bulk update_field", size, &http, Some(&raw), Some(1.5));
    }

    // A matched field: every record's email keys change with it.
    let size = ids.len();
    let (http, raw) = update_field(bench, &ids, "email", "@example.com", 15).await;
    report.add(
        "bulk update_field email (keys change)",
        size,
        &http,
        Some(&raw),
        Some(2.0),
    );

    let tags = seed::tags(bench, 5, "bulk-").await;
    let records = &ids[..1000];
    let clear = format!(
        "DELETE FROM {} WHERE source_id = ANY($1)",
        bench.table("contacts_tags")
    );
    let insert = format!(
        "INSERT INTO {} (source_id, target_id) SELECT s, t FROM unnest($1::uuid[]) s CROSS JOIN unnest($2::uuid[]) t ON CONFLICT DO NOTHING",
        bench.table("contacts_tags")
    );
    let (mut http, mut raw) = (Vec::new(), Vec::new());
    for i in 0..21 {
        bench.db.execute(&clear, &[&records]).await.expect("clear");
        let start = Instant::now();
        let out = bench
            .post("/api/v1/bulk", &json!({"action": "add_relation", "object_name": "contacts", "record_ids": records, "relation_field": "tags", "target_ids": tags}))
            .await;
        if i > 0 {
            http.push(start.elapsed());
        }
        assert_eq!(out["added"], 5000);
        bench.db.execute(&clear, &[&records]).await.expect("clear");
        let start = Instant::now();
        let n = bench
            .db
            .execute(&insert, &[&records, &tags])
            .await
            .expect("insert");
        if i > 0 {
            raw.push(start.elapsed());
        }
        assert_eq!(n, 5000);
    }
    sort(&mut http);
    sort(&mut raw);
    report.add(
        "bulk add_relation (× 5 tags)",
        5000,
        &http,
        Some(&raw),
        Some(2.0),
    );
}

/// `update_field` of `field` on `ids` over HTTP beside the raw `UPDATE` of
/// its column, alternated; each run writes a value of its own (`http-{i}` or
/// `raw-{i}`, then `suffix`).
async fn update_field(
    bench: &Bench,
    ids: &[Uuid],
    field: &str,
    suffix: &str,
    iterations: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let size = ids.len();
    let sql = format!(
        "UPDATE {} SET {field} = $1, updated_at = clock_timestamp() WHERE id = ANY($2)",
        bench.table("contacts")
    );
    let stmt = bench.db.prepare(&sql).await.expect("prepare");
    time_alternated(
        iterations,
        |i| async move {
            let body = json!({"action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": field, "field_value": format!("http-{i}{suffix}")});
            let out = bench.post("/api/v1/bulk", &body).await;
            assert_eq!(out["updated"], size);
        },
        |i| {
            let stmt = stmt.clone();
            async move {
                let n = bench
                    .db
                    .execute(&stmt, &[&format!("raw-{i}{suffix}"), &ids])
                    .await
                    .expect("update");
                assert_eq!(n as usize, size);
            }
        },
    )
    .await
}

fn sort(v: &mut [Duration]) {
    v.sort();
}
