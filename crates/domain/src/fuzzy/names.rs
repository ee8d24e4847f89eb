//! Person and organization names. A person name is a given and a family
//! part (two fields, or one full-name field split at its first space),
//! normalized as detect's name key with hyphens and apostrophes as spaces
//! (`García-López` is `garcía lópez`). An organization name drops its legal
//! suffixes, punctuation and case.

use strsim::jaro_winkler;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::level::Level;
use super::nicknames::are_nicknames;
use crate::duplicates::normalize_name;

/// Jaro-Winkler similarity from which two names are `similar`.
pub(super) const SIMILAR: f64 = 0.92;

/// A person name, prepared.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Person {
    pub(super) given: Option<String>,
    pub(super) family: Option<String>,
}

fn clean(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    let spaced: String = raw
        .chars()
        .map(|c| {
            if matches!(c, '-' | '\'' | '’' | '.' | ',') {
                ' '
            } else {
                c
            }
        })
        .collect();
    normalize_name(&spaced)
}

/// The name in one record: (given, family), or a full name.
pub(super) fn person(values: &[Option<&str>]) -> Option<Person> {
    let (given, family) = match values {
        [full] => {
            let full = clean(*full)?;
            match full.split_once(' ') {
                Some((g, f)) => (Some(g.to_owned()), Some(f.to_owned())),
                None => (None, Some(full)),
            }
        }
        [given, family, ..] => (clean(*given), clean(*family)),
        [] => return None,
    };
    (given.is_some() || family.is_some()).then_some(Person { given, family })
}

fn both<'a>(a: &'a Option<String>, b: &'a Option<String>) -> Option<(&'a str, &'a str)> {
    Some((a.as_deref()?, b.as_deref()?))
}

/// The name without its accents (`núñez` is `nunez`), for similarity only:
/// exact levels keep accents, as detect's keys do.
fn folded(s: &str) -> String {
    s.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

fn similar(a: &Option<String>, b: &Option<String>) -> bool {
    both(a, b).is_some_and(|(x, y)| x == y || jaro_winkler(&folded(x), &folded(y)) >= SIMILAR)
}

/// `a` is an initial of `b` (`j` or `j` from `j.`, against `john`).
fn initial(a: &str, b: &str) -> bool {
    let mut chars = a.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if b.starts_with(c) && b.chars().count() > 1)
}

fn nickname(a: &Person, b: &Person) -> bool {
    a.family.is_some()
        && a.family == b.family
        && both(&a.given, &b.given)
            .is_some_and(|(x, y)| are_nicknames(x, y) || initial(x, y) || initial(y, x))
}

/// The levels of `person_name`, strongest first.
pub(super) const PERSON: &[Level<Person>] = &[
    Level {
        name: "exact",
        test: |a, b| a == b,
    },
    Level {
        name: "swapped",
        test: |a, b| a.given.is_some() && a.given == b.family && a.family == b.given,
    },
    Level {
        name: "nickname",
        test: nickname,
    },
    Level {
        name: "similar",
        test: |a, b| similar(&a.given, &b.given) && similar(&a.family, &b.family),
    },
    Level {
        name: "family_only",
        test: |a, b| similar(&a.family, &b.family),
    },
];

/// Legal suffixes dropped from organization names.
const LEGAL: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "bv",
    "nv",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "pty",
    "pte",
    "srl",
    "spa",
    "oy",
    "ab",
    "as",
    "aps",
    "kg",
    "kft",
    "sro",
    "se",
];

/// An organization name, prepared: its words, legal suffixes dropped.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Org {
    words: Vec<String>,
    joined: String,
}

impl Org {
    /// The name's words joined by a space.
    pub(super) fn joined(&self) -> &str {
        &self.joined
    }
}

/// The organization name in one record.
pub(super) fn org(values: &[Option<&str>]) -> Option<Org> {
    let raw = values.first().copied().flatten()?;
    let lower = normalize_name(raw)?;
    let plain: String = lower
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<String> = plain.split_whitespace().map(str::to_owned).collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL.contains(&w.as_str())) {
        words.pop();
    }
    let joined = words.join(" ");
    (!joined.is_empty()).then_some(Org { words, joined })
}

/// The levels of `org_name`, strongest first.
pub(super) const ORG: &[Level<Org>] = &[
    Level {
        name: "exact",
        test: |a, b| a.joined == b.joined,
    },
    Level {
        name: "tokens",
        test: |a, b| {
            let (mut x, mut y) = (a.words.clone(), b.words.clone());
            x.sort();
            y.sort();
            x == y
        },
    },
    Level {
        name: "similar",
        test: |a, b| jaro_winkler(&a.joined, &b.joined) >= SIMILAR,
    },
];
