//! The blocking keys of a record under its object's match profile, as the
//! key index stores them: what to read (the profile's fields, in a stable
//! order) and the keys those values give. Writes, the rebuild and the
//! one-record match all derive keys here, so the index and detect agree.

use std::collections::BTreeMap;

use super::blocking::{key_prefix, prepared_keys};
use super::detect::{prepare, Prepared};
use super::Comparison;
use crate::catalog::ObjectDef;
use crate::duplicates::PhoneRegion;
use crate::value::Value;

/// The columns a profile reads and, per comparison, where its fields are.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockPlan {
    profile: Vec<Comparison>,
    columns: Vec<String>,
    at: Vec<Vec<usize>>,
}

impl BlockPlan {
    /// The plan of `object`'s profile (its own or the default).
    pub fn new(object: &ObjectDef) -> BlockPlan {
        BlockPlan::of(object.profile())
    }

    /// The plan of a profile.
    pub fn of(profile: Vec<Comparison>) -> BlockPlan {
        let mut columns: Vec<String> = Vec::new();
        let at = profile
            .iter()
            .map(|c| {
                c.fields
                    .iter()
                    .map(|f| match columns.iter().position(|x| x == f) {
                        Some(i) => i,
                        None => {
                            columns.push(f.clone());
                            columns.len() - 1
                        }
                    })
                    .collect()
            })
            .collect();
        BlockPlan {
            profile,
            columns,
            at,
        }
    }

    /// What a write of the fields `written` changes in the blocking keys: the
    /// prefixes of the comparisons reading a written field ([`key_prefix`]),
    /// and the plan of every comparison giving keys of those prefixes (its
    /// keys are the record's keys of those prefixes, all of them, since two
    /// comparisons can give one key). Keys of other prefixes come from
    /// fields left as they were. `None` when no comparison reads a written
    /// field.
    pub fn refreshed(
        &self,
        written: impl Fn(&str) -> bool,
    ) -> Option<(BlockPlan, Vec<&'static str>)> {
        let mut prefixes: Vec<&'static str> = Vec::new();
        for c in &self.profile {
            let prefix = key_prefix(c.comparator);
            if c.fields.iter().any(|f| written(f)) && !prefixes.contains(&prefix) {
                prefixes.push(prefix);
            }
        }
        if prefixes.is_empty() {
            return None;
        }
        let profile = self
            .profile
            .iter()
            .filter(|c| prefixes.contains(&key_prefix(c.comparator)))
            .cloned()
            .collect();
        Some((BlockPlan::of(profile), prefixes))
    }

    /// The comparisons of the plan.
    pub fn profile(&self) -> &[Comparison] {
        &self.profile
    }

    /// Distinct fields to read, as text.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Whether the plan reads field `name`.
    pub fn reads(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c == name)
    }

    /// One record's values per comparison (`texts[i]`: the text of
    /// `columns()[i]`), as the comparators take them.
    pub fn values<'a, S: AsRef<str>>(&self, texts: &'a [Option<S>]) -> Vec<Vec<Option<&'a str>>> {
        self.at
            .iter()
            .map(|cols| {
                cols.iter()
                    .map(|i| texts.get(*i).and_then(|t| t.as_ref().map(AsRef::as_ref)))
                    .collect()
            })
            .collect()
    }

    /// One record prepared for the plan's comparisons, given its texts.
    pub fn prepare<S: AsRef<str>>(&self, texts: &[Option<S>], region: PhoneRegion) -> Prepared {
        prepare(&self.profile, &self.values(texts), region)
    }

    /// One record prepared for the plan's comparisons, given its values
    /// (each as PostgreSQL writes it as text: a date `YYYY-MM-DD`, an id
    /// hyphenated; null, a boolean and links count as absent for the
    /// comparators that read text).
    pub fn prepare_values(
        &self,
        values: &BTreeMap<String, Value>,
        region: PhoneRegion,
    ) -> Prepared {
        let texts: Vec<Option<String>> = self
            .columns
            .iter()
            .map(|c| values.get(c).and_then(as_text))
            .collect();
        self.prepare(&texts, region)
    }

    /// The distinct blocking keys of one record given its texts.
    pub fn keys<S: AsRef<str>>(&self, texts: &[Option<S>], region: PhoneRegion) -> Vec<String> {
        prepared_record_keys(&self.prepare(texts, region))
    }

    /// The keys of a record given by its values (as [`BlockPlan::prepare_values`]).
    pub fn value_keys(&self, values: &BTreeMap<String, Value>, region: PhoneRegion) -> Vec<String> {
        prepared_record_keys(&self.prepare_values(values, region))
    }
}

/// The distinct blocking keys of one prepared record, in comparison order.
pub fn prepared_record_keys(record: &[super::Prepared]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in record.iter().flat_map(prepared_keys) {
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// A value as the text a scan reads (`column::text`).
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(t) => Some(t.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
        Value::Id(id) => Some(id.to_string()),
        Value::Null | Value::Ids(_) => None,
    }
}

/// The distinct blocking keys of one record: its values per comparison of
/// `profile`.
pub fn record_keys(
    profile: &[Comparison],
    values: &[Vec<Option<&str>>],
    region: PhoneRegion,
) -> Vec<String> {
    prepared_record_keys(&prepare(profile, values, region))
}

#[cfg(test)]
#[path = "block_plan_tests.rs"]
mod tests;
