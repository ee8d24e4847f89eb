//! Email keys: trimmed and lowercased.

/// The match key of an email address: trimmed and lowercased (Unicode
/// lowercase). `None` when blank.
pub fn normalize_email(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        trimmed.to_lowercase()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let cases = [
            ("  Alice@Example.COM ", Some("alice@example.com")),
            ("alice@example.com", Some("alice@example.com")),
            ("\tBOB@X.IO\n", Some("bob@x.io")),
            ("Élodie@Exemple.fr", Some("élodie@exemple.fr")),
            ("", None),
            ("   ", None),
            ("\t\n", None),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_email(input).as_deref(), expected, "{input:?}");
        }
    }
}
