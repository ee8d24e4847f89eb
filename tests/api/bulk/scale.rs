//! Limits and larger runs: 10,000 record ids, 1,000 targets, 2,000 contacts.

use super::*;

/// Inserts `n` rows through SQL; returns their ids.
async fn insert_many(app: &TestApp, object: &str, column: &str, n: i32) -> Vec<String> {
    let sql = format!(
        "INSERT INTO \"{}\".\"{object}\" ({column}) SELECT '{object}' || g FROM generate_series(1, $1) g RETURNING id::text",
        app.org.schema
    );
    app.db
        .query(&sql, &[&n])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[actix_web::test]
async fn exactly_ten_thousand_distinct_record_ids_are_accepted() {
    let app = spawn_app().await;
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": random_ids(10_000), "field_name": "status", "field_value": "lost" })).await;
    assert_eq!(
        (
            out["total"].as_u64(),
            out["updated"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(10_000), Some(0), Some(10_000))
    );
    let errors = out["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 10_000);
    assert!(errors.iter().all(|e| e["code"] == "RECORD_NOT_FOUND"));

    // 10,000 distinct ids plus repeats: still within the limit, and a real record among them is updated.
    let c = contact(&app, json!({ "first_name": "A" })).await;
    let mut ids = random_ids(9_999);
    ids.push(c.clone());
    ids.push(c.clone());
    ids.push(ids[0].clone());
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "status", "field_value": "lost" })).await;
    assert_eq!(
        (
            out["total"].as_u64(),
            out["updated"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(10_000), Some(1), Some(9_999))
    );
    assert_eq!(app.fetch("contacts", &c).await.unwrap()["status"], "lost");
}

#[actix_web::test]
async fn exactly_one_thousand_targets_are_accepted() {
    let app = spawn_app().await;
    let tags = insert_many(&app, "tags", "name", 1_000).await;
    let c = contact(&app, json!({ "first_name": "A" })).await;
    let out = ok(&app, &app.admin.token, json!({ "action": "add_relation", "object_name": "contacts", "record_ids": [c], "relation_field": "tags", "target_ids": tags })).await;
    assert_eq!(
        out,
        json!({ "action": "add_relation", "added": 1000, "failed": 0, "total": 1000 })
    );
    assert_eq!(links(&app, Some(&c)).await, 1_000);
}

#[actix_web::test]
async fn two_thousand_contacts_are_updated_and_linked_in_one_call_each() {
    let app = spawn_app().await;
    let ids = insert_many(&app, "contacts", "first_name", 2_000).await;
    assert_eq!(ids.len(), 2_000);
    let (t1, t2) = (tag(&app, "vip").await, tag(&app, "lead").await);
    let bystander = contact(&app, json!({ "first_name": "Z" })).await;
    let schema = &app.org.schema;

    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "status", "field_value": "customer" })).await;
    assert_eq!(
        out,
        json!({ "action": "update_field", "updated": 2000, "failed": 0, "total": 2000 })
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM \"{schema}\".\"contacts\" WHERE status = 'customer'"
        ))
        .await,
        2_000
    );
    assert_eq!(
        app.fetch("contacts", &bystander).await.unwrap()["status"],
        "new"
    );

    let body = |action: &str, targets: Json| json!({ "action": action, "object_name": "contacts", "record_ids": ids, "relation_field": "tags", "target_ids": targets });
    let out = ok(
        &app,
        &app.admin.token,
        body("add_relation", json!([t1, t2])),
    )
    .await;
    assert_eq!(
        out,
        json!({ "action": "add_relation", "added": 4000, "failed": 0, "total": 4000 })
    );
    assert_eq!(links(&app, None).await, 4_000);
    assert_eq!(links(&app, Some(&bystander)).await, 0);

    let out = ok(&app, &app.admin.token, body("remove_relation", json!([t1]))).await;
    assert_eq!(
        out,
        json!({ "action": "remove_relation", "removed": 2000, "failed": 0, "total": 2000 })
    );
    let left = app
        .count(&format!(
            "SELECT count(*) FROM \"{schema}\".\"contacts_tags\" WHERE target_id = '{t2}'"
        ))
        .await;
    assert_eq!((links(&app, None).await, left), (2_000, 2_000));
}
