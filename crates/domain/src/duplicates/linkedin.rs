//! LinkedIn keys: the vanity name of a profile URL, lowercased.

/// Path prefixes of pages that are not personal profiles; their key keeps the
/// prefix (`company/acme-corp`).
const PAGE_PREFIXES: [&str; 3] = ["company", "school", "showcase"];

/// The match key of a LinkedIn profile: its vanity name, lowercased.
///
/// The scheme (`http://`, `https://`), the host (`linkedin.com` or any of its
/// subdomains: `www.`, `fr.`, `mobile.`…, case-insensitive), the query string,
/// the fragment and trailing `/` are stripped, and `%XX` escapes are decoded
/// (a run of escapes that is not valid UTF-8 stays as written).
///
/// * `/in/<vanity>[/…]` gives `<vanity>`; anything after the vanity segment
///   (`/details/…`, a locale) is dropped.
/// * `/company/<slug>[/…]` (and `school`, `showcase`) gives `company/<slug>`.
/// * A bare vanity name (`alice-martin`) is taken as is; any other value is
///   kept whole (after the same stripping).
///
/// `None` when nothing is left.
pub fn normalize_linkedin(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = s.find(['?', '#']).map_or(s, |end| &s[..end]);
    let s = strip_scheme(s);
    let path = strip_linkedin_host(s);
    let decoded = percent_decode(path).to_lowercase();
    let path = decoded.trim().trim_matches('/');

    let mut segments = path.split('/').filter(|seg| !seg.is_empty());
    let key = match (segments.next(), segments.next()) {
        (Some("in"), Some(vanity)) => vanity.to_owned(),
        (Some("in"), None) => return None,
        (Some(prefix), Some(slug)) if PAGE_PREFIXES.contains(&prefix) => {
            format!("{prefix}/{slug}")
        }
        _ => path.to_owned(),
    };
    if key.trim().is_empty() {
        None
    } else {
        Some(key)
    }
}

/// `s` without a leading `http://` or `https://` (case-insensitive).
fn strip_scheme(s: &str) -> &str {
    ["https://", "http://"]
        .into_iter()
        .find_map(|scheme| strip_prefix_ignore_case(s, scheme))
        .unwrap_or(s)
}

/// The path after a `linkedin.com` host (or one of its subdomains); `s`
/// unchanged when it does not start with such a host.
fn strip_linkedin_host(s: &str) -> &str {
    let (host, rest) = s.find('/').map_or((s, ""), |slash| s.split_at(slash));
    let host = host.to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or_default();
    if host == "linkedin.com" || host.ends_with(".linkedin.com") {
        rest
    } else {
        s
    }
}

/// `s` without `prefix`, compared ASCII case-insensitively.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Decodes `%XX` escapes. Each maximal run of well-formed escapes is decoded
/// when its bytes are valid UTF-8 and kept as written otherwise; a `%` that
/// does not start a well-formed escape is kept.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut run = Vec::new();
        while let Some(byte) = escape_at(bytes, i) {
            run.push(byte);
            i += 3;
        }
        if run.is_empty() {
            // Copy up to the next '%' byte (always a char boundary).
            let next = bytes
                .iter()
                .skip(start + 1)
                .position(|&b| b == b'%')
                .map_or(s.len(), |p| start + 1 + p);
            out.push_str(s.get(start..next).unwrap_or_default());
            i = next;
        } else {
            match String::from_utf8(run) {
                Ok(text) => out.push_str(&text),
                Err(_) => out.push_str(&s[start..i]),
            }
        }
    }
    out
}

/// The byte of a well-formed `%XX` escape starting at `i`.
fn escape_at(bytes: &[u8], i: usize) -> Option<u8> {
    if bytes.get(i) != Some(&b'%') {
        return None;
    }
    let hi = char::from(*bytes.get(i + 1)?).to_digit(16)?;
    let lo = char::from(*bytes.get(i + 2)?).to_digit(16)?;
    u8::try_from(hi * 16 + lo).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_give_their_vanity_name() {
        let cases = [
            (
                "https://www.linkedin.com/in/Alice-Martin/",
                Some("alice-martin"),
            ),
            ("alice-martin", Some("alice-martin")),
            ("  Alice-Martin  ", Some("alice-martin")),
            ("linkedin.com/in/alice-martin?trk=x#y", Some("alice-martin")),
            ("http://linkedin.com/in/alice-martin", Some("alice-martin")),
            (
                "HTTPS://WWW.LINKEDIN.COM/IN/ALICE-MARTIN",
                Some("alice-martin"),
            ),
            (
                "https://fr.linkedin.com/in/alice-martin/",
                Some("alice-martin"),
            ),
            ("uk.linkedin.com/in/alice-martin", Some("alice-martin")),
            (
                "https://mobile.linkedin.com/in/alice-martin",
                Some("alice-martin"),
            ),
            ("www.linkedin.com/in/alice-martin//", Some("alice-martin")),
            (
                "www.linkedin.com/in/alice-martin/details/experience/",
                Some("alice-martin"),
            ),
            (
                "https://www.linkedin.com/in/alice-martin#about",
                Some("alice-martin"),
            ),
            (
                "https://www.linkedin.com:443/in/alice-martin",
                Some("alice-martin"),
            ),
            ("in/alice-martin", Some("alice-martin")),
            (
                "https://www.linkedin.com/in/%C3%89lodie-Durand",
                Some("élodie-durand"),
            ),
            ("https://www.linkedin.com/in/%c3%a9lodie", Some("élodie")),
            ("https://www.linkedin.com/in/Élodie", Some("élodie")),
            ("https://www.linkedin.com/in/100%25-real", Some("100%-real")),
            (
                "https://www.linkedin.com/in/bad%zzescape",
                Some("bad%zzescape"),
            ),
            ("https://www.linkedin.com/in/trailing%", Some("trailing%")),
            ("https://www.linkedin.com/in/half%C3", Some("half%c3")),
            (
                "https://www.linkedin.com/company/Acme-Corp/",
                Some("company/acme-corp"),
            ),
            (
                "linkedin.com/company/acme-corp/about/?x=1",
                Some("company/acme-corp"),
            ),
            ("company/Acme-Corp", Some("company/acme-corp")),
            (
                "https://www.linkedin.com/school/ESSEC/",
                Some("school/essec"),
            ),
            ("https://www.linkedin.com/", None),
            ("https://www.linkedin.com", None),
            ("https://www.linkedin.com/in/", None),
            ("", None),
            ("   ", None),
            ("?trk=x", None),
            ("/", None),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_linkedin(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn percent_decoding() {
        let cases = [
            ("abc", "abc"),
            ("%41%42", "AB"),
            ("a%20b", "a b"),
            ("%E2%82%AC", "€"),
            ("%FF%FE", "%FF%FE"),
            ("%", "%"),
            ("%4", "%4"),
            ("é%41", "éA"),
            ("%%41", "%A"),
        ];
        for (input, expected) in cases {
            assert_eq!(percent_decode(input), expected, "{input:?}");
        }
    }
}
