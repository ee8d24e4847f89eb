//! libphonenumber's metadata rules, read from the `phonenumber` crate's
//! database exactly as libphonenumber's `PhoneNumberUtil` reads its own:
//! possible lengths, the general number pattern, the international dialling
//! prefix and the national prefix for parsing.

use phonenumber::metadata::{Descriptor, DATABASE};
use phonenumber::Metadata;

use super::phone_regex::{cached, Spans};

/// What `_test_number_length` says of a national number's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Length {
    Possible,
    LocalOnly,
    TooShort,
    /// A length between two possible ones (`INVALID_LENGTH`).
    Invalid,
    TooLong,
}

/// The metadata of the main region of a calling code (`US` for 1, the
/// non-geographic entity `001` for 800), as `region_code_for_country_code`.
pub(super) fn main_metadata(code: u16) -> Option<&'static Metadata> {
    DATABASE.by_code(&code)?.first().copied()
}

/// Whether a calling code has metadata (`COUNTRY_CODE_TO_REGION_CODE`).
pub(super) fn is_country_code(code: u16) -> bool {
    DATABASE.by_code(&code).is_some()
}

/// The descriptors whose lengths make the general description's, as
/// libphonenumber's metadata build computes them (all number types but
/// `noInternationalDialling`).
fn typed(meta: &Metadata) -> impl Iterator<Item = &Descriptor> {
    let d = meta.descriptors();
    [
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
    ]
    .into_iter()
    .flatten()
}

/// The general description's possible lengths and local-only lengths (those
/// that are not also possible lengths), sorted.
pub(super) fn general_lengths(meta: &Metadata) -> (Vec<u16>, Vec<u16>) {
    let mut possible: Vec<u16> = typed(meta)
        .flat_map(|d| d.possible_length().iter().copied())
        .collect();
    possible.sort_unstable();
    possible.dedup();
    let mut local: Vec<u16> = typed(meta)
        .flat_map(|d| d.possible_local_length().iter().copied())
        .filter(|l| !possible.contains(l))
        .collect();
    local.sort_unstable();
    local.dedup();
    (possible, local)
}

/// libphonenumber's `_test_number_length` for the unknown number type.
pub(super) fn test_length(national: &str, meta: &Metadata) -> Length {
    let (possible, local) = general_lengths(meta);
    let Ok(len) = u16::try_from(national.chars().count()) else {
        return Length::TooLong;
    };
    if local.contains(&len) {
        return Length::LocalOnly;
    }
    let (Some(&min), Some(&max)) = (possible.first(), possible.last()) else {
        return Length::Invalid;
    };
    if len == min || possible.contains(&len) {
        Length::Possible
    } else if len < min {
        Length::TooShort
    } else if len > max {
        Length::TooLong
    } else {
        Length::Invalid
    }
}

/// A metadata pattern with its white space removed (the `phonenumber` crate
/// keeps the XML's layout; libphonenumber's build strips it).
pub(super) fn source(pattern: &str) -> String {
    pattern.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `national` matches the region's general number pattern in full.
pub(super) fn matches_general(national: &str, meta: &Metadata) -> bool {
    let pattern = source(meta.descriptors().general().national_number().as_str());
    cached(format!("^(?:{pattern})$")).is_some_and(|p| p.is_match(national))
}

/// The end of the region's international dialling prefix at the start of
/// `number` (`011` from `US`, `00` from `DE`).
pub(super) fn idd_end(number: &str, meta: &Metadata) -> Option<usize> {
    let pattern = source(meta.international_prefix()?.as_str());
    cached(format!("^(?:{pattern})"))?
        .find(number)
        .map(|(_, end)| end)
}

/// The national prefix for parsing: the metadata's, or the national prefix
/// itself when it has none (as libphonenumber's metadata build sets it).
pub(super) fn national_prefix_for_parsing(meta: &Metadata) -> Option<String> {
    let pattern = match meta.national_prefix_for_parsing() {
        Some(p) => source(p.as_str()),
        None => source(meta.national_prefix()?),
    };
    (!pattern.is_empty()).then_some(pattern)
}

/// libphonenumber's `_maybe_strip_national_prefix_carrier_code`: `number`
/// without its national prefix (and carrier code), or transformed by the
/// region's transform rule, unless that would turn a number matching the
/// general pattern into one that does not.
pub(super) fn strip_national_prefix(number: &str, meta: &Metadata) -> String {
    let unchanged = || number.to_owned();
    let Some(pattern) = national_prefix_for_parsing(meta) else {
        return unchanged();
    };
    let Some(prefix) = cached(format!("^(?:{pattern})")) else {
        return unchanged();
    };
    let Some(groups) = prefix.captures(number).filter(|_| !number.is_empty()) else {
        return unchanged();
    };
    let end = groups.first().copied().flatten().map_or(0, |(_, end)| end);
    let viable = matches_general(number, meta);
    let rule = meta
        .national_prefix_transform_rule()
        .filter(|r| !r.is_empty());
    let last_matched = groups.len() > 1 && groups.last().is_some_and(Option::is_some);
    let candidate = match rule {
        Some(rule) if last_matched => expand(rule, &groups, number) + &number[end..],
        _ => number[end..].to_owned(),
    };
    if viable && !matches_general(&candidate, meta) {
        return unchanged();
    }
    candidate
}

/// A transform rule with its group references (`$1` or `\1`) replaced by
/// the groups' text (empty for a group that did not take part).
fn expand(rule: &str, groups: &Spans, number: &str) -> String {
    let mut out = String::new();
    let mut chars = rule.chars().peekable();
    while let Some(c) = chars.next() {
        let group = match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('$' | '\\', Some(g)) => g as usize,
            _ => {
                out.push(c);
                continue;
            }
        };
        chars.next();
        if let Some(Some((s, e))) = groups.get(group) {
            out.push_str(&number[*s..*e]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str) -> &'static Metadata {
        DATABASE.by_id(id).unwrap()
    }

    #[test]
    fn lengths_follow_libphonenumber() {
        let us = meta("US");
        assert_eq!(general_lengths(us), (vec![10], vec![7]));
        assert_eq!(test_length("5551234567", us), Length::Possible);
        assert_eq!(test_length("5551234", us), Length::LocalOnly);
        assert_eq!(test_length("555123", us), Length::TooShort);
        assert_eq!(test_length("55512345", us), Length::TooShort);
        assert_eq!(test_length("1234567890", meta("CH")), Length::Invalid);
        assert_eq!(test_length("555123456789", us), Length::TooLong);
        assert_eq!(main_metadata(1).map(Metadata::id), Some("US"));
        assert_eq!(main_metadata(800).map(Metadata::id), Some("001"));
        assert!(is_country_code(49) && !is_country_code(999));
    }

    #[test]
    fn national_prefixes_are_stripped_or_transformed() {
        let cases = [
            ("DE", "08912345678", "8912345678"),
            ("US", "16502530000", "6502530000"),
            ("BS", "3251234", "2423251234"),
            ("AR", "0111523456789", "91123456789"),
            ("BR", "0151123456789", "1123456789"),
            ("IT", "0212345678", "0212345678"),
            ("DE", "", ""),
        ];
        for (region, number, expected) in cases {
            assert_eq!(
                strip_national_prefix(number, meta(region)),
                expected,
                "{region} {number}"
            );
        }
        assert_eq!(idd_end("01133123", meta("US")), Some(3));
        assert_eq!(idd_end("0033123", meta("US")), None);
    }
}
