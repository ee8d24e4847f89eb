//! Unit tests of the bulk use case over mocked ports.

use std::sync::{Arc, Mutex};

use kasar_domain::{Role, Scope, Value};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::authorize::{authorize, Write};
use crate::error::AppError;
use crate::error_code::ErrorCode;
use crate::ports::MockTx;
use crate::test_support::{caller, services, store_with_catalog};

fn command(body: serde_json::Value) -> BulkCommand {
    serde_json::from_value(body).unwrap()
}

fn update(ids: &[Uuid], field: &str, value: serde_json::Value) -> BulkCommand {
    command(
        json!({"action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": field, "field_value": value}),
    )
}

fn write(c: &kasar_domain::Caller) -> Authorized<Write> {
    authorize::<Write>(c).unwrap()
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
        &write(&member),
        update(&[mine, theirs, missing, mine], "status", json!("qualified")),
    )
    .await
    .unwrap();
    assert_eq!((out.total, out.succeeded, out.failed), (3, 1, 2));
    assert_eq!(*written.lock().unwrap(), vec![mine]);
    assert_eq!(out.errors[0].record_id, theirs);
    assert_eq!(out.errors[0].code, ErrorCode::PermissionDenied);
    assert_eq!(out.errors[1].code, ErrorCode::RecordNotFound);
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
    let request = command(
        json!({"action": "add_relation", "object_name": "contacts", "record_ids": [a, b, gone], "relation_field": "tags", "target_ids": [t1, t2, t1]}),
    );
    let out = run(&services(store), &write(&admin), request)
        .await
        .unwrap();
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
        command(
            json!({"action": "remove_relation", "object_name": "contacts", "record_ids": [id], "relation_field": "company", "target_ids": [id]}),
        ),
        command(
            json!({"action": "add_relation", "object_name": "contacts", "record_ids": [id], "relation_field": "tags", "target_ids": []}),
        ),
    ];
    for r in cases {
        let shown = format!("{r:?}");
        let out = run(&services(store_with_catalog()), &write(&admin), r).await;
        assert!(matches!(out, Err(AppError::Validation(_))), "{shown}");
    }
    let unknown = command(
        json!({"action": "update_field", "object_name": "widgets", "record_ids": [id], "field_name": "status", "field_value": "new"}),
    );
    assert!(matches!(
        run(&services(store_with_catalog()), &write(&admin), unknown).await,
        Err(AppError::InvalidObject(_))
    ));
    let reader = caller(Role::Admin, &[Scope::RecordsRead]);
    assert!(matches!(
        authorize::<Write>(&reader),
        Err(AppError::PermissionDenied(_))
    ));
}
