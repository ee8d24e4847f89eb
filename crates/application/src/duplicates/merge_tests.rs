//! Unit tests of the merge use case over mocked ports.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use kasar_domain::{Record, Role, Scope, Value};
use mockall::Sequence;
use uuid::Uuid;

use super::*;
use crate::authorize::authorize;
use crate::duplicates::MergeCommand;
use crate::ports::{MockTx, MovedLink, MovedReference, Relinked};
use crate::test_support::{caller, services, store_with_catalog};

fn record(id: Uuid, first_name: Option<&str>) -> Record {
    let mut values = std::collections::BTreeMap::new();
    values.insert(
        "first_name".into(),
        first_name.map_or(Value::Null, |s| Value::Text(s.into())),
    );
    Record {
        id,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        values,
    }
}

fn request(master: Uuid, duplicates: &[Uuid], strategy: Option<&str>) -> MergeCommand {
    serde_json::from_value(serde_json::json!({
        "object_name": "contacts", "master_id": master, "duplicate_ids": duplicates, "merge_strategy": strategy,
    }))
    .unwrap()
}

fn admin() -> Authorized<Merge> {
    authorize::<Merge>(&caller(Role::Admin, &[Scope::Mcp])).unwrap()
}

#[tokio::test]
async fn invalid_requests_never_open_a_transaction() {
    let m = Uuid::new_v4();
    let d = Uuid::new_v4();
    let cases = [
        request(m, &[m], None),
        request(m, &[], None),
        request(m, &[d, d], None),
        request(
            m,
            &(0..101).map(|_| Uuid::new_v4()).collect::<Vec<_>>(),
            None,
        ),
    ];
    for r in cases {
        // A store whose `begin` is never expected: calling it would panic.
        let s = services(store_with_catalog());
        let shown = format!("{r:?}");
        assert!(
            matches!(merge(&s, &admin(), r).await, Err(AppError::Validation(_))),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn members_are_refused_before_anything_is_read() {
    let member = caller(Role::Member, &[Scope::Mcp]);
    assert!(matches!(
        authorize::<Merge>(&member),
        Err(AppError::PermissionDenied(_))
    ));
}

#[tokio::test]
async fn a_missing_record_is_404_and_nothing_is_committed() {
    let (m, d) = (Uuid::new_v4(), Uuid::new_v4());
    let mut store = store_with_catalog();
    store.expect_begin().returning(move |_| {
        let mut tx = MockTx::new();
        tx.expect_lock_records()
            .returning(move |_, _| Ok(vec![record(m, Some("A"))]));
        // No expect_commit / expect_delete: the use case must not call them.
        Ok(Box::new(tx))
    });
    let out = merge(
        &services(store),
        &admin(),
        request(m, &[d], None),
    )
    .await;
    match out {
        Err(AppError::RecordNotFound(msg)) => assert!(msg.contains(&d.to_string())),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn fill_blanks_updates_relinks_deletes_and_commits_in_order() {
    let (m, d1, d2) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let updates = Arc::new(Mutex::new(Vec::new()));
    let seen = updates.clone();
    let mut store = store_with_catalog();
    store.expect_begin().times(1).returning(move |_| {
        let mut tx = MockTx::new();
        let mut seq = Sequence::new();
        tx.expect_lock_records()
            .times(1)
            .in_sequence(&mut seq)
            .returning(move |_, _| {
                Ok(vec![
                    record(m, Some("  ")),
                    record(d1, None),
                    record(d2, Some("Alice")),
                ])
            });
        let log = seen.clone();
        tx.expect_update()
            .times(1)
            .in_sequence(&mut seq)
            .returning(move |_, ids, values| {
                log.lock().unwrap().push((ids.to_vec(), values.clone()));
                Ok(1)
            });
        tx.expect_relink()
            .times(1)
            .in_sequence(&mut seq)
            .returning(move |_, _, _, dups| {
                assert_eq!(dups.len(), 2);
                let reference = |n: u128| MovedReference {
                    object: "opportunities".into(),
                    field: "contact".into(),
                    record_id: Uuid::from_u128(n),
                    duplicate_id: d1,
                    updated_at: chrono::Utc::now(),
                    merged_updated_at: chrono::Utc::now(),
                };
                let link = |moved| MovedLink {
                    table: "contacts_tags".into(),
                    side: "source_id".into(),
                    duplicate_id: d2,
                    other_id: Uuid::new_v4(),
                    created_at: chrono::Utc::now(),
                    moved,
                };
                Ok(Relinked {
                    references: vec![reference(1), reference(2), reference(3)],
                    links: vec![link(true), link(true), link(false)],
                })
            });
        tx.expect_delete()
            .times(1)
            .in_sequence(&mut seq)
            .returning(|_, ids| Ok(ids.len() as u64));
        let log = seen.clone();
        tx.expect_update()
            .times(1)
            .in_sequence(&mut seq)
            .returning(move |_, ids, values| {
                log.lock().unwrap().push((ids.to_vec(), values.clone()));
                Ok(1)
            });
        tx.expect_record_merge()
            .times(1)
            .in_sequence(&mut seq)
            .returning(move |entry, days| {
                assert_eq!(days, 90);
                assert_eq!(entry.duplicate_ids, vec![d1, d2]);
                assert_eq!(entry.master_before["first_name"], "  ");
                assert_eq!(entry.master_after["first_name"], "Alice");
                assert_eq!(entry.duplicates.len(), 2);
                assert_eq!((entry.references.len(), entry.links.len()), (3, 3));
                Ok(())
            });
        tx.expect_commit()
            .times(1)
            .in_sequence(&mut seq)
            .returning(|| Ok(()));
        Ok(Box::new(tx))
    });
    let out = merge(
        &services(store),
        &admin(),
        request(m, &[d1, d2], Some("fill_blanks")),
    )
    .await
    .unwrap();
    assert_eq!(out.duplicates_deleted, 2);
    assert_eq!(out.relinked.references_moved, 3);
    assert_eq!((out.relinked.links_moved, out.relinked.links_dropped), (2, 1));
    assert!(out.merge_id.is_some());
    let updates = updates.lock().unwrap();
    assert_eq!(updates[0].0, vec![m]);
    assert_eq!(
        updates[0].1.get("first_name"),
        Some(&Value::Text("Alice".into()))
    );
    assert!(
        updates[1].1.is_empty(),
        "the last update only bumps updated_at"
    );
}

#[tokio::test]
async fn a_conflict_is_retried_then_succeeds() {
    let (m, d) = (Uuid::new_v4(), Uuid::new_v4());
    let attempts = Arc::new(Mutex::new(0));
    let counter = attempts.clone();
    let mut store = store_with_catalog();
    store.expect_begin().times(2).returning(move |_| {
        let mut n = counter.lock().unwrap();
        *n += 1;
        let first = *n == 1;
        let mut tx = MockTx::new();
        tx.expect_lock_records().returning(move |_, _| {
            if first {
                Err(crate::StoreError::Conflict)
            } else {
                Ok(vec![record(m, Some("A")), record(d, Some("B"))])
            }
        });
        tx.expect_relink()
            .returning(|_, _, _, _| Ok(Relinked::default()));
        tx.expect_record_merge().returning(|_, _| Ok(()));
        tx.expect_delete().returning(|_, ids| Ok(ids.len() as u64));
        tx.expect_update().returning(|_, _, _| Ok(1));
        tx.expect_commit().returning(|| Ok(()));
        Ok(Box::new(tx))
    });
    let out = merge(
        &services(store),
        &admin(),
        request(m, &[d], None),
    )
    .await
    .unwrap();
    assert_eq!(out.duplicates_deleted, 1);
    assert_eq!(*attempts.lock().unwrap(), 2);
}
