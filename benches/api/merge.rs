//! Merge of one master with 10 duplicates, each with 20 tag links and 5
//! opportunities pointing at it (journal included), undoing those merges,
//! and auto-merge of 1,000 pairs beside 1,000 single merges.

use std::collections::BTreeMap;

use kasar_domain::Value;
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
    let merged = std::cell::RefCell::new(Vec::new());
    let http = time(iterations, |_| async {
        let (master, dups) = cases.borrow_mut().pop().expect("prepared case");
        let out = bench
            .post("/api/v1/duplicates", &json!({"action": "merge", "object_name": "contacts", "master_id": master, "duplicate_ids": dups, "merge_strategy": "fill_blanks"}))
            .await;
        assert_eq!(out["duplicates_deleted"], 10);
        merged.borrow_mut().push(out["merge_id"].as_str().expect("merge_id").to_owned());
    })
    .await;
    report.add(
        "merge 1 + 10 (20 tags, 5 opps each), journal included",
        11,
        &http,
        None,
        Some(15.0),
    );
    // Undo them all but the warm-up's, which is undone first.
    let undo = time(iterations, |_| async {
        let id = merged.borrow_mut().pop().expect("a merge to undo");
        let out = bench
            .post(
                "/api/v1/duplicates",
                &json!({"action": "unmerge", "merge_id": id}),
            )
            .await;
        assert_eq!(out["restored"].as_array().map(Vec::len), Some(10));
    })
    .await;
    report.add("unmerge of that merge", 11, &undo, None, Some(15.0));
    auto(bench, report).await;
}

/// Pairs of contacts sharing an email in the small organization, each with
/// two tag links and an opportunity; returns them.
async fn pairs(bench: &Bench, n: usize, tag: &str) -> Vec<(Uuid, Uuid)> {
    let s = &bench.small_schema;
    let sql = format!(
        "WITH p AS (SELECT g, 'pair-{tag}-' || g || '@auto.test' AS e FROM generate_series(1, $1::int) g), \
         c AS (INSERT INTO \"{s}\".contacts (first_name, email) SELECT 'Pair', e FROM p, generate_series(1, 2) RETURNING id, email) \
         SELECT array_agg(id ORDER BY id), email FROM c GROUP BY email"
    );
    let rows = bench.db.query(&sql, &[&(n as i32)]).await.expect("pairs");
    // Their key rows, as the server would have written them.
    let (mut ids, mut values) = (Vec::new(), Vec::new());
    for r in &rows {
        let email: String = r.get(1);
        for id in r.get::<_, Vec<Uuid>>(0) {
            ids.push(id);
            values.push(BTreeMap::from([
                ("first_name".to_owned(), Value::Text("Pair".to_owned())),
                ("email".to_owned(), Value::Text(email.clone())),
            ]));
        }
    }
    let keys = seed::key_rows(&seed::contacts_def(), &ids, &values);
    bench
        .db
        .execute(
            &seed::keys_insert(&format!("\"{s}\"")),
            &[&keys.0, &keys.1, &keys.2],
        )
        .await
        .expect("pair keys");
    seed::digests(bench, s).await;
    let pairs: Vec<(Uuid, Uuid)> = rows
        .iter()
        .map(|r| {
            let ids: Vec<Uuid> = r.get(0);
            (ids[0], ids[1])
        })
        .collect();
    let all: Vec<Uuid> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
    let tags = format!(
        "WITH t AS (INSERT INTO \"{s}\".tags (name) SELECT 'auto-{tag}-' || g FROM generate_series(1, 2) g RETURNING id) \
         INSERT INTO \"{s}\".contacts_tags (source_id, target_id) SELECT c, t.id FROM unnest($1::uuid[]) c, t"
    );
    bench.db.execute(&tags, &[&all]).await.expect("tags");
    let opps = format!("INSERT INTO \"{s}\".opportunities (name, contact) SELECT 'Deal', c FROM unnest($1::uuid[]) c");
    bench
        .db
        .execute(&opps, &[&all])
        .await
        .expect("opportunities");
    pairs
}

/// Auto-merge of 1,000 pairs beside 1,000 times the p50 of a single merge
/// of such a pair.
async fn auto(bench: &Bench, report: &mut Report) {
    let singles = std::cell::RefCell::new(pairs(bench, 31, "single").await);
    let single = time(30, |_| async {
        let (a, b) = singles.borrow_mut().pop().expect("a pair");
        bench
            .post_as(&bench.small_token, "/api/v1/duplicates", &json!({"action": "merge", "object_name": "contacts", "master_id": a, "duplicate_ids": [b]}))
            .await;
    })
    .await;
    let n = 1000;
    pairs(bench, n, "auto").await;
    let start = std::time::Instant::now();
    let out = bench
        .post_as(&bench.small_token, "/api/v1/duplicates", &json!({"action": "auto_merge", "object_name": "contacts", "fields": ["email"], "max_groups": n}))
        .await;
    let took = start.elapsed();
    assert_eq!(out["merged_groups"], n, "{}", out["failed"]);
    let p50 = crate::report::percentile(&single, 50.0);
    report.add(
        "auto_merge of 1,000 pairs (raw: 1,000 × a single merge's p50)",
        n,
        &[took],
        Some(&[p50 * n as u32]),
        Some(1.5),
    );
}
