//! The nickname table (`data/nicknames/names.csv`, Apache-2.0), compiled in
//! and read once: each name with every name it is a nickname of, or that is a
//! nickname of it, or that shares a full name with it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../../data/nicknames/names.csv");

fn groups() -> &'static HashMap<String, HashSet<String>> {
    static GROUPS: OnceLock<HashMap<String, HashSet<String>>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut by_full: HashMap<&str, Vec<&str>> = HashMap::new();
        for line in TABLE.lines().skip(1) {
            let mut parts = line.split(',');
            if let (Some(full), Some(_), Some(nick)) = (parts.next(), parts.next(), parts.next()) {
                by_full.entry(full.trim()).or_default().push(nick.trim());
            }
        }
        let mut out: HashMap<String, HashSet<String>> = HashMap::new();
        for (full, nicks) in by_full {
            let family: Vec<&str> = std::iter::once(full).chain(nicks).collect();
            for a in &family {
                for b in &family {
                    if a != b {
                        out.entry((*a).to_owned())
                            .or_default()
                            .insert((*b).to_owned());
                    }
                }
            }
        }
        out
    })
}

/// Whether two lowercase given names are nicknames of each other (Bob and
/// Robert, Bob and Rob).
pub fn are_nicknames(a: &str, b: &str) -> bool {
    groups().get(a).is_some_and(|set| set.contains(b))
}

/// The names `name` is a nickname of or has as nicknames, sorted.
pub fn nicknames_of(name: &str) -> Vec<String> {
    let mut out: Vec<String> = groups()
        .get(name)
        .map(|set| set.iter().cloned().collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// Every full name of the table (its first column), sorted and unique.
pub fn given_names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = TABLE
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::trim)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
