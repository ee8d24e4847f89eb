//! Detect over HTTP vs PostgreSQL returning the same columns of the same rows.

use std::time::Instant;

use serde_json::json;

use crate::report::{time, Report};
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
        let body = if size == 5000 {
            json!({"action": "detect", "object_name": "contacts"})
        } else {
            json!({"action": "detect", "object_name": "contacts", "scan_limit": size})
        };
        let out = bench.post("/api/v1/duplicates", &body).await;
        eprintln!(
            "  detect {size}: {} groups, {} scanned",
            out["total_groups"], out["records_scanned"]
        );
        let http = time(iterations, |_| async {
            bench.post("/api/v1/duplicates", &body).await;
        })
        .await;
        let sql = format!(
            "SELECT id, created_at, email, secondary_email, phone, mobile_phone, linkedin, first_name, last_name \
             FROM {} ORDER BY created_at DESC, id DESC LIMIT $1",
            bench.table("contacts")
        );
        let stmt = bench.db.prepare(&sql).await.expect("prepare");
        let limit = size as i64;
        let raw = time(iterations, |_| {
            let stmt = stmt.clone();
            async move {
                let rows = bench.db.query(&stmt, &[&limit]).await.expect("select");
                assert_eq!(rows.len(), size);
            }
        })
        .await;
        report.add("detect (contacts)", size, &http, Some(&raw), Some(1.5));
        report.note(format!(
            "server peak RSS after detect over {size} records: {:.0} MiB (target < 300 MiB)",
            bench.peak_rss_mib()
        ));
    }
}
