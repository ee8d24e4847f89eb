//! The typed commands of `POST /duplicates`, told apart by `action`.

use kasar_domain::duplicates::{Criterion, MergeStrategy};
use kasar_domain::RecordId;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::auto_merge::AutoMergeCommand;
use crate::command::{Count, Limit};
use crate::dismissals::DismissCommand;
use crate::merges::UnmergeCommand;

/// Largest number of groups a detect returns.
pub const MAX_GROUPS: u32 = 1000;
/// Groups returned when no `limit` is given.
pub const DEFAULT_GROUPS: u32 = 50;

/// A detect or a merge.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum DuplicatesCommand {
    Detect(DetectCommand),
    Merge(MergeCommand),
    Dismiss(DismissCommand),
    Undismiss(DismissCommand),
    Unmerge(UnmergeCommand),
    AutoMerge(AutoMergeCommand),
}

/// Find groups of matching records among the newest records of an object.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectCommand {
    pub object_name: String,
    /// Exact (the default) or fuzzy.
    #[serde(default)]
    pub mode: Option<DetectMode>,
    /// Fuzzy: the score from which a pair joins records, in (0, 1]; default 0.9.
    #[serde(default)]
    pub threshold: Option<Threshold>,
    /// Exact: the criteria to match on; fuzzy: the comparisons of the
    /// profile to run; `None`: all of them.
    #[serde(default)]
    pub fields: Option<FieldNames>,
    /// Groups to return; `None`: [`DEFAULT_GROUPS`].
    #[serde(default)]
    pub limit: Option<Limit<MAX_GROUPS>>,
    /// Records to scan (extension), checked against the configured maximum.
    #[serde(default)]
    pub scan_limit: Option<Count>,
    /// Also report groups that lie in a dismissed set (extension).
    #[serde(default)]
    pub include_dismissed: Option<bool>,
}

/// Merge duplicates into a master record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeCommand {
    pub object_name: String,
    pub master_id: RecordId,
    pub duplicate_ids: Vec<RecordId>,
    /// `None`: keep_master.
    #[serde(default)]
    pub merge_strategy: Option<MergeStrategy>,
    /// Run, report and roll back (extension).
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// How a detect matches records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectMode {
    /// Shared normalized keys (the contract's detect).
    Exact,
    /// Scored comparisons of the object's match profile.
    Fuzzy,
}

/// A score threshold in (0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold(f64);

impl Threshold {
    /// The default threshold of fuzzy detect.
    pub const DEFAULT: f64 = 0.9;

    /// The threshold.
    pub fn get(self) -> f64 {
        self.0
    }

    /// `t` as a threshold, when it lies in (0, 1].
    pub fn new(t: f64) -> Option<Self> {
        (t > 0.0 && t <= 1.0).then_some(Self(t))
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = f64::deserialize(d)?;
        if t > 0.0 && t <= 1.0 {
            Ok(Self(t))
        } else {
            Err(D::Error::custom("threshold must be a number in (0, 1]"))
        }
    }
}

/// The names a detect's `fields` gives: criteria (exact mode) or comparison
/// names (fuzzy mode); not empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames(Vec<String>);

impl FieldNames {
    /// The names, as given.
    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// The names as criteria, or the message of the rule they break.
    pub fn criteria(&self) -> Result<Criteria, String> {
        let list = self
            .0
            .iter()
            .map(|n| serde_json::from_value::<Criterion>(serde_json::Value::String(n.clone())))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        Criteria::new(list).map_err(str::to_owned)
    }
}

impl From<&Criteria> for FieldNames {
    fn from(c: &Criteria) -> Self {
        Self(c.as_slice().iter().map(|c| c.as_str().to_owned()).collect())
    }
}

impl<'de> Deserialize<'de> for FieldNames {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        if names.is_empty() {
            return Err(D::Error::custom(
                "fields must not be empty (email, phone, linkedin, name)",
            ));
        }
        Ok(Self(names))
    }
}

/// A non-empty set of criteria, in the contract's order, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria(Vec<Criterion>);

impl Criteria {
    /// Every criterion.
    pub fn all() -> Self {
        Self(Criterion::ALL.to_vec())
    }

    /// The criteria, or the message of the rule they break.
    pub fn new(mut list: Vec<Criterion>) -> Result<Self, &'static str> {
        if list.is_empty() {
            return Err("fields must not be empty (email, phone, linkedin, name)");
        }
        list.sort();
        list.dedup();
        Ok(Self(list))
    }

    /// The criteria, in the contract's order.
    pub fn as_slice(&self) -> &[Criterion] {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Criteria {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(Vec::<Criterion>::deserialize(d)?).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: serde_json::Value) -> Result<DuplicatesCommand, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn commands_are_parsed_by_action() {
        let detect = parse(
            json!({"action": "detect", "object_name": "contacts", "fields": ["name", "email", "name"]}),
        );
        let Ok(DuplicatesCommand::Detect(d)) = detect else {
            panic!("{detect:?}")
        };
        assert_eq!(
            d.fields.unwrap().criteria().unwrap().as_slice(),
            [Criterion::Email, Criterion::Name]
        );
        let id = uuid::Uuid::new_v4().to_string();
        let merge = parse(
            json!({"action": "merge", "object_name": "contacts", "master_id": id, "duplicate_ids": [id], "merge_strategy": "fill_blanks"}),
        );
        assert!(
            matches!(merge, Ok(DuplicatesCommand::Merge(m)) if m.merge_strategy == Some(MergeStrategy::FillBlanks))
        );
    }

    #[test]
    fn bad_values_fail_with_the_contract_messages() {
        let Ok(DuplicatesCommand::Detect(d)) =
            parse(json!({"action": "detect", "object_name": "c", "fields": ["mail"]}))
        else {
            panic!("names are judged by mode")
        };
        let e = d.fields.unwrap().criteria().unwrap_err();
        assert!(e.contains("unknown match field 'mail'"), "{e}");
        let e = parse(json!({"action": "detect", "object_name": "c", "fields": []})).unwrap_err();
        assert!(e.contains("fields must not be empty"), "{e}");
        let e = parse(json!({"action": "detect", "object_name": "c", "limit": 0})).unwrap_err();
        assert!(e.contains("between 1 and 1000"), "{e}");
        let e = parse(
            json!({"action": "merge", "object_name": "c", "master_id": "x", "duplicate_ids": []}),
        )
        .unwrap_err();
        assert!(e.contains("'x' is not a UUID"), "{e}");
        let id = uuid::Uuid::new_v4().to_string();
        let e = parse(json!({"action": "merge", "object_name": "c", "master_id": id, "duplicate_ids": [id], "merge_strategy": "x"})).unwrap_err();
        assert!(e.contains("unknown merge_strategy 'x'"), "{e}");
        assert!(parse(json!({"action": "detect", "object_name": "c", "extra": 1})).is_err());
    }
}
