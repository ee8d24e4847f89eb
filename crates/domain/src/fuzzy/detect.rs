//! Fuzzy detection over a set of records: candidate pairs from the blocking
//! keys, the level of each comparison of each pair, a model estimated from
//! these records (u from a seeded sample of random pairs, m and the prior by
//! EM over the candidates), the pairs scored at or above a threshold, and
//! the groups they connect: each group's score is its weakest link, the
//! smallest score on its maximum spanning tree.

use std::collections::HashMap;

use std::hash::{Hash, Hasher};

use super::blocking::{prepared_keys, MAX_BLOCK};
use super::model::{Model, PairLevels};
use super::pairs::PairWalk;
use super::{parallel, Comparison, Rng, MISSING};
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

/// One record's prepared values, per comparison of the profile.
pub type Prepared = Vec<super::Prepared>;

/// Prepares one record's values (per comparison of `profile`) once, for
/// its blocking keys and every comparison.
pub fn prepare(
    profile: &[Comparison],
    values: &[Vec<Option<&str>>],
    region: PhoneRegion,
) -> Prepared {
    profile
        .iter()
        .enumerate()
        .map(|(k, c)| {
            c.comparator
                .prepare(values.get(k).map_or(&[][..], Vec::as_slice), region)
        })
        .collect()
}

/// The level index of each comparison of a pair (`None`: missing).
fn pattern(profile: &[Comparison], a: &Prepared, b: &Prepared) -> PairLevels {
    profile
        .iter()
        .zip(a.iter().zip(b))
        .map(|(c, (x, y))| c.comparator.level_index(x.compare(y)))
        .collect()
}

/// The level names of a pattern.
fn names(profile: &[Comparison], pattern: &[Option<u8>]) -> Vec<&'static str> {
    profile
        .iter()
        .zip(pattern)
        .map(|(c, l)| match l {
            Some(l) => c
                .comparator
                .levels()
                .get(usize::from(*l))
                .copied()
                .unwrap_or(MISSING),
            None => MISSING,
        })
        .collect()
}

/// Distinct level patterns and how many pairs have each.
#[derive(Default)]
struct Patterns {
    ids: HashMap<PairLevels, u32>,
    list: Vec<(PairLevels, f64)>,
}

impl Patterns {
    fn add(&mut self, p: PairLevels) -> u32 {
        if let Some(id) = self.ids.get(&p) {
            if let Some(slot) = self.list.get_mut(*id as usize) {
                slot.1 += 1.0;
            }
            return *id;
        }
        let id = self.list.len() as u32;
        self.ids.insert(p.clone(), id);
        self.list.push((p, 1.0));
        id
    }
}

/// The number of levels of each comparison of `profile` (`other` included):
/// the shape of its model.
pub fn model_shape(profile: &[Comparison]) -> Vec<usize> {
    profile
        .iter()
        .map(|c| c.comparator.levels().len() - 1)
        .collect()
}

/// A record's blocking keys, hashed: blocks only make candidates, so a
/// collision costs one more comparison, never a wrong score.
fn key_hashes(record: &Prepared) -> Vec<u64> {
    let mut out: Vec<u64> = record
        .iter()
        .flat_map(prepared_keys)
        .map(|k| {
            let mut h = std::hash::DefaultHasher::new();
            k.hash(&mut h);
            h.finish()
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The candidate pairs of prepared records, each once, as a walk (nothing
/// held per pair).
pub fn candidate_walk(prepared: &[Prepared]) -> PairWalk {
    let keys: Vec<Vec<u64>> = parallel::map(prepared, key_hashes);
    PairWalk::new(&keys, Some(MAX_BLOCK))
}

/// The score and the level names of a pair of prepared records.
pub fn score_prepared(
    profile: &[Comparison],
    model: &Model,
    a: &Prepared,
    b: &Prepared,
) -> (f64, Vec<&'static str>) {
    let p = pattern(profile, a, b);
    (model.score(&p), names(profile, &p))
}

/// The candidate pairs of the records (each once, from the blocking keys)
/// as `(a, b, pattern id)`, and their patterns.
/// Pairs compared per round (on every core).
const ROUND: usize = 1 << 20;

/// The candidate pairs of the records (each once, from the blocking keys),
/// as the walk that yields them and the id of each one's level pattern, in
/// walk order (four bytes a pair), and the patterns.
fn candidates(profile: &[Comparison], prepared: &[Prepared]) -> (PairWalk, Vec<u32>, Patterns) {
    let walk = candidate_walk(prepared);
    let mut patterns = Patterns::default();
    let mut ids = Vec::new();
    let mut pairs = walk.clone();
    loop {
        let round: Vec<(u32, u32)> = pairs.by_ref().take(ROUND).collect();
        if round.is_empty() {
            break;
        }
        let found = parallel::map(&round, |&(a, b)| {
            match (prepared.get(a as usize), prepared.get(b as usize)) {
                (Some(x), Some(y)) => pattern(profile, x, y),
                _ => Vec::new(),
            }
        });
        ids.extend(found.into_iter().map(|p| patterns.add(p)));
    }
    (walk, ids, patterns)
}

/// Prepares many records (see [`prepare`]) on every core.
pub fn prepare_many(
    profile: &[Comparison],
    records: &[Values],
    region: PhoneRegion,
) -> Vec<Prepared> {
    parallel::map(records, |r| prepare(profile, r, region))
}

/// Detects the fuzzy duplicates among the records (`prepared`, see
/// [`prepare`]), scored with `model`, or with a model estimated from these
/// records when `model` is `None`.
pub fn detect(
    profile: &[Comparison],
    prepared: &[Prepared],
    threshold: f64,
    seed: u64,
    model: Option<&Model>,
) -> Detected {
    let (walk, ids, patterns) = candidates(profile, prepared);
    let model = match model {
        Some(m) => m.clone(),
        None => estimate(profile, prepared, seed, &patterns.list),
    };
    let scores: Vec<f64> = patterns.list.iter().map(|(p, _)| model.score(p)).collect();
    let mut scored: Vec<ScoredPair> = walk
        .zip(ids)
        .filter_map(|((a, b), id)| {
            let score = scores.get(id as usize).copied()?;
            (score >= threshold).then(|| ScoredPair {
                a,
                b,
                score,
                levels: patterns
                    .list
                    .get(id as usize)
                    .map(|(p, _)| names(profile, p))
                    .unwrap_or_default(),
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
        groups: super::groups::group(prepared.len(), scored),
    }
}

/// The model of the records alone (what [`detect`] estimates when given none).
pub fn estimate_model(profile: &[Comparison], prepared: &[Prepared], seed: u64) -> Model {
    let (_, _, patterns) = candidates(profile, prepared);
    estimate(profile, prepared, seed, &patterns.list)
}

/// The model of the records: u from a seeded sample of random pairs, m and
/// the prior by EM over the candidate pairs' patterns.
fn estimate(
    profile: &[Comparison],
    prepared: &[Prepared],
    seed: u64,
    candidates: &[(PairLevels, f64)],
) -> Model {
    let n = prepared.len() as u64;
    let all_pairs = n * n.saturating_sub(1) / 2;
    let mut rng = Rng::new(seed);
    let mut random = Patterns::default();
    for _ in 0..RANDOM_PAIRS.min(usize::try_from(all_pairs).unwrap_or(usize::MAX)) {
        let (a, b) = (rng.below(n) as usize, rng.below(n) as usize);
        if let (true, Some(x), Some(y)) = (a != b, prepared.get(a), prepared.get(b)) {
            random.add(pattern(profile, x, y));
        }
    }
    Model::estimate(
        &model_shape(profile),
        &random.list,
        candidates,
        all_pairs as f64,
        EM_ROUNDS,
    )
}
