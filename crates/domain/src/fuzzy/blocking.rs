//! Blocking: the keys that make two records candidates, so that fuzzy
//! detection compares the pairs likely to match instead of every pair.
//! Keys per comparator: a name's first letters with the other part's
//! initial (both ways, so swapped names meet; given names through their
//! nickname group, so Bob meets Robert), an e-mail's mailbox, a phone's last
//! seven digits, an organization name's first letters, a date's year and
//! month, a code or a LinkedIn profile as is.

use std::collections::{HashMap, HashSet};

use super::nicknames::nicknames_of;
use super::Comparator;
use crate::duplicates::{normalize_linkedin, normalize_name, PhoneRegion};

/// Largest block whose pairs are candidates: a key shared by more records
/// (a common family name with a common initial) says too little.
pub const MAX_BLOCK: usize = 300;

fn head(s: &str, n: usize) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).take(n).collect()
}

/// A given name's nickname group, as one name (the smallest of the group).
fn canonical(given: &str) -> String {
    nicknames_of(given)
        .into_iter()
        .chain(std::iter::once(given.to_owned()))
        .min()
        .unwrap_or_default()
}

/// Name keys, from the name as the `person_name` comparator prepares it.
fn name_keys(values: &[Option<&str>], out: &mut Vec<String>) {
    let Some(person) = super::names::person(values) else {
        return;
    };
    let (given, family) = (
        person.given.unwrap_or_default(),
        person.family.unwrap_or_default(),
    );
    let initial = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    if !family.is_empty() {
        out.push(format!("n:{}|{}", head(&family, 3), initial(&given)));
        out.push(format!("n:{}|{}", head(&family, 3), canonical(&given)));
    }
    if !given.is_empty() {
        out.push(format!("n:{}|{}", head(&given, 3), initial(&family)));
    }
}

/// The blocking keys of one record for one comparison.
pub fn keys(comparator: Comparator, values: &[Option<&str>], region: PhoneRegion) -> Vec<String> {
    let mut out = Vec::new();
    let each = values.iter().flatten();
    match comparator {
        Comparator::PersonName => name_keys(values, &mut out),
        Comparator::OrgName | Comparator::Text => {
            let joined: Vec<&str> = each.copied().collect();
            if let Some(n) = normalize_name(&joined.join(" ")) {
                out.push(format!("o:{}", head(&n, 4)));
            }
        }
        Comparator::Email => out.extend(
            super::email::prepare(values)
                .iter()
                .map(|a| format!("e:{}", a.mailbox_local())),
        ),
        Comparator::Phone => out.extend(
            super::phone::prepare(values, region)
                .iter()
                .filter_map(|n| n.tail().map(|t| format!("p:{t}"))),
        ),
        Comparator::Date => {
            for v in each {
                let digits: String = v.chars().filter(char::is_ascii_digit).collect();
                if let Some(ym) = digits.get(..6) {
                    out.push(format!("d:{ym}"));
                }
            }
        }
        Comparator::Code => out.extend(each.map(|v| format!("c:{}", code_key(v)))),
        Comparator::Linkedin => out.extend(
            each.filter_map(|v| normalize_linkedin(v))
                .map(|k| format!("l:{k}")),
        ),
    }
    out
}

/// A code as a key: a number in one form whatever its text (`5`, `5.0`,
/// `5e0`), anything else trimmed and lowercased.
fn code_key(v: &str) -> String {
    let v = v.trim();
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() => n.to_string(),
        _ => v.to_lowercase(),
    }
}

/// The candidate pairs of records given their keys (`keys[i]`: record i's),
/// each pair once as `(smaller, larger)`, in a stable order.
pub fn candidate_pairs(keys: &[Vec<String>]) -> Vec<(u32, u32)> {
    let mut blocks: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for k in ks {
            blocks.entry(k.as_str()).or_default().push(i as u32);
        }
    }
    let mut pairs: HashSet<(u32, u32)> = HashSet::new();
    for members in blocks.values() {
        if members.len() < 2 || members.len() > MAX_BLOCK {
            continue;
        }
        for (k, a) in members.iter().enumerate() {
            for b in members.iter().skip(k + 1) {
                if a != b {
                    pairs.insert(((*a).min(*b), (*a).max(*b)));
                }
            }
        }
    }
    let mut out: Vec<(u32, u32)> = pairs.into_iter().collect();
    out.sort_unstable();
    out
}
