//! Text, codes and LinkedIn profiles.

use strsim::jaro_winkler;

use super::level::Level;
use super::names::SIMILAR;
use crate::duplicates::{normalize_linkedin, normalize_name};

/// Jaro-Winkler similarity from which two texts are `close`.
pub(super) const CLOSE: f64 = 0.8;

/// The text of one record: its fields joined with a space, normalized as
/// detect's name key.
pub(super) fn text(values: &[Option<&str>]) -> Option<String> {
    let joined: Vec<&str> = values.iter().flatten().copied().collect();
    normalize_name(&joined.join(" "))
}

/// The levels of `text`, strongest first.
pub(super) const TEXT: &[Level<String>] = &[
    Level {
        name: "exact",
        test: |a, b| a == b,
    },
    Level {
        name: "similar",
        test: |a, b| jaro_winkler(a, b) >= SIMILAR,
    },
    Level {
        name: "close",
        test: |a, b| jaro_winkler(a, b) >= CLOSE,
    },
];

/// The codes of one record, trimmed and lowercased.
pub(super) fn codes(values: &[Option<&str>]) -> Vec<String> {
    values
        .iter()
        .flatten()
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

/// One substitution, or one exchange of two neighbours.
fn one_typo(a: &str, b: &str) -> bool {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if x.len() != y.len() {
        return false;
    }
    let diff: Vec<usize> = (0..x.len()).filter(|&i| x.get(i) != y.get(i)).collect();
    match diff.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && x.get(*i) == y.get(*j) && x.get(*j) == y.get(*i),
        _ => false,
    }
}

/// The levels of `code`, strongest first.
pub(super) const CODE: &[Level<String>] = &[
    Level {
        name: "exact",
        test: |a, b| a == b,
    },
    Level {
        name: "typo",
        test: |a, b| one_typo(a, b),
    },
];

/// The LinkedIn profiles of one record, as detect's key.
pub(super) fn linkedins(values: &[Option<&str>]) -> Vec<String> {
    values
        .iter()
        .flatten()
        .filter_map(|v| normalize_linkedin(v))
        .collect()
}

/// The levels of `linkedin`.
pub(super) const LINKEDIN: &[Level<String>] = &[Level {
    name: "exact",
    test: |a, b| a == b,
}];
