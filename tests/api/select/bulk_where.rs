//! `POST /bulk` with `where`: the records a filter or search selects, judged
//! one by one as listed ids are; more than the limit is 400 and changes nothing.

use super::*;

#[actix_web::test]
async fn bulk_by_filter_changes_exactly_the_selected_records_judged_one_by_one() {
    let app = spawn_app().await;
    let company = app.create_id("companies", json!({"name": "X"})).await;
    let member = app.member.workspace_user_id.to_string();
    let admin = app.admin.workspace_user_id.to_string();
    let mine = app
        .create_id(
            "contacts",
            json!({"status": "new", "company": company, "owner": member}),
        )
        .await;
    let theirs = app
        .create_id(
            "contacts",
            json!({"status": "new", "company": company, "owner": admin}),
        )
        .await;
    let free = app
        .create_id("contacts", json!({"status": "new", "company": company}))
        .await;
    let elsewhere = app.create_id("contacts", json!({"status": "new"})).await;
    let selected = json!({"type": "AND", "conditions": [
        {"field": "status", "operator": "equals", "value": "new"},
        {"field": "company", "operator": "equals", "value": company}]});
    let body = json!({"action": "update_field", "object_name": "contacts", "where": selected, "field_name": "status", "field_value": "qualified"});
    let (status, out) = app.bulk(&app.member.token, body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        (
            out["total"].clone(),
            out["updated"].clone(),
            out["failed"].clone()
        ),
        (json!(3), json!(2), json!(1)),
        "{out}"
    );
    assert_eq!(out["errors"][0]["record_id"], json!(theirs));
    assert_eq!(out["errors"][0]["code"], "PERMISSION_DENIED");
    for (id, expected) in [
        (&mine, "qualified"),
        (&free, "qualified"),
        (&theirs, "new"),
        (&elsewhere, "new"),
    ] {
        assert_eq!(
            app.fetch("contacts", id).await.unwrap()["status"],
            expected,
            "{id}"
        );
    }
    let tag = app.create_id("tags", json!({"name": "t"})).await;
    let body = json!({"action": "add_relation", "object_name": "contacts", "where": {"search": "qualified-nothing"}, "relation_field": "tags", "target_ids": [tag]});
    let (status, out) = app.bulk(&app.admin.token, body).await;
    assert_eq!((status, out["total"].clone()), (200, json!(0)), "{out}");
}

#[actix_web::test]
async fn a_where_over_the_limit_or_beside_record_ids_is_400_and_changes_nothing() {
    let app = spawn_app_with(|s| s.bulk.max_record_ids = 3).await;
    for i in 0..4 {
        app.create("contacts", json!({"first_name": format!("n{i}")}))
            .await;
    }
    let before = app.snapshot().await;
    let all = json!({"type": "AND", "conditions": [{"field": "status", "operator": "equals", "value": "new"}]});
    let cases = [
        json!({"action": "update_field", "object_name": "contacts", "where": all, "field_name": "status", "field_value": "lost"}),
        json!({"action": "update_field", "object_name": "contacts", "where": all, "record_ids": [uuid::Uuid::new_v4()], "field_name": "status", "field_value": "lost"}),
        json!({"action": "update_field", "object_name": "contacts", "field_name": "status", "field_value": "lost"}),
        json!({"action": "update_field", "object_name": "contacts", "where": {"type": "AND", "conditions": [{"field": "tags", "operator": "equals", "value": "x"}]}, "field_name": "status", "field_value": "lost"}),
        json!({"action": "update_field", "object_name": "contacts", "where": {"search": 5}, "field_name": "status", "field_value": "lost"}),
    ];
    for body in cases {
        let (status, out) = app.bulk(&app.admin.token, body.clone()).await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{body}: {out}"
        );
    }
    let (_, out) = app
        .bulk(&app.admin.token, json!({"action": "update_field", "object_name": "contacts", "where": all, "field_name": "status", "field_value": "lost"}))
        .await;
    assert!(
        out["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains('3')),
        "{out}"
    );
    assert_eq!(app.snapshot().await, before);
}
