//! The duplicate check of an import with `"match": "fuzzy"`: each record is
//! scored against the existing records sharing one of its blocking keys
//! (one key-index lookup for the whole request) and against the earlier
//! records of the request sharing one; the best at or above the threshold
//! is what it duplicates.

use std::collections::HashMap;

use kasar_domain::duplicates::PhoneRegion;
use kasar_domain::fuzzy::detect::score_pair;
use kasar_domain::fuzzy::model::Model;
use kasar_domain::fuzzy::{as_text, BlockPlan};

use super::resolve::{Earlier, Finder, Found, Input};
use crate::duplicates::model::strongest;
use crate::ports::Scanned;

/// Fuzzy matching over an import's inputs.
pub(crate) struct FuzzyFinder {
    plan: BlockPlan,
    model: Model,
    region: PhoneRegion,
    threshold: f64,
    /// Per input position: its texts and blocking keys.
    texts: Vec<Vec<Option<String>>>,
    keys: Vec<Vec<String>>,
    /// Existing candidates by blocking key.
    existing: HashMap<String, Vec<usize>>,
    candidates: Vec<Scanned>,
    /// Registered inputs by blocking key.
    seen: HashMap<String, Vec<usize>>,
}

impl FuzzyFinder {
    /// The finder for `inputs`; `candidates` are the existing records
    /// holding one of their keys ([`FuzzyFinder::keys_of`]).
    pub(crate) fn new(
        plan: BlockPlan,
        model: Model,
        region: PhoneRegion,
        threshold: f64,
        inputs: &[Input],
        candidates: Vec<Scanned>,
    ) -> Self {
        let texts: Vec<Vec<Option<String>>> = inputs
            .iter()
            .map(|i| {
                plan.columns()
                    .iter()
                    .map(|c| i.values.get(c).and_then(as_text))
                    .collect()
            })
            .collect();
        let keys = texts.iter().map(|t| plan.keys(t, region)).collect();
        let mut existing: HashMap<String, Vec<usize>> = HashMap::new();
        for (n, c) in candidates.iter().enumerate() {
            for k in plan.keys(&c.texts, region) {
                existing.entry(k).or_default().push(n);
            }
        }
        Self {
            plan,
            model,
            region,
            threshold,
            texts,
            keys,
            existing,
            candidates,
            seen: HashMap::new(),
        }
    }

    /// Every blocking key of `inputs`, once: what to look up.
    pub(crate) fn keys_of(plan: &BlockPlan, region: PhoneRegion, inputs: &[Input]) -> Vec<String> {
        let mut out: Vec<String> = inputs
            .iter()
            .flat_map(|i| plan.value_keys(&i.values, region))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The score and reason of input `pos` against `texts`.
    fn score(&self, pos: usize, texts: &[Option<String>]) -> Option<(f64, String)> {
        let mine = self.plan.values(self.texts.get(pos)?);
        let theirs = self.plan.values(texts);
        let (score, levels) = score_pair(
            self.plan.profile(),
            &self.model,
            &mine,
            &theirs,
            self.region,
        );
        (score >= self.threshold)
            .then(|| (score, strongest(self.plan.profile(), &self.model, &levels)))
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
            let Some(c) = self.candidates.get(n) else {
                continue;
            };
            if let Some((score, reason)) = self.score(pos, &c.texts) {
                consider(score, Earlier::Existing(c.id), reason);
            }
        }
        let mut earlier: Vec<usize> = keys
            .iter()
            .flat_map(|k| self.seen.get(k).into_iter().flatten().copied())
            .collect();
        earlier.sort_unstable();
        earlier.dedup();
        for p in earlier {
            let Some(texts) = self.texts.get(p) else {
                continue;
            };
            if let Some((score, reason)) = self.score(pos, texts) {
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
