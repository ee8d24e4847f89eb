//! Blocking: the keys that make two records candidates, so that fuzzy
//! detection compares the pairs likely to match instead of every pair.
//! Keys per comparator: a person's family and given names (as an unordered
//! pair, so swapped names meet; the given name also as its nickname group,
//! so Bob meets Robert; and the first three letters of both, so most typos
//! meet),
//! an e-mail's mailbox, a phone's last seven digits, an organization name's first letters, a date's year and
//! month, a code or a LinkedIn profile as is.

use std::collections::{HashMap, HashSet};

use super::names::Person;
use super::nicknames::nicknames_of;
use super::prepared::{Inner, Prepared};
use super::Comparator;
use crate::duplicates::PhoneRegion;

/// Largest block whose pairs are candidates: a key shared by more records
/// (a common family name with a common initial) says too little.
pub const MAX_BLOCK: usize = 300;

// Each comparator's keys start with a prefix of their own ([`key_prefix`]):
// a refresh reads a record's held blocking keys by prefix.
const NAME: &str = "n:";
const ORG: &str = "o:";
const EMAIL: &str = "e:";
const PHONE: &str = "p:";
const DATE: &str = "d:";
const CODE: &str = "c:";
const LINKEDIN: &str = "l:";

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
fn name_keys(person: Option<&Person>, out: &mut Vec<String>) {
    let Some(person) = person else {
        return;
    };
    let (given, family) = (
        person.given.as_deref().unwrap_or_default(),
        person.family.as_deref().unwrap_or_default(),
    );
    if given.is_empty() || family.is_empty() {
        out.push(format!("{NAME}{family}|{given}"));
        return;
    }
    // Each pair of names in one order whichever field holds which (the
    // smaller first), so swapped names meet with one key instead of two; the
    // nickname group, so Bob meets Robert; the first three letters of both,
    // so most typos meet.
    let group = canonical(given);
    for (a, b) in [
        (family.to_owned(), group),
        (family.to_owned(), given.to_owned()),
        (head(family, 3), head(given, 3)),
    ] {
        let key = if a <= b {
            format!("{NAME}{a}|{b}")
        } else {
            format!("{NAME}{b}|{a}")
        };
        if !out.contains(&key) {
            out.push(key);
        }
    }
}

/// The first two characters of every blocking key `comparator` gives (the
/// keys of two comparators with one prefix can be equal: an organization's
/// name and a text both give `o:`).
pub fn key_prefix(comparator: Comparator) -> &'static str {
    match comparator {
        Comparator::PersonName => NAME,
        Comparator::OrgName | Comparator::Text => ORG,
        Comparator::Email => EMAIL,
        Comparator::Phone => PHONE,
        Comparator::Date => DATE,
        Comparator::Code => CODE,
        Comparator::Linkedin => LINKEDIN,
    }
}

/// The blocking keys of one record for one comparison.
pub fn keys(comparator: Comparator, values: &[Option<&str>], region: PhoneRegion) -> Vec<String> {
    prepared_keys(&comparator.prepare(values, region))
}

/// The blocking keys of one prepared value (the comparators' own
/// preparation: the keys and the comparisons read the same names, mailboxes
/// and numbers).
pub fn prepared_keys(prepared: &Prepared) -> Vec<String> {
    let mut out = Vec::new();
    match &prepared.0 {
        Inner::Person(p) => name_keys(p.as_ref(), &mut out),
        Inner::Org(o) => out.extend(o.as_ref().map(|o| format!("{ORG}{}", head(o.joined(), 4)))),
        Inner::Text(t) => out.extend(t.as_ref().map(|t| format!("{ORG}{}", head(t, 4)))),
        Inner::Emails(a) => out.extend(a.iter().map(|a| format!("{EMAIL}{}", a.mailbox_local()))),
        Inner::Phones(n) => out.extend(
            n.iter()
                .filter_map(|n| n.tail().map(|t| format!("{PHONE}{t}"))),
        ),
        Inner::Dates(d) => out.extend(d.iter().map(|d| format!("{DATE}{}", d.year_month()))),
        Inner::Codes(c) => out.extend(c.iter().map(|v| format!("{CODE}{}", code_key(v)))),
        Inner::Linkedins(l) => out.extend(l.iter().map(|k| format!("{LINKEDIN}{k}"))),
    }
    out.dedup();
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
