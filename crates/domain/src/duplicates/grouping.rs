//! Grouping of records that share a match key.

use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::criterion::Criterion;
use super::fast_hash::FastHasher;
use super::grouping_finish::{bit, first_listings, ranks, sort_by_hash, Keys, Listed, Sets};

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
/// to a [`Grouper`] in order (see there for the rules and the order). The
/// reference the tests state the rules with; detect streams into a `Grouper`.
#[cfg(test)]
pub(crate) fn group_duplicates(
    candidates: &[Candidate],
    criteria: &[Criterion],
) -> Vec<DuplicateGroup> {
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

/// Bits of a position in an arena chunk (1 MiB chunks, up to 4096 of them).
pub(super) const CHUNK_BITS: u32 = 20;

/// Entries per entry chunk.
const ENTRY_CHUNK: usize = 64 * 1024;

/// `Entry::len` of a key kept whole in `Grouper::long_keys`: a key of 65,535
/// bytes or more, or any key once the arena is full (beyond 4 GiB of keys).
pub(super) const LONG: u16 = u16::MAX;

/// One (criterion, key) held by one record: the key lives in the grouper's
/// arena, so a scan of a million records keeps only compact (16-byte) entries.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    /// Orders the sort only: keys are always compared exactly.
    pub(super) hash: u32,
    /// Position in the arena: chunk index << CHUNK_BITS | offset in the chunk;
    /// for a `LONG` key, its index in `long_keys`.
    pub(super) start: u32,
    /// Length in bytes, or `LONG`.
    pub(super) len: u16,
    pub(super) record: u32,
    pub(super) criterion: Criterion,
}

impl Entry {
    /// A placeholder (a sort's buffer is filled with it before the moves).
    pub(super) const EMPTY: Self = Self {
        hash: 0,
        start: 0,
        len: 0,
        record: 0,
        criterion: Criterion::Email,
    };
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
/// Every non-blank key counts, whatever its length: keys of up to 65,534
/// bytes are packed into the arena, longer ones kept whole beside it.
///
/// Runs in O(k log k) for k keys: one sort of the entries, one of the records
/// and one of the groups.
#[derive(Debug, Default)]
pub struct Grouper {
    /// Bit `c.index()` set for each requested criterion.
    requested: u8,
    /// Keys (their bytes), in chunks of fixed capacity (no reallocation
    /// spikes).
    arena: Vec<Vec<u8>>,
    /// Keys too long for the arena's compact entries (see `LONG`).
    long_keys: Vec<Vec<u8>>,
    /// Entries, in chunks of fixed capacity, joined once when finishing.
    entries: Vec<Vec<Entry>>,
    records: Vec<Listed>,
}

impl Grouper {
    /// A grouper for the given criteria.
    pub fn new(criteria: &[Criterion]) -> Self {
        let requested = criteria.iter().fold(0, |bits, c| bits | bit(*c));
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

    /// Adds one record and its keys (blank keys are no keys).
    pub fn add<'k>(
        &mut self,
        id: Uuid,
        created_at: DateTime<Utc>,
        keys: impl IntoIterator<Item = (Criterion, &'k str)>,
    ) {
        self.add_bytes(
            id,
            created_at,
            keys.into_iter()
                .filter(|(_, key)| !key.trim().is_empty())
                .map(|(c, key)| (c, key.as_bytes())),
        );
    }

    /// Adds one record and its keys as bytes (key digests: see
    /// [`record_digests`](super::record_digests)); any key counts, an empty
    /// one too.
    pub fn add_bytes<'k>(
        &mut self,
        id: Uuid,
        created_at: DateTime<Utc>,
        keys: impl IntoIterator<Item = (Criterion, &'k [u8])>,
    ) {
        let Ok(record) = u32::try_from(self.records.len()) else {
            return; // more than u32::MAX records cannot be scanned
        };
        self.records.push(Listed::new(created_at, id));
        for (criterion, key) in keys {
            if self.requested & bit(criterion) == 0 {
                continue;
            }
            let Some((start, len)) = self.store_key(key) else {
                continue; // more than u32::MAX long keys cannot be held in memory
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

    /// Stores `key`: its position and length in the arena, or its index in
    /// `long_keys` and `LONG`.
    fn store_key(&mut self, key: &[u8]) -> Option<(u32, u16)> {
        let short = u16::try_from(key.len()).ok().filter(|&len| len != LONG);
        if let Some(len) = short {
            if let Some(start) = self.store_in_arena(key) {
                return Some((start, len));
            }
        }
        let index = u32::try_from(self.long_keys.len()).ok()?;
        self.long_keys.push(key.to_vec());
        Some((index, LONG))
    }

    /// Copies a short key into the arena; returns its position, or `None`
    /// when the arena is full (4096 chunks of 1 MiB).
    fn store_in_arena(&mut self, key: &[u8]) -> Option<u32> {
        let cap = 1usize << CHUNK_BITS;
        if self.arena.last().is_none_or(|c| c.len() + key.len() > cap) {
            if self.arena.len() >= 1 << (32 - CHUNK_BITS) {
                return None;
            }
            self.arena.push(Vec::with_capacity(cap));
        }
        let index = u32::try_from(self.arena.len() - 1).ok()?;
        let chunk = self.arena.last_mut()?;
        let offset = u32::try_from(chunk.len()).ok()?;
        chunk.extend_from_slice(key);
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
            long_keys,
            entries: chunks,
            records,
            ..
        } = self;
        let mut entries = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for chunk in chunks {
            entries.extend_from_slice(&chunk);
        }
        let keys = Keys {
            arena: &arena,
            long: &long_keys,
        };
        // A record listed twice counts once: the first listing wins, later
        // listings and their keys are dropped.
        let first = first_listings(&records);
        entries.retain(|e| first.get(e.record as usize).copied().unwrap_or(false));
        let (by_age, rank_of) = ranks(&records, &first);
        drop(first);
        // By criterion, hash, key and record: by criterion and hash first
        // (criteria are numbered in their order), then each run of equal
        // hashes (almost always one key's entries) by key and record.
        sort_by_hash(&mut entries);
        for run in entries.chunk_by_mut(|a, b| a.criterion == b.criterion && a.hash == b.hash) {
            if run.len() > 1 {
                run.sort_unstable_by(|a, b| {
                    keys.get(a).cmp(keys.get(b)).then(a.record.cmp(&b.record))
                });
            }
        }
        let sets = Sets::found(&entries, &keys, &rank_of);
        drop(entries);
        let groups = sets.groups();
        let total = groups.len();
        let out = groups
            .into_iter()
            .take(limit)
            .map(|(set, reasons)| DuplicateGroup {
                match_reason: set.criterion,
                match_reasons: Criterion::ALL
                    .into_iter()
                    .filter(|c| reasons & bit(*c) != 0)
                    .collect(),
                record_ids: sets
                    .members(&set)
                    .iter()
                    .filter_map(|&rank| by_age.get(rank as usize))
                    .filter_map(|&record| records.get(record as usize))
                    .map(|r| Uuid::from_u128(r.id))
                    .collect(),
            })
            .collect();
        (out, total)
    }
}
