//! The contract's grouping rules, case by case, for `group_duplicates`.

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::criterion::Criterion::{self, *};
use super::grouping::{group_duplicates, Candidate, Grouper};
use super::name::normalize_name;

/// Record `n`: id `n`, created `minutes` after the epoch.
fn cand(n: u128, minutes: i64, keys: &[(Criterion, &str)]) -> Candidate {
    Candidate {
        id: Uuid::from_u128(n),
        created_at: Utc.timestamp_opt(minutes * 60, 0).unwrap(),
        keys: keys.iter().map(|&(c, k)| (c, k.to_owned())).collect(),
    }
}

/// Groups as (match_reason, match_reasons, record numbers).
fn run(
    candidates: &[Candidate],
    criteria: &[Criterion],
) -> Vec<(Criterion, Vec<Criterion>, Vec<u128>)> {
    group_duplicates(candidates, criteria)
        .into_iter()
        .map(|g| {
            (
                g.match_reason,
                g.match_reasons,
                g.record_ids.iter().map(Uuid::as_u128).collect(),
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

#[test]
fn groups_follow_the_contract() {
    type Case = (
        &'static str,
        Vec<Candidate>,
        Vec<Criterion>,
        Vec<(Criterion, Vec<Criterion>, Vec<u128>)>,
    );
    let all = Criterion::ALL.to_vec();
    let cases: Vec<Case> = vec![
        (
            "same email (normalized) forms one group, oldest first",
            vec![
                cand(1, 5, &[(Email, "a@x.io")]),
                cand(2, 1, &[(Email, "a@x.io")]),
                cand(3, 2, &[(Email, "b@x.io")]),
            ],
            all.clone(),
            vec![(Email, vec![Email], vec![2, 1])],
        ),
        (
            "a pair found by email and phone is one group",
            vec![
                cand(1, 1, &[(Email, "a@x.io"), (Phone, "+15551234567")]),
                cand(2, 2, &[(Email, "a@x.io"), (Phone, "+15551234567")]),
            ],
            all.clone(),
            vec![(Email, vec![Email, Phone], vec![1, 2])],
        ),
        (
            "a phone triple overlapping an email pair stays separate",
            vec![
                cand(1, 1, &[(Email, "a@x.io"), (Phone, "+1")]),
                cand(2, 2, &[(Email, "a@x.io"), (Phone, "+1")]),
                cand(3, 3, &[(Phone, "+1")]),
            ],
            all.clone(),
            vec![
                (Email, vec![Email], vec![1, 2]),
                (Phone, vec![Phone], vec![1, 2, 3]),
            ],
        ),
        (
            "order: criterion, then oldest created_at, then id",
            vec![
                cand(9, 1, &[(Name, "n")]),
                cand(8, 1, &[(Name, "n")]),
                cand(7, 3, &[(Email, "late")]),
                cand(6, 3, &[(Email, "late")]),
                cand(5, 2, &[(Email, "early")]),
                cand(4, 9, &[(Email, "early")]),
                cand(3, 3, &[(Email, "tie")]),
                cand(2, 3, &[(Email, "tie")]),
            ],
            all.clone(),
            vec![
                (Email, vec![Email], vec![5, 4]),
                (Email, vec![Email], vec![2, 3]),
                (Email, vec![Email], vec![6, 7]),
                (Name, vec![Name], vec![8, 9]),
            ],
        ),
        (
            "same oldest record: the rest of the list decides",
            vec![
                cand(1, 1, &[(Email, "a"), (Email, "b")]),
                cand(2, 2, &[(Email, "a")]),
                cand(3, 3, &[(Email, "b")]),
                cand(4, 4, &[(Email, "b")]),
            ],
            all.clone(),
            vec![
                (Email, vec![Email], vec![1, 2]),
                (Email, vec![Email], vec![1, 3, 4]),
            ],
        ),
        (
            "a secondary email matches another record's email",
            vec![
                cand(1, 1, &[(Email, "a@x.io"), (Email, "alt@x.io")]),
                cand(2, 2, &[(Email, "alt@x.io")]),
            ],
            all.clone(),
            vec![(Email, vec![Email], vec![1, 2])],
        ),
        (
            "a record listed twice is not its own duplicate",
            vec![
                cand(1, 1, &[(Email, "a")]),
                cand(1, 1, &[(Email, "a")]),
                cand(2, 2, &[(Phone, "p")]),
            ],
            all.clone(),
            vec![],
        ),
        (
            "a record listed twice still groups once with another",
            vec![
                cand(1, 1, &[(Email, "a")]),
                cand(2, 2, &[(Email, "a")]),
                cand(1, 1, &[(Email, "a")]),
            ],
            all.clone(),
            vec![(Email, vec![Email], vec![1, 2])],
        ),
        (
            "one set found through two keys of one criterion is one group",
            vec![
                cand(1, 1, &[(Email, "a"), (Email, "b"), (Phone, "p")]),
                cand(2, 2, &[(Email, "a"), (Email, "b"), (Phone, "p")]),
            ],
            all.clone(),
            vec![(Email, vec![Email, Phone], vec![1, 2])],
        ),
        (
            "criteria restricted to name ignore email keys",
            vec![
                cand(1, 1, &[(Email, "a"), (Name, "alice martin")]),
                cand(2, 2, &[(Email, "a")]),
                cand(3, 3, &[(Name, "alice martin")]),
            ],
            vec![Name],
            vec![(Name, vec![Name], vec![1, 3])],
        ),
        (
            "criteria [name, email] still give email groups first",
            vec![
                cand(1, 1, &[(Name, "n")]),
                cand(2, 2, &[(Name, "n"), (Email, "e")]),
                cand(3, 3, &[(Email, "e")]),
            ],
            vec![Name, Email],
            vec![
                (Email, vec![Email], vec![2, 3]),
                (Name, vec![Name], vec![1, 2]),
            ],
        ),
        (
            "a set found by a later criterion only is reported under it",
            vec![
                cand(1, 1, &[(Linkedin, "l"), (Name, "n")]),
                cand(2, 2, &[(Linkedin, "l"), (Name, "n")]),
            ],
            vec![Name, Linkedin, Phone],
            vec![(Linkedin, vec![Linkedin, Name], vec![1, 2])],
        ),
        (
            "keys of different criteria never match each other; blank keys never match",
            vec![
                cand(1, 1, &[(Email, "x"), (Phone, " ")]),
                cand(2, 2, &[(Name, "x"), (Phone, " ")]),
            ],
            all.clone(),
            vec![],
        ),
        (
            "no criteria, no groups",
            vec![cand(1, 1, &[(Email, "a")]), cand(2, 2, &[(Email, "a")])],
            vec![],
            vec![],
        ),
        ("no candidates", vec![], all.clone(), vec![]),
    ];
    for (name, candidates, criteria, expected) in cases {
        assert_eq!(run(&candidates, &criteria), expected, "{name}");
    }
}

#[test]
fn keys_of_any_length_group() {
    // Defect 5: keys of 64 KiB and more were skipped.
    let long = format!("Quill {}", "abcdefghij".repeat(7000));
    let upper = long.to_uppercase();
    let (a, b) = (
        normalize_name(&long).unwrap(),
        normalize_name(&upper).unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(a.len(), 70_006);
    let candidates = [
        cand(1, 1, &[(Name, &a)]),
        cand(2, 2, &[(Name, &b)]),
        cand(3, 3, &[(Name, &format!("{a}x"))]),
    ];
    assert_eq!(
        run(&candidates, &[Name]),
        vec![(Name, vec![Name], vec![1, 2])]
    );
    for len in [65_534, 65_535, 65_536, (1 << 20) + 1, 3 << 20] {
        let key = "k".repeat(len);
        let near = format!("{}j", "k".repeat(len - 1));
        let candidates = [
            cand(1, 1, &[(Email, &key), (Phone, "p")]),
            cand(2, 2, &[(Email, &near)]),
            cand(3, 3, &[(Email, &key), (Phone, "p")]),
            cand(4, 4, &[(Email, "short")]),
            cand(5, 5, &[(Email, "short")]),
        ];
        assert_eq!(
            run(&candidates, &Criterion::ALL),
            vec![
                (Email, vec![Email, Phone], vec![1, 3]),
                (Email, vec![Email], vec![4, 5]),
            ],
            "{len}"
        );
    }
}

#[test]
fn long_and_short_keys_mix_in_one_scan() {
    let mut grouper = Grouper::new(&[Email]);
    let at = |m: i64| Utc.timestamp_opt(m * 60, 0).unwrap();
    let keys: Vec<String> = (0..40)
        .map(|i| {
            let len = if i % 2 == 0 { 70_000 + i } else { 10 + i };
            format!("{i:02}").repeat(len / 2)
        })
        .collect();
    for (n, key) in (0u128..).zip(keys.iter().chain(keys.iter())) {
        grouper.add(Uuid::from_u128(n), at(0), [(Email, key.as_str())]);
    }
    let groups = grouper.finish();
    assert_eq!(groups.len(), 40);
    assert!(groups
        .iter()
        .all(|g| g.record_ids.len() == 2
            && g.record_ids[1].as_u128() == g.record_ids[0].as_u128() + 40));
}
