//! libphonenumber's `parse` and `is_possible_number`, step for step (the
//! Python port's `phonenumberutil.py`), on the `phonenumber` crate's metadata.
//! Only what the match key needs is kept: the country calling code and the
//! national significant number (no extension, carrier code or raw input).

use phonenumber::Metadata;

use super::phone_meta::{
    idd_end, is_country_code, main_metadata, matches_general, strip_national_prefix, test_length,
    Length,
};
use super::phone_text::Text;

/// `_MAX_INPUT_STRING_LENGTH`, in characters.
const MAX_INPUT_CHARS: usize = 250;
/// `_MIN_LENGTH_FOR_NSN` and `_MAX_LENGTH_FOR_NSN`.
const MIN_NSN: usize = 2;
const MAX_NSN: usize = 17;

/// Why libphonenumber does not parse a text (its `NumberParseException` types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    NotANumber,
    InvalidCountryCode,
    TooShortAfterIdd,
    TooShortNsn,
    TooLong,
}

/// A parsed number: calling code and national significant number (ASCII
/// digits, leading zeros kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parsed {
    pub(super) code: u16,
    pub(super) national: String,
}

impl Parsed {
    /// `format_number(…, E164)`: `+<code><national>`.
    pub(super) fn e164(&self) -> String {
        format!("+{}{}", self.code, self.national)
    }

    /// `is_possible_number`: the length of a full number or of a local-only
    /// number of the calling code's main region.
    pub(super) fn is_possible(&self) -> bool {
        main_metadata(self.code).is_some_and(|meta| {
            matches!(
                test_length(&self.national, meta),
                Length::Possible | Length::LocalOnly
            )
        })
    }
}

/// `parse(raw, region)`.
pub(super) fn parse(t: &Text, raw: &str, region: &'static Metadata) -> Result<Parsed, Failure> {
    if raw.chars().nth(MAX_INPUT_CHARS).is_some() {
        return Err(Failure::TooLong);
    }
    let built = national_for_parsing(t, raw)?;
    if !t.is_viable(&built) {
        return Err(Failure::NotANumber);
    }
    let number = t.strip_extension(&built);
    let (code, national) = match extract_country_code(t, number, region) {
        Err(Failure::InvalidCountryCode) => {
            let rest = t.strip_plus(number).ok_or(Failure::InvalidCountryCode)?;
            match extract_country_code(t, rest, region)? {
                (0, _) => return Err(Failure::InvalidCountryCode),
                found => found,
            }
        }
        other => other?,
    };
    let (code, meta, mut national) = if code != 0 {
        let main = main_metadata(code).ok_or(Failure::InvalidCountryCode)?;
        let meta = if main.id() == region.id() {
            region
        } else {
            main
        };
        (code, meta, national)
    } else {
        (region.country_code(), region, t.normalize(number))
    };
    if national.len() < MIN_NSN {
        return Err(Failure::TooShortNsn);
    }
    let potential = strip_national_prefix(&national, meta);
    let kept = matches!(
        test_length(&potential, meta),
        Length::TooShort | Length::LocalOnly | Length::Invalid
    );
    if !kept {
        national = potential;
    }
    if national.len() < MIN_NSN {
        return Err(Failure::TooShortNsn);
    }
    if national.len() > MAX_NSN {
        return Err(Failure::TooLong);
    }
    Ok(Parsed { code, national })
}

/// `_build_national_number_for_parsing`: an RFC 3966 number with a
/// `phone-context` is its context (when global) and the part between `tel:`
/// and the context; any other text is its extracted number. An ISDN
/// subaddress is dropped.
fn national_for_parsing(t: &Text, raw: &str) -> Result<String, Failure> {
    const CONTEXT: &str = ";phone-context=";
    let mut national = match raw.find(CONTEXT) {
        None => t.extract(raw).to_owned(),
        Some(index) => {
            let rest = &raw[index + CONTEXT.len()..];
            let context = rest.split(';').next().unwrap_or_default();
            let valid = t.global_digits.is_match(context) || t.domain_name.is_match(context);
            if context.is_empty() || !valid {
                return Err(Failure::NotANumber);
            }
            let mut national = String::new();
            if context.starts_with('+') {
                national.push_str(context);
            }
            let from = raw.find("tel:").map_or(0, |i| i + "tel:".len());
            national.push_str(raw.get(from..index).unwrap_or_default());
            national
        }
    };
    if let Some(index) = national.find(";isub=").filter(|&i| i > 0) {
        national.truncate(index);
    }
    Ok(national)
}

/// `_maybe_extract_country_code`: the calling code and the rest when the
/// number starts with a plus sign, the region's international prefix, or the
/// region's own calling code (taken only when that makes the number fit the
/// region better); `(0, "")` otherwise.
fn extract_country_code(
    t: &Text,
    number: &str,
    region: &Metadata,
) -> Result<(u16, String), Failure> {
    if number.is_empty() {
        return Ok((0, String::new()));
    }
    let (international, full) = match t.strip_plus(number) {
        Some(rest) => (true, t.normalize(rest)),
        None => {
            let normalized = t.normalize(number);
            match idd_end(&normalized, region) {
                // A calling code never starts with 0.
                Some(end) if !normalized[end..].starts_with('0') => {
                    (true, normalized[end..].to_owned())
                }
                _ => (false, normalized),
            }
        }
    };
    if international {
        if full.len() <= MIN_NSN {
            return Err(Failure::TooShortAfterIdd);
        }
        return split_country_code(&full).ok_or(Failure::InvalidCountryCode);
    }
    let code = region.country_code();
    if let Some(rest) = full.strip_prefix(&code.to_string()) {
        let potential = strip_national_prefix(rest, region);
        let better = !matches_general(&full, region) && matches_general(&potential, region);
        if better || test_length(&full, region) == Length::TooLong {
            return Ok((code, potential));
        }
    }
    Ok((0, String::new()))
}

/// `_extract_country_code`: the first one to three digits that are a
/// calling code, and the rest.
fn split_country_code(number: &str) -> Option<(u16, String)> {
    if number.starts_with('0') {
        return None;
    }
    (1..=3.min(number.len())).find_map(|len| {
        let code: u16 = number.get(..len)?.parse().ok()?;
        is_country_code(code).then(|| (code, number[len..].to_owned()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duplicates::phone_text::text;
    use phonenumber::metadata::DATABASE;

    fn run(raw: &str, region: &str) -> Result<(u16, String, bool), Failure> {
        let meta = DATABASE.by_id(region).unwrap();
        let p = parse(text().unwrap(), raw, meta)?;
        let possible = p.is_possible();
        Ok((p.code, p.national, possible))
    }

    #[test]
    fn parses_like_libphonenumber() {
        let ok = |c: u16, n: &str, p: bool| Ok((c, n.to_owned(), p));
        assert_eq!(run("+44 20 7946 0123", "US"), ok(44, "2079460123", true));
        assert_eq!(run("011 33 1 23 45 67 89", "US"), ok(33, "123456789", true));
        assert_eq!(run("0049 89 1234567", "US"), ok(1, "0049891234567", false));
        assert_eq!(run("0049 89 1234567", "DE"), ok(49, "891234567", true));
        assert_eq!(run("+0049 89 1234567", "DE"), ok(49, "891234567", true));
        assert_eq!(run("15551234567", "US"), ok(1, "5551234567", true));
        assert_eq!(run("555-1234", "US"), ok(1, "5551234", true));
        assert_eq!(
            run("tel:03-331-6005;phone-context=+64", "US"),
            ok(64, "33316005", true)
        );
        assert_eq!(run("+999 123 456", "US"), Err(Failure::InvalidCountryCode));
        assert_eq!(run("n/a", "US"), Err(Failure::NotANumber));
        assert_eq!(run("+1", "US"), Err(Failure::NotANumber));
        assert_eq!(run("123456789012345678", "DE"), Err(Failure::TooLong));
        assert_eq!(run(&"1".repeat(251), "US"), Err(Failure::TooLong));
        assert_eq!(split_country_code("4930"), Some((49, "30".into())));
        assert_eq!(split_country_code("0"), None);
    }
}
