//! Phone keys: the E.164 form libphonenumber gives a number, digits as a
//! fallback. libphonenumber's parsing is ported step for step
//! (`phone_parse`, `phone_text`, `phone_meta`) on the `phonenumber` crate's
//! metadata, and a fixture generated with libphonenumber itself
//! (`scripts/phone_fixture.py`, `fixtures/phones.json`) proves the keys agree.

use super::phone_digits::ascii_digit;
use super::phone_parse::{parse, Parsed};
use super::phone_text::{convert_alpha, text, Text};
use super::region::PhoneRegion;

/// The match key of a phone number: what Google's libphonenumber reads in
/// it, with `region` as the default region.
///
/// 1. **Vanity numbers.** When the number (as libphonenumber extracts it:
///    from its first digit or plus sign) has three or more ASCII letters and
///    the extension mark libphonenumber finds in it is glued to a preceding
///    letter (the `X` of `1-800-FAX-2000`, the `EXT` of `1-800-TEXT-123`),
///    its letters are read as keypad digits first (`1-800-329-2000`), so that
///    a word is not cut as an extension.
/// 2. **Parsed numbers.** libphonenumber's `parse(text, region)`; when it
///    parses and `is_possible_number` holds (the national number has the
///    length of a full number of its country, or of a number only diallable
///    locally), the key is the E.164 form `+<country code><national number>`.
///    So, as libphonenumber does:
///    * the extension is dropped (`ext. 89`, `x89`, `#89`, `;ext=89`,
///      `,,89`): `555-123-4567 ext. 89` is `+15551234567`; a leading `tel:`
///      or other text before the first digit or `+` is ignored;
///    * a number with `+` keeps its own country code, whatever is glued to it
///      (`+4420-7946-0123` is `+442079460123`);
///    * the region's international dialling prefix only counts in its region:
///      `011` from `US`, `00` from `DE` (`0049 89 1234567` is `+49891234567`
///      from `DE`, but from `US` it is no possible number, so its digits
///      below); there is no other `00` rule;
///    * the region's national (trunk) prefix is dropped (`089 1234567` from
///      `DE`, `1 555 123 4567` from `US`);
///    * digits of any script (Unicode category Nd: full width `５`,
///      Arabic-Indic `٥`, …) are read as ASCII digits;
///    * three or more letters make an alpha number: its letters are keypad
///      digits (`1-800-FLOWERS` is `+18003569377`), fewer are ignored;
///    * possible is not valid: `555.123.4567` is `+15551234567` although 555
///      is no real area code, and `555-1234` (local only) is `+15551234`.
/// 3. **Fallback.** Otherwise the key is the digits of the extracted number
///    without its extension (libphonenumber's extension rule), read as in 2
///    (any script, keypad letters for an alpha number): `12` is `12`,
///    `+999 123 456` (unknown country code) is `999123456`, `abc 12-3` is
///    `123`.
///
/// `None` when there is no digit at all (blank, `n/a`, `+`).
pub fn normalize_phone(raw: &str, region: PhoneRegion) -> Option<String> {
    if let Some(key) = nanp_fast_path(raw, region) {
        return Some(key);
    }
    full_key(raw, region)
}

/// The key through the full libphonenumber rules (no fast path).
pub(super) fn full_key(raw: &str, region: PhoneRegion) -> Option<String> {
    let Some(t) = text() else {
        // Unreachable (the patterns are constant and tested): digits only.
        let digits: String = raw.chars().filter_map(ascii_digit).collect();
        return (!digits.is_empty()).then_some(digits);
    };
    let converted = vanity(t, raw);
    let text = converted.as_deref().unwrap_or(raw);
    let parsed = region.metadata().and_then(|meta| parse(t, text, meta).ok());
    match parsed.filter(Parsed::is_possible) {
        Some(number) => Some(number.e164()),
        None => fallback(t, text),
    }
}

/// Step 1: the extracted number with its letters as keypad digits, when it
/// is a vanity number whose letters hold what libphonenumber takes for an
/// extension mark.
pub(super) fn vanity(t: &Text, raw: &str) -> Option<String> {
    let number = t.extract(raw);
    if !t.is_alpha(number) {
        return None;
    }
    let start = t.extension_start(number)?;
    let before = number[..start].chars().next_back()?;
    let at = number[start..].chars().next()?;
    (before.is_ascii_alphabetic() && at.is_ascii_alphabetic()).then(|| convert_alpha(number))
}

/// Step 3: the normalized digits of the extracted number without its
/// extension; `None` when there are none.
pub(super) fn fallback(t: &Text, text: &str) -> Option<String> {
    let number = t.strip_extension(t.extract(text));
    let digits = t.normalize(number);
    (!digits.is_empty()).then_some(digits)
}

/// The key of a plainly written North American number, without the cost of
/// the full rules (which dominate a duplicates scan): ASCII digits and
/// `space - . ( )` only, a `+` only in front, and either `+1` with ten digits
/// or, in a region of calling code 1, ten digits or `1` and ten digits, the
/// area code starting with 2-9. The result is the one `full_key` gives
/// (tests compare both on the fixture and on many numbers and regions).
pub(super) fn nanp_fast_path(raw: &str, region: PhoneRegion) -> Option<String> {
    let body = raw.trim();
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
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let area_ok = |d: &str| {
        d.as_bytes()
            .first()
            .is_some_and(|b| (b'2'..=b'9').contains(b))
    };
    let national = match digits.len() {
        11 if digits.starts_with('1') && area_ok(&digits[1..]) => &digits[1..],
        10 if !plus && area_ok(&digits) => &digits,
        _ => return None,
    };
    if !plus && region.calling_code() != Some(1) {
        return None;
    }
    Some(format!("+1{national}"))
}
