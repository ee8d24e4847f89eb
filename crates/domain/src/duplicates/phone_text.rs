//! libphonenumber's text rules for phone numbers (`phonenumberutil.py` of the
//! Python port, pattern for pattern): where a number starts and ends in a
//! text, whether it is viable, where its extension starts, and how its
//! characters are normalized to digits.
//!
//! `\d` is every Unicode decimal digit (see `phone_digits`). Known limits:
//! Python's case-insensitive matching also folds `İ`/`ı` into `i` in the
//! extension labels (`int`, `extension`), and its word characters are
//! Python's; neither matters for a real phone number.

use std::sync::LazyLock;

use super::phone_digits::{ascii_digit, class_body};
use super::phone_regex::Pattern;

/// The compiled patterns; `None` only if one failed to compile (a test
/// proves they all do).
static TEXT: LazyLock<Option<Text>> = LazyLock::new(Text::new);

/// libphonenumber's `_VALID_PUNCTUATION`, as the inside of a class.
const PUNCTUATION: &str = r"\-x\x{2010}-\x{2015}\x{2212}\x{30FC}\x{FF0D}-\x{FF0F} \x{A0}\x{AD}\x{200B}\x{2060}\x{3000}()\x{FF08}\x{FF09}\x{FF3B}\x{FF3D}.\[\]/~\x{2053}\x{223C}\x{FF5E}";

/// `[A-Za-z]` as Python matches it case-insensitively (with `İ ı ſ K`).
const ALPHA_CI: &str = r"A-Za-z\x{130}\x{131}\x{17F}\x{212A}";

/// The patterns of the text rules.
#[derive(Debug)]
pub(super) struct Text {
    start: Pattern,
    unwanted_end: Pattern,
    second_number: Pattern,
    viable: Pattern,
    extension: Pattern,
    alpha: Pattern,
    plus: Pattern,
    pub(super) global_digits: Pattern,
    pub(super) domain_name: Pattern,
}

/// The text rules, compiled once.
pub(super) fn text() -> Option<&'static Text> {
    TEXT.as_ref()
}

/// libphonenumber's `_create_extn_pattern(for_parsing=True)`.
fn extension_pattern(d: &str) -> String {
    let digits = |max: u32| format!("({d}{{1,{max}}})");
    let separators = r"[ \x{A0}\t,]*";
    let after_label = r"[:\.\x{FF0E}]?[ \x{A0}\t,-]*";
    let explicit = r"(?:e?xt(?:ensi(?:o\x{301}?|\x{F3}))?n?|\x{FF45}?\x{FF58}\x{FF54}\x{FF4E}?|\x{434}\x{43E}\x{431}|anexo)";
    let ambiguous = r"(?:[x\x{FF58}#\x{FF03}~\x{FF5E}]|int|\x{FF49}\x{FF4E}\x{FF54})";
    let no_comma = r"[ \x{A0}\t]*";
    [
        format!(";ext={}", digits(20)),
        format!("{separators}{explicit}{after_label}{}#?", digits(20)),
        format!("{separators}{ambiguous}{after_label}{}#?", digits(9)),
        format!("[- ]+{}#", digits(6)),
        format!("{no_comma}(?:,{{2}}|;){after_label}{}#?", digits(15)),
        format!("{no_comma}(?:,)+{after_label}{}#?", digits(9)),
    ]
    .join("|")
}

impl Text {
    fn new() -> Option<Self> {
        let body = class_body();
        let d = format!("[{body}]");
        let p = PUNCTUATION;
        let valid = format!("{d}{{2}}|[+\\x{{FF0B}}]*(?:[{p}*]*{d}){{3,}}[{p}*{ALPHA_CI}{body}]*");
        let ext = extension_pattern(&d);
        let visual = r"[\-\.\(\)]?";
        let alnum = format!("[A-Za-z{body}]");
        Some(Self {
            start: Pattern::new(&format!("[+\\x{{FF0B}}{body}]"))?,
            unwanted_end: Pattern::new(r"(?:_|[^#\p{L}\p{N}])+$")?,
            second_number: Pattern::new(r"[\\/] *x")?,
            viable: Pattern::new(&format!("(?i)^(?:{valid}(?:{ext})?)$"))?,
            extension: Pattern::new(&format!("(?i)(?:{ext})$"))?,
            alpha: Pattern::new(r"^(?:(?:.*?[A-Za-z]){3}.*)$")?,
            plus: Pattern::new(r"^[+\x{FF0B}]+")?,
            global_digits: Pattern::new(&format!(
                r"^(?:\+(?:{d}|{visual})*{d}(?:{d}|{visual})*)$"
            ))?,
            domain_name: Pattern::new(&format!(
                r"^(?:(?:{alnum}+(?:-*{alnum})*\.)*[A-Za-z]+(?:-*{alnum})*\.?)$"
            ))?,
        })
    }

    /// `_extract_possible_number`: from the first digit or plus sign, without
    /// trailing characters that are neither letters, digits nor `#`, and
    /// without a second number (`… x302/x2303`). Empty when there is no start.
    pub(super) fn extract<'a>(&self, s: &'a str) -> &'a str {
        let Some((start, _)) = self.start.find(s) else {
            return "";
        };
        let mut number = &s[start..];
        if let Some((end, _)) = self.unwanted_end.find(number) {
            number = &number[..end];
        }
        if let Some((end, _)) = self.second_number.find(number) {
            number = &number[..end];
        }
        number
    }

    /// `_is_viable_phone_number`: two digits, or three digits and more
    /// among punctuation and letters, with an optional extension.
    pub(super) fn is_viable(&self, number: &str) -> bool {
        number.chars().nth(1).is_some() && self.viable.is_match(number)
    }

    /// `_maybe_strip_extension`: the number before its extension, when what
    /// precedes the extension is viable.
    pub(super) fn strip_extension<'a>(&self, number: &'a str) -> &'a str {
        match self.extension.find(number) {
            Some((start, _)) if self.is_viable(&number[..start]) => &number[..start],
            _ => number,
        }
    }

    /// Where libphonenumber's extension mark starts in `number`, if anywhere.
    pub(super) fn extension_start(&self, number: &str) -> Option<usize> {
        self.extension.find(number).map(|(start, _)| start)
    }

    /// Whether the number has three or more ASCII letters (an alpha number).
    pub(super) fn is_alpha(&self, number: &str) -> bool {
        self.alpha.is_match(number)
    }

    /// The number without its leading plus signs, if it has any.
    pub(super) fn strip_plus<'a>(&self, number: &'a str) -> Option<&'a str> {
        self.plus.find(number).map(|(_, end)| &number[end..])
    }

    /// `_normalize`: for an alpha number its ASCII digits and its letters as
    /// keypad digits; otherwise its decimal digits (any script) in ASCII.
    pub(super) fn normalize(&self, number: &str) -> String {
        if self.is_alpha(number) {
            number.chars().filter_map(keypad).collect()
        } else {
            number.chars().filter_map(ascii_digit).collect()
        }
    }
}

/// `convert_alpha_characters_in_number`: letters as keypad digits, every
/// other character kept.
pub(super) fn convert_alpha(number: &str) -> String {
    number.chars().map(|c| keypad(c).unwrap_or(c)).collect()
}

/// The ITU E.161 keypad digit of a letter (by its upper case, as Python's
/// `str.upper`), an ASCII digit itself, `None` for anything else.
fn keypad(c: char) -> Option<char> {
    let mut upper = c.to_uppercase();
    let (Some(u), None) = (upper.next(), upper.next()) else {
        return None;
    };
    let digit = match u {
        '0'..='9' => return Some(u),
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        _ => return None,
    };
    Some(digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules_follow_libphonenumber() {
        let t = text().unwrap();
        assert_eq!(
            t.extract("Tel: (530) 583-6985 x302/x2303 "),
            "530) 583-6985 x302"
        );
        assert_eq!(t.extract("n/a"), "");
        assert_eq!(t.extract("+1 555."), "+1 555");
        assert!(t.is_viable("12") && t.is_viable("+1-800-FLOWERS"));
        assert!(!t.is_viable("1") && !t.is_viable("12 ext 5") && !t.is_viable("08-PIZZA"));
        assert_eq!(t.strip_extension("555-123-4567 ext. 89"), "555-123-4567");
        assert_eq!(t.strip_extension("555-1234;ext=9"), "555-1234");
        assert_eq!(t.strip_extension("555 1234,,12"), "555 1234");
        assert_eq!(t.strip_extension("1-800-FAX-2000"), "1-800-FA");
        assert_eq!(t.strip_plus("++1"), Some("1"));
        assert_eq!(t.normalize("1-800-FLOWERS"), "18003569377");
        assert_eq!(t.normalize("（５５５）２４６-８０９９"), "5552468099");
        assert_eq!(t.normalize("12 ab"), "12");
        assert_eq!(convert_alpha("1-800-FAX ſ"), "1-800-329 7");
        assert!(t.global_digits.is_match("+64-3") && !t.global_digits.is_match("+-"));
        assert!(t.domain_name.is_match("example.com") && !t.domain_name.is_match("1.2"));
    }
}
