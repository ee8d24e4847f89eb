//! Auto-merge: detect, then merge each reported group into the master its
//! rule picks, each group in its own transaction with its own journal entry;
//! a group that fails does not stop the others.

use std::collections::HashSet;

use kasar_domain::duplicates::MergeStrategy;
use kasar_domain::{ObjectDef, Record, Value};
use serde::Deserialize;
use uuid::Uuid;

use super::command::{DetectCommand, DetectMode, FieldNames, MergeCommand, Threshold};
use super::detect::detect;
use super::merge::merge;
use crate::authorize::{authorize, Authorized, Detect, Merge};
use crate::command::{Count, Limit};
use crate::error::AppError;
use crate::error_code::ErrorCode;
use crate::Services;

/// Most groups one auto-merge takes.
pub const MAX_AUTO_GROUPS: u32 = 1000;
/// Groups taken when no `max_groups` is given.
const DEFAULT_AUTO_GROUPS: u32 = 100;

/// Which record of a group is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MasterRule {
    /// Earliest `created_at`.
    #[default]
    Oldest,
    /// Latest `created_at`.
    Newest,
    /// Latest `updated_at`.
    MostRecentlyUpdated,
    /// Most non-blank fields and links.
    MostComplete,
}

/// `{"action": "auto_merge", ...}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoMergeCommand {
    pub object_name: String,
    /// Exact (the default) or fuzzy, as detect.
    #[serde(default)]
    pub mode: Option<DetectMode>,
    /// Fuzzy: only groups whose score is at least this are merged (0.5 to 1;
    /// required with mode fuzzy).
    #[serde(default)]
    pub min_score: Option<f64>,
    #[serde(default)]
    pub fields: Option<FieldNames>,
    #[serde(default)]
    pub master_rule: Option<MasterRule>,
    #[serde(default)]
    pub merge_strategy: Option<MergeStrategy>,
    #[serde(default)]
    pub max_groups: Option<Limit<MAX_AUTO_GROUPS>>,
    #[serde(default)]
    pub scan_limit: Option<Count>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// One group's result.
#[derive(Debug, Clone)]
pub enum AutoMerged {
    Merged {
        master_id: Uuid,
        duplicate_ids: Vec<Uuid>,
        /// None on a dry run.
        merge_id: Option<Uuid>,
        /// The master as it would look (dry run only).
        preview: Option<Record>,
    },
    Failed {
        record_ids: Vec<Uuid>,
        code: ErrorCode,
        message: String,
    },
}

/// What an auto-merge did (or would do).
#[derive(Debug, Clone)]
pub struct AutoMergeOutcome {
    pub object: ObjectDef,
    pub merged_groups: u64,
    pub records_merged: u64,
    pub failed: u64,
    pub dry_run: bool,
    pub results: Vec<AutoMerged>,
}

/// Detects and merges.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn auto_merge(
    services: &Services,
    auth: &Authorized<Merge>,
    command: AutoMergeCommand,
) -> Result<AutoMergeOutcome, AppError> {
    let detect_auth: Authorized<Detect> = authorize(auth.caller())?;
    let max_groups = command.max_groups.map_or(DEFAULT_AUTO_GROUPS, Limit::get);
    let found = detect(
        services,
        &detect_auth,
        DetectCommand {
            object_name: command.object_name.clone(),
            mode: command.mode,
            threshold: threshold(command.mode, command.min_score)?,
            fields: command.fields.clone(),
            limit: Limit::new(i64::from(max_groups)).ok(),
            scan_limit: command.scan_limit,
            include_dismissed: Some(false),
        },
    )
    .await?;
    let dry_run = command.dry_run.unwrap_or(false);
    let mut taken: HashSet<Uuid> = HashSet::new();
    let mut out = AutoMergeOutcome {
        object: found.object.clone(),
        merged_groups: 0,
        records_merged: 0,
        failed: 0,
        dry_run,
        results: Vec::new(),
    };
    for group in &found.groups {
        // A record already merged in an earlier group is not merged again.
        let records: Vec<&Record> = group
            .records
            .iter()
            .filter(|r| !taken.contains(&r.id))
            .collect();
        if records.len() < 2 {
            continue;
        }
        taken.extend(records.iter().map(|r| r.id));
        let (merged, deleted) = merge_group(services, auth, &command, &records).await?;
        match merged {
            AutoMerged::Merged { .. } => {
                out.merged_groups += 1;
                out.records_merged += deleted;
            }
            AutoMerged::Failed { .. } => out.failed += 1,
        }
        out.results.push(merged);
    }
    Ok(out)
}

/// The fuzzy threshold `min_score` gives: required with mode fuzzy (0.5 to
/// 1), refused with any other mode.
fn threshold(
    mode: Option<DetectMode>,
    min_score: Option<f64>,
) -> Result<Option<Threshold>, AppError> {
    match (mode, min_score) {
        (Some(DetectMode::Fuzzy), Some(s)) => {
            Ok(Some(Threshold::new(s).filter(|_| s >= 0.5).ok_or_else(
                || AppError::Validation("min_score must be a number between 0.5 and 1".into()),
            )?))
        }
        (Some(DetectMode::Fuzzy), None) => Err(AppError::Validation(
            "min_score (0.5 to 1) is required with mode fuzzy".into(),
        )),
        (_, Some(_)) => Err(AppError::Validation(
            "min_score applies to mode fuzzy".into(),
        )),
        (_, None) => Ok(None),
    }
}

/// Merges one group into the master the command's rule picks: the group's
/// result and the number of records deleted. Unavailable, busy or internal
/// errors end the run (the next groups would fail alike); any other error is
/// the group's failure.
async fn merge_group(
    services: &Services,
    auth: &Authorized<Merge>,
    command: &AutoMergeCommand,
    records: &[&Record],
) -> Result<(AutoMerged, u64), AppError> {
    let master = pick(command.master_rule.unwrap_or_default(), records);
    let duplicate_ids: Vec<Uuid> = records
        .iter()
        .map(|r| r.id)
        .filter(|id| *id != master)
        .collect();
    let merged = merge(
        services,
        auth,
        MergeCommand {
            object_name: command.object_name.clone(),
            master_id: master.into(),
            duplicate_ids: duplicate_ids.iter().map(|id| (*id).into()).collect(),
            merge_strategy: command.merge_strategy,
            dry_run: Some(command.dry_run.unwrap_or(false)),
        },
    )
    .await;
    match merged {
        Ok(m) => Ok((
            AutoMerged::Merged {
                master_id: master,
                duplicate_ids,
                merge_id: m.merge_id,
                preview: m.preview.map(|(_, r)| r),
            },
            m.duplicates_deleted,
        )),
        Err(e @ (AppError::Unavailable(_) | AppError::Busy(_) | AppError::Internal(_))) => Err(e),
        Err(e) => Ok((
            AutoMerged::Failed {
                record_ids: records.iter().map(|r| r.id).collect(),
                code: e.code(),
                message: e.to_string(),
            },
            0,
        )),
    }
}

/// The master of a group (its records oldest first): by the rule, ties to
/// the oldest, then the smallest id.
fn pick(rule: MasterRule, records: &[&Record]) -> Uuid {
    let tie = |r: &Record| (std::cmp::Reverse(r.created_at), std::cmp::Reverse(r.id));
    let best = records.iter().max_by_key(|r| match rule {
        MasterRule::Oldest => (0, None, tie(r)),
        MasterRule::Newest => (0, Some(r.created_at), tie(r)),
        MasterRule::MostRecentlyUpdated => (0, Some(r.updated_at), tie(r)),
        MasterRule::MostComplete => (completeness(r), None, tie(r)),
    });
    best.map_or(Uuid::nil(), |r| r.id)
}

/// Non-blank fields and links of a record.
fn completeness(r: &Record) -> usize {
    r.values
        .values()
        .map(|v| match v {
            Value::Ids(ids) => ids.len(),
            v if v.is_blank() => 0,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use std::collections::BTreeMap;

    fn record(n: u128, age_days: i64, updated_days: i64, fields: usize) -> Record {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let values: BTreeMap<String, Value> = (0..fields)
            .map(|i| (format!("f{i}"), Value::Text("x".into())))
            .collect();
        Record {
            id: Uuid::from_u128(n),
            created_at: now - Duration::days(age_days),
            updated_at: now - Duration::days(updated_days),
            values,
        }
    }

    #[test]
    fn each_rule_picks_its_master_and_ties_go_to_the_oldest_then_the_smallest_id() {
        let (a, b, c) = (
            record(3, 30, 5, 1),
            record(2, 20, 1, 3),
            record(1, 10, 9, 3),
        );
        let group = [&a, &b, &c];
        assert_eq!(pick(MasterRule::Oldest, &group), a.id);
        assert_eq!(pick(MasterRule::Newest, &group), c.id);
        assert_eq!(pick(MasterRule::MostRecentlyUpdated, &group), b.id);
        assert_eq!(
            pick(MasterRule::MostComplete, &group),
            b.id,
            "tie: the older"
        );
        let (x, y) = (record(9, 10, 1, 1), record(4, 10, 1, 1));
        assert_eq!(
            pick(MasterRule::Oldest, &[&x, &y]),
            y.id,
            "same age: the smaller id"
        );
    }
}
