//! Leaving dismissed groups out: a group is dismissed when every one of its
//! records lies in one dismissed set.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

/// The dismissed sets of an object, indexed by record.
#[derive(Debug, Default)]
pub(crate) struct Dismissed {
    sets: Vec<HashSet<Uuid>>,
    by_record: HashMap<Uuid, Vec<usize>>,
}

impl Dismissed {
    pub(crate) fn new(sets: Vec<Vec<Uuid>>) -> Self {
        let mut out = Self::default();
        for (i, set) in sets.into_iter().enumerate() {
            for id in &set {
                out.by_record.entry(*id).or_default().push(i);
            }
            out.sets.push(set.into_iter().collect());
        }
        out
    }

    /// The sets, each as a list of record ids.
    pub(crate) fn sets(&self) -> Vec<Vec<Uuid>> {
        self.sets
            .iter()
            .map(|s| s.iter().copied().collect())
            .collect()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Whether every record of `group` lies in one dismissed set.
    pub(crate) fn covers(&self, group: &[Uuid]) -> bool {
        let Some(first) = group.first() else {
            return false;
        };
        self.by_record.get(first).is_some_and(|sets| {
            sets.iter().any(|&i| {
                self.sets
                    .get(i)
                    .is_some_and(|set| group.iter().all(|id| set.contains(id)))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_dismissed_only_inside_one_set() {
        let ids: Vec<Uuid> = (0..5).map(|_| Uuid::new_v4()).collect();
        let d = Dismissed::new(vec![vec![ids[0], ids[1], ids[2]], vec![ids[2], ids[3]]]);
        assert!(d.covers(&[ids[0], ids[1]]));
        assert!(d.covers(&[ids[2], ids[0], ids[1]]));
        assert!(d.covers(&[ids[3], ids[2]]));
        assert!(!d.covers(&[ids[1], ids[3]]), "across two sets");
        assert!(!d.covers(&[ids[0], ids[4]]), "a record outside");
        assert!(!Dismissed::new(vec![]).covers(&[ids[0], ids[1]]));
    }
}
