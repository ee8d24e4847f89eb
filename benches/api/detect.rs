//! Detect over HTTP (the response read whole, not parsed: the raw side's rows
//! are not decoded either) vs PostgreSQL returning the same columns of the
//! same rows: over the whole table at each size (the key index's groups are read: only
//! the keys that collide, summed up; the first detect after seeding folds the
//! seeded keys in and is reported apart), then over the newest 5,000 of the
//! largest table.

use std::time::Instant;

use serde_json::json;

use crate::report::{time_alternated, Report};
use crate::seed;
use crate::setup::Bench;

/// Seeds contacts up to each size (about 10% duplicates) and measures detect.
pub(crate) async fn run(bench: &Bench, sizes: &[usize], report: &mut Report) {
    let mut have = 0usize;
    for &size in sizes {
        if size > have {
            eprintln!("seeding {} contacts...", size - have);
            let start = Instant::now();
            seed::contacts(bench, size - have, 0.10, 7 + have as u64).await;
            eprintln!("  seeded in {:.1} s", start.elapsed().as_secs_f64());
            have = size;
        }
        let iterations = if size <= 10_000 {
            40
        } else if size <= 200_000 {
            10
        } else {
            5
        };
        let body = json!({"action": "detect", "object_name": "contacts", "scan_limit": size});
        figure(
            bench,
            report,
            "detect whole table",
            &body,
            size,
            iterations,
            0.5,
        )
        .await;
        report.note(format!(
            "server peak RSS after detect over {size} records: {:.0} MiB (target < 300 MiB)",
            bench.peak_rss_mib()
        ));
    }
    if have > 5000 {
        let body = json!({"action": "detect", "object_name": "contacts"});
        let label = format!("detect newest 5000 of {have}");
        figure(bench, report, &label, &body, 5000, 200, 1.5).await;
    }
}

/// Detect with `body` (scanning `scanned` records) beside the plain SELECT
/// of the scanned columns of the same rows.
async fn figure(
    bench: &Bench,
    report: &mut Report,
    label: &str,
    body: &serde_json::Value,
    scanned: usize,
    iterations: usize,
    target: f64,
) {
    let first = Instant::now();
    let out = bench.post("/api/v1/duplicates", body).await;
    report.note(format!(
        "first {label} over {scanned} (folds the keys written since the last detect): {:.0} ms, {} groups",
        first.elapsed().as_secs_f64() * 1000.0,
        out["total_groups"]
    ));
    assert_eq!(out["records_scanned"], scanned);
    let sql = format!(
        "SELECT id, created_at, email, secondary_email, phone, mobile_phone, linkedin, first_name, last_name \
         FROM {} ORDER BY created_at DESC, id DESC LIMIT $1",
        bench.table("contacts")
    );
    let stmt = bench.db.prepare(&sql).await.expect("prepare");
    let limit = scanned as i64;
    // Alternated: the machine's state moves the two sides alike.
    let (http, raw) = time_alternated(
        iterations,
        |_| async {
            bench.post_unparsed("/api/v1/duplicates", body).await;
        },
        |_| {
            let stmt = stmt.clone();
            async move {
                let rows = bench.db.query(&stmt, &[&limit]).await.expect("select");
                assert_eq!(rows.len(), scanned);
            }
        },
    )
    .await;
    report.add(label, scanned, &http, Some(&raw), Some(target));
}
