//! The matching criteria of duplicate detection, in the contract's order.

use std::fmt;

/// A matching criterion. The derived order is the contract's order:
/// `Email < Phone < Linkedin < Name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criterion {
    /// Every EMAIL field, trimmed and lowercased.
    Email,
    /// Every PHONE field, in E.164 (or its digits when it cannot be parsed).
    Phone,
    /// Every LINKEDIN field, as the lowercased vanity name.
    Linkedin,
    /// First and last name (or the `name` field), NFKC-normalized.
    Name,
}

impl Criterion {
    /// Every criterion, in the contract's order.
    pub const ALL: [Criterion; 4] = [Self::Email, Self::Phone, Self::Linkedin, Self::Name];

    /// The API name of the criterion: `email`, `phone`, `linkedin` or `name`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Linkedin => "linkedin",
            Self::Name => "name",
        }
    }

    /// Parses an API name (exact, case-sensitive); `None` for anything else.
    pub fn parse(s: &str) -> Option<Criterion> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The criterion's number where keys are stored (its position in
    /// [`Criterion::ALL`]: 0 email, 1 phone, 2 linkedin, 3 name).
    pub fn code(self) -> i16 {
        match self {
            Self::Email => 0,
            Self::Phone => 1,
            Self::Linkedin => 2,
            Self::Name => 3,
        }
    }

    /// The criterion of a stored number; `None` for any other number.
    pub fn from_code(code: i16) -> Option<Criterion> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Position in [`Criterion::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Self::Email => 0,
            Self::Phone => 1,
            Self::Linkedin => 2,
            Self::Name => 3,
        }
    }
}

/// Parsed during deserialization: an unknown name is an error whose message
/// lists the names (`unknown match field 'x' (email, phone, linkedin, name)`).
impl<'de> serde::Deserialize<'de> for Criterion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown match field '{}' (email, phone, linkedin, name)",
                crate::id::shorten(&s)
            ))
        })
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let cases = [
            ("email", Some(Criterion::Email)),
            ("phone", Some(Criterion::Phone)),
            ("linkedin", Some(Criterion::Linkedin)),
            ("name", Some(Criterion::Name)),
            ("Email", None),
            ("", None),
            ("address", None),
        ];
        for (input, expected) in cases {
            assert_eq!(Criterion::parse(input), expected, "{input}");
            if let Some(c) = expected {
                assert_eq!(c.as_str(), input);
                assert_eq!(c.to_string(), input);
            }
        }
    }

    #[test]
    fn order_is_the_contract_order() {
        let mut sorted = [
            Criterion::Name,
            Criterion::Linkedin,
            Criterion::Email,
            Criterion::Phone,
        ];
        sorted.sort();
        assert_eq!(sorted, Criterion::ALL);
        for (i, c) in Criterion::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }
}
