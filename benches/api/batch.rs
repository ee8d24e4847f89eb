//! A batch create of 1,000 contacts (their keys written to the key index in
//! the same transaction) beside a raw multi-row INSERT of the same rows (the
//! rows alone: the raw side computes and writes no keys).

use serde_json::json;

use crate::report::{time, Report};
use crate::setup::Bench;

/// One figure: batch create of 1,000.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let size = 1000usize;
    let records = |tag: &str| -> Vec<serde_json::Value> {
        (0..size)
            .map(|i| json!({"first_name": format!("B{tag}{i}"), "last_name": "Batch", "email": format!("b{tag}{i}@example.com"), "phone": "+1 415 555 0100", "status": "new"}))
            .collect()
    };
    let http = time(20, |i| {
        let body = json!({"records": records(&format!("h{i}-"))});
        async move {
            let out = bench
                .post("/api/v1/records/contacts/batch/create", &body)
                .await;
            assert_eq!(out["created"], size);
        }
    })
    .await;
    let sql = format!(
        "INSERT INTO {} (id, first_name, last_name, email, phone, status) \
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])",
        bench.table("contacts")
    );
    let stmt = bench.db.prepare(&sql).await.expect("prepare");
    let raw = time(20, |i| {
        let stmt = stmt.clone();
        async move {
            let ids: Vec<uuid::Uuid> = (0..size).map(|_| uuid::Uuid::now_v7()).collect();
            let first: Vec<String> = (0..size).map(|j| format!("Br{i}-{j}")).collect();
            let last = vec!["Batch".to_owned(); size];
            let email: Vec<String> = (0..size)
                .map(|j| format!("br{i}-{j}@example.com"))
                .collect();
            let phone = vec!["+1 415 555 0100".to_owned(); size];
            let status = vec!["new".to_owned(); size];
            let n = bench
                .db
                .execute(&stmt, &[&ids, &first, &last, &email, &phone, &status])
                .await
                .expect("insert");
            assert_eq!(n as usize, size);
        }
    })
    .await;
    report.add("batch create", size, &http, Some(&raw), Some(2.0));
}
