//! The Fellegi-Sunter model: each level of each comparison has an m
//! probability (among true pairs) and a u probability (among random pairs);
//! a pair's match weight is the sum of log2(m/u) over its comparisons
//! (`missing` adds nothing) plus the prior's log-odds, and its score is the
//! match probability. u comes from a sample of random pairs, m and the prior
//! from expectation-maximisation over the candidate pairs: no labels.

/// The level of each comparison of one pair: its index in the comparator's
/// levels (`other` last), `None` when missing.
pub type PairLevels = Vec<Option<u8>>;

/// Smoothing added to every level count.
const SMOOTHING: f64 = 1.0;

/// Estimated probabilities.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// Probability that a candidate pair is a match.
    pub prior: f64,
    /// `m[k][l]`: share of true pairs at level `l` of comparison `k`.
    pub m: Vec<Vec<f64>>,
    /// `u[k][l]`: share of random pairs at level `l` of comparison `k`.
    pub u: Vec<Vec<f64>>,
}

fn shares(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + SMOOTHING * counts.len() as f64;
    counts.iter().map(|c| (c + SMOOTHING) / total).collect()
}

fn get(table: &[Vec<f64>], k: usize, l: u8) -> f64 {
    table
        .get(k)
        .and_then(|row| row.get(usize::from(l)))
        .copied()
        .unwrap_or(1.0)
}

impl Model {
    /// Estimates a model: `levels[k]` levels per comparison (`other`
    /// included), u from `random` pairs, m and the prior by `iterations`
    /// rounds of EM over `candidates`.
    ///
    /// The EM runs over the candidates only, where non-matches agree more
    /// than random pairs (they share a blocking key): inside it, the
    /// non-matches' distribution is estimated too, starting from the random
    /// pairs'. The model it returns is the classic one over all pairs: u from
    /// the random pairs, m from the EM, and the prior the expected number of
    /// matches among the `all_pairs` pairs of records.
    /// Pairs come as distinct level patterns with their number of pairs, so
    /// the EM's cost follows the patterns (a few hundred), not the pairs.
    pub fn estimate(
        levels: &[usize],
        random: &[(PairLevels, f64)],
        candidates: &[(PairLevels, f64)],
        all_pairs: f64,
        iterations: usize,
    ) -> Model {
        let count = |pairs: &[(PairLevels, f64)], weight: &dyn Fn(usize) -> f64| -> Vec<Vec<f64>> {
            let mut out: Vec<Vec<f64>> = levels.iter().map(|n| vec![0.0; *n]).collect();
            for (i, (pair, n)) in pairs.iter().enumerate() {
                for (k, l) in pair.iter().enumerate() {
                    if let Some(slot) =
                        l.and_then(|l| out.get_mut(k).and_then(|row| row.get_mut(usize::from(l))))
                    {
                        *slot += weight(i) * n;
                    }
                }
            }
            out
        };
        let u: Vec<Vec<f64>> = count(random, &|_| 1.0).iter().map(|c| shares(c)).collect();
        // Start: matches agree (the strongest levels), non-matches as random pairs.
        let mut m: Vec<Vec<f64>> = levels
            .iter()
            .map(|n| {
                let raw: Vec<f64> = (0..*n)
                    .map(|l| {
                        if l + 1 == *n {
                            0.05
                        } else {
                            2f64.powi((*n - l) as i32)
                        }
                    })
                    .collect();
                let total: f64 = raw.iter().sum();
                raw.iter().map(|r| r / total).collect()
            })
            .collect();
        let mut model = Model {
            prior: 0.1,
            m: m.clone(),
            u: u.clone(),
        };
        let mut expected = 0.0;
        for _ in 0..iterations {
            let posterior: Vec<f64> = candidates.iter().map(|(p, _)| model.score(p)).collect();
            let total: f64 = posterior
                .iter()
                .zip(candidates)
                .map(|(s, (_, n))| s * n)
                .sum();
            let pairs: f64 = candidates.iter().map(|(_, n)| n).sum();
            m = count(candidates, &|i| posterior.get(i).copied().unwrap_or(0.0))
                .iter()
                .map(|c| shares(c))
                .collect();
            // Non-matches among candidates agree more than random pairs (they
            // share a blocking key): their distribution is estimated too,
            // starting from the random pairs'.
            model.u = count(candidates, &|i| {
                1.0 - posterior.get(i).copied().unwrap_or(0.0)
            })
            .iter()
            .map(|c| shares(c))
            .collect();
            model.m = m.clone();
            model.prior = (total / pairs.max(1.0)).clamp(1e-6, 1.0 - 1e-6);
            expected = total;
        }
        Model {
            prior: (expected / all_pairs.max(1.0)).clamp(1e-12, 1.0 - 1e-6),
            m,
            u,
        }
    }

    /// The match weight of a pair: log2 of the prior odds plus log2(m/u) of
    /// each comparison that is not missing.
    pub fn weight(&self, pair: &[Option<u8>]) -> f64 {
        let prior = (self.prior / (1.0 - self.prior)).log2();
        prior
            + pair
                .iter()
                .enumerate()
                .filter_map(|(k, l)| l.map(|l| (get(&self.m, k, l) / get(&self.u, k, l)).log2()))
                .sum::<f64>()
    }

    /// The match probability of a pair.
    pub fn score(&self, pair: &[Option<u8>]) -> f64 {
        let score = 1.0 / (1.0 + (-self.weight(pair)).exp2());
        if score.is_finite() {
            score
        } else {
            0.0
        }
    }

    /// The model of some comparisons only (`indexes` into this model's),
    /// the prior unchanged: what scores a detect restricted by `fields`.
    pub fn select(&self, indexes: &[usize]) -> Model {
        let pick = |t: &[Vec<f64>]| -> Vec<Vec<f64>> {
            indexes
                .iter()
                .map(|k| t.get(*k).cloned().unwrap_or_default())
                .collect()
        };
        Model {
            prior: self.prior,
            m: pick(&self.m),
            u: pick(&self.u),
        }
    }

    /// Whether the model has one row per comparison with `levels[k]` levels
    /// each: a stored model fits the profile it is used with.
    pub fn fits(&self, levels: &[usize]) -> bool {
        let shape = |t: &[Vec<f64>]| {
            t.len() == levels.len() && t.iter().zip(levels).all(|(row, n)| row.len() == *n)
        };
        shape(&self.m) && shape(&self.u)
    }

    /// The weight one comparison's level adds.
    pub fn level_weight(&self, k: usize, l: u8) -> f64 {
        (get(&self.m, k, l) / get(&self.u, k, l)).log2()
    }
}
