//! The load run: 64 concurrent connections for 30 seconds mixing reads,
//! detect, merge and bulk on overlapping records; then the integrity checks
//! (no deadlock, no orphan reference, no doubled junction row).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use kasar_server::demo::Rng;
use serde_json::json;
use uuid::Uuid;

use crate::report::Report;
use crate::seed;
use crate::setup::Bench;

/// What the load run saw.
#[derive(Default)]
struct Tally {
    samples: Vec<Duration>,
    ok: usize,
    client_errors: usize,
    server_errors: usize,
    failed: usize,
}

async fn deadlocks(bench: &Bench) -> i64 {
    bench
        .db
        .query_one(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .await
        .expect("deadlocks")
        .get(0)
}

/// The records the mix works on.
pub(crate) struct Data {
    ids: Vec<Uuid>,
    tags: Vec<Uuid>,
}

/// Seeds 2,000 contacts (10% duplicates), 20 tags and an opportunity per
/// contact.
pub(crate) async fn seed(bench: &Bench) -> Data {
    let ids = seed::contacts(bench, 2_000, 0.10, 4242).await;
    let tags = seed::tags(bench, 20, "load-").await;
    let opps = format!(
        "INSERT INTO {} (name, contact) SELECT 'Load', c FROM unnest($1::uuid[]) c",
        bench.table("opportunities")
    );
    bench
        .db
        .execute(&opps, &[&ids])
        .await
        .expect("opportunities");
    Data { ids, tags }
}

/// What one run of the mix saw: the tally and how long it took.
pub(crate) struct Outcome {
    tally: Tally,
    elapsed: Duration,
}

impl Outcome {
    /// Requests per second.
    pub(crate) fn rate(&self) -> f64 {
        self.tally.samples.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// 5xx answers and transport failures.
    pub(crate) fn failures(&self) -> usize {
        self.tally.server_errors + self.tally.failed
    }

    /// The sorted latencies.
    pub(crate) fn samples(&self) -> &[Duration] {
        &self.tally.samples
    }
}

/// `connections` clients send the mix to the server at `base` for `seconds`.
pub(crate) async fn mix(
    bench: &Bench,
    base: &str,
    data: &Data,
    connections: usize,
    seconds: u64,
) -> Outcome {
    let tally = RefCell::new(Tally::default());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let workers = (0..connections).map(|w| {
        let (ids, tags, tally) = (&data.ids, &data.tags, &tally);
        async move {
            let mut rng = Rng::new(1000 + w as u64);
            let send = |method: &'static str, path: String, body: Option<serde_json::Value>| async move {
                bench.send_to(base, &bench.token, method, &path, body.as_ref()).await
            };
            while Instant::now() < deadline {
                let pick = |rng: &mut Rng| ids[rng.below(ids.len())];
                let some = |rng: &mut Rng, n: usize| (0..n).map(|_| pick(rng)).collect::<Vec<Uuid>>();
                let roll = rng.below(100);
                let t = Instant::now();
                let (status, _) = match roll {
                    0..=44 => send("GET", format!("/api/v1/records/contacts/{}", pick(&mut rng)), None).await,
                    45..=59 => send("GET", "/api/v1/records/contacts?limit=50".into(), None).await,
                    60..=74 => {
                        let body = json!({"action": "update_field", "object_name": "contacts", "record_ids": some(&mut rng, 100), "field_name": "job_title", "field_value": format!("load-{roll}")});
                        send("POST", "/api/v1/bulk".into(), Some(body)).await
                    }
                    75..=82 => {
                        let action = if roll.is_multiple_of(2) { "add_relation" } else { "remove_relation" };
                        let body = json!({"action": action, "object_name": "contacts", "record_ids": some(&mut rng, 50), "relation_field": "tags", "target_ids": [tags[rng.below(tags.len())], tags[rng.below(tags.len())]]});
                        send("POST", "/api/v1/bulk".into(), Some(body)).await
                    }
                    83..=88 => send("POST", "/api/v1/duplicates".into(), Some(json!({"action": "detect", "object_name": "contacts", "limit": 20}))).await,
                    _ => {
                        let body = json!({"action": "merge", "object_name": "contacts", "master_id": pick(&mut rng), "duplicate_ids": [pick(&mut rng), pick(&mut rng)], "merge_strategy": "fill_blanks"});
                        send("POST", "/api/v1/duplicates".into(), Some(body)).await
                    }
                };
                let mut tally = tally.borrow_mut();
                tally.samples.push(t.elapsed());
                match status {
                    200..=299 => tally.ok += 1,
                    400..=499 => tally.client_errors += 1,
                    500..=599 => tally.server_errors += 1,
                    _ => tally.failed += 1,
                }
            }
        }
    });
    futures_util::future::join_all(workers).await;
    let elapsed = start.elapsed();
    let mut tally = tally.into_inner();
    tally.samples.sort();
    Outcome { tally, elapsed }
}

/// Runs the mix and adds its row and notes to the report.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let connections: usize = std::env::var("KASAR_BENCH_LOAD_CONNECTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let seconds: u64 = std::env::var("KASAR_BENCH_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let data = seed(bench).await;
    let before = deadlocks(bench).await;
    let outcome = mix(bench, &bench.address, &data, connections, seconds).await;
    let after = deadlocks(bench).await;
    let tally = &outcome.tally;
    let n = tally.samples.len();
    let p50 = crate::report::percentile(&tally.samples, 50.0);
    report.add(
        &format!("load mix ({connections} conns, {seconds} s)"),
        n,
        &tally.samples,
        None,
        None,
    );
    if let Some(row) = report.rows.last_mut() {
        row.throughput = outcome.rate();
    }
    let orphans = integrity(bench).await;
    report.note(format!(
        "load run: {n} requests in {:.1} s ({:.0} req/s), p50 {:.1} ms; 2xx {}, 4xx {} (expected: merges and reads of records another worker merged away), 5xx {}, transport failures {}; deadlocks +{}; orphan references {}, doubled junction rows {}; server peak RSS {:.0} MiB",
        outcome.elapsed.as_secs_f64(),
        outcome.rate(),
        crate::report::ms(p50),
        tally.ok,
        tally.client_errors,
        tally.server_errors,
        tally.failed,
        after - before,
        orphans.0,
        orphans.1,
        bench.peak_rss_mib()
    ));
}

/// (orphan references, doubled junction rows) across the relations touched.
async fn integrity(bench: &Bench) -> (i64, i64) {
    let orphans = format!(
        "SELECT (SELECT count(*) FROM {o} x WHERE x.contact IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {c} c WHERE c.id = x.contact)) + \
                (SELECT count(*) FROM {j} x WHERE NOT EXISTS (SELECT 1 FROM {c} c WHERE c.id = x.source_id))",
        o = bench.table("opportunities"),
        c = bench.table("contacts"),
        j = bench.table("contacts_tags")
    );
    let doubled = format!("SELECT count(*) FROM (SELECT source_id, target_id FROM {} GROUP BY 1, 2 HAVING count(*) > 1) d", bench.table("contacts_tags"));
    let o: i64 = bench
        .db
        .query_one(&orphans, &[])
        .await
        .expect("orphans")
        .get(0);
    let d: i64 = bench
        .db
        .query_one(&doubled, &[])
        .await
        .expect("doubled")
        .get(0);
    (o, d)
}
