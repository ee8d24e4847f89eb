//! `make bench`: every benchmark in one run against a throwaway PostgreSQL
//! (`KASAR_BENCH_DATABASE_URL`, set by `scripts/bench.sh`). Each operation is
//! measured over HTTP and beside the raw SQL doing the same work, in the same
//! run, and printed as one table. Figures, not assertions: nothing fails
//! because a machine is slow.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod batch;
mod bulk;
mod detect;
mod fuzzy;
mod fuzzy_quality;
mod import;
mod load;
mod merge;
#[path = "../../tests/api/pgbouncer.rs"]
mod pgbouncer;
mod pooler;
#[path = "../../tests/api/provision.rs"]
mod provision;
mod report;
mod schema;
mod seed;
mod select;
mod setup;

use report::Report;

#[actix_web::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("KASAR_BENCH_DETECT_SIZES")
        .unwrap_or_else(|_| "5000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    // KASAR_BENCH_ONLY: a comma list of groups (detect, merge, bulk, batch,
    // import, load, pooler, select, schema, fuzzy); all of them by default.
    let only = std::env::var("KASAR_BENCH_ONLY").unwrap_or_default();
    let runs = |group: &str| only.is_empty() || only.split(',').any(|g| g.trim() == group);
    let mut report = Report::default();
    let bench = setup::Bench::start().await;
    if runs("detect") {
        detect::run(&bench, &sizes, &mut report).await;
    }
    if runs("merge") {
        merge::run(&bench, &mut report).await;
    }
    if runs("bulk") {
        bulk::run(&bench, &mut report).await;
    }
    if runs("batch") {
        batch::run(&bench, &mut report).await;
    }
    if runs("import") {
        import::run(&bench, &mut report).await;
    }
    if runs("load") {
        load::run(&bench, &mut report).await;
    }
    if runs("pooler") {
        pooler::run(&bench, &mut report).await;
    }
    if runs("select") {
        select::run(&bench, &mut report).await;
    }
    if runs("schema") {
        schema::run(&bench, &mut report).await;
    }
    if runs("fuzzy") {
        fuzzy::run(&bench, &mut report).await;
    }
    report.print();
}
