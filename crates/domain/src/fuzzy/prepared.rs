//! One record's values for one comparison, prepared once: names split and
//! folded, addresses parsed, phones normalized, dates read. Comparing two
//! prepared values does no parsing, so a detect prepares each record once
//! and compares millions of pairs; the blocking keys come from the same
//! preparation.

use super::{date, email, level, names, phone, simple, Comparator};
use crate::duplicates::PhoneRegion;

/// A prepared value of one comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared(pub(super) Inner);

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Inner {
    Person(Option<names::Person>),
    Org(Option<names::Org>),
    Text(Option<String>),
    Emails(Vec<email::Address>),
    Phones(Vec<phone::Number>),
    Dates(Vec<date::Day>),
    Codes(Vec<String>),
    Linkedins(Vec<String>),
}

impl Comparator {
    /// Prepares the values of a comparison's fields in one record (`None`
    /// for null), in the profile's field order.
    pub fn prepare(self, values: &[Option<&str>], region: PhoneRegion) -> Prepared {
        Prepared(match self {
            Self::PersonName => Inner::Person(names::person(values)),
            Self::OrgName => Inner::Org(names::org(values)),
            Self::Text => Inner::Text(simple::text(values)),
            Self::Email => Inner::Emails(email::prepare(values)),
            Self::Phone => Inner::Phones(phone::prepare(values, region)),
            Self::Date => Inner::Dates(date::prepare(values)),
            Self::Code => Inner::Codes(simple::codes(values)),
            Self::Linkedin => Inner::Linkedins(simple::linkedins(values)),
        })
    }
}

impl Prepared {
    /// The level of the pair `self`, `other` (values of one comparison);
    /// `missing` when either side is blank (or they are of two comparators).
    pub fn compare(&self, other: &Prepared) -> &'static str {
        use Inner::*;
        match (&self.0, &other.0) {
            (Person(a), Person(b)) => level::first(names::PERSON, a.as_ref(), b.as_ref()),
            (Org(a), Org(b)) => level::first(names::ORG, a.as_ref(), b.as_ref()),
            (Text(a), Text(b)) => level::first(simple::TEXT, a.as_ref(), b.as_ref()),
            (Emails(a), Emails(b)) => level::best(email::LEVELS, a, b),
            (Phones(a), Phones(b)) => level::best(phone::LEVELS, a, b),
            (Dates(a), Dates(b)) => level::best(date::LEVELS, a, b),
            (Codes(a), Codes(b)) => level::best(simple::CODE, a, b),
            (Linkedins(a), Linkedins(b)) => level::best(simple::LINKEDIN, a, b),
            _ => level::MISSING,
        }
    }
}
