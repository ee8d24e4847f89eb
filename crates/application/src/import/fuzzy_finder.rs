//! The duplicate check of an import with `"match": "fuzzy"`: each record is
//! scored against the existing records sharing one of its blocking keys
//! (one key-index lookup for the whole request) and against the earlier
//! records of the request sharing one; the best at or above the threshold
//! is what it duplicates.

use std::collections::HashMap;

use kasar_domain::duplicates::PhoneRegion;
use kasar_domain::fuzzy::detect::{score_prepared, Prepared};
use kasar_domain::fuzzy::model::Model;
use kasar_domain::fuzzy::{prepared_record_keys, BlockPlan, Comparison};
use uuid::Uuid;

use super::resolve::{Earlier, Finder, Found, Input};
use crate::duplicates::model::strongest;
use crate::ports::Scanned;

/// Fuzzy matching over an import's inputs.
pub(crate) struct FuzzyFinder {
    profile: Vec<Comparison>,
    model: Model,
    threshold: f64,
    /// Per input position: the record prepared, and its blocking keys.
    prepared: Vec<Prepared>,
    keys: Vec<Vec<String>>,
    /// Existing candidates (id, prepared) and, by blocking key, their indexes.
    candidates: Vec<(Uuid, Prepared)>,
    existing: HashMap<String, Vec<usize>>,
    /// Registered inputs by blocking key.
    seen: HashMap<String, Vec<usize>>,
}

impl FuzzyFinder {
    /// The finder for `inputs`, each prepared once; its existing candidates
    /// come with [`FuzzyFinder::add_candidates`].
    pub(crate) fn new(
        plan: &BlockPlan,
        model: Model,
        region: PhoneRegion,
        threshold: f64,
        inputs: &[Input],
    ) -> Self {
        let prepared: Vec<Prepared> = inputs
            .iter()
            .map(|i| plan.prepare_values(&i.values, region))
            .collect();
        let keys = prepared.iter().map(|p| prepared_record_keys(p)).collect();
        Self {
            profile: plan.profile().to_vec(),
            model,
            threshold,
            prepared,
            keys,
            candidates: Vec::new(),
            existing: HashMap::new(),
            seen: HashMap::new(),
        }
    }

    /// Every blocking key of the inputs, once: what to look up.
    pub(crate) fn lookup_keys(&self) -> Vec<String> {
        let mut out: Vec<String> = self.keys.iter().flatten().cloned().collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The existing records holding one of the inputs' keys (`columns` of
    /// `plan` as text), each prepared once.
    pub(crate) fn add_candidates(
        &mut self,
        plan: &BlockPlan,
        region: PhoneRegion,
        found: Vec<Scanned>,
    ) {
        for c in found {
            let prepared = plan.prepare(&c.texts, region);
            let n = self.candidates.len();
            for k in prepared_record_keys(&prepared) {
                self.existing.entry(k).or_default().push(n);
            }
            self.candidates.push((c.id, prepared));
        }
    }

    /// The score and reason of input `pos` against a prepared record.
    fn score(&self, pos: usize, theirs: &Prepared) -> Option<(f64, String)> {
        let mine = self.prepared.get(pos)?;
        let (score, levels) = score_prepared(&self.profile, &self.model, mine, theirs);
        (score >= self.threshold).then(|| (score, strongest(&self.profile, &self.model, &levels)))
    }
}

impl Finder for FuzzyFinder {
    fn find(&self, pos: usize, _: &Input) -> Option<Found> {
        let keys = self.keys.get(pos)?;
        let mut best: Option<(f64, Earlier, String)> = None;
        let mut consider = |score: f64, of: Earlier, reason: String| {
            if best.as_ref().is_none_or(|b| score > b.0) {
                best = Some((score, of, reason));
            }
        };
        let mut existing: Vec<usize> = keys
            .iter()
            .flat_map(|k| self.existing.get(k).into_iter().flatten().copied())
            .collect();
        existing.sort_unstable();
        existing.dedup();
        for n in existing {
            let Some((id, theirs)) = self.candidates.get(n) else {
                continue;
            };
            if let Some((score, reason)) = self.score(pos, theirs) {
                consider(score, Earlier::Existing(*id), reason);
            }
        }
        let mut earlier: Vec<usize> = keys
            .iter()
            .flat_map(|k| self.seen.get(k).into_iter().flatten().copied())
            .collect();
        earlier.sort_unstable();
        earlier.dedup();
        for p in earlier {
            let Some(theirs) = self.prepared.get(p) else {
                continue;
            };
            if let Some((score, reason)) = self.score(pos, theirs) {
                consider(score, Earlier::Input(p), reason);
            }
        }
        best.map(|(score, of, reason)| Found {
            of,
            reason,
            score: Some(score),
        })
    }

    fn register(&mut self, pos: usize, _: &Input) {
        for k in self.keys.get(pos).into_iter().flatten() {
            self.seen.entry(k.clone()).or_default().push(pos);
        }
    }
}
