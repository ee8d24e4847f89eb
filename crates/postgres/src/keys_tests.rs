//! Key rows as the insert sends them: in the primary key's order, each
//! row's record, criterion and key kept together.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use uuid::Uuid;

use super::KeyRows;

#[test]
fn rows_go_out_in_key_order_with_their_records() {
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let mut rows = KeyRows::default();
    rows.row(a, 8, "n:bru|smi".into());
    rows.row(a, 0, "zoe@x.test".into());
    rows.row(a, 1, "+15550100".into());
    rows.row(b, 0, "ann@x.test".into());
    rows.row(b, 8, "n:ann|lee".into());
    rows.row(b, 8, "n:ann|lee".into()); // held already: not twice
    let (ids, criteria, keys) = rows.in_key_order();
    let got: Vec<(Uuid, i16, &str)> = ids
        .iter()
        .zip(&criteria)
        .zip(&keys)
        .map(|((id, c), k)| (*id, *c, *k))
        .collect();
    assert_eq!(
        got,
        vec![
            (b, 0, "ann@x.test"),
            (a, 0, "zoe@x.test"),
            (a, 1, "+15550100"),
            (b, 8, "n:ann|lee"),
            (a, 8, "n:bru|smi"),
        ]
    );
}

#[test]
fn keys_sort_by_their_bytes() {
    let id = Uuid::now_v7();
    let mut rows = KeyRows::default();
    for key in ["émile", "zed", "Zed", "ab"] {
        rows.row(id, 3, key.into());
    }
    let (_, _, keys) = rows.in_key_order();
    assert_eq!(keys, vec!["Zed", "ab", "zed", "émile"]);
}
