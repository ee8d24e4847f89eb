//! Merge of one master with 10 duplicates, each with 20 tag links and 5
//! opportunities pointing at it.

use serde_json::json;
use uuid::Uuid;

use crate::report::{time, Report};
use crate::seed;
use crate::setup::Bench;

/// Prepares one merge: returns (master, duplicates).
async fn prepare(bench: &Bench, tags: &[Uuid], round: usize) -> (Uuid, Vec<Uuid>) {
    let sql = format!("INSERT INTO {} (first_name, last_name) SELECT 'Merge', 'Case' || $1 FROM generate_series(1, 11) RETURNING id", bench.table("contacts"));
    let ids: Vec<Uuid> = bench
        .db
        .query(&sql, &[&(round as i64).to_string()])
        .await
        .expect("contacts")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let (master, dups) = (ids[0], ids[1..].to_vec());
    let links = format!(
        "INSERT INTO {} (source_id, target_id) SELECT s, t FROM unnest($1::uuid[]) s CROSS JOIN LATERAL \
         (SELECT t FROM unnest($2::uuid[]) t ORDER BY md5(s::text || t::text) LIMIT 20) x ON CONFLICT DO NOTHING",
        bench.table("contacts_tags")
    );
    bench
        .db
        .execute(&links, &[&ids, &tags])
        .await
        .expect("links");
    let opps = format!("INSERT INTO {} (name, contact) SELECT 'Deal', d FROM unnest($1::uuid[]) d, generate_series(1, 5)", bench.table("opportunities"));
    bench
        .db
        .execute(&opps, &[&dups])
        .await
        .expect("opportunities");
    (master, dups)
}

/// Measures merges, each on fresh records.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let tags = seed::tags(bench, 40, "merge-").await;
    let iterations = 30;
    let mut cases = Vec::new();
    for round in 0..=iterations {
        cases.push(prepare(bench, &tags, round).await);
    }
    let cases = std::cell::RefCell::new(cases);
    let http = time(iterations, |_| async {
        let (master, dups) = cases.borrow_mut().pop().expect("prepared case");
        let out = bench
            .post("/api/v1/duplicates", &json!({"action": "merge", "object_name": "contacts", "master_id": master, "duplicate_ids": dups, "merge_strategy": "fill_blanks"}))
            .await;
        assert_eq!(out["duplicates_deleted"], 10);
    })
    .await;
    report.add(
        "merge 1 + 10 (20 tags, 5 opps each)",
        11,
        &http,
        None,
        Some(15.0),
    );
}
