//! Duplicate detection and merge rules (`spec/duplicates.md`): match keys per
//! criterion, the columns a scan reads, grouping of records that share a key,
//! and the field values a merge gives the master. Pure, no I/O.

mod criterion;
mod digest;
mod email;
mod fast_hash;
mod grouping;
mod grouping_finish;
#[cfg(test)]
mod grouping_tests;
mod indexed;
mod linkedin;
mod merge;
mod name;
mod phone;
mod phone_digits;
#[cfg(test)]
mod phone_fixture_tests;
mod phone_meta;
mod phone_parse;
mod phone_regex;
#[cfg(test)]
mod phone_tests;
mod phone_text;
mod plan;
mod region;
mod stored;

pub use criterion::Criterion;
pub use digest::{key_digest, record_digests, KEY_DIGEST_BYTES};
pub use email::normalize_email;
pub use grouping::{Candidate, DuplicateGroup, Grouper};
pub use indexed::{distinct_sets, exact_order, to_read, Holder, KeyGroup, KeySet};
pub use linkedin::normalize_linkedin;
pub use merge::{resolve_fields, MergeStrategy};
pub use name::normalize_name;
pub use phone::normalize_phone;
pub use plan::MatchPlan;
pub use region::{PhoneRegion, UnknownRegion};
pub use stored::{stored_key, STORED_KEY_MAX};
