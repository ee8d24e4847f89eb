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

/// One record listed: its creation time and id as plain integers, so that
/// the sorts compare integers (ordered as `(created_at, id)`: a uuid's bytes
/// are its big-endian `u128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Listed {
    secs: i64,
    nanos: u32,
    pub(super) id: u128,
}

impl Listed {
    pub(super) fn new(created_at: DateTime<Utc>, id: Uuid) -> Self {
        Self {
            secs: created_at.timestamp(),
            nanos: created_at.timestamp_subsec_nanos(),
            id: id.as_u128(),
        }
    }
}

/// Sorts entries by criterion, then hash: a stable radix sort on those 34
/// bits (three passes over the entries, no comparison), or a comparison
/// sort when the entries are too many for a second buffer as large.
pub(super) fn sort_by_hash(entries: &mut Vec<Entry>) {
    let key = |e: &Entry| (e.criterion.index() as u64) << 32 | u64::from(e.hash);
    if entries.len() > RADIX_MAX {
        entries.sort_unstable_by_key(key);
        return;
    }
    let mut from = std::mem::take(entries);
    let mut to = Vec::with_capacity(from.len());
    for shift in [0u32, 12, 24] {
        // 12, 12 and 10 bits (the criterion's 2 above the hash's 32).
        let digit = |e: &Entry| ((key(e) >> shift) & 0xfff) as usize;
        let mut starts = vec![0usize; 4097];
        for e in &from {
            if let Some(c) = starts.get_mut(digit(e) + 1) {
                *c += 1;
            }
        }
        for i in 1..starts.len() {
            let before = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = starts.get_mut(i) {
                *c += before;
            }
        }
        to.clear();
        to.resize(from.len(), Entry::EMPTY);
        for e in &from {
            if let Some(at) = starts.get_mut(digit(e)) {
                if let Some(slot) = to.get_mut(*at) {
                    *slot = *e;
                }
                *at += 1;
            }
        }
        std::mem::swap(&mut from, &mut to);
    }
    *entries = from;
}

/// Entries radix-sorted at most (16 MiB of them, beyond which the second
/// buffer would weigh on a scan's memory).
const RADIX_MAX: usize = 1 << 20;

/// Whether each record is the first listing of its id (one sort, no hash set).
pub(super) fn first_listings(records: &[Listed]) -> Vec<bool> {
    let count = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let id_of = |i: u32| records.get(i as usize).map(|r| r.id);
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
pub(super) fn ranks(records: &[Listed], first: &[bool]) -> (Vec<u32>, Vec<u32>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radix_sort_orders_by_criterion_then_hash_and_keeps_ties_in_order() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // Hashes from a small pool too, so that many entries tie.
        let entries: Vec<Entry> = (0..20_000u32)
            .map(|record| {
                let r = next();
                Entry {
                    hash: if r % 3 == 0 {
                        (r >> 8) as u32 % 50
                    } else {
                        (r >> 8) as u32
                    },
                    start: 0,
                    len: 0,
                    record,
                    criterion: Criterion::ALL[(r >> 40) as usize % 4],
                }
            })
            .collect();
        let view = |es: &[Entry]| -> Vec<(usize, u32, u32)> {
            es.iter()
                .map(|e| (e.criterion.index(), e.hash, e.record))
                .collect()
        };
        let mut expected = entries.clone();
        expected.sort_by_key(|e| (e.criterion.index(), e.hash));
        let mut sorted = entries;
        sort_by_hash(&mut sorted);
        assert_eq!(view(&sorted), view(&expected));
    }
}
