//! Tenant isolation through bulk.

use super::*;

#[actix_web::test]
async fn another_organization_cannot_change_acme_records_through_bulk() {
    let app = spawn_app().await;
    let t = tag(&app, "vip").await;
    let a = contact(&app, json!({ "first_name": "A", "tags": [t] })).await;
    let b = contact(&app, json!({ "first_name": "B" })).await;
    let globex = app.other_org().await;
    let (_, own_tag) = app
        .post(
            "/api/v1/records/tags",
            &globex.token,
            &json!({ "name": "g" }),
        )
        .await;
    let own_tag = id_of(&own_tag);
    let before = app.snapshot().await;

    let out = ok(&app, &globex.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [a, b], "field_name": "job_title", "field_value": "pwned" })).await;
    assert_eq!(
        (
            out["total"].as_u64(),
            out["updated"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(2), Some(0), Some(2)),
        "{out}"
    );
    let mut f = failures(&out);
    f.sort();
    let mut expected = vec![
        (a.clone(), "RECORD_NOT_FOUND".to_owned()),
        (b.clone(), "RECORD_NOT_FOUND".to_owned()),
    ];
    expected.sort();
    assert_eq!(f, expected);

    for action in ["add_relation", "remove_relation"] {
        let out = ok(&app, &globex.token, json!({ "action": action, "object_name": "contacts", "record_ids": [a, b], "relation_field": "tags", "target_ids": [own_tag] })).await;
        assert_eq!(out["failed"], 2, "{action}: {out}");
        assert!(
            failures(&out).iter().all(|(_, c)| c == "RECORD_NOT_FOUND"),
            "{out}"
        );
    }
    assert_eq!(
        app.snapshot().await,
        before,
        "acme changed through another organization"
    );
}

#[actix_web::test]
async fn another_organization_cannot_use_acme_records_as_values_or_targets() {
    let app = spawn_app().await;
    let acme_tag = tag(&app, "vip").await;
    let acme_company = app.create_id("companies", json!({ "name": "Acme" })).await;
    let globex = app.other_org().await;
    let (_, own) = app
        .post(
            "/api/v1/records/contacts",
            &globex.token,
            &json!({ "first_name": "G" }),
        )
        .await;
    let own = id_of(&own);
    let acme_before = app.snapshot().await;
    let cases = [
        json!({ "action": "add_relation", "object_name": "contacts", "record_ids": [own], "relation_field": "tags", "target_ids": [acme_tag] }),
        json!({ "action": "remove_relation", "object_name": "contacts", "record_ids": [own], "relation_field": "tags", "target_ids": [acme_tag] }),
        json!({ "action": "update_field", "object_name": "contacts", "record_ids": [own], "field_name": "company", "field_value": acme_company }),
        json!({ "action": "update_field", "object_name": "contacts", "record_ids": [own], "field_name": "owner", "field_value": app.admin.workspace_user_id }),
    ];
    for body in cases {
        let (status, out) = app.bulk(&globex.token, body.clone()).await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{body}: {out}"
        );
    }
    let (_, record) = app
        .get(&format!("/api/v1/records/contacts/{own}"), &globex.token)
        .await;
    assert_eq!(
        (
            record["tags"].clone(),
            record["company"].clone(),
            record["owner"].clone()
        ),
        (json!([]), Json::Null, Json::Null)
    );
    assert_eq!(app.snapshot().await, acme_before);

    // And the reverse: a globex user is not an owner acme may use.
    let a = contact(&app, json!({ "first_name": "A" })).await;
    let before = app.snapshot().await;
    let (status, out) = app.bulk(&app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [a], "field_name": "owner", "field_value": globex.workspace_user_id })).await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    assert_eq!(app.snapshot().await, before);
}
