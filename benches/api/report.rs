//! Timing helpers and the printed table.

use std::time::{Duration, Instant};

/// One row of the table.
pub(crate) struct Row {
    pub operation: String,
    pub size: usize,
    pub p50: Duration,
    pub p99: Duration,
    /// Records (or pairs) handled per second at p50.
    pub throughput: f64,
    pub raw_p50: Option<Duration>,
    pub target: Option<f64>,
}

/// The rows, printed at the end.
#[derive(Default)]
pub(crate) struct Report {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

/// Percentile of sorted samples.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Times `n` runs of `f` (after one warm-up run); returns sorted samples.
pub(crate) async fn time<F, Fut>(n: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f(usize::MAX).await;
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        f(i).await;
        samples.push(start.elapsed());
    }
    samples.sort();
    samples
}

/// Times `n` runs of `a` and `n` of `b`, alternated (after one warm-up run
/// of each, given `usize::MAX`), so that both sides meet the same states of
/// the machine and the cluster; returns both sets of sorted samples.
pub(crate) async fn time_alternated<A, FA, B, FB>(
    n: usize,
    mut a: A,
    mut b: B,
) -> (Vec<Duration>, Vec<Duration>)
where
    A: FnMut(usize) -> FA,
    FA: std::future::Future<Output = ()>,
    B: FnMut(usize) -> FB,
    FB: std::future::Future<Output = ()>,
{
    a(usize::MAX).await;
    b(usize::MAX).await;
    let (mut sa, mut sb) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let start = Instant::now();
        a(i).await;
        sa.push(start.elapsed());
        let start = Instant::now();
        b(i).await;
        sb.push(start.elapsed());
    }
    sa.sort();
    sb.sort();
    (sa, sb)
}

impl Report {
    /// Adds a row from HTTP samples and, when there is one, the raw SQL samples.
    pub(crate) fn add(
        &mut self,
        operation: &str,
        size: usize,
        http: &[Duration],
        raw: Option<&[Duration]>,
        target: Option<f64>,
    ) {
        let p50 = percentile(http, 50.0);
        let row = Row {
            operation: operation.to_owned(),
            size,
            p50,
            p99: percentile(http, 99.0),
            throughput: size as f64 / p50.as_secs_f64().max(1e-9),
            raw_p50: raw.map(|r| percentile(r, 50.0)),
            target,
        };
        eprintln!("  {operation} {size}: p50 {:.1} ms", ms(row.p50));
        self.rows.push(row);
    }

    /// Adds a line printed under the table.
    pub(crate) fn note(&mut self, line: String) {
        eprintln!("  {line}");
        self.notes.push(line);
    }

    /// Prints the table (Markdown, so it can go into docs/benchmarks.md as is).
    pub(crate) fn print(&self) {
        println!();
        println!("| operation | size | p50 ms | p99 ms | throughput /s | raw SQL p50 ms | ratio | target | holds |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for r in &self.rows {
            let (raw, ratio) = match r.raw_p50 {
                Some(raw) => (
                    format!("{:.1}", ms(raw)),
                    Some(ms(r.p50) / ms(raw).max(1e-6)),
                ),
                None => ("-".into(), None),
            };
            let target = r.target.map_or("-".into(), |t| {
                if r.raw_p50.is_some() {
                    format!("≤ {t}×")
                } else {
                    format!("< {t} ms")
                }
            });
            let holds = match (r.target, ratio) {
                (Some(t), Some(x)) => {
                    if x <= t {
                        "yes"
                    } else {
                        "no"
                    }
                }
                (Some(t), None) => {
                    if ms(r.p50) < t {
                        "yes"
                    } else {
                        "no"
                    }
                }
                _ => "-",
            };
            println!(
                "| {} | {} | {:.1} | {:.1} | {:.0} | {} | {} | {} | {} |",
                r.operation,
                r.size,
                ms(r.p50),
                ms(r.p99),
                r.throughput,
                raw,
                ratio.map_or("-".into(), |x| format!("{x:.2}")),
                target,
                holds
            );
        }
        println!();
        for n in &self.notes {
            println!("- {n}");
        }
    }
}

/// Milliseconds of a duration.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
