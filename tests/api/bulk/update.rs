//! update_field: values land, counts, updated_at, repeated ids.

use super::*;

#[actix_web::test]
async fn update_field_sets_the_status_of_every_record_and_reports_the_counts() {
    let app = spawn_app().await;
    let a = contact(&app, json!({ "first_name": "A" })).await;
    let b = contact(&app, json!({ "first_name": "B", "status": "lost" })).await;
    let c = contact(&app, json!({ "first_name": "C" })).await;
    let untouched = contact(&app, json!({ "first_name": "D" })).await;
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [a, b, c], "field_name": "status", "field_value": "qualified" })).await;
    assert_eq!(
        out,
        json!({ "action": "update_field", "updated": 3, "failed": 0, "total": 3 })
    );
    for id in [&a, &b, &c] {
        assert_eq!(
            app.fetch("contacts", id).await.unwrap()["status"],
            "qualified"
        );
    }
    assert_eq!(
        app.fetch("contacts", &untouched).await.unwrap()["status"],
        "new"
    );
}

#[actix_web::test]
async fn repeated_record_ids_count_once_in_the_total() {
    let app = spawn_app().await;
    let a = contact(&app, json!({ "first_name": "A" })).await;
    let b = contact(&app, json!({ "first_name": "B" })).await;
    let missing = Uuid::new_v4().to_string();
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [a, b, a, a.to_uppercase(), missing, b, missing], "field_name": "job_title", "field_value": "CTO" })).await;
    assert_eq!(
        (
            out["total"].clone(),
            out["updated"].clone(),
            out["failed"].clone()
        ),
        (json!(3), json!(2), json!(1))
    );
    assert_eq!(
        failures(&out),
        vec![(missing, "RECORD_NOT_FOUND".to_owned())]
    );
    assert_eq!(app.fetch("contacts", &a).await.unwrap()["job_title"], "CTO");
}

#[actix_web::test]
async fn update_field_sets_owner_and_company_and_null_clears_them() {
    let app = spawn_app().await;
    let acme = app.create_id("companies", json!({ "name": "Acme" })).await;
    let ids = [
        contact(&app, json!({ "first_name": "A", "job_title": "CEO" })).await,
        contact(
            &app,
            json!({ "first_name": "B", "job_title": "CFO", "owner": app.admin.workspace_user_id }),
        )
        .await,
    ];
    let member = app.member.workspace_user_id.to_string();
    for (field, value) in [
        ("owner", json!(member)),
        ("company", json!(acme)),
        ("job_title", json!("VP")),
    ] {
        let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": field, "field_value": value })).await;
        assert_eq!(
            out,
            json!({ "action": "update_field", "updated": 2, "failed": 0, "total": 2 }),
            "{field}"
        );
        for id in &ids {
            assert_eq!(
                app.fetch("contacts", id).await.unwrap()[field],
                value,
                "{field} of {id}"
            );
        }
    }
    for field in ["job_title", "company", "owner"] {
        let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": field, "field_value": null })).await;
        assert_eq!(out["updated"], 2, "{field}: {out}");
        for id in &ids {
            assert_eq!(
                app.fetch("contacts", id).await.unwrap()[field],
                Json::Null,
                "{field} of {id}"
            );
        }
    }
    let stored = app
        .count(&format!("SELECT count(*) FROM \"{}\".\"contacts\" WHERE company IS NULL AND owner IS NULL AND job_title IS NULL", app.org.schema))
        .await;
    assert_eq!(stored, 2);
}

#[actix_web::test]
async fn update_field_accepts_numbers_dates_and_emails_of_other_objects() {
    let app = spawn_app().await;
    let co = app.create_id("companies", json!({ "name": "Acme" })).await;
    let opp = app
        .create_id("opportunities", json!({ "name": "Deal" }))
        .await;
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "companies", "record_ids": [co], "field_name": "employees", "field_value": 42 })).await;
    assert_eq!(out["updated"], 1);
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "companies", "record_ids": [co], "field_name": "email", "field_value": "  info@acme.test " })).await;
    assert_eq!(out["updated"], 1);
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "opportunities", "record_ids": [opp], "field_name": "close_date", "field_value": "2025-03-31" })).await;
    assert_eq!(out["updated"], 1);
    let company = app.fetch("companies", &co).await.unwrap();
    assert_eq!(company["employees"].as_f64(), Some(42.0));
    assert_eq!(company["email"], "info@acme.test");
    assert_eq!(
        app.fetch("opportunities", &opp).await.unwrap()["close_date"],
        "2025-03-31"
    );
}

#[actix_web::test]
async fn updated_at_changes_only_on_records_whose_value_changed() {
    let app = spawn_app().await;
    let changes = contact(&app, json!({ "first_name": "A", "status": "new" })).await;
    let same = contact(&app, json!({ "first_name": "B", "status": "customer" })).await;
    let other = contact(&app, json!({ "first_name": "C" })).await;
    let before = stamps(&app, "contacts", &[&changes, &same, &other]).await;
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [changes, same], "field_name": "status", "field_value": "customer" })).await;
    assert_eq!(
        out,
        json!({ "action": "update_field", "updated": 2, "failed": 0, "total": 2 }),
        "an unchanged value counts as updated"
    );
    let after = stamps(&app, "contacts", &[&changes, &same, &other]).await;
    assert!(
        after[0] > before[0],
        "changed record keeps its updated_at: {} -> {}",
        before[0],
        after[0]
    );
    assert_eq!(after[1], before[1], "unchanged record got a new updated_at");
    assert_eq!(
        after[2], before[2],
        "record outside the request got a new updated_at"
    );
    let via_api = app.fetch("contacts", &changes).await.unwrap();
    assert_ne!(via_api["updated_at"], via_api["created_at"]);
}

#[actix_web::test]
async fn clearing_an_already_null_field_leaves_updated_at_alone() {
    let app = spawn_app().await;
    let empty = contact(&app, json!({ "first_name": "A" })).await;
    let full = contact(&app, json!({ "first_name": "B", "job_title": "CEO" })).await;
    let before = stamps(&app, "contacts", &[&empty, &full]).await;
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [empty, full], "field_name": "job_title", "field_value": null })).await;
    assert_eq!(out["updated"], 2);
    let after = stamps(&app, "contacts", &[&empty, &full]).await;
    assert_eq!(after[0], before[0]);
    assert!(after[1] > before[1]);
}
