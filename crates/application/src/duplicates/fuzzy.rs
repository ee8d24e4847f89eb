//! Fuzzy detect: the object's match profile (or the comparisons `fields`
//! names) run over the newest records the scan reads, with the model
//! estimated from them; groups at or above the threshold, each with its
//! weakest-link score, the comparison that weighed most, and its pairs with
//! their levels.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kasar_domain::fuzzy::detect::{detect as find, FuzzyGroup};
use kasar_domain::fuzzy::model::Model;
use kasar_domain::fuzzy::{BlockPlan, Comparison, MISSING, OTHER};
use kasar_domain::ObjectDef;
use uuid::Uuid;

use super::command::FieldNames;
use super::detect::{FoundGroup, Scope};
use super::model;
use crate::error::AppError;
use crate::ports::Scanned;
use crate::Services;

/// Pairs listed per group.
pub(super) const MAX_PAIRS: usize = 100;

/// The score and the pairs of a fuzzy group.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub score: f64,
    pub pairs: Vec<PairEvidence>,
}

/// One scored pair: its records, its score and each comparison's level.
#[derive(Debug, Clone, PartialEq)]
pub struct PairEvidence {
    pub record_ids: [Uuid; 2],
    pub score: f64,
    pub levels: Vec<(String, &'static str)>,
}

/// The comparisons to run (the object's profile, or those `fields` names)
/// and their indexes in the full profile.
pub(super) fn profile(
    object: &ObjectDef,
    fields: Option<&FieldNames>,
) -> Result<(Vec<Comparison>, Vec<usize>), AppError> {
    let full = object.profile();
    let mut chosen: Vec<(usize, Comparison)> = full.iter().cloned().enumerate().collect();
    if let Some(names) = fields {
        let known: Vec<&str> = full.iter().map(|c| c.name.as_str()).collect();
        if let Some(bad) = names.names().iter().find(|n| !known.contains(&n.as_str())) {
            return Err(AppError::Validation(format!(
                "unknown comparison '{}' ({})",
                kasar_domain::id::shorten(bad),
                known.join(", ")
            )));
        }
        chosen.retain(|(_, c)| names.names().contains(&c.name));
    }
    if chosen.is_empty() {
        return Err(AppError::Validation(format!(
            "object '{}' has no comparisons to run (PUT /schema/{}/matching)",
            object.name, object.name
        )));
    }
    Ok(chosen.into_iter().map(|(k, c)| (c, k)).unzip())
}

/// Runs fuzzy detect: the first `limit` groups, the number of groups, the
/// records read. Scores come from the model in force; when it must be
/// estimated and the scan reads every record with the whole profile, one
/// pass estimates it and detects.
pub(super) async fn detect(
    services: &Services,
    scope: &Scope<'_>,
    fields: Option<&FieldNames>,
    threshold: f64,
) -> Result<(Vec<FoundGroup>, usize, usize), AppError> {
    let (profile, indexes) = profile(scope.object, fields)?;
    let whole = indexes.len() == scope.object.profile().len();
    let count = services.store.count(scope.tenant, scope.object).await?;
    let stored = model::stored(services, scope.tenant, scope.object)
        .await?
        .filter(|s| model::fits(s, &scope.object.profile(), count));
    let one_pass = stored.is_none() && whole && u64::from(scope.scan_limit) >= count;
    let model = match stored {
        Some(s) => Some(s.model.select(&indexes)),
        None if one_pass => None,
        None => Some(
            model::estimate(services, scope.tenant, scope.object)
                .await?
                .select(&indexes),
        ),
    };
    let plan = BlockPlan::of(profile);
    let limit = if one_pass { u32::MAX } else { scope.scan_limit };
    let (rows, prepared) =
        model::read_prepared(services, scope.tenant, scope.object, &plan, limit).await?;
    let found = find(
        plan.profile(),
        &prepared,
        threshold,
        model::SEED,
        model.as_ref(),
    );
    drop(prepared);
    if model.is_none() {
        model::save(
            services,
            scope.tenant,
            scope.object,
            &found.model,
            rows.len(),
        )
        .await?;
    }
    let mut groups: Vec<(DateTime<Utc>, FoundGroup)> = found
        .groups
        .iter()
        .map(|g| evidence(plan.profile(), &found.model, &rows, g))
        .filter(|(_, g)| !scope.dismissed.covers(&sorted(&g.record_ids)))
        .collect();
    groups.sort_by(|(ta, a), (tb, b)| {
        let score = |g: &FoundGroup| g.fuzzy.as_ref().map_or(0.0, |e| e.score);
        score(b)
            .total_cmp(&score(a))
            .then(ta.cmp(tb))
            .then(a.record_ids.cmp(&b.record_ids))
    });
    let total = groups.len();
    groups.truncate(usize::try_from(scope.limit).unwrap_or(usize::MAX));
    Ok((
        groups.into_iter().map(|(_, g)| g).collect(),
        total,
        rows.len(),
    ))
}

fn sorted(ids: &[Uuid]) -> Vec<Uuid> {
    let mut out = ids.to_vec();
    out.sort_unstable();
    out
}

/// A domain group as a found group (record ids oldest first) and the
/// creation time of its oldest record.
fn evidence(
    profile: &[Comparison],
    model: &Model,
    rows: &[Scanned],
    g: &FuzzyGroup,
) -> (DateTime<Utc>, FoundGroup) {
    let row = |i: u32| rows.get(i as usize);
    let mut members: Vec<&Scanned> = g.members.iter().filter_map(|i| row(*i)).collect();
    members.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let oldest = members.first().map_or_else(Utc::now, |r| r.created_at);
    let mut weights: HashMap<&str, f64> = HashMap::new();
    let mut reasons: Vec<String> = Vec::new();
    for p in &g.pairs {
        for (k, (c, level)) in profile.iter().zip(&p.levels).enumerate() {
            if *level == OTHER || *level == MISSING {
                continue;
            }
            if !reasons.contains(&c.name) {
                reasons.push(c.name.clone());
            }
            if let Some(l) = c.comparator.level_index(level) {
                let w = weights.entry(c.name.as_str()).or_insert(f64::MIN);
                *w = w.max(model.level_weight(k, l));
            }
        }
    }
    let reason = weights
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(n, _)| (*n).to_owned())
        .unwrap_or_default();
    let pairs = g
        .pairs
        .iter()
        .take(MAX_PAIRS)
        .filter_map(|p| {
            Some(PairEvidence {
                record_ids: [row(p.a)?.id, row(p.b)?.id],
                score: p.score,
                levels: profile
                    .iter()
                    .map(|c| c.name.clone())
                    .zip(p.levels.iter().copied())
                    .collect(),
            })
        })
        .collect();
    let group = FoundGroup {
        record_ids: members.iter().map(|r| r.id).collect(),
        match_reason: reason,
        match_reasons: reasons,
        fuzzy: Some(Evidence {
            score: g.score,
            pairs,
        }),
        records: Vec::new(),
    };
    (oldest, group)
}
