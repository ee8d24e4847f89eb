//! Unit tests of the bulk use case over mocked ports.

use std::sync::{Arc, Mutex};

use kasar_domain::{Role, Scope, Value};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::bulk::BulkAction;
use crate::error::AppError;
use crate::ports::MockTx;
use crate::test_support::{caller, services, store_with_catalog};

fn update(ids: &[Uuid], field: &str, value: serde_json::Value) -> BulkRequest {
    BulkRequest {
        object: "contacts".into(),
        record_ids: ids.iter().map(Uuid::to_string).collect(),
        action: BulkAction::UpdateField {
            field_name: field.into(),
            field_value: value,
        },
    }
}

#[tokio::test]
async fn only_allowed_records_are_written_and_the_rest_are_reported() {
    let member = caller(Role::Member, &[Scope::RecordsWrite]);
    let me = member.workspace_user_id;
    let (mine, theirs, missing) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let written = Arc::new(Mutex::new(Vec::new()));
    let log = written.clone();
    let mut store = store_with_catalog();
    store.expect_begin().times(1).returning(move |_| {
        let mut tx = MockTx::new();
        tx.expect_lock_owners().times(1).returning(move |_, ids| {
            assert_eq!(ids.len(), 3, "one read for every record");
            Ok(vec![(mine, Some(me)), (theirs, Some(Uuid::new_v4()))])
        });
        let log = log.clone();
        tx.expect_update()
            .times(1)
            .returning(move |_, ids, values| {
                assert_eq!(values.get("status"), Some(&Value::Text("qualified".into())));
                log.lock().unwrap().extend_from_slice(ids);
                Ok(ids.len() as u64)
            });
        tx.expect_commit().times(1).returning(|| Ok(()));
        Ok(Box::new(tx))
    });
    let out = run(
        &services(store),
        &member,
        &update(&[mine, theirs, missing, mine], "status", json!("qualified")),
    )
    .await
    .unwrap();
    assert_eq!((out.total, out.succeeded, out.failed), (3, 1, 2));
    assert_eq!(*written.lock().unwrap(), vec![mine]);
    assert_eq!(out.errors[0].record_id, theirs);
    assert_eq!(out.errors[0].code, "PERMISSION_DENIED");
    assert_eq!(out.errors[1].code, "RECORD_NOT_FOUND");
}

#[tokio::test]
async fn relation_counts_are_records_times_targets() {
    let admin = caller(Role::Admin, &[Scope::Mcp]);
    let (a, b, gone) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let (t1, t2) = (Uuid::new_v4(), Uuid::new_v4());
    let mut store = store_with_catalog();
    store.expect_begin().returning(move |_| {
        let mut tx = MockTx::new();
        tx.expect_missing_records().returning(|_, _| Ok(vec![]));
        tx.expect_lock_owners()
            .returning(move |_, _| Ok(vec![(a, None), (b, None)]));
        tx.expect_add_links()
            .times(1)
            .returning(|_, field, ids, targets| {
                assert_eq!(field, "tags");
                Ok((ids.len() * targets.len()) as u64)
            });
        tx.expect_commit().returning(|| Ok(()));
        Ok(Box::new(tx))
    });
    let request = BulkRequest {
        object: "contacts".into(),
        record_ids: vec![a.to_string(), b.to_string(), gone.to_string()],
        action: BulkAction::AddRelation {
            relation_field: "tags".into(),
            target_ids: vec![t1.to_string(), t2.to_string(), t1.to_string()],
        },
    };
    let out = run(&services(store), &admin, &request).await.unwrap();
    assert_eq!((out.total, out.succeeded, out.failed), (6, 4, 2));
    assert_eq!(out.errors.len(), 1);
}

#[tokio::test]
async fn invalid_requests_are_rejected_before_any_transaction() {
    let admin = caller(Role::Admin, &[Scope::Mcp]);
    let id = Uuid::new_v4();
    let too_many: Vec<Uuid> = (0..10_001).map(|_| Uuid::new_v4()).collect();
    let cases = [
        update(&[], "status", json!("new")),
        update(&too_many, "status", json!("new")),
        update(&[id], "tags", json!([])),
        update(&[id], "id", json!("x")),
        update(&[id], "status", json!("archived")),
        update(&[id], "email", json!("nope")),
        BulkRequest {
            record_ids: vec!["x".into()],
            ..update(&[id], "status", json!("new"))
        },
        BulkRequest {
            object: "contacts".into(),
            record_ids: vec![id.to_string()],
            action: BulkAction::RemoveRelation {
                relation_field: "company".into(),
                target_ids: vec![id.to_string()],
            },
        },
    ];
    for r in cases {
        let out = run(&services(store_with_catalog()), &admin, &r).await;
        assert!(
            matches!(out, Err(AppError::Validation(_))),
            "{:?}",
            r.action
        );
    }
    let unknown = BulkRequest {
        object: "widgets".into(),
        ..update(&[id], "status", json!("new"))
    };
    assert!(matches!(
        run(&services(store_with_catalog()), &admin, &unknown).await,
        Err(AppError::InvalidObject(_))
    ));
    let reader = caller(Role::Admin, &[Scope::RecordsRead]);
    let out = run(
        &services(crate::ports::MockStore::new()),
        &reader,
        &update(&[id], "status", json!("new")),
    )
    .await;
    assert!(matches!(out, Err(AppError::PermissionDenied(_))));
}
