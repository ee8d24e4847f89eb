//! The phone key's contract, case by case (`normalize_phone`), and the
//! North American fast path against the full rules.

use super::phone::{full_key, nanp_fast_path, normalize_phone};
use super::region::PhoneRegion;

fn region(code: &str) -> PhoneRegion {
    PhoneRegion::parse(code).unwrap()
}

fn key(raw: &str, code: &str) -> Option<String> {
    normalize_phone(raw, region(code))
}

fn check(cases: &[(&str, &str, Option<&str>)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(code, input, expected)| {
            let got = key(input, code);
            (got.as_deref() != expected)
                .then(|| format!("{code} {input:?}: {got:?} != {expected:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_plus_number_keeps_its_country_code_whatever_its_punctuation() {
    // Defect 1: these fell back to their digits.
    let pairs = [
        ("+4420-7946-0123", "+44 20 7946 0123", "+442079460123"),
        ("+331.45.67.89.01", "+33 1 45 67 89 01", "+33145678901"),
        ("+447911-123456", "+44 7911 123456", "+447911123456"),
        ("+813-1234-5678", "+81 3 1234 5678", "+81312345678"),
        ("+612-9876-5432", "+61 2 9876 5432", "+61298765432"),
    ];
    for (glued, spaced, expected) in pairs {
        for code in ["US", "DE", "FR"] {
            assert_eq!(
                key(glued, code).as_deref(),
                Some(expected),
                "{glued} {code}"
            );
            assert_eq!(
                key(spaced, code).as_deref(),
                Some(expected),
                "{spaced} {code}"
            );
        }
    }
}

#[test]
fn digits_of_any_script_are_digits() {
    // Defect 2.
    let full_width = key("（５５５）２４６-８０９９", "US");
    assert_eq!(full_width.as_deref(), Some("+15552468099"));
    assert_eq!(key("(555) 246-8099", "US"), full_width);
    assert_eq!(key("٥٥٥٣٣٣٤٤٤٤", "US"), key("555-333-4444", "US"));
    assert_eq!(key("٥٥٥٣٣٣٤٤٤٤", "US").as_deref(), Some("+15553334444"));
    assert_eq!(key("۵۵۵-۳۳۳-۴۴۴۴", "US").as_deref(), Some("+15553334444"));
}

#[test]
fn letters_are_keypad_digits() {
    // Defect 3: the X of FAX is no extension mark.
    check(&[
        ("US", "1-800-FAX-2000", Some("+18003292000")),
        ("US", "1-800-BOX-1234", Some("+18002691234")),
        ("US", "1-800-329-2000", Some("+18003292000")),
        ("US", "1-800-TEXT-123", Some("+18008398123")),
        ("US", "1-800-FLOWERS", Some("+18003569377")),
        ("US", "1-800-FLOWERS ext. 12", Some("+18003569377")),
        ("DE", "1-800-FAX-2000", Some("+4918003292000")),
        ("DE", "1-800-BOX-1234", Some("+4918002691234")),
    ]);
}

#[test]
fn the_international_prefix_is_the_regions() {
    // Defect 4: 00 is no international prefix in the US (011 is).
    check(&[
        ("US", "0049 89 1234567", Some("0049891234567")),
        ("US", "+49 89 1234567", Some("+49891234567")),
        ("US", "011 49 89 1234567", Some("+49891234567")),
        ("DE", "0049 89 1234567", Some("+49891234567")),
        ("DE", "+49 89 1234567", Some("+49891234567")),
        ("DE", "089 1234567", Some("+49891234567")),
        ("US", "0033 1 23 45 67 89", Some("0033123456789")),
        ("FR", "0033 1 23 45 67 89", Some("+33123456789")),
        ("US", "011 33 1 23 45 67 89", Some("+33123456789")),
    ]);
}

#[test]
fn phones_are_normalized() {
    check(&[
        // The contract's example: one key.
        ("US", "+1 (555) 123-4567", Some("+15551234567")),
        ("US", "555.123.4567", Some("+15551234567")),
        ("US", "15551234567", Some("+15551234567")),
        ("US", "(555) 123-4567", Some("+15551234567")),
        ("US", "  555 123 4567  ", Some("+15551234567")),
        ("US", "tel:+1-555-123-4567", Some("+15551234567")),
        // Extensions are dropped.
        ("US", "555-123-4567 ext. 89", Some("+15551234567")),
        ("US", "555-123-4567 x89", Some("+15551234567")),
        ("US", "555-123-4567 EXT 89", Some("+15551234567")),
        ("US", "555-123-4567#89", Some("+15551234567")),
        ("US", "tel:+1-555-123-4567;ext=89", Some("+15551234567")),
        ("US", "555-123-4567,,89", Some("+15551234567")),
        // Valid numbers.
        ("US", "+1 650 253 0000", Some("+16502530000")),
        ("US", "650-253-0000", Some("+16502530000")),
        // International and national formats.
        ("US", "+33 1 23 45 67 89", Some("+33123456789")),
        ("FR", "01 23 45 67 89", Some("+33123456789")),
        ("FR", "33 1 23 45 67 89", Some("+33123456789")),
        ("GB", "020 7946 0018", Some("+442079460018")),
        ("FR", "+44 20 7946 0018", Some("+442079460018")),
        ("FR", "+1 650 253 0000", Some("+16502530000")),
        // Possible only locally: still possible for libphonenumber.
        ("US", "555-1234", Some("+15551234")),
        // Unparsable or impossible: digits only.
        ("US", "12", Some("12")),
        ("US", "123456789012345678", Some("123456789012345678")),
        ("US", "+999 123 456", Some("999123456")),
        ("US", "abc 12-3", Some("123")),
        ("US", "555, 12", Some("555")),
        // No digits: no key.
        ("US", "", None),
        ("US", "   ", None),
        ("US", "n/a", None),
        ("US", "+", None),
    ]);
}

#[test]
fn odd_inputs_never_panic() {
    let long = "9".repeat(300);
    let inputs = [
        "  2 22#:",
        "+",
        "++1",
        "((((",
        "0",
        "00",
        "000",
        "0000000000000000000000000000000",
        "+00 1234567",
        "x123",
        "ext",
        "+1 ext 5",
        "１２３４５６７８９０",
        "☎ 555 123 4567 📞",
        "tel:",
        "tel:;ext=1",
        "99999999999999999999999999999999999999",
        "+1-555-123-4567;;;",
        "%%%",
        "é",
        "+é1",
        "011",
        "0110",
        "+33",
        "1e10",
        "-5",
        ";phone-context=",
        "tel:1;phone-context=+",
        ".;phone-context=",
        "+dwPAA;phone-context=AA",
        "1;isub=2",
        "٥",
        "𝟘𝟙𝟚",
        &long,
    ];
    for code in ["US", "FR", "GB", "DE", "JP", "IT", "AR", "BR"] {
        for input in inputs {
            if let Some(key) = key(input, code) {
                let digits = key.strip_prefix('+').unwrap_or(&key);
                assert!(
                    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                    "{code} {input:?}: {key}"
                );
            }
        }
    }
}

#[test]
fn the_north_american_fast_path_agrees_with_the_full_rules() {
    let formats = [
        "{a}{b}{c}",
        "({a}) {b}-{c}",
        "{a}.{b}.{c}",
        "1{a}{b}{c}",
        "+1 {a} {b} {c}",
        "1-{a}-{b}-{c}",
        "+1({a}){b}-{c}",
        "+{a}{b}{c}",
        " 1 ({a}) {b} {c}. ",
    ];
    let regions = ["US", "CA", "BS", "JM", "PR", "AG", "DM", "FR", "DE", "GB"];
    let mut seed = 7u64;
    let mut fast = 0;
    for _ in 0..300 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = seed >> 20;
        let (a, b, c) = (
            format!("{:03}", n % 1000),
            format!("{:03}", (n / 1000) % 1000),
            format!("{:04}", (n / 1_000_000) % 10_000),
        );
        for f in formats {
            let raw = f.replace("{a}", &a).replace("{b}", &b).replace("{c}", &c);
            for r in regions {
                if let Some(quick) = nanp_fast_path(&raw, region(r)) {
                    fast += 1;
                    assert_eq!(Some(quick), full_key(&raw, region(r)), "{raw} in {r}");
                }
            }
        }
    }
    assert!(fast > 10_000, "{fast}");
}
