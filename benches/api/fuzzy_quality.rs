//! The quality side of the fuzzy bench: pairwise precision, recall and F1 of
//! the groups fuzzy detect forms (from the pairs export), and Splink run on
//! the same records (scripts/splink.sh) for its figures.

use std::collections::HashMap;

use kasar_testdata::Labeled;
use serde_json::Value as Json;
use uuid::Uuid;

use crate::setup::Bench;

/// Pairwise precision, recall and F1 of the groups fuzzy detect forms at
/// 0.9 (the connected components of the exported pairs).
pub(crate) async fn quality(
    bench: &Bench,
    records: &[Labeled],
    ids: &[Uuid],
    n: usize,
) -> (f64, f64, f64) {
    let at: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut resp = bench
        .http
        .get(format!(
            "{}/api/v1/export/duplicates/contacts?mode=fuzzy&scan_limit={n}",
            bench.address
        ))
        .insert_header(("Authorization", format!("Bearer {}", bench.token)))
        .send()
        .await
        .expect("pairs export");
    let body = resp
        .body()
        .limit(2 * 1024 * 1024 * 1024)
        .await
        .expect("pairs");
    let mut parent: Vec<usize> = (0..records.len()).collect();
    for line in String::from_utf8_lossy(&body).split("\r\n").skip(1) {
        let mut cells = line.split(',');
        let (Some(a), Some(b)) = (cells.next(), cells.next()) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (a.parse::<Uuid>(), b.parse::<Uuid>()) else {
            continue;
        };
        let (ra, rb) = (root(&mut parent, at[&a]), root(&mut parent, at[&b]));
        parent[ra] = rb;
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..records.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let (mut predicted, mut correct) = (0u64, 0u64);
    for members in groups.values() {
        for (k, a) in members.iter().enumerate() {
            for b in &members[k + 1..] {
                predicted += 1;
                if records[*a].entity == records[*b].entity {
                    correct += 1;
                }
            }
        }
    }
    let mut per_entity: HashMap<u64, u64> = HashMap::new();
    for r in records {
        *per_entity.entry(r.entity).or_default() += 1;
    }
    let truth: u64 = per_entity.values().map(|c| c * (c - 1) / 2).sum();
    let precision = correct as f64 / predicted.max(1) as f64;
    let recall = correct as f64 / truth.max(1) as f64;
    (
        precision,
        recall,
        2.0 * precision * recall / (precision + recall).max(1e-12),
    )
}

/// The root of `i` in a union-find forest (path halving).
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Splink on the same records: its JSON report, or `None` when it cannot run.
pub(crate) fn splink(records: &[Labeled], fields: &[&str]) -> Option<Json> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let path = format!("{root}/.kasar/bench/fuzzy-{}.csv", records.len());
    std::fs::create_dir_all(format!("{root}/.kasar/bench")).ok()?;
    let mut w = csv::Writer::from_path(&path).ok()?;
    let mut header = vec!["unique_id", "entity"];
    header.extend(fields);
    w.write_record(&header).ok()?;
    for (i, r) in records.iter().enumerate() {
        let mut row = vec![i.to_string(), r.entity.to_string()];
        row.extend(fields.iter().map(|f| {
            r.fields
                .get(*f)
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_owned()
        }));
        w.write_record(&row).ok()?;
    }
    w.flush().ok()?;
    // Nothing else runs meanwhile: a blocking wait is fine here.
    let out = std::process::Command::new(format!("{root}/scripts/splink.sh"))
        .args([path.as_str(), "contacts"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed = text
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Json>(l).ok());
    if parsed.is_none() {
        eprintln!("  splink did not run: {}", text.trim());
    }
    parsed
}
