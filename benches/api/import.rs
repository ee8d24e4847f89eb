//! Import of 100,000 contacts (10% of them duplicates of existing records,
//! written differently) in requests of 1,000 into a table of 1,000,000,
//! beside `COPY` of the same rows; and one request there beside the same
//! kind of request into a table of 10,000 (the duplicate check is one index
//! lookup per key: it does not grow with the table), the two kinds
//! interleaved.

use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use futures_util::SinkExt;
use serde_json::{json, Value as Json};

use crate::report::Report;
use crate::seed::{self, Person};
use crate::setup::Bench;

const REQUEST: usize = 1000;

/// Requests into the table of 10,000: one every two into the large table
/// (see `run_imports`).
const SMALL_REQUESTS: usize = 50;

/// The figures.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let big: usize = std::env::var("KASAR_BENCH_IMPORT_TABLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let requests = big / 10 / REQUEST;
    eprintln!("seeding 10000 contacts (small organization)...");
    seed::contacts_in(bench, &bench.small_schema, 10_000, 0.0, 501).await;
    let have = count(bench, &bench.schema).await;
    if have < big {
        eprintln!("seeding {} contacts...", big - have);
        seed::contacts(bench, big - have, 0.0, 502).await;
    }
    let small_inputs = inputs(bench, &bench.small_schema, SMALL_REQUESTS, 601).await;
    let big_inputs = inputs(bench, &bench.schema, requests, 602).await;

    let (small, mut samples) = run_imports(bench, &small_inputs, &big_inputs).await;
    // The import's total: the requests' own times, back to back (the
    // client's building of each body and the small organization's
    // requests between them are left out).
    let total: Duration = samples.iter().sum();
    let copy = copy(bench, &big_inputs).await;
    samples.sort();
    report.add("import 1,000 into 10,000", REQUEST, &small, None, None);
    report.add(
        &format!("import 1,000 into {big} (raw: the same into 10,000)"),
        REQUEST,
        &samples,
        Some(&small),
        Some(1.2),
    );
    report.add(
        &format!(
            "import {} in requests of 1,000 (raw: COPY)",
            requests * REQUEST
        ),
        requests * REQUEST,
        &[total],
        Some(&[copy]),
        Some(3.0),
    );
}

/// Contacts in an organization's table.
async fn count(bench: &Bench, schema: &str) -> usize {
    let n: i64 = bench
        .db
        .query_one(&format!("SELECT count(*) FROM \"{schema}\".contacts"), &[])
        .await
        .expect("count")
        .get(0);
    n as usize
}

/// `n` requests of 1,000: 900 new contacts and 100 variants of existing ones.
async fn inputs(bench: &Bench, schema: &str, n: usize, seed_no: u64) -> Vec<Vec<Person>> {
    // Enough rows sampled for a tenth of every request (half again what
    // is needed, whatever the table's size).
    let wanted = n * REQUEST / 10;
    let percent = (150.0 * wanted as f64 / count(bench, schema).await.max(1) as f64).min(100.0);
    let rows = bench
        .db
        .query(
            &format!(
                "SELECT first_name, last_name, email, phone FROM \"{schema}\".contacts \
                 TABLESAMPLE BERNOULLI ({percent}) REPEATABLE ({seed_no}) LIMIT $1"
            ),
            &[&(wanted as i64)],
        )
        .await
        .expect("sample");
    let existing: Vec<Person> = rows
        .iter()
        .map(|r| Person {
            first: r.get::<_, Option<String>>(0).unwrap_or_default(),
            last: r.get::<_, Option<String>>(1).unwrap_or_default(),
            email: r.get(2),
            phone: r.get(3),
        })
        .collect();
    let mut dups = seed::variants(&existing, seed_no).into_iter();
    // New people get a last name of their own: the generator draws names
    // from small pools, so most of its names are shared by some record of a
    // large table, which would make nearly every input a name duplicate.
    let mut fresh = seed::people(n * REQUEST, 0.0, seed_no)
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            p.last = format!("{}-{seed_no}x{i}", p.last);
            p
        });
    (0..n)
        .map(|_| {
            let mut batch: Vec<Person> = fresh.by_ref().take(REQUEST * 9 / 10).collect();
            batch.extend(dups.by_ref().take(REQUEST - batch.len()));
            batch.extend(fresh.by_ref().take(REQUEST - batch.len()));
            batch
        })
        .collect()
}

fn body(people: &[Person]) -> Json {
    let records: Vec<Json> = people
        .iter()
        .map(|p| json!({"first_name": p.first, "last_name": p.last, "email": p.email, "phone": p.phone, "status": "new"}))
        .collect();
    json!({ "records": records })
}

/// Runs each request once, the small organization's spread among the
/// large one's (one before every `big.len() / small.len()`), so that both
/// sides meet the same state of the cluster (checkpoints, autovacuum, the
/// cache) instead of one burst of each at different moments. The records a
/// small request creates are deleted after it, outside the clock, so that
/// every small request meets a table of 10,000. Returns the latencies of
/// each side.
async fn run_imports(
    bench: &Bench,
    small: &[Vec<Person>],
    big: &[Vec<Person>],
) -> (Vec<Duration>, Vec<Duration>) {
    let every = (big.len() / small.len().max(1)).max(1);
    let mut small_requests = small.iter();
    let (mut small_samples, mut big_samples) = (Vec::new(), Vec::new());
    let mut duplicates = [0, 0];
    let delete = format!(
        "DELETE FROM \"{}\".contacts WHERE id = ANY($1)",
        bench.small_schema
    );
    for (i, people) in big.iter().enumerate() {
        if i % every == 0 {
            if let Some(people) = small_requests.next() {
                let (took, out) = import(bench, &bench.small_token, people).await;
                small_samples.push(took);
                duplicates[0] += out["duplicates"].as_u64().unwrap_or(0);
                bench
                    .db
                    .execute(&delete, &[&created(&out)])
                    .await
                    .expect("delete the small request's records");
            }
        }
        let (took, out) = import(bench, &bench.token, people).await;
        big_samples.push(took);
        duplicates[1] += out["duplicates"].as_u64().unwrap_or(0);
    }
    eprintln!(
        "  imported {} + {} requests: {} + {} duplicates skipped",
        small_samples.len(),
        big_samples.len(),
        duplicates[0],
        duplicates[1]
    );
    small_samples.sort();
    (small_samples, big_samples)
}

/// The ids of the records an import created.
fn created(out: &Json) -> Vec<uuid::Uuid> {
    out["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["status"] == "created")
        .filter_map(|r| r["id"].as_str()?.parse().ok())
        .collect()
}

/// One import request; returns its latency and its response.
async fn import(bench: &Bench, token: &str, people: &[Person]) -> (Duration, Json) {
    let body = body(people);
    let start = Instant::now();
    let out = bench.post_as(token, "/api/v1/import/contacts", &body).await;
    let took = start.elapsed();
    assert_eq!(out["failed"], 0, "{}", out["errors"]);
    (took, out)
}

/// COPY of the same rows into the table.
async fn copy(bench: &Bench, requests: &[Vec<Person>]) -> Duration {
    let mut csv = String::new();
    let cell = |s: Option<&str>| {
        s.map(|s| format!("\"{}\"", s.replace('"', "\"\"")))
            .unwrap_or_default()
    };
    for p in requests.iter().flatten() {
        csv.push_str(&format!(
            "{},{},{},{},new\n",
            cell(Some(&p.first)),
            cell(Some(&p.last)),
            cell(p.email.as_deref()),
            cell(p.phone.as_deref())
        ));
    }
    let start = Instant::now();
    let sink = bench
        .db
        .copy_in(&format!(
            "COPY {} (first_name, last_name, email, phone, status) FROM STDIN WITH (FORMAT csv)",
            bench.table("contacts")
        ))
        .await
        .expect("copy");
    futures_util::pin_mut!(sink);
    sink.send(Bytes::from(csv)).await.expect("copy data");
    sink.finish().await.expect("copy finish");
    start.elapsed()
}
