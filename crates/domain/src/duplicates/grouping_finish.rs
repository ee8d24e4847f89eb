//! The finishing steps of the grouper (`Grouper::finish_first`): reading
//! keys back, keeping each record's first listing, ranking records by age and
//! collecting the sets of records that share a key.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::criterion::Criterion;
use super::grouping::{Entry, CHUNK_BITS, LONG};

/// The bit of a criterion in a criteria mask.
pub(super) fn bit(c: Criterion) -> u8 {
    1 << c.index()
}

/// Where the entries' keys live.
pub(super) struct Keys<'a> {
    pub(super) arena: &'a [Vec<u8>],
    pub(super) long: &'a [Vec<u8>],
}

impl Keys<'_> {
    /// The key of an entry.
    pub(super) fn get(&self, e: &Entry) -> &[u8] {
        if e.len == LONG {
            return self.long.get(e.start as usize).map_or(&[], Vec::as_slice);
        }
        let start = (e.start & ((1 << CHUNK_BITS) - 1)) as usize;
        self.arena
            .get((e.start >> CHUNK_BITS) as usize)
            .and_then(|chunk| chunk.get(start..start + usize::from(e.len)))
            .unwrap_or(&[])
    }
}

/// Whether each record is the first listing of its id (one sort, no hash set).
pub(super) fn first_listings(records: &[(DateTime<Utc>, Uuid)]) -> Vec<bool> {
    let count = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let id_of = |i: u32| records.get(i as usize).map(|&(_, id)| id);
    let mut by_id: Vec<u32> = (0..count).collect();
    by_id.sort_unstable_by_key(|&i| (id_of(i), i));
    let mut first = vec![true; records.len()];
    for pair in by_id.windows(2) {
        if let &[earlier, later] = pair {
            if id_of(earlier) == id_of(later) {
                if let Some(f) = first.get_mut(later as usize) {
                    *f = false;
                }
            }
        }
    }
    first
}

/// The first listings, oldest first then by id, and the rank of each record
/// in that order.
pub(super) fn ranks(records: &[(DateTime<Utc>, Uuid)], first: &[bool]) -> (Vec<u32>, Vec<u32>) {
    let count = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let mut by_age: Vec<u32> = (0..count)
        .filter(|&i| first.get(i as usize).copied().unwrap_or(false))
        .collect();
    by_age.sort_unstable_by_key(|&i| records.get(i as usize).copied());
    let mut rank_of = vec![0u32; records.len()];
    for (rank, &record) in (0u32..).zip(&by_age) {
        if let Some(r) = rank_of.get_mut(record as usize) {
            *r = rank;
        }
    }
    (by_age, rank_of)
}

/// A set of records found by one criterion: a range of `Sets::flat`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Set {
    start: u32,
    len: u32,
    pub(super) criterion: Criterion,
}

/// Every (members, criterion) found, members ascending by rank, kept as
/// ranges of one flat list (no allocation per set).
pub(super) struct Sets {
    flat: Vec<u32>,
    found: Vec<Set>,
}

impl Sets {
    /// The sets of two or more distinct records that share a key, from the
    /// entries sorted by criterion and key.
    pub(super) fn found(entries: &[Entry], keys: &Keys<'_>, rank_of: &[u32]) -> Self {
        let mut sets = Self {
            flat: Vec::new(),
            found: Vec::new(),
        };
        let same = |a: &Entry, b: &Entry| {
            a.criterion == b.criterion && a.hash == b.hash && keys.get(a) == keys.get(b)
        };
        let mut members = Vec::new();
        for run in entries.chunk_by(same) {
            let Some(head) = run.first().filter(|_| run.len() >= 2) else {
                continue;
            };
            members.clear();
            members.extend(
                run.iter()
                    .filter_map(|e| rank_of.get(e.record as usize).copied()),
            );
            members.sort_unstable();
            members.dedup();
            let (Ok(start), Ok(len)) =
                (u32::try_from(sets.flat.len()), u32::try_from(members.len()))
            else {
                continue;
            };
            if len >= 2 {
                sets.flat.extend_from_slice(&members);
                sets.found.push(Set {
                    start,
                    len,
                    criterion: head.criterion,
                });
            }
        }
        sets
    }

    /// The members of a set, ascending by rank.
    pub(super) fn members(&self, set: &Set) -> &[u32] {
        let start = set.start as usize;
        self.flat
            .get(start..start + set.len as usize)
            .unwrap_or_default()
    }

    /// The distinct member sets with the criteria that found each (a mask),
    /// ordered by their first criterion, then by members.
    pub(super) fn groups(&self) -> Vec<(Set, u8)> {
        let mut found = self.found.clone();
        found.sort_unstable_by(|a, b| {
            self.members(a)
                .cmp(self.members(b))
                .then(a.criterion.cmp(&b.criterion))
        });
        let mut groups: Vec<(Set, u8)> = Vec::with_capacity(found.len());
        for set in found {
            match groups.last_mut() {
                Some((last, reasons)) if self.members(last) == self.members(&set) => {
                    *reasons |= bit(set.criterion);
                }
                _ => groups.push((set, bit(set.criterion))),
            }
        }
        // The first criterion that found a set is its match reason (`found`
        // is sorted by criterion within equal members).
        groups.sort_unstable_by(|a, b| {
            (a.0.criterion, self.members(&a.0)).cmp(&(b.0.criterion, self.members(&b.0)))
        });
        groups
    }
}
