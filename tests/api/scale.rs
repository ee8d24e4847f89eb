//! Whole-table detection (`scan_limit`) and the indexes the detect, merge and
//! bulk queries rely on, checked with `EXPLAIN` on a table large enough for
//! the planner to prefer a sequential scan where no index serves.

use crate::helpers::*;
use serde_json::json;

async fn seed_contacts(app: &TestApp, n: i32) {
    let sql = format!(
        "INSERT INTO \"{s}\".contacts (first_name, last_name, email) \
         SELECT 'F' || g, 'L' || (g % 1000), 'p' || (g % 5000) || '@example.com' FROM generate_series(1, {n}) g",
        s = app.org.schema
    );
    app.db.batch_execute(&sql).await.unwrap();
    app.store.reindex().await.unwrap();
}

#[actix_web::test]
async fn scan_limit_raises_the_scan_up_to_the_server_maximum() {
    let app = spawn_app_with(|s| s.duplicates.max_scan_limit = 8000).await;
    seed_contacts(&app, 7000).await;
    let detect = |scan_limit: Option<i64>| {
        let mut body =
            json!({"action": "detect", "object_name": "contacts", "fields": ["email"], "limit": 1});
        if let Some(n) = scan_limit {
            body["scan_limit"] = json!(n);
        }
        body
    };
    let (status, out) = app.duplicates(detect(None)).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["records_scanned"], 5000, "the documented default holds");
    assert_eq!(
        out["total_groups"], 0,
        "the newest 5,000 hold each email once"
    );
    let (status, out) = app.duplicates(detect(Some(7000))).await;
    assert_eq!(status, 200);
    assert_eq!(out["records_scanned"], 7000);
    assert_eq!(
        out["total_groups"], 2000,
        "emails of records 1..2000 repeat at 5001..7000"
    );
    assert_eq!(out["duplicate_groups"].as_array().unwrap().len(), 1);
    let (status, out) = app.duplicates(detect(Some(8000))).await;
    assert_eq!((status, out["records_scanned"].as_i64()), (200, Some(7000)));
    for bad in [json!(8001), json!(0), json!(-1), json!("all"), json!(1.5)] {
        let mut body = detect(None);
        body["scan_limit"] = bad.clone();
        let (status, out) = app.duplicates(body).await;
        assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{bad}");
    }
    let (status, out) = app
        .post("/api/v1/duplicates", &app.member.token, &detect(Some(10)))
        .await;
    assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"));
}

async fn plan(app: &TestApp, sql: &str) -> String {
    let rows = app.db.query(&format!("EXPLAIN {sql}"), &[]).await.unwrap();
    rows.iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

#[actix_web::test]
async fn detect_merge_and_bulk_queries_use_indexes() {
    let app = spawn_app().await;
    let s = app.org.schema.clone();
    seed_contacts(&app, 30_000).await;
    app.db
        .batch_execute(&format!(
            "INSERT INTO \"{s}\".companies (name) SELECT 'C' || g FROM generate_series(1, 2000) g;
             INSERT INTO \"{s}\".tags (name) SELECT 'T' || g FROM generate_series(1, 200) g;
             INSERT INTO \"{s}\".opportunities (name, contact) SELECT 'O', id FROM \"{s}\".contacts;
             INSERT INTO \"{s}\".contacts_tags (source_id, target_id)
               SELECT c.id, t.id FROM \"{s}\".contacts c CROSS JOIN LATERAL (SELECT id FROM \"{s}\".tags ORDER BY md5(c.id::text || id::text) LIMIT 3) t;
             ANALYZE"
        ))
        .await
        .unwrap();
    let id = "'00000000-0000-0000-0000-000000000001'::uuid";
    let ids = "ARRAY['00000000-0000-0000-0000-000000000002'::uuid, '00000000-0000-0000-0000-000000000003'::uuid]";
    let cases = [
        // detect: the scan of the newest records
        (format!("SELECT id, created_at, email, phone FROM \"{s}\".contacts ORDER BY created_at DESC, id DESC LIMIT 5000"), "contacts_newest"),
        // records list with a cursor
        (format!("SELECT id FROM \"{s}\".contacts t WHERE (t.created_at, t.id) < (now(), {id}) ORDER BY t.created_at DESC, t.id DESC LIMIT 21"), "contacts_newest"),
        // merge and bulk: locking by id
        (format!("SELECT id, owner FROM \"{s}\".contacts WHERE id = ANY({ids}) ORDER BY id FOR UPDATE"), "contacts_pkey"),
        // merge: BELONGS_TO_ONE references to the duplicates
        (format!("UPDATE \"{s}\".opportunities SET contact = {id} WHERE contact = ANY({ids})"), "opportunities_contact"),
        // merge: junction rows of the duplicates (source side) and of a tag (target side)
        (format!("DELETE FROM \"{s}\".contacts_tags WHERE source_id = ANY({ids})"), "contacts_tags_pkey"),
        (format!("DELETE FROM \"{s}\".contacts_tags WHERE target_id = ANY({ids})"), "contacts_tags_target"),
        // a MANY_TO_MANY field read with a record
        (format!("SELECT ARRAY(SELECT j.target_id FROM \"{s}\".contacts_tags j WHERE j.source_id = {id})"), "contacts_tags_pkey"),
    ];
    for (sql, index) in cases {
        let plan = plan(&app, &sql).await;
        assert!(plan.contains(index), "{sql}\n{plan}");
        assert!(!plan.contains("Seq Scan"), "{sql}\n{plan}");
    }
}
