//! The contract's grouping rules, case by case, for `group_duplicates`.

use super::criterion::Criterion::{self, *};
use super::grouping::tests::{cand, run};
use super::grouping::Candidate;

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
