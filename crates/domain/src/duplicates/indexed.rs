//! Detect over a whole table from the key index's groups: each exact key
//! held by two or more records comes summed up (its criterion, how many
//! records hold it, a fingerprint of the set of holders, its oldest holder),
//! so the groups are found without reading the records. The rules are the
//! [`Grouper`](super::Grouper)'s: a set of records is one group however many
//! keys and criteria found it (its reason is the first criterion), groups
//! are ordered by criterion, then by their records oldest first.
//!
//! Two keys have the same holders exactly when their counts and both 64-bit
//! fingerprints agree (XOR of two independent hashes of each holder's id):
//! sets that differ agree on both by chance with probability 2^-128.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::criterion::Criterion;
use super::grouping::DuplicateGroup;

/// One key held by two or more records, as the key index sums it up (the
/// key itself is not needed: a set is told by its count and fingerprint,
/// and found again from its oldest holder's keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGroup {
    pub criterion: Criterion,
    /// How many records hold it.
    pub holders: u32,
    /// The fingerprint of the set of holders.
    pub fingerprint: (i64, i64),
    /// The oldest holder: `(created_at, id)`.
    pub oldest: Holder,
    /// Whether a dismissed set covers every holder.
    pub dismissed: bool,
}

/// A distinct set of records: the first criterion that found it, its count
/// and fingerprint (which tell it from every other set), its oldest holder
/// and every criterion that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySet {
    pub criterion: Criterion,
    pub holders: u32,
    pub fingerprint: (i64, i64),
    pub oldest: Holder,
    /// In criterion order: the keys of one set are met by criterion.
    pub reasons: Vec<Criterion>,
}

/// The distinct sets of `groups`, dismissed ones left out, ordered as far as
/// the oldest holder orders them: by criterion, then by oldest holder (sets
/// that tie there are ordered by [`exact_order`] once their records are read).
pub fn distinct_sets(mut groups: Vec<KeyGroup>) -> Vec<KeySet> {
    groups.retain(|g| !g.dismissed && g.holders >= 2);
    groups.sort_unstable_by_key(|g| (g.holders, g.fingerprint, g.criterion));
    let mut sets: Vec<KeySet> = Vec::new();
    let mut last: Option<(u32, (i64, i64))> = None;
    for g in groups {
        let same = (g.holders, g.fingerprint);
        match sets.last_mut() {
            Some(set) if last == Some(same) => {
                if !set.reasons.contains(&g.criterion) {
                    set.reasons.push(g.criterion);
                }
            }
            _ => sets.push(KeySet {
                criterion: g.criterion,
                holders: g.holders,
                fingerprint: g.fingerprint,
                oldest: g.oldest,
                reasons: vec![g.criterion],
            }),
        }
        last = Some(same);
    }
    sets.sort_unstable_by_key(|s| (s.criterion, s.oldest, s.holders, s.fingerprint));
    sets
}

/// How many of the ordered `sets` must be read to return the first `limit`
/// groups exactly: `limit`, and every further set that ties with the last
/// of them on criterion and oldest holder.
pub fn to_read(sets: &[KeySet], limit: usize) -> usize {
    let Some(last) = limit.checked_sub(1).and_then(|i| sets.get(i)) else {
        return sets.len().min(limit);
    };
    limit
        + sets
            .iter()
            .skip(limit)
            .take_while(|s| s.criterion == last.criterion && s.oldest == last.oldest)
            .count()
}

/// A record as groups order it: `(created_at, id)`.
pub type Holder = (DateTime<Utc>, Uuid);

/// The groups of the sets read, with their holders (`(created_at, id)`, in
/// any order), in the contract's order, the first `limit` of them.
pub fn exact_order(read: Vec<(KeySet, Vec<Holder>)>, limit: usize) -> Vec<DuplicateGroup> {
    // A set whose holders changed since its sums were taken keeps those
    // still there; one left with fewer than two is no group.
    let mut read: Vec<_> = read
        .into_iter()
        .map(|(set, mut holders)| {
            holders.sort_unstable();
            holders.dedup();
            (set, holders)
        })
        .filter(|(_, holders)| holders.len() >= 2)
        .collect();
    read.sort_by(|a, b| (a.0.criterion, &a.1).cmp(&(b.0.criterion, &b.1)));
    read.truncate(limit);
    read.into_iter()
        .map(|(set, holders)| DuplicateGroup {
            match_reason: set.criterion,
            match_reasons: set.reasons,
            record_ids: holders.into_iter().map(|(_, id)| id).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(s, 0).single().unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn group(c: Criterion, holders: u32, fp: i64, oldest: i64) -> KeyGroup {
        KeyGroup {
            criterion: c,
            holders,
            fingerprint: (fp, -fp),
            oldest: (at(oldest), id(oldest as u128)),
            dismissed: false,
        }
    }

    #[test]
    fn one_set_found_by_two_criteria_is_one_group_under_the_first() {
        let sets = distinct_sets(vec![
            group(Criterion::Name, 2, 7, 1),
            group(Criterion::Phone, 2, 7, 1),
            group(Criterion::Email, 3, 9, 2),
        ]);
        assert_eq!(sets.len(), 2);
        assert_eq!(sets[0].criterion, Criterion::Email);
        assert_eq!(sets[1].criterion, Criterion::Phone);
        assert_eq!(sets[1].reasons, vec![Criterion::Phone, Criterion::Name]);
    }

    #[test]
    fn dismissed_and_single_holder_keys_are_left_out() {
        let mut d = group(Criterion::Email, 2, 1, 1);
        d.dismissed = true;
        let sets = distinct_sets(vec![d, group(Criterion::Email, 1, 2, 2)]);
        assert!(sets.is_empty());
    }

    #[test]
    fn ties_on_the_oldest_holder_are_read_and_ordered_by_all_holders() {
        let sets = distinct_sets(vec![
            group(Criterion::Email, 2, 1, 5),
            group(Criterion::Email, 2, 2, 5),
            group(Criterion::Email, 2, 3, 9),
        ]);
        assert_eq!(to_read(&sets, 1), 2);
        assert_eq!(to_read(&sets, 2), 2);
        assert_eq!(to_read(&sets, 5), 3);
        let read = vec![
            (sets[0].clone(), vec![(at(8), id(8)), (at(5), id(5))]),
            (sets[1].clone(), vec![(at(5), id(5)), (at(6), id(6))]),
        ];
        let groups = exact_order(read, 1);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].record_ids, vec![id(5), id(6)]);
    }
}
