//! Grouping of records that share a match key.

#![allow(clippy::indexing_slicing)]

use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::criterion::Criterion;

/// One scanned record: its id, creation time and match keys (as given by
/// [`MatchPlan::keys`](super::MatchPlan::keys)).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The record's id; a record listed twice counts once.
    pub id: Uuid,
    /// The record's creation time, which orders groups and their records.
    pub created_at: DateTime<Utc>,
    /// The record's match keys; keys of criteria not requested are ignored.
    pub keys: Vec<(Criterion, String)>,
}

/// A set of two or more records that share a key.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateGroup {
    /// The first criterion (in criterion order) that found this exact set.
    pub match_reason: Criterion,
    /// Every criterion that found this exact set, in criterion order.
    pub match_reasons: Vec<Criterion>,
    /// The records, oldest `created_at` first, then by id.
    pub record_ids: Vec<Uuid>,
}

/// Groups candidates that share a key, per the contract: the records are fed
/// to a [`Grouper`] in order (see there for the rules and the order).
pub fn group_duplicates(candidates: &[Candidate], criteria: &[Criterion]) -> Vec<DuplicateGroup> {
    let mut grouper = Grouper::new(criteria);
    for c in candidates {
        grouper.add(
            c.id,
            c.created_at,
            c.keys.iter().map(|(crit, key)| (*crit, key.as_str())),
        );
    }
    grouper.finish()
}

/// A fast, non-cryptographic hasher (FxHash's mix) for ids and keys the
/// grouper only uses internally: keys are always compared exactly, so its
/// quality only affects speed.
#[derive(Debug, Default, Clone, Copy)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.mix(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.mix(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    fn finish(&self) -> u64 {
        // murmur3's finalizer: every input bit reaches the low bits the hash
        // table indexes by (sequential ids would otherwise collide).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

impl FastHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Bits of a position in an arena chunk (1 MiB chunks, up to 4096 of them).
const CHUNK_BITS: u32 = 20;

/// Entries per entry chunk.
const ENTRY_CHUNK: usize = 64 * 1024;

/// One (criterion, key) held by one record: the key lives in the grouper's
/// arena, so a scan of a million records keeps only compact (16-byte) entries.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Orders the sort only: keys are always compared exactly.
    hash: u32,
    /// Position in the arena: chunk index << CHUNK_BITS | offset in the chunk.
    start: u32,
    len: u16,
    record: u32,
    criterion: Criterion,
}

/// Incremental grouping for a streaming scan: records are added as they
/// arrive (keys copied into one arena, no per-key allocation), and the groups
/// are formed once at the end.
///
/// For each requested criterion (always in criterion order, whatever the order
/// of `criteria`), the distinct records that share a key form a group when
/// there are two or more of them; a record added twice counts once (the first
/// listing wins). Keys are compared exactly (a hash only speeds up the sort).
/// Groups with exactly the same records are reported once, under the first
/// criterion that found them, with `match_reasons` listing every criterion
/// that found them (the same set found through two keys of one criterion is
/// one group). Groups that merely overlap stay separate.
///
/// Order: by `match_reason`, then by the `created_at` of the oldest record,
/// then by its id, then by the rest of `record_ids` (compared in the same
/// oldest-first order), which makes the order total.
///
/// Runs in O(k log k) for k keys: one sort of the entries, one of the records
/// and one of the groups.
#[derive(Debug, Default)]
pub struct Grouper {
    requested: [bool; 4],
    /// Keys, in chunks of fixed capacity (no reallocation spikes).
    arena: Vec<String>,
    /// Entries, in chunks of fixed capacity, joined once when finishing.
    entries: Vec<Vec<Entry>>,
    records: Vec<(DateTime<Utc>, Uuid)>,
}

impl Grouper {
    /// A grouper for the given criteria.
    pub fn new(criteria: &[Criterion]) -> Self {
        let mut requested = [false; 4];
        for c in criteria {
            requested[c.index()] = true;
        }
        Self {
            requested,
            ..Self::default()
        }
    }

    /// Records added so far (a record listed twice counts twice here).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record was added.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Adds one record and its keys.
    pub fn add<'k>(
        &mut self,
        id: Uuid,
        created_at: DateTime<Utc>,
        keys: impl IntoIterator<Item = (Criterion, &'k str)>,
    ) {
        let Ok(record) = u32::try_from(self.records.len()) else {
            return; // more than u32::MAX records cannot be scanned
        };
        self.records.push((created_at, id));
        for (criterion, key) in keys {
            if !self.requested[criterion.index()] || key.trim().is_empty() {
                continue;
            }
            // A key over 64 KiB, or beyond 4 GiB of keys, is not indexed.
            let (Some(start), Ok(len)) = (self.store_key(key), u16::try_from(key.len())) else {
                continue;
            };
            let mut hasher = FastHasher::default();
            key.hash(&mut hasher);
            if self.entries.last().is_none_or(|c| c.len() == ENTRY_CHUNK) {
                self.entries.push(Vec::with_capacity(ENTRY_CHUNK));
            }
            let Some(chunk) = self.entries.last_mut() else {
                continue;
            };
            #[allow(clippy::cast_possible_truncation)] // the low half of the hash is enough
            chunk.push(Entry {
                hash: hasher.finish() as u32,
                start,
                len,
                record,
                criterion,
            });
        }
    }

    /// Copies `key` into the arena; returns its position.
    fn store_key(&mut self, key: &str) -> Option<u32> {
        let cap = 1usize << CHUNK_BITS;
        if key.len() > cap {
            return None;
        }
        if self.arena.last().is_none_or(|c| c.len() + key.len() > cap) {
            self.arena.push(String::with_capacity(cap));
        }
        let index = u32::try_from(self.arena.len() - 1)
            .ok()
            .filter(|i| *i < (1 << (32 - CHUNK_BITS)))?;
        let chunk = self.arena.last_mut()?;
        let offset = u32::try_from(chunk.len()).ok()?;
        chunk.push_str(key);
        Some(index << CHUNK_BITS | offset)
    }

    /// The groups, in the contract's order.
    pub fn finish(self) -> Vec<DuplicateGroup> {
        self.finish_first(usize::MAX).0
    }

    /// The first `limit` groups, in the contract's order, and how many there
    /// are in all (only the groups returned are built).
    pub fn finish_first(self, limit: usize) -> (Vec<DuplicateGroup>, usize) {
        let Self {
            arena,
            entries: chunks,
            records,
            ..
        } = self;
        let mut entries = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            entries.extend_from_slice(&chunk);
        }
        let key = |e: &Entry| {
            let chunk = &arena[(e.start >> CHUNK_BITS) as usize];
            let start = (e.start & ((1 << CHUNK_BITS) - 1)) as usize;
            &chunk[start..start + usize::from(e.len)]
        };
        let count = u32::try_from(records.len()).unwrap_or(u32::MAX);
        // A record listed twice counts once: the first listing wins, later
        // listings and their keys are dropped (found by one sort, no hash set).
        let mut by_id: Vec<u32> = (0..count).collect();
        by_id.sort_unstable_by_key(|&i| (records[i as usize].1, i));
        let mut first = vec![true; records.len()];
        for pair in by_id.windows(2) {
            if records[pair[0] as usize].1 == records[pair[1] as usize].1 {
                first[pair[1] as usize] = false;
            }
        }
        drop(by_id);
        entries.retain(|e| first[e.record as usize]);
        // Rank of each record: oldest first, then by id.
        let mut by_age: Vec<u32> = (0..count).filter(|&i| first[i as usize]).collect();
        by_age.sort_unstable_by_key(|&i| records[i as usize]);
        let mut rank_of = vec![0u32; records.len()];
        for (rank, &record) in (0u32..).zip(&by_age) {
            rank_of[record as usize] = rank;
        }

        entries.sort_unstable_by(|a, b| {
            (a.criterion, a.hash)
                .cmp(&(b.criterion, b.hash))
                .then_with(|| key(a).cmp(key(b)))
                .then(a.record.cmp(&b.record))
        });
        // Every (members, criterion) found, members ascending by rank.
        // Every (members, criterion) found, members ascending by rank, kept as
        // ranges of one flat list (no allocation per group).
        let mut flat: Vec<u32> = Vec::new();
        let mut found: Vec<(u32, u32, Criterion)> = Vec::new();
        let mut i = 0;
        while i < entries.len() {
            let head = entries[i];
            let mut j = i + 1;
            while j < entries.len()
                && entries[j].criterion == head.criterion
                && entries[j].hash == head.hash
                && key(&entries[j]) == key(&head)
            {
                j += 1;
            }
            if j - i >= 2 {
                let start = flat.len();
                flat.extend(entries[i..j].iter().map(|e| rank_of[e.record as usize]));
                flat[start..].sort_unstable();
                let mut members = flat.split_off(start);
                members.dedup();
                if members.len() >= 2 {
                    flat.extend_from_slice(&members);
                    if let (Ok(s), Ok(n)) = (u32::try_from(start), u32::try_from(members.len())) {
                        found.push((s, n, head.criterion));
                    }
                }
            }
            i = j;
        }
        drop(entries);
        let members = |&(s, n, _): &(u32, u32, Criterion)| &flat[s as usize..(s + n) as usize];

        // Same members: one group, reasons in criterion order.
        found.sort_unstable_by(|a, b| members(a).cmp(members(b)).then(a.2.cmp(&b.2)));
        let mut groups: Vec<((u32, u32, Criterion), [bool; 4])> = Vec::with_capacity(found.len());
        for f in found {
            match groups.last_mut() {
                Some((last, reasons)) if members(last) == members(&f) => {
                    reasons[f.2.index()] = true
                }
                _ => {
                    let mut reasons = [false; 4];
                    reasons[f.2.index()] = true;
                    groups.push((f, reasons));
                }
            }
        }
        // The first criterion that found a set is its match reason (`found`
        // is sorted by criterion within equal members).
        groups.sort_unstable_by(|a, b| (a.0 .2, members(&a.0)).cmp(&(b.0 .2, members(&b.0))));
        let total = groups.len();
        let out = groups
            .into_iter()
            .take(limit)
            .map(|(f, reasons)| DuplicateGroup {
                match_reason: f.2,
                match_reasons: Criterion::ALL
                    .into_iter()
                    .filter(|c| reasons[c.index()])
                    .collect(),
                record_ids: members(&f)
                    .iter()
                    .filter_map(|&r| by_age.get(r as usize))
                    .map(|&i| records[i as usize].1)
                    .collect(),
            })
            .collect();
        (out, total)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use chrono::TimeZone;
    use Criterion::*;

    /// Record `n`: id `n`, created `minutes` after the epoch.
    pub(crate) fn cand(n: u128, minutes: i64, keys: &[(Criterion, &str)]) -> Candidate {
        Candidate {
            id: Uuid::from_u128(n),
            created_at: Utc.timestamp_opt(minutes * 60, 0).unwrap(),
            keys: keys.iter().map(|&(c, k)| (c, k.to_owned())).collect(),
        }
    }

    /// Groups as (match_reason, match_reasons, record numbers).
    pub(crate) fn run(
        candidates: &[Candidate],
        criteria: &[Criterion],
    ) -> Vec<(Criterion, Vec<Criterion>, Vec<u128>)> {
        group_duplicates(candidates, criteria)
            .into_iter()
            .map(|g| {
                (
                    g.match_reason,
                    g.match_reasons,
                    g.record_ids.iter().map(uuid::Uuid::as_u128).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn groups_do_not_depend_on_input_order() {
        let mut candidates: Vec<Candidate> = (0..200)
            .map(|n| {
                cand(
                    n,
                    i64::try_from(n % 7).unwrap(),
                    &[
                        (Email, &format!("e{}", n % 13)),
                        (Phone, &format!("p{}", n % 11)),
                    ],
                )
            })
            .collect();
        let expected = group_duplicates(&candidates, &Criterion::ALL);
        assert_eq!(expected.len(), 24);
        candidates.reverse();
        assert_eq!(group_duplicates(&candidates, &Criterion::ALL), expected);
        candidates.rotate_left(77);
        assert_eq!(group_duplicates(&candidates, &[Phone, Email]), expected);
    }

    #[test]
    fn large_scans_stay_fast() {
        // 200,000 records, one shared pair per 1,000: a quadratic pass would hang.
        let candidates: Vec<Candidate> = (0..200_000u128)
            .map(|n| {
                let shared = if n % 1000 < 2 {
                    format!("dup{}", n / 1000)
                } else {
                    format!("u{n}")
                };
                let minutes = i64::try_from(n).unwrap();
                Candidate {
                    id: Uuid::from_u128(n + 1),
                    created_at: Utc.timestamp_opt(minutes, 0).unwrap(),
                    keys: vec![(Email, shared), (Phone, format!("p{n}"))],
                }
            })
            .collect();
        let groups = group_duplicates(&candidates, &Criterion::ALL);
        assert_eq!(groups.len(), 200);
        assert!(groups
            .iter()
            .all(|g| g.record_ids.len() == 2 && g.match_reason == Email));
    }
}
