//! The phone key against libphonenumber itself: every entry of
//! `fixtures/phones.json` (written by `scripts/phone_fixture.py` with the
//! Python `phonenumbers` package) gets the key recorded there, under US, DE
//! and its own region, through the full rules and, where it applies, the
//! North American fast path. The metadata and Unicode tables the Rust side
//! reads are checked against the ones the fixture was made with.

use std::collections::BTreeSet;

use phonenumber::metadata::DATABASE;
use phonenumber::Metadata;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::phone::{full_key, nanp_fast_path, normalize_phone};
use super::phone_digits::ND_ZEROS;
use super::phone_meta::{general_lengths, main_metadata, national_prefix_for_parsing, source};
use super::region::PhoneRegion;

const FIXTURE: &str = include_str!("../../fixtures/phones.json");

fn fixture() -> Json {
    serde_json::from_str(FIXTURE).unwrap()
}

fn strings(json: &Json) -> Vec<&str> {
    json.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn every_fixture_entry_gets_the_libphonenumber_key() {
    let data = fixture();
    let (mut checked, mut fast, mut failures) = (0, 0, Vec::new());
    for case in data["cases"].as_array().unwrap() {
        let text = case["t"].as_str().unwrap();
        for (code, expected) in case["k"].as_object().unwrap() {
            let region = PhoneRegion::parse(code).unwrap();
            let expected = expected.as_str();
            let full = full_key(text, region);
            if full.as_deref() != expected {
                failures.push(format!(
                    "{code} {text:?} ({}): {full:?} != {expected:?}",
                    case["f"]
                ));
            }
            if let Some(quick) = nanp_fast_path(text, region) {
                fast += 1;
                if Some(&quick) != full.as_ref() {
                    failures.push(format!("{code} {text:?}: fast path {quick} != {full:?}"));
                }
            }
            assert_eq!(normalize_phone(text, region).as_deref(), full.as_deref());
            checked += 1;
        }
    }
    let shown = &failures[..failures.len().min(40)];
    assert!(
        failures.is_empty(),
        "{} of {checked} keys differ: {shown:#?}",
        failures.len()
    );
    assert!(
        checked > 20_000 && fast > 500,
        "{checked} keys, {fast} by the fast path"
    );
}

#[test]
fn the_fixture_covers_many_numbers_forms_and_countries() {
    let data = fixture();
    let cases = data["cases"].as_array().unwrap();
    assert!(data["numbers"].as_u64().unwrap() >= 2_000);
    assert!(cases.len() >= 2_000);
    let forms: BTreeSet<&str> = cases.iter().map(|c| c["f"].as_str().unwrap()).collect();
    assert!(forms.len() >= 30, "{forms:?}");
    assert!(strings(&data["countries"]).len() >= 20);
    assert!(cases
        .iter()
        .all(|c| c["k"].get("US").is_some() && c["k"].get("DE").is_some()));
}

#[test]
fn the_unicode_digits_are_the_fixtures() {
    let data = fixture();
    let zeros: Vec<u64> = data["nd_zeros"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let ours: Vec<u64> = ND_ZEROS.iter().map(|&z| u64::from(z)).collect();
    assert_eq!(ours, zeros, "Unicode {}", data["unicode"]);
}

/// The metadata of a fixture row: a region, or a non-geographic entity.
fn metadata(id: &str, code: u16) -> Option<&'static Metadata> {
    if id == "001" {
        DATABASE
            .by_code(&code)?
            .into_iter()
            .find(|m| m.id() == "001")
    } else {
        DATABASE.by_id(id)
    }
}

/// A transform rule in the Python form (`\1` for `$1`).
fn python_rule(rule: &str) -> String {
    rule.replace('$', "\\")
}

fn hex_sha256(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_metadata_is_the_one_the_fixture_was_made_with() {
    let data = fixture();
    let mut failures = Vec::new();
    let rows = data["metadata"].as_array().unwrap();
    for row in rows {
        let id = row["id"].as_str().unwrap();
        let code = u16::try_from(row["cc"].as_u64().unwrap()).unwrap();
        let Some(meta) = metadata(id, code) else {
            failures.push(format!("{id} {code}: no metadata"));
            continue;
        };
        let (lengths, local) = general_lengths(meta);
        let general = source(meta.descriptors().general().national_number().as_str());
        let ours = serde_json::json!({
            "id": id,
            "cc": meta.country_code(),
            "main": main_metadata(code).map(Metadata::id),
            "idd": meta.international_prefix().map(|p| source(p.as_str())),
            "np": meta.national_prefix(),
            "npfp": national_prefix_for_parsing(meta),
            "transform": meta.national_prefix_transform_rule().map(python_rule),
            "general_sha256": hex_sha256(&general),
            "lengths": lengths,
            "local": local,
        });
        if &ours != row {
            failures.push(format!("{ours}\n  != {row}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}: {failures:#?}",
        data["phonenumbers"]
    );
    let codes: Vec<u64> = data["country_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let ours: Vec<u64> = (1..1000u16)
        .filter(|c| DATABASE.by_code(c).is_some())
        .map(u64::from)
        .collect();
    assert_eq!(ours, codes);
    let ids: BTreeSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(DATABASE.iter().all(|m| ids.contains(m.id())));
}
