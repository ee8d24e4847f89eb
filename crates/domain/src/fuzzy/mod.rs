//! Fuzzy comparisons: each comparator of the contract (person names,
//! organization names, text, e-mails, phones, dates, codes, LinkedIn) as
//! declarative data, a list of levels from strongest to weakest, each a
//! predicate over the two records' prepared values; a pair's level is the
//! first that holds, `other` when none does, `missing` when either side is
//! blank. Scores come later from the levels (the Fellegi-Sunter model).
//! String similarity is `strsim`'s Jaro-Winkler and edit distances; the
//! nickname table is `data/nicknames` (Apache-2.0).

mod block_plan;
pub mod blocking;
mod date;
pub mod detect;
mod email;
mod groups;
mod level;
pub mod model;
mod names;
mod nicknames;
pub mod pairs;
mod parallel;
mod phone;
mod prepared;
mod profile;
mod rng;
mod simple;

pub use block_plan::{as_text, prepared_record_keys, record_keys, BlockPlan};
pub use level::{Level, MISSING, OTHER};
pub use nicknames::{are_nicknames, given_names, nicknames_of};
pub use prepared::Prepared;
pub use profile::{
    check_profile, comparison, default_profile, profile_from_json, profile_to_json, without_field,
    Comparison, MAX_COMPARISONS,
};
pub use rng::Rng;

use crate::duplicates::PhoneRegion;

/// The comparators of a match profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    PersonName,
    OrgName,
    Text,
    Email,
    Phone,
    Date,
    Code,
    Linkedin,
}

impl Comparator {
    /// Every comparator.
    pub const ALL: [Comparator; 8] = [
        Self::PersonName,
        Self::OrgName,
        Self::Text,
        Self::Email,
        Self::Phone,
        Self::Date,
        Self::Code,
        Self::Linkedin,
    ];

    /// The name of the comparator in a profile.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PersonName => "person_name",
            Self::OrgName => "org_name",
            Self::Text => "text",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Date => "date",
            Self::Code => "code",
            Self::Linkedin => "linkedin",
        }
    }

    /// Parses a comparator name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Calls `f` with the names of the comparator's own levels, strongest
    /// first (without `other` and `missing`).
    fn with_names<R>(self, f: impl FnOnce(&mut dyn Iterator<Item = &'static str>) -> R) -> R {
        fn of<P>(levels: &'static [Level<P>]) -> impl Iterator<Item = &'static str> {
            levels.iter().map(|l| l.name)
        }
        match self {
            Self::PersonName => f(&mut of(names::PERSON)),
            Self::OrgName => f(&mut of(names::ORG)),
            Self::Text => f(&mut of(simple::TEXT)),
            Self::Email => f(&mut of(email::LEVELS)),
            Self::Phone => f(&mut of(phone::LEVELS)),
            Self::Date => f(&mut of(date::LEVELS)),
            Self::Code => f(&mut of(simple::CODE)),
            Self::Linkedin => f(&mut of(simple::LINKEDIN)),
        }
    }

    /// The names of the levels, strongest first, then `other` and `missing`.
    pub fn levels(self) -> Vec<&'static str> {
        self.with_names(|it| it.chain([OTHER, MISSING]).collect())
    }

    /// The index of `level` in [`Comparator::levels`] (`other` included);
    /// `None` for `missing` or a name that is no level of the comparator.
    /// Allocates nothing: detect asks it for every comparison of every pair.
    pub fn level_index(self, level: &str) -> Option<u8> {
        let i = self.with_names(|it| {
            let mut n = 0;
            for name in it {
                if name == level {
                    return Some(n);
                }
                n += 1;
            }
            (level == OTHER).then_some(n)
        })?;
        u8::try_from(i).ok()
    }

    /// The level of a pair: `a` and `b` are the values of the comparison's
    /// fields in each record, in the profile's order (`None` for null).
    pub fn compare(
        self,
        a: &[Option<&str>],
        b: &[Option<&str>],
        region: PhoneRegion,
    ) -> &'static str {
        self.prepare(a, region).compare(&self.prepare(b, region))
    }
}

#[cfg(test)]
mod tests;
