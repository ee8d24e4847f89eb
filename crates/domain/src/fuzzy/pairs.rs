//! Every candidate pair of a set of records, each once, without holding the
//! pairs: records are grouped by key through one sort of (key, record)
//! entries, keys held by one record dropped (memory grows with records and
//! keys),
//! and a pair is produced at the first key (in key order) its two records
//! share, so a pair sharing several keys still comes once. Used by the pairs
//! export, whose output can be far larger than its input.

/// Records grouped by key, walked pair by pair.
#[derive(Debug, Clone)]
pub struct PairWalk {
    /// Per record, the ids of its usable keys, ascending.
    keys: Vec<Vec<u32>>,
    /// Per key id (keys in ascending order), its records, ascending.
    blocks: Vec<Vec<u32>>,
    at: (usize, usize, usize),
}

impl PairWalk {
    /// The walk over `record_keys` (record i's keys); a key more than
    /// `max_block` records share is not used (`None`: every key is).
    pub fn new<K: Ord>(record_keys: &[Vec<K>], max_block: Option<usize>) -> PairWalk {
        // Every (key, record) once, sorted: a block is a run of one key.
        let mut entries: Vec<(&K, u32)> = record_keys
            .iter()
            .enumerate()
            .flat_map(|(i, ks)| ks.iter().map(move |k| (k, i as u32)))
            .collect();
        entries.sort_unstable();
        entries.dedup();
        let mut keys: Vec<Vec<u32>> = vec![Vec::new(); record_keys.len()];
        let mut blocks: Vec<Vec<u32>> = Vec::new();
        for run in entries.chunk_by(|x, y| x.0 == y.0) {
            if run.len() < 2 || max_block.is_some_and(|max| run.len() > max) {
                continue;
            }
            let id = blocks.len() as u32;
            for (_, r) in run {
                if let Some(list) = keys.get_mut(*r as usize) {
                    list.push(id);
                }
            }
            blocks.push(run.iter().map(|(_, r)| *r).collect());
        }
        PairWalk {
            keys,
            blocks,
            at: (0, 0, 1),
        }
    }

    /// The ids of the keys records `a` and `b` share, ascending.
    pub fn shared(&self, a: u32, b: u32) -> Vec<u32> {
        let empty = Vec::new();
        let (x, y) = (
            self.keys.get(a as usize).unwrap_or(&empty),
            self.keys.get(b as usize).unwrap_or(&empty),
        );
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while let (Some(p), Some(q)) = (x.get(i), y.get(j)) {
            match p.cmp(q) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    out.push(*p);
                    i += 1;
                    j += 1;
                }
            }
        }
        out
    }

    /// Whether the first key `a` and `b` share is `key`.
    fn first_shared_is(&self, a: u32, b: u32, key: u32) -> bool {
        let empty = Vec::new();
        let (x, y) = (
            self.keys.get(a as usize).unwrap_or(&empty),
            self.keys.get(b as usize).unwrap_or(&empty),
        );
        let (mut i, mut j) = (0, 0);
        while let (Some(p), Some(q)) = (x.get(i), y.get(j)) {
            match p.cmp(q) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return *p == key,
            }
        }
        false
    }
}

impl Iterator for PairWalk {
    /// Two record indexes, smaller first.
    type Item = (u32, u32);

    fn next(&mut self) -> Option<(u32, u32)> {
        loop {
            let (k, i, j) = self.at;
            let block = self.blocks.get(k)?;
            if i + 1 >= block.len() {
                self.at = (k + 1, 0, 1);
                continue;
            }
            if j >= block.len() {
                self.at = (k, i + 1, i + 2);
                continue;
            }
            self.at = (k, i, j + 1);
            let (a, b) = (block.get(i).copied()?, block.get(j).copied()?);
            if self.first_shared_is(a, b, k as u32) {
                return Some((a.min(b), a.max(b)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_pair_sharing_a_key_comes_once() {
        let keys: Vec<Vec<String>> = [
            vec!["a", "b"],
            vec!["a", "b"],
            vec!["b", "c"],
            vec!["c"],
            vec!["d"],
            vec!["a", "a"],
        ]
        .iter()
        .map(|ks| ks.iter().map(|k| (*k).to_owned()).collect())
        .collect();
        let pairs: Vec<(u32, u32)> = PairWalk::new(&keys, None).collect();
        let set: HashSet<(u32, u32)> = pairs.iter().copied().collect();
        assert_eq!(pairs.len(), set.len(), "{pairs:?}");
        let expected: HashSet<(u32, u32)> = [(0, 1), (0, 5), (1, 5), (0, 2), (1, 2), (2, 3)]
            .into_iter()
            .collect();
        assert_eq!(set, expected);
        // Blocks larger than the bound are left out.
        let small: HashSet<(u32, u32)> = PairWalk::new(&keys, Some(2)).collect();
        assert_eq!(small, [(2, 3)].into_iter().collect());
        let walk = PairWalk::new(&keys, None);
        assert_eq!(walk.shared(0, 1).len(), 2);
        assert!(walk.shared(0, 4).is_empty());
    }
}
