//! The default region phone numbers are parsed with.

use std::str::FromStr;

use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;

/// The default region phone numbers are parsed with, an ISO 3166 alpha-2 code
/// (`US`, `FR`, …) known to the phone metadata. Defaults to `US`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneRegion(pub(super) Id);

/// A region code that is not an ISO 3166 alpha-2 code with phone metadata.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown phone region '{0}': expected an ISO 3166 alpha-2 code such as US or FR")]
pub struct UnknownRegion(pub String);

impl PhoneRegion {
    /// Parses a two-letter region code, case-insensitively (`fr` is `FR`).
    pub fn parse(code: &str) -> Result<Self, UnknownRegion> {
        let unknown = || UnknownRegion(code.to_owned());
        let upper = code.trim().to_ascii_uppercase();
        if upper.len() != 2 || !upper.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(unknown());
        }
        DATABASE.by_id(upper.as_str()).ok_or_else(unknown)?;
        Id::from_str(&upper).map(Self).map_err(|_| unknown())
    }

    /// The upper-case region code (`US`).
    pub fn code(&self) -> &str {
        self.0.as_ref()
    }

    /// The country calling code of the region (1 for `US`).
    pub(super) fn calling_code(self) -> Option<u16> {
        self.metadata().map(phonenumber::Metadata::country_code)
    }

    /// The region's phone metadata (every parsed region has some).
    pub(super) fn metadata(self) -> Option<&'static phonenumber::Metadata> {
        DATABASE.by_id(self.0.as_ref())
    }
}

impl Default for PhoneRegion {
    fn default() -> Self {
        Self(Id::US)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_parsed() {
        let cases = [
            ("US", Some("US")),
            ("us", Some("US")),
            (" fr ", Some("FR")),
            ("Gb", Some("GB")),
            ("", None),
            ("USA", None),
            ("ZZ", None),
            ("001", None),
            ("U1", None),
        ];
        for (input, expected) in cases {
            let got = PhoneRegion::parse(input);
            assert_eq!(
                got.as_ref().ok().map(PhoneRegion::code),
                expected,
                "{input:?}"
            );
            if expected.is_none() {
                assert_eq!(got, Err(UnknownRegion(input.to_owned())));
            }
        }
        assert_eq!(PhoneRegion::default(), PhoneRegion::parse("US").unwrap());
    }
}
