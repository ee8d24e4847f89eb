//! Fuzzy detection beside Splink, on the same generated contacts (with the
//! truth): whole-table fuzzy detect with training, its pairwise precision,
//! recall and F1 at the default threshold, the server's peak memory; Splink
//! (scripts/splink.sh, DuckDB) on the very same records; and at the largest
//! size `POST /records/contacts/match` for held-out duplicates (p50, and how
//! often the true original is among the top 3).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use kasar_domain::Value;
use kasar_testdata::{contacts, Labeled, Spec};
use serde_json::{json, Value as Json};
use uuid::Uuid;

use crate::report::{ms, percentile, Report};
use crate::seed;
use crate::setup::Bench;

const FIELDS: [&str; 5] = ["first_name", "last_name", "email", "phone", "job_title"];
/// Duplicates held out of the largest table and matched against it.
const HELD_OUT: usize = 500;
/// Largest size Splink runs on (it needs about 2 GB at 100,000 records).
const SPLINK_MAX: usize = 100_000;

pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let sizes: Vec<usize> = std::env::var("KASAR_BENCH_FUZZY_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    for &n in &sizes {
        let data = contacts(Spec {
            records: n,
            duplicate_share: 0.15,
            seed: 7,
        });
        let held = if n == largest { HELD_OUT } else { 0 };
        let (kept, queries) = split(&data, held);
        clear(bench).await;
        let ids = insert(bench, &kept).await;
        bench.reset_peak();
        let start = Instant::now();
        bench
            .post(
                "/api/v1/duplicates",
                &json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "scan_limit": n, "limit": 1}),
            )
            .await;
        let ours = start.elapsed();
        let rss = bench.peak_rss_mib();
        let quality = crate::fuzzy_quality::quality(bench, &kept, &ids, n).await;
        let splink = if n <= SPLINK_MAX {
            crate::fuzzy_quality::splink(&kept, &FIELDS)
        } else {
            None
        };
        let splink_time = splink
            .as_ref()
            .and_then(|s| s["wall_seconds"].as_f64())
            .map(Duration::from_secs_f64);
        report.add(
            "fuzzy detect, training included (raw: Splink)",
            kept.len(),
            &[ours],
            splink_time.as_ref().map(std::slice::from_ref),
            splink_time.map(|_| 0.25),
        );
        report.note(format!(
            "fuzzy {n}: ours at 0.9: precision {:.3} recall {:.3} F1 {:.3}; server peak RSS {rss:.0} MiB (target < {} MB)",
            quality.0,
            quality.1,
            quality.2,
            if n <= 100_000 { 500 } else { 1_500 }
        ));
        if let Some(s) = &splink {
            report.note(format!(
                "fuzzy {n}: Splink {}: best threshold {} precision {:.3} recall {:.3} F1 {:.3} (F1 at 0.9: {:.3}); peak RSS {:.0} MB; ours − Splink's best F1 = {:+.3} (target ≥ −0.01, precision ≥ 0.98)",
                s["version"].as_str().unwrap_or("?"),
                s["best_threshold"],
                s["precision"].as_f64().unwrap_or(0.0),
                s["recall"].as_f64().unwrap_or(0.0),
                s["f1"].as_f64().unwrap_or(0.0),
                s["f1_at_0_9"].as_f64().unwrap_or(0.0),
                s["peak_rss_mb"].as_f64().unwrap_or(0.0),
                quality.2 - s["f1"].as_f64().unwrap_or(0.0),
            ));
        }
        if !queries.is_empty() {
            matches(bench, &kept, &ids, &queries, report).await;
        }
    }
}

/// The records to load and, held out, the last record of `held` entities
/// that have another record.
fn split(data: &[Labeled], held: usize) -> (Vec<Labeled>, Vec<Labeled>) {
    let mut count: HashMap<u64, usize> = HashMap::new();
    for r in data {
        *count.entry(r.entity).or_default() += 1;
    }
    let (mut kept, mut queries) = (Vec::new(), Vec::new());
    for r in data.iter().rev() {
        let c = count.get_mut(&r.entity).expect("counted");
        if queries.len() < held && *c > 1 && !queries.iter().any(|q: &Labeled| q.entity == r.entity)
        {
            *c -= 1;
            queries.push(r.clone());
        } else {
            kept.push(r.clone());
        }
    }
    kept.reverse();
    (kept, queries)
}

async fn clear(bench: &Bench) {
    bench
        .db
        .batch_execute(&format!(
            "TRUNCATE {}, {} CASCADE; DELETE FROM kasar.match_models",
            bench.table("contacts"),
            bench.table("_keys_contacts")
        ))
        .await
        .expect("clear contacts");
}

/// A generated record's values, as the API would type them.
fn values(r: &Labeled) -> BTreeMap<String, Value> {
    FIELDS
        .iter()
        .filter_map(|f| {
            Some((
                (*f).to_owned(),
                Value::Text(r.fields.get(*f)?.as_str()?.to_owned()),
            ))
        })
        .collect()
}

/// Inserts the records (in order, so creation times follow it) with their
/// exact and blocking keys, computed as the server computes them; their ids.
async fn insert(bench: &Bench, records: &[Labeled]) -> Vec<Uuid> {
    let object = seed::contacts_def();
    let cols = FIELDS.join(", ");
    let sql = format!(
        "INSERT INTO {} (id, created_at, {cols}) SELECT i, now() + n * interval '1 microsecond', f, l, e, p, j \
         FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(i, n, f, l, e, p, j)",
        bench.table("contacts")
    );
    let keys_sql = seed::keys_insert(&format!("\"{}\"", bench.schema));
    let mut ids = Vec::with_capacity(records.len());
    for (c, chunk) in records.chunks(10_000).enumerate() {
        let chunk_ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::now_v7()).collect();
        let order: Vec<i64> = (0..chunk.len()).map(|i| (c * 10_000 + i) as i64).collect();
        let col = |f: &str| -> Vec<Option<String>> {
            chunk
                .iter()
                .map(|r| r.fields.get(f).and_then(Json::as_str).map(str::to_owned))
                .collect()
        };
        let (f, l, e, p, j) = (
            col("first_name"),
            col("last_name"),
            col("email"),
            col("phone"),
            col("job_title"),
        );
        bench
            .db
            .execute(&sql, &[&chunk_ids, &order, &f, &l, &e, &p, &j])
            .await
            .expect("insert contacts");
        let values: Vec<BTreeMap<String, Value>> = chunk.iter().map(values).collect();
        let keys = seed::key_rows(&object, &chunk_ids, &values);
        bench
            .db
            .execute(&keys_sql, &[&keys.0, &keys.1, &keys.2])
            .await
            .expect("insert keys");
        ids.extend(chunk_ids);
    }
    seed::digests(bench, &bench.schema).await;
    bench
        .db
        .batch_execute(&format!(
            "ANALYZE {}; ANALYZE {}",
            bench.table("contacts"),
            bench.table("_keys_contacts")
        ))
        .await
        .expect("analyze");
    ids
}

/// `POST /records/contacts/match` for each held-out duplicate: p50, and the
/// share whose original is among the top 3.
async fn matches(
    bench: &Bench,
    kept: &[Labeled],
    ids: &[Uuid],
    queries: &[Labeled],
    report: &mut Report,
) {
    let entity: HashMap<String, u64> = ids
        .iter()
        .zip(kept)
        .map(|(id, r)| (id.to_string(), r.entity))
        .collect();
    // The model in force is estimated once (by the detect above).
    let mut samples = Vec::with_capacity(queries.len());
    let mut found = 0;
    for q in queries {
        let body = json!({"record": q.fields, "threshold": 0.01, "limit": 3});
        let start = Instant::now();
        let out = bench.post("/api/v1/records/contacts/match", &body).await;
        samples.push(start.elapsed());
        let hit =
            out.as_array().into_iter().flatten().any(|m| {
                m["record"]["id"].as_str().and_then(|id| entity.get(id)) == Some(&q.entity)
            });
        found += usize::from(hit);
    }
    samples.sort();
    report.add(
        "match one record (target: ms)",
        kept.len(),
        &samples,
        None,
        Some(10.0),
    );
    report.note(format!(
        "match against {}: p50 {:.1} ms; the original among the top 3 for {found} of {} held-out duplicates ({:.1} %, target ≥ 95 %)",
        kept.len(),
        ms(percentile(&samples, 50.0)),
        queries.len(),
        100.0 * found as f64 / queries.len().max(1) as f64
    ));
}
