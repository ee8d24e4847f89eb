//! Fuzzy detection over a set of records: candidate pairs from the blocking
//! keys, the level of each comparison of each pair, a model estimated from
//! these records (u from a seeded sample of random pairs, m and the prior by
//! EM over the candidates), the pairs scored at or above a threshold, and
//! the groups they connect: each group's score is its weakest link, the
//! smallest score on its maximum spanning tree.

use std::collections::HashMap;

use super::block_plan::record_keys;
use super::blocking::candidate_pairs;
use super::model::{Model, PairLevels};
use super::{Comparison, Rng};
use crate::duplicates::PhoneRegion;

/// Random pairs sampled for the u probabilities.
pub const RANDOM_PAIRS: usize = 50_000;
/// Rounds of expectation-maximisation.
pub const EM_ROUNDS: usize = 20;

/// A scored pair (record indexes, smaller first).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredPair {
    pub a: u32,
    pub b: u32,
    pub score: f64,
    /// The level of each comparison of the profile, by index.
    pub levels: Vec<&'static str>,
}

/// A group of records connected by pairs at or above the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct FuzzyGroup {
    /// Record indexes, ascending.
    pub members: Vec<u32>,
    /// The weakest link of the group's maximum spanning tree.
    pub score: f64,
    /// The group's pairs at or above the threshold, strongest first.
    pub pairs: Vec<ScoredPair>,
}

/// What detection found, and the model it estimated.
#[derive(Debug, Clone)]
pub struct Detected {
    pub model: Model,
    pub groups: Vec<FuzzyGroup>,
}

/// Each record's values: per comparison of the profile, the values of its
/// fields (`None` for null).
pub type Values<'a> = Vec<Vec<Option<&'a str>>>;

fn level_of(
    profile: &[Comparison],
    a: &Values,
    b: &Values,
    region: PhoneRegion,
) -> (PairLevels, Vec<&'static str>) {
    let mut index = Vec::with_capacity(profile.len());
    let mut names = Vec::with_capacity(profile.len());
    for (k, c) in profile.iter().enumerate() {
        let empty = Vec::new();
        let (x, y) = (a.get(k).unwrap_or(&empty), b.get(k).unwrap_or(&empty));
        let name = c.comparator.compare(x, y, region);
        names.push(name);
        index.push(c.comparator.level_index(name));
    }
    (index, names)
}

/// The levels of records `a` and `b` of `records`.
fn compare(
    profile: &[Comparison],
    records: &[Values],
    a: usize,
    b: usize,
    region: PhoneRegion,
) -> Option<(PairLevels, Vec<&'static str>)> {
    Some(level_of(profile, records.get(a)?, records.get(b)?, region))
}

/// The score and the level names of one pair of records under `model`.
pub fn score_pair(
    profile: &[Comparison],
    model: &Model,
    a: &Values,
    b: &Values,
    region: PhoneRegion,
) -> (f64, Vec<&'static str>) {
    let (index, names) = level_of(profile, a, b, region);
    (model.score(&index), names)
}

/// The number of levels of each comparison of `profile` (`other` included):
/// the shape of its model.
pub fn model_shape(profile: &[Comparison]) -> Vec<usize> {
    profile
        .iter()
        .map(|c| c.comparator.levels().len() - 1)
        .collect()
}

/// Detects the fuzzy duplicates among `records`, scored with `model`, or
/// with a model estimated from these records when `model` is `None`.
pub fn detect(
    profile: &[Comparison],
    records: &[Values],
    region: PhoneRegion,
    threshold: f64,
    seed: u64,
    model: Option<&Model>,
) -> Detected {
    let record_keys: Vec<Vec<String>> = records
        .iter()
        .map(|r| record_keys(profile, r, region))
        .collect();
    let candidates = candidate_pairs(&record_keys);
    let compared: Vec<(PairLevels, Vec<&'static str>)> = candidates
        .iter()
        .filter_map(|&(a, b)| compare(profile, records, a as usize, b as usize, region))
        .collect();
    let model = match model {
        Some(m) => m.clone(),
        None => estimate(profile, records, region, seed, &compared),
    };
    let mut scored: Vec<ScoredPair> = candidates
        .iter()
        .zip(compared)
        .filter_map(|(&(a, b), (index, names))| {
            let score = model.score(&index);
            (score >= threshold).then_some(ScoredPair {
                a,
                b,
                score,
                levels: names,
            })
        })
        .collect();
    scored.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    Detected {
        model,
        groups: group(records.len(), scored),
    }
}

/// The model of `records` alone (what [`detect`] estimates when given none).
pub fn estimate_model(
    profile: &[Comparison],
    records: &[Values],
    region: PhoneRegion,
    seed: u64,
) -> Model {
    let record_keys: Vec<Vec<String>> = records
        .iter()
        .map(|r| record_keys(profile, r, region))
        .collect();
    let compared: Vec<(PairLevels, Vec<&'static str>)> = candidate_pairs(&record_keys)
        .iter()
        .filter_map(|&(a, b)| compare(profile, records, a as usize, b as usize, region))
        .collect();
    estimate(profile, records, region, seed, &compared)
}

/// The model of `records`: u from a seeded sample of random pairs, m and
/// the prior by EM over the candidate pairs' levels (`compared`).
fn estimate(
    profile: &[Comparison],
    records: &[Values],
    region: PhoneRegion,
    seed: u64,
    compared: &[(PairLevels, Vec<&'static str>)],
) -> Model {
    let n = records.len() as u64;
    let mut rng = Rng::new(seed);
    let random: Vec<PairLevels> = (0..RANDOM_PAIRS.min((n * n.saturating_sub(1) / 2) as usize))
        .filter_map(|_| {
            let (a, b) = (rng.below(n) as usize, rng.below(n) as usize);
            (a != b)
                .then(|| compare(profile, records, a, b, region).map(|c| c.0))
                .flatten()
        })
        .collect();
    let pairs: Vec<PairLevels> = compared.iter().map(|(l, _)| l.clone()).collect();
    let all_pairs = (n * n.saturating_sub(1) / 2) as f64;
    Model::estimate(&model_shape(profile), &random, &pairs, all_pairs, EM_ROUNDS)
}

fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while let Some(&up) = parent.get(i as usize) {
        if up == i {
            break;
        }
        let grand = parent.get(up as usize).copied().unwrap_or(up);
        if let Some(slot) = parent.get_mut(i as usize) {
            *slot = grand;
        }
        i = grand;
    }
    i
}

/// Groups the pairs (strongest first): Kruskal's maximum spanning forest;
/// a group's score is the last (weakest) edge that joined it.
fn group(n: usize, pairs: Vec<ScoredPair>) -> Vec<FuzzyGroup> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut weakest: Vec<f64> = vec![1.0; n];
    for p in &pairs {
        let (ra, rb) = (find(&mut parent, p.a), find(&mut parent, p.b));
        if ra != rb {
            let at = |r: u32| weakest.get(r as usize).copied().unwrap_or(1.0);
            let w = at(ra).min(at(rb)).min(p.score);
            if let Some(slot) = parent.get_mut(rb as usize) {
                *slot = ra;
            }
            if let Some(slot) = weakest.get_mut(ra as usize) {
                *slot = w;
            }
        }
    }
    let mut by_root: HashMap<u32, FuzzyGroup> = HashMap::new();
    for p in pairs {
        let root = find(&mut parent, p.a);
        let g = by_root.entry(root).or_insert_with(|| FuzzyGroup {
            members: Vec::new(),
            score: weakest.get(root as usize).copied().unwrap_or(1.0),
            pairs: Vec::new(),
        });
        g.members.extend([p.a, p.b]);
        g.pairs.push(p);
    }
    let mut groups: Vec<FuzzyGroup> = by_root
        .into_values()
        .map(|mut g| {
            g.members.sort_unstable();
            g.members.dedup();
            g
        })
        .collect();
    groups.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.members.cmp(&y.members)));
    groups
}
