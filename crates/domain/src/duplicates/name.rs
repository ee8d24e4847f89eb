//! Name keys: NFKC, lowercase, trimmed, inner whitespace collapsed.

use unicode_normalization::UnicodeNormalization;

/// The match key of a name: Unicode NFKC, then Unicode lowercase (accents
/// kept), trimmed, and every run of inner whitespace (any Unicode white space,
/// tabs and no-break spaces included) collapsed to one ASCII space. `None` when
/// nothing but white space is left.
pub fn normalize_name(raw: &str) -> Option<String> {
    if raw.is_ascii() {
        // ASCII is its own NFKC form: lowercase and collapse in one pass.
        let mut out = String::with_capacity(raw.len());
        for word in raw.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        }
        return (!out.is_empty()).then_some(out);
    }
    let lower = raw.nfkc().collect::<String>().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for word in lower.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalized() {
        let cases = [
            ("Alice Martin", Some("alice martin")),
            ("  ALICE   MARTIN  ", Some("alice martin")),
            ("Alice\tMartin", Some("alice martin")),
            ("Alice\u{00A0}Martin", Some("alice martin")),
            ("Alice \u{3000}\n Martin", Some("alice martin")),
            ("Élodie", Some("élodie")),
            ("E\u{0301}lodie", Some("élodie")),
            ("ｊｏｈｎ", Some("john")),
            ("Ｊｏｈｎ　Ｄｏｅ", Some("john doe")),
            ("ﬁona", Some("fiona")),
            ("ΟΔΟΣ", Some("\u{3bf}\u{3b4}\u{3bf}\u{3c2}")),
            ("Acme Corp", Some("acme corp")),
            ("", None),
            ("   ", None),
            ("\u{00A0}\t", None),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_name(input).as_deref(), expected, "{input:?}");
        }
    }
}
