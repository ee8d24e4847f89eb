//! Key rows as the insert sends them: in the primary key's order, each
//! row's record, creation time, criterion and key kept together.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::{Holder, KeyRows};

fn holder(id: Uuid, second: i64) -> Holder {
    Holder {
        id,
        created_at: Utc.timestamp_opt(second, 0).unwrap(),
    }
}

#[test]
fn rows_go_out_in_key_order_with_their_records() {
    // `c` is the oldest, `a` the newest; `b` and `c` share a key.
    let (a, b, c) = (
        holder(Uuid::now_v7(), 30),
        holder(Uuid::now_v7(), 20),
        holder(Uuid::now_v7(), 10),
    );
    let mut rows = KeyRows::default();
    rows.row(a, 8, "n:bru|smi".into());
    rows.row(a, 0, "zoe@x.test".into());
    rows.row(a, 1, "+15550100".into());
    rows.row(b, 0, "ann@x.test".into());
    rows.row(b, 8, "n:ann|lee".into());
    rows.row(b, 8, "n:ann|lee".into()); // held already: not twice
    rows.row(c, 8, "n:ann|lee".into());
    let out = rows.in_key_order();
    let got: Vec<(Uuid, i64, i16, &str)> = (0..out.ids.len())
        .map(|i| {
            let at = out.created[i].timestamp();
            (out.ids[i], at, out.criteria[i], out.keys[i])
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (b.id, 20, 0, "ann@x.test"),
            (a.id, 30, 0, "zoe@x.test"),
            (a.id, 30, 1, "+15550100"),
            (c.id, 10, 8, "n:ann|lee"),
            (b.id, 20, 8, "n:ann|lee"),
            (a.id, 30, 8, "n:bru|smi"),
        ]
    );
}

#[test]
fn keys_sort_by_their_bytes() {
    let id = holder(Uuid::now_v7(), 0);
    let mut rows = KeyRows::default();
    for key in ["émile", "zed", "Zed", "ab"] {
        rows.row(id, 3, key.into());
    }
    assert_eq!(rows.in_key_order().keys, vec!["Zed", "ab", "zed", "émile"]);
}
