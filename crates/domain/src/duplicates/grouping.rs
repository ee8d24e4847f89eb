//! Grouping of records that share a match key.

use std::collections::HashMap;

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

/// The records sharing one key: the first one, then any others (most keys
/// are held by a single record, which then costs no allocation).
type Holders = (u32, Vec<u32>);

/// Groups candidates that share a key, per the contract.
///
/// For each requested criterion (always in criterion order, whatever the order
/// of `criteria`), the distinct records that share a key form a group when
/// there are two or more of them; a record listed twice counts once. Groups
/// with exactly the same records are reported once, under the first criterion
/// that found them, with `match_reasons` listing every criterion that found
/// them (the same set found through two keys of one criterion is one group).
/// Groups that merely overlap stay separate.
///
/// Order: by `match_reason`, then by the `created_at` of the oldest record,
/// then by its id, then by the rest of `record_ids` (compared in the same
/// oldest-first order), which makes the order total.
///
/// Runs in O(k log k) for k keys: a hash index per (criterion, key), one sort
/// of the records and one sort of the groups.
pub fn group_duplicates(candidates: &[Candidate], criteria: &[Criterion]) -> Vec<DuplicateGroup> {
    // Distinct records (first listing wins), then ranked oldest first and by
    // id: a group is the ascending list of its members' ranks.
    let mut record_of: HashMap<Uuid, usize> = HashMap::with_capacity(candidates.len());
    let mut records: Vec<&Candidate> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        record_of.entry(candidate.id).or_insert_with(|| {
            records.push(candidate);
            records.len() - 1
        });
    }
    let Ok(count) = u32::try_from(records.len()) else {
        return Vec::new(); // more than u32::MAX records cannot be scanned
    };
    let mut by_age: Vec<usize> = (0..records.len()).collect();
    by_age.sort_unstable_by_key(|&i| (records[i].created_at, records[i].id));
    let mut rank_of = vec![0u32; records.len()];
    for (&record, rank) in by_age.iter().zip(0..count) {
        rank_of[record] = rank;
    }

    let mut requested = [false; 4];
    for criterion in criteria {
        requested[criterion.index()] = true;
    }

    // (criterion, key) -> ranks of the records holding it.
    let mut index: HashMap<(Criterion, &str), Holders> = HashMap::new();
    for candidate in candidates {
        let Some(&r) = record_of.get(&candidate.id).and_then(|&i| rank_of.get(i)) else {
            continue;
        };
        for (criterion, key) in &candidate.keys {
            if !requested[criterion.index()] || key.trim().is_empty() {
                continue;
            }
            index
                .entry((*criterion, key.as_str()))
                .and_modify(|(first, rest)| {
                    if *first != r && rest.last() != Some(&r) {
                        rest.push(r);
                    }
                })
                .or_insert((r, Vec::new()));
        }
    }

    // Every (members, criterion) found, members ascending by rank.
    let mut found: Vec<(Vec<u32>, Criterion)> = Vec::new();
    for ((criterion, _), (first, rest)) in index {
        if rest.is_empty() {
            continue;
        }
        let mut members = rest;
        members.push(first);
        members.sort_unstable();
        members.dedup();
        if members.len() >= 2 {
            found.push((members, criterion));
        }
    }

    // Same members: one group, reasons in criterion order.
    found.sort_unstable();
    let mut groups: Vec<(Vec<u32>, Vec<Criterion>)> = Vec::new();
    for (members, criterion) in found {
        match groups.last_mut() {
            Some((last, reasons)) if *last == members => {
                if reasons.last() != Some(&criterion) {
                    reasons.push(criterion);
                }
            }
            _ => groups.push((members, vec![criterion])),
        }
    }

    let mut groups: Vec<(Criterion, Vec<u32>, Vec<Criterion>)> = groups
        .into_iter()
        .filter_map(|(members, reasons)| Some((*reasons.first()?, members, reasons)))
        .collect();
    groups.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    groups
        .into_iter()
        .map(|(match_reason, members, match_reasons)| DuplicateGroup {
            match_reason,
            match_reasons,
            record_ids: members
                .iter()
                .filter_map(|&r| by_age.get(r as usize).and_then(|&i| records.get(i)))
                .map(|c| c.id)
                .collect(),
        })
        .collect()
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
                    g.record_ids.iter().map(|id| id.as_u128()).collect(),
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
