//! Behind PgBouncer in transaction mode: the same requests sent to three
//! servers over one database, side by side: the bench's own (named
//! statements, direct), a second with `database.named_statements = false`
//! (direct: the cost of unnamed statements alone), and a third with unnamed
//! statements through PgBouncer (Debian's 1.18, which keeps no prepared
//! statements) holding 8 server connections for the server's pool of 32.

use std::process::Child;

use crate::load;
use crate::pgbouncer::PgBouncer;
use crate::report::{percentile, time, Report};
use crate::setup::{serve, Bench};

/// Server connections PgBouncer opens.
const SERVER_CONNECTIONS: usize = 8;

/// A server child killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the comparison and adds its rows and notes to the report.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let seconds: u64 = std::env::var("KASAR_BENCH_POOLER_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let unnamed = [("KASAR__DATABASE__NAMED_STATEMENTS", "false")];
    let (direct, direct_address) = serve(&bench.url, &unnamed).await;
    let _direct = Server(direct);
    let bouncer = PgBouncer::start(&bench.url, SERVER_CONNECTIONS);
    // PgBouncer refuses the startup parameter that sets statement_timeout.
    let pooled_env = [unnamed[0], ("KASAR__DATABASE__STATEMENT_TIMEOUT_MS", "0")];
    let (pooled, pooled_address) = serve(&bouncer.url, &pooled_env).await;
    let _pooled = Server(pooled);
    let data = load::seed(bench).await;
    let servers = [
        ("named, direct", bench.address.clone()),
        ("unnamed, direct", direct_address),
        ("unnamed, PgBouncer", pooled_address),
    ];
    let id: uuid::Uuid = bench
        .db
        .query_one(
            &format!("SELECT id FROM {} LIMIT 1", bench.table("contacts")),
            &[],
        )
        .await
        .expect("a contact")
        .get(0);
    for (label, base) in &servers {
        let path = format!("/api/v1/records/contacts/{id}");
        let samples = time(1_000, |_| async {
            let (status, _) = bench.send_to(base, &bench.token, "GET", &path, None).await;
            assert_eq!(status, 200, "{label}");
        })
        .await;
        report.add(&format!("GET a record ({label})"), 1, &samples, None, None);
    }
    for (label, base) in &servers {
        let outcome = load::mix(bench, base, &data, 64, seconds).await;
        report.add(
            &format!("load mix ({label}, 64 conns, {seconds} s)"),
            outcome.samples().len(),
            outcome.samples(),
            None,
            None,
        );
        if let Some(row) = report.rows.last_mut() {
            row.throughput = outcome.rate();
        }
        report.note(format!(
            "load mix {label}: {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, 5xx and transport failures {}",
            outcome.rate(),
            crate::report::ms(percentile(outcome.samples(), 50.0)),
            crate::report::ms(percentile(outcome.samples(), 99.0)),
            outcome.failures()
        ));
    }
    report.note(format!(
        "PgBouncer {} in transaction mode, {SERVER_CONNECTIONS} server connections for a pool of 32; servers with rate limits off",
        "1.18"
    ));
}
