//! Groups of fuzzy detect: the records the pairs at or above the threshold
//! connect, each with its weakest link (Kruskal's maximum spanning forest).

use std::collections::HashMap;

use super::detect::{FuzzyGroup, ScoredPair};

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
pub(super) fn group(n: usize, pairs: Vec<ScoredPair>) -> Vec<FuzzyGroup> {
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
