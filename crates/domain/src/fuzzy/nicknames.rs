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
