//! How a duplicate differs from the record it duplicates: one to three
//! corruptions drawn from what CRM data really holds.

use serde_json::{Map, Value as Json};

use crate::vocabulary::{title_case, LEGAL};
use crate::Rng;

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// One typo: a substitution, an insertion, a deletion or a transposition.
pub(crate) fn typo(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 2 {
        return s.to_owned();
    }
    let i = 1 + rng.below(chars.len() as u64 - 1) as usize;
    let letter = char::from(*rng.pick(LETTERS).unwrap_or(&b'e'));
    match rng.below(4) {
        0 => {
            if let Some(c) = chars.get_mut(i) {
                *c = letter;
            }
        }
        1 => chars.insert(i, letter),
        2 => {
            chars.remove(i);
        }
        _ => chars.swap(i - 1, i),
    }
    chars.into_iter().collect()
}

fn text<'a>(m: &'a Map<String, Json>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Json::as_str)
}

fn set(m: &mut Map<String, Json>, key: &str, value: String) {
    m.insert(key.to_owned(), Json::String(value));
}

/// The phone written another way: spaced, or in its national form (no
/// country code, trunk 0 outside North America), or its bare digits.
fn reformat_phone(rng: &mut Rng, e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    match (rng.below(3), e164) {
        (0, p) if p.starts_with("+1") => digits
            .get(1..)
            .map(|d| {
                format!(
                    "({}) {}-{}",
                    &d[..3.min(d.len())],
                    d.get(3..6).unwrap_or(""),
                    d.get(6..).unwrap_or("")
                )
            })
            .unwrap_or_default(),
        (0, _) => digits.get(2..).map(|d| format!("0{d}")).unwrap_or_default(),
        (1, _) => {
            let (cc, rest) =
                digits.split_at(if e164.starts_with("+1") { 1 } else { 2 }.min(digits.len()));
            format!(
                "+{cc} {} {}",
                rest.get(..3).unwrap_or(rest),
                rest.get(3..).unwrap_or("")
            )
        }
        _ => digits,
    }
}

/// The e-mail written another way: case, a `+tag`, Gmail dots, a typo in the
/// local part, or another domain.
fn vary_email(rng: &mut Rng, email: &str) -> String {
    let Some((local, domain)) = email.split_once('@') else {
        return email.to_owned();
    };
    match rng.below(5) {
        0 => email.to_uppercase(),
        1 => format!("{local}+crm@{domain}"),
        2 if domain == "gmail.com" => format!("{}@googlemail.com", local.replace('.', "")),
        2 => format!("{}@{domain}", local.replace('.', "_")),
        3 => format!("{}@{domain}", typo(rng, local)),
        _ => format!(
            "{local}@{}",
            if domain.ends_with(".com") {
                "example.net"
            } else {
                "example.com"
            }
        ),
    }
}

/// A corrupted copy of a contact.
pub(crate) fn contact(rng: &mut Rng, original: &Json) -> Json {
    let mut m = original.as_object().cloned().unwrap_or_default();
    for _ in 0..1 + rng.below(3) {
        match rng.below(9) {
            0 | 1 => {
                let key = if rng.chance(0.5) {
                    "first_name"
                } else {
                    "last_name"
                };
                if let Some(v) = text(&m, key).map(str::to_owned) {
                    set(&mut m, key, typo(rng, &v));
                }
            }
            2 => {
                if let Some(first) = text(&m, "first_name").map(str::to_lowercase) {
                    let nicks = kasar_domain::fuzzy::nicknames_of(&first);
                    let new = match rng.pick(&nicks) {
                        Some(n) if rng.chance(0.8) => title_case(n),
                        _ => format!("{}.", first.chars().next().unwrap_or('x').to_uppercase()),
                    };
                    set(&mut m, "first_name", new);
                }
            }
            3 => {
                let (first, last) = (m.remove("first_name"), m.remove("last_name"));
                if let Some(v) = last {
                    m.insert("first_name".into(), v);
                }
                if let Some(v) = first {
                    m.insert("last_name".into(), v);
                }
            }
            4 => {
                let key = *rng
                    .pick(&["email", "phone", "first_name", "job_title"])
                    .unwrap_or(&"phone");
                m.remove(key);
            }
            5 | 6 => {
                if let Some(p) = text(&m, "phone").map(str::to_owned) {
                    let new = reformat_phone(rng, &p);
                    set(&mut m, "phone", new);
                }
            }
            _ => {
                if let Some(e) = text(&m, "email").map(str::to_owned) {
                    let new = vary_email(rng, &e);
                    set(&mut m, "email", new);
                }
            }
        }
    }
    Json::Object(m)
}

/// A corrupted copy of a company.
pub(crate) fn company(rng: &mut Rng, original: &Json) -> Json {
    let mut m = original.as_object().cloned().unwrap_or_default();
    for _ in 0..1 + rng.below(3) {
        match rng.below(6) {
            0 | 1 => {
                if let Some(name) = text(&m, "name").map(str::to_owned) {
                    let bare = LEGAL
                        .iter()
                        .filter(|s| !s.is_empty())
                        .fold(name.clone(), |n, s| {
                            n.strip_suffix(s).map(str::to_owned).unwrap_or(n)
                        });
                    let suffix = rng.pick(LEGAL).copied().unwrap_or("");
                    set(&mut m, "name", format!("{bare}{suffix}"));
                }
            }
            2 => {
                if let Some(name) = text(&m, "name").map(str::to_owned) {
                    set(&mut m, "name", typo(rng, &name));
                }
            }
            3 => {
                if let Some(name) = text(&m, "name").map(str::to_owned) {
                    set(
                        &mut m,
                        "name",
                        if rng.chance(0.5) {
                            name.to_uppercase()
                        } else {
                            name.to_lowercase()
                        },
                    );
                }
            }
            4 => {
                let key = *rng.pick(&["email", "phone", "domain"]).unwrap_or(&"phone");
                m.remove(key);
            }
            _ => {
                if let Some(p) = text(&m, "phone").map(str::to_owned) {
                    let new = reformat_phone(rng, &p);
                    set(&mut m, "phone", new);
                }
            }
        }
    }
    Json::Object(m)
}
