//! A batch create of 1,000 contacts (their keys written to the key index in
//! the same transaction) beside a raw multi-row INSERT of the same rows, keys
//! included: the contacts and their key rows (computed before the clock
//! starts, as the server computes them), in one transaction.

use std::collections::BTreeMap;

use kasar_domain::Value;
use serde_json::json;
use uuid::Uuid;

use crate::report::{time, Report};
use crate::seed;
use crate::setup::Bench;

/// One batch of the raw side: ids, the five columns, key rows and digest
/// columns.
type Batch = (Vec<Uuid>, [Vec<String>; 5], seed::KeyCols, seed::DigestCols);

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
    // The raw side: the same rows, their key rows and their digest rows
    // (computed here, before the clock starts), three multi-row INSERTs in one
    // transaction, every row created at the transaction's time (which the key
    // and digest rows carry).
    let object = seed::contacts_def();
    let sql = format!(
        "INSERT INTO {} (id, created_at, first_name, last_name, email, phone, status) \
         SELECT i, now(), f, l, e, p, s FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) \
         AS u(i, f, l, e, p, s)",
        bench.table("contacts")
    );
    let keys_sql = format!(
        "INSERT INTO {} (record_id, criterion, key, created_at) \
         SELECT *, now() FROM unnest($1::uuid[], $2::int2[], $3::text[])",
        bench.table("_keys_contacts")
    );
    let digests_sql = format!(
        "INSERT INTO {} (created_at, record_id, c0, c1, c2, c3) \
         SELECT now(), * FROM unnest($1::uuid[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[])",
        bench.table("_digests_contacts")
    );
    let stmt = bench.db.prepare(&sql).await.expect("prepare");
    let keys_stmt = bench.db.prepare(&keys_sql).await.expect("prepare keys");
    let digests_stmt = bench
        .db
        .prepare(&digests_sql)
        .await
        .expect("prepare digests");
    let batches: Vec<Batch> = (0..=20)
        .map(|i| {
            let ids: Vec<Uuid> = (0..size).map(|_| Uuid::now_v7()).collect();
            let values: Vec<BTreeMap<String, Value>> = records(&format!("r{i}-"))
                .iter()
                .map(|r| {
                    r.as_object()
                        .expect("record")
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), Value::Text(v.as_str()?.to_owned()))))
                        .collect()
                })
                .collect();
            let col = |f: &str| -> Vec<String> {
                values
                    .iter()
                    .map(|v| match v.get(f) {
                        Some(Value::Text(t)) => t.clone(),
                        _ => String::new(),
                    })
                    .collect()
            };
            let cols = [
                col("first_name"),
                col("last_name"),
                col("email"),
                col("phone"),
                col("status"),
            ];
            let keys = seed::key_rows(&object, &ids, &values);
            let digests = seed::digest_rows(&object, &values);
            (ids, cols, keys, digests)
        })
        .collect();
    let raw = time(20, |i| {
        let (stmt, keys_stmt, digests_stmt) =
            (stmt.clone(), keys_stmt.clone(), digests_stmt.clone());
        // The warm-up run (`usize::MAX`) takes the last batch.
        let (ids, [first, last, email, phone, status], keys, [c0, c1, c2, c3]) =
            &batches[i.min(20)];
        async move {
            bench.db.batch_execute("BEGIN").await.expect("begin");
            let n = bench
                .db
                .execute(&stmt, &[ids, first, last, email, phone, status])
                .await
                .expect("insert");
            assert_eq!(n as usize, size);
            bench
                .db
                .execute(&keys_stmt, &[&keys.0, &keys.1, &keys.2])
                .await
                .expect("insert keys");
            bench
                .db
                .execute(&digests_stmt, &[ids, c0, c1, c2, c3])
                .await
                .expect("insert digests");
            bench.db.batch_execute("COMMIT").await.expect("commit");
        }
    })
    .await;
    report.add("batch create", size, &http, Some(&raw), Some(2.0));
}
