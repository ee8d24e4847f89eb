//! Concurrent bulk requests on overlapping records: no deadlock reaches the
//! client, no link is doubled, every count stays exact.

use super::*;
use futures_util::future::join_all;

#[actix_web::test]
async fn concurrent_requests_on_overlapping_records_all_succeed_with_exact_counts() {
    let app = spawn_app().await;
    let (t1, t2, t3) = (
        tag(&app, "vip").await,
        tag(&app, "lead").await,
        tag(&app, "cold").await,
    );
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(contact(&app, json!({ "first_name": format!("c{i}") })).await);
    }
    let forward: Vec<&String> = ids.iter().collect();
    let backward: Vec<&String> = ids.iter().rev().collect();
    let evens: Vec<&String> = ids.iter().step_by(2).collect();
    let bodies = vec![
        json!({ "action": "add_relation", "object_name": "contacts", "record_ids": forward, "relation_field": "tags", "target_ids": [t1, t2] }),
        json!({ "action": "add_relation", "object_name": "contacts", "record_ids": backward, "relation_field": "tags", "target_ids": [t2, t3] }),
        json!({ "action": "add_relation", "object_name": "contacts", "record_ids": evens, "relation_field": "tags", "target_ids": [t3, t1] }),
        json!({ "action": "update_field", "object_name": "contacts", "record_ids": backward, "field_name": "status", "field_value": "contacted" }),
        json!({ "action": "update_field", "object_name": "contacts", "record_ids": forward, "field_name": "job_title", "field_value": "x" }),
        json!({ "action": "add_relation", "object_name": "contacts", "record_ids": forward, "relation_field": "tags", "target_ids": [t3] }),
    ];
    let results = join_all(bodies.iter().map(|b| app.bulk(&app.admin.token, b.clone()))).await;
    for ((status, out), body) in results.iter().zip(&bodies) {
        assert_eq!(*status, 200, "{body}: {out}");
        assert_eq!(out["failed"], 0, "{out}");
        let done = ["updated", "added"]
            .iter()
            .find_map(|k| out[*k].as_u64())
            .unwrap();
        assert_eq!(Some(done), out["total"].as_u64(), "{out}");
    }
    assert_eq!(
        links(&app, None).await,
        120,
        "every contact linked to the three tags exactly once"
    );
    let schema = &app.org.schema;
    let sql = format!("SELECT count(*) FROM \"{schema}\".\"contacts\" WHERE status = 'contacted' AND job_title = 'x'");
    assert_eq!(app.count(&sql).await, 40);
}
