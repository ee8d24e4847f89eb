//! Schema changes on a table of 1,000,000 contacts, through the API: adding a
//! nullable field, adding a field with a constant default, deleting a field
//! (each under 100 ms: none rewrites the table); the plain `ALTER TABLE` of
//! the same change is printed beside them.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::report::Report;
use crate::seed;
use crate::setup::Bench;

const ROUNDS: usize = 7;

/// The figures.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let size: usize = std::env::var("KASAR_BENCH_SCHEMA_TABLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let have: i64 = bench
        .db
        .query_one(
            &format!("SELECT count(*) FROM \"{}\".contacts", bench.schema),
            &[],
        )
        .await
        .expect("count")
        .get(0);
    if (have as usize) < size {
        eprintln!("seeding {} contacts...", size - have as usize);
        seed::contacts(bench, size - have as usize, 0.0, 702).await;
    }
    let (mut nullable, mut constant, mut delete) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let score = format!("bench_score_{round}");
        let vip = format!("bench_vip_{round}");
        nullable.push(
            timed(
                bench,
                "POST",
                "/api/v1/schema/contacts/fields",
                Some(json!({"name": score, "type": "NUMBER"})),
                201,
            )
            .await,
        );
        constant.push(
            timed(
                bench,
                "POST",
                "/api/v1/schema/contacts/fields",
                Some(json!({"name": vip, "type": "BOOLEAN", "default": false, "required": true})),
                201,
            )
            .await,
        );
        delete.push(
            timed(
                bench,
                "DELETE",
                &format!("/api/v1/schema/contacts/fields/{score}"),
                None,
                204,
            )
            .await,
        );
        timed(
            bench,
            "DELETE",
            &format!("/api/v1/schema/contacts/fields/{vip}"),
            None,
            204,
        )
        .await;
    }
    let raw = raw_alters(bench).await;
    nullable.sort();
    constant.sort();
    delete.sort();
    report.add(
        &format!("add a nullable field to {size} contacts"),
        size,
        &nullable,
        None,
        Some(100.0),
    );
    report.add(
        &format!("add a field with a constant default to {size} contacts"),
        size,
        &constant,
        None,
        Some(100.0),
    );
    report.add(
        &format!("delete a field of {size} contacts"),
        size,
        &delete,
        None,
        Some(100.0),
    );
    report.note(format!(
        "schema changes: plain ALTER TABLE ADD COLUMN / ADD COLUMN ... DEFAULT / DROP COLUMN p50 {:.1} / {:.1} / {:.1} ms",
        ms(raw[0]),
        ms(raw[1]),
        ms(raw[2])
    ));
}

async fn timed(
    bench: &Bench,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
    expect: u16,
) -> Duration {
    let start = Instant::now();
    let (status, out) = bench.send(method, path, body.as_ref()).await;
    let took = start.elapsed();
    assert_eq!(status, expect, "{method} {path}: {out}");
    took
}

/// The p50 of the same three changes as plain SQL.
async fn raw_alters(bench: &Bench) -> [Duration; 3] {
    let t = format!("\"{}\".contacts", bench.schema);
    let mut out = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..ROUNDS {
        let statements = [
            format!("ALTER TABLE {t} ADD COLUMN raw_score_{round} double precision"),
            format!("ALTER TABLE {t} ADD COLUMN raw_vip_{round} boolean NOT NULL DEFAULT false"),
            format!("ALTER TABLE {t} DROP COLUMN raw_score_{round}"),
        ];
        for (i, s) in statements.iter().enumerate() {
            let start = Instant::now();
            bench.db.batch_execute(s).await.expect("raw alter");
            if let Some(v) = out.get_mut(i) {
                v.push(start.elapsed());
            }
        }
        bench
            .db
            .batch_execute(&format!("ALTER TABLE {t} DROP COLUMN raw_vip_{round}"))
            .await
            .expect("raw drop");
    }
    out.map(|mut v| {
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
