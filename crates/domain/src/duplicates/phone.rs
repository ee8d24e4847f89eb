//! Phone keys: E.164 through the `phonenumber` crate, digits as a fallback.

use phonenumber::country::Source;
use phonenumber::metadata::DATABASE;
use phonenumber::PhoneNumber;

use super::region::PhoneRegion;

/// The match key of a phone number.
///
/// * An extension is dropped so that the same line matches: the text from the
///   first `x`, `ext` (any case), `#`, `,` or `;` that follows a digit is
///   ignored (`555-123-4567 ext. 89` is `+15551234567`). A leading `tel:` is
///   ignored too.
/// * The rest is parsed by the `phonenumber` crate with `region` as default
///   region and written in E.164 (`+15551234567`). A number written with `+`
///   or with the region's international prefix (`011` from `US`, `00` from
///   `FR`) keeps its own country code. The parsed number is accepted when it is
///   *possible*, not necessarily valid: its national number has a length its
///   country uses for full numbers (so `+1 555 123 4567`, `555.123.4567` and
///   `15551234567` are all `+15551234567`, although 555 is no real area code).
/// * Otherwise, digits starting with `00` are retried as `+…` (`0033 1 23 45
///   67 89` from `US` is `+33123456789`) and accepted when that is possible
///   and valid.
/// * Otherwise the key is the ASCII digits of the number alone (letters and
///   punctuation dropped): `555-1234`, which is only possible locally, is
///   `5551234`.
///
/// `None` when there is no digit at all (blank, letters only).
pub fn normalize_phone(raw: &str, region: PhoneRegion) -> Option<String> {
    let main = strip_extension(raw);
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    if let Some(key) = nanp_fast_path(main, &digits, region) {
        return Some(key);
    }
    Some(parse_e164(main, &digits, region).unwrap_or(digits))
}

/// The E.164 form of a plainly written North American number, without the
/// cost of the full parser (which dominates a duplicates scan): digits and
/// `space - . ( )` only, a `+` only in front, and either `+1` with ten digits
/// or, in a region of calling code 1, ten digits or `1` and ten digits, the
/// area code starting with 2-9. The result is the one `parse_e164` gives
/// (a test compares both on many numbers).
fn nanp_fast_path(main: &str, digits: &str, region: PhoneRegion) -> Option<String> {
    let body = main.trim_start();
    let (plus, body) = match body.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'(' | b')'))
    {
        return None;
    }
    let area_ok = |d: &str| {
        d.as_bytes()
            .first()
            .is_some_and(|b| (b'2'..=b'9').contains(b))
    };
    let national = match digits.len() {
        11 if digits.starts_with('1') && area_ok(&digits[1..]) => &digits[1..],
        10 if !plus && area_ok(digits) => digits,
        _ => return None,
    };
    if !plus && region.calling_code() != Some(1) {
        return None;
    }
    Some(format!("+1{national}"))
}

/// The number without `tel:`, surrounding white space and any extension.
fn strip_extension(raw: &str) -> &str {
    let s = raw.trim();
    let s = match s.get(..4) {
        Some(head) if head.eq_ignore_ascii_case("tel:") => &s[4..],
        _ => s,
    };
    let mut seen_digit = false;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() {
            seen_digit = true;
        } else if seen_digit {
            let rest = &s[i..];
            let is_ext = matches!(c, 'x' | 'X' | '#' | ',' | ';')
                || rest.get(..3).is_some_and(|h| h.eq_ignore_ascii_case("ext"));
            if is_ext {
                return s[..i].trim_end();
            }
        }
    }
    s
}

/// The E.164 form of `main`, when the `phonenumber` crate gives an
/// acceptable number (see [`normalize_phone`]).
fn parse_e164(main: &str, digits: &str, region: PhoneRegion) -> Option<String> {
    let international = main
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .starts_with(['+', '\u{FF0B}']);
    let primary = if international {
        // Without a default region: the crate would otherwise strip the
        // default region's national prefix from a foreign number.
        phonenumber::parse(None, main).ok()
    } else {
        phonenumber::parse(Some(region.0), main)
            .ok()
            .and_then(|n| reparse_foreign_idd(n, digits, region))
    };
    if let Some(number) = primary.filter(is_possible) {
        return Some(e164(&number));
    }
    if international {
        return None;
    }
    let rest = digits.strip_prefix("00")?;
    let number = phonenumber::parse(None, format!("+{rest}")).ok()?;
    (is_possible(&number) && phonenumber::is_valid(&number)).then(|| e164(&number))
}

/// A number dialled with the region's international prefix to another country
/// is parsed again as `+<digits after the prefix>`, for the same reason as
/// numbers written with `+`.
fn reparse_foreign_idd(
    number: PhoneNumber,
    digits: &str,
    region: PhoneRegion,
) -> Option<PhoneNumber> {
    let foreign = number.code().source() == Source::Idd
        && region.calling_code() != Some(number.code().value());
    if !foreign {
        return Some(number);
    }
    let meta = DATABASE.by_id(region.0.as_ref())?;
    let idd = meta.international_prefix()?.find(digits)?;
    if idd.start() != 0 {
        return None;
    }
    phonenumber::parse(None, format!("+{}", &digits[idd.end()..])).ok()
}

/// Whether the national number has a length its country uses for full
/// numbers: the possible lengths of any number type but emergency and short
/// codes, in the metadata of the number's region (or of the main region of its
/// calling code when no region claims it). Lengths only diallable locally do
/// not count.
fn is_possible(number: &PhoneNumber) -> bool {
    let Ok(len) = u16::try_from(number.national().to_string().len()) else {
        return false;
    };
    let by_region = number
        .country()
        .id()
        .and_then(|id| DATABASE.by_id(id.as_ref()));
    let Some(meta) = by_region.or_else(|| main_region(number.code().value())) else {
        return false;
    };
    let d = meta.descriptors();
    let types = [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ];
    std::iter::once(d.general())
        .chain(types.into_iter().flatten())
        .any(|desc| desc.possible_length().contains(&len))
}

/// The metadata of the main region of a calling code (`US` for 1).
fn main_region(code: u16) -> Option<&'static phonenumber::Metadata> {
    let metas = DATABASE.by_code(&code)?;
    metas
        .iter()
        .find(|meta| meta.is_main_country_for_code())
        .or_else(|| metas.first())
        .copied()
}

/// `+<country code><national number>`, without extension.
fn e164(number: &PhoneNumber) -> String {
    format!("+{}{}", number.code().value(), number.national())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_north_american_fast_path_agrees_with_the_parser() {
        let formats = [
            "{a}{b}{c}",
            "({a}) {b}-{c}",
            "{a}.{b}.{c}",
            "1{a}{b}{c}",
            "+1 {a} {b} {c}",
            "1-{a}-{b}-{c}",
            "+1({a}){b}-{c}",
            "+{a}{b}{c}",
        ];
        let mut seed = 7u64;
        for _ in 0..400 {
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
                for r in ["US", "CA", "FR"] {
                    let region = region(r);
                    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
                    let slow = parse_e164(&raw, &digits, region).unwrap_or_else(|| digits.clone());
                    if let Some(fast) = nanp_fast_path(&raw, &digits, region) {
                        assert_eq!(fast, slow, "{raw} in {r}");
                    }
                }
            }
        }
    }

    fn region(code: &str) -> PhoneRegion {
        PhoneRegion::parse(code).unwrap()
    }

    #[test]
    fn phones_are_normalized() {
        let cases = [
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
            // Valid numbers.
            ("US", "+1 650 253 0000", Some("+16502530000")),
            ("US", "650-253-0000", Some("+16502530000")),
            ("US", "1-800-FLOWERS", Some("+18003569377")),
            // International formats.
            ("US", "+33 1 23 45 67 89", Some("+33123456789")),
            ("FR", "+33 1 23 45 67 89", Some("+33123456789")),
            ("FR", "0033 1 23 45 67 89", Some("+33123456789")),
            ("US", "0033 1 23 45 67 89", Some("+33123456789")),
            ("US", "011 33 1 23 45 67 89", Some("+33123456789")),
            ("FR", "01 23 45 67 89", Some("+33123456789")),
            ("FR", "33 1 23 45 67 89", Some("+33123456789")),
            ("GB", "020 7946 0018", Some("+442079460018")),
            ("FR", "+44 20 7946 0018", Some("+442079460018")),
            ("FR", "+1 650 253 0000", Some("+16502530000")),
            // Unparsable or impossible: digits only.
            ("US", "555-1234", Some("5551234")),
            ("US", "12", Some("12")),
            ("US", "123456789012345678", Some("123456789012345678")),
            ("US", "+999 123 456", Some("999123456")),
            ("US", "abc 12-3", Some("123")),
            // No digits: no key.
            ("US", "", None),
            ("US", "   ", None),
            ("US", "n/a", None),
            ("US", "+", None),
        ];
        let failures: Vec<String> = cases
            .into_iter()
            .filter_map(|(code, input, expected)| {
                let got = normalize_phone(input, region(code));
                (got.as_deref() != expected)
                    .then(|| format!("{code} {input:?}: {got:?} != {expected:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn odd_inputs_never_panic() {
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
        ];
        for region in ["US", "FR", "GB", "DE", "JP", "IT"] {
            for input in inputs {
                if let Some(key) = normalize_phone(input, PhoneRegion::parse(region).unwrap()) {
                    let digits = key.strip_prefix('+').unwrap_or(&key);
                    assert!(
                        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                        "{region} {input:?}: {key}"
                    );
                }
            }
        }
    }

    #[test]
    fn extensions_are_cut() {
        let cases = [
            ("555-123-4567 ext. 89", "555-123-4567"),
            ("555-123-4567x89", "555-123-4567"),
            ("tel:+1-555;ext=1", "+1-555"),
            ("fax: 555 123", "fax: 555 123"),
            ("  +33 1 23 45 67 89 ", "+33 1 23 45 67 89"),
            ("555, 12", "555"),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_extension(input), expected, "{input:?}");
        }
    }
}
