//! merge: the response, the field strategies and dry runs.

use super::*;

/// Merges two fresh duplicates into a fresh master with `strategy` (the
/// default when None) and checks that the master kept every value.
async fn keeps_the_master(app: &TestApp, strategy: Option<&str>) {
    let company = app.create_id("companies", json!({"name": "Acme"})).await;
    let master = app
        .create(
            "contacts",
            json!({"first_name": "Alice", "last_name": "Martin", "job_title": "  "}),
        )
        .await;
    let m = id_of(&master);
    let d1 = app
        .create_id(
            "contacts",
            json!({"first_name": "Alicia", "email": "alicia@x.io", "job_title": "CEO", "company": company, "status": "customer", "phone": "555"}),
        )
        .await;
    let d2 = app
        .create_id(
            "contacts",
            json!({"last_name": "M.", "owner": app.admin.workspace_user_id}),
        )
        .await;
    let mut body = merge_body("contacts", &m, &[&d1, &d2]);
    if let Some(s) = strategy {
        body["merge_strategy"] = json!(s);
    }

    let out = merge(app, body).await;

    assert_eq!(out["master_id"], json!(m));
    assert_eq!(out["duplicates_deleted"], 2);
    assert_eq!(out["strategy"], "keep_master");
    assert_eq!(out["dry_run"], false);
    assert!(out.get("preview").is_none(), "{out}");
    let after = app.fetch("contacts", &m).await.expect("master kept");
    assert_eq!(
        without_updated_at(&after),
        without_updated_at(&master),
        "{strategy:?}"
    );
    assert!(
        after["updated_at"].as_str() > master["updated_at"].as_str(),
        "{after}"
    );
    assert!(app.fetch("contacts", &d1).await.is_none());
    assert!(app.fetch("contacts", &d2).await.is_none());
    assert!(
        app.fetch("companies", &company).await.is_some(),
        "a record a duplicate pointed to stays"
    );
}

#[actix_web::test]
async fn keep_master_is_the_default_and_keeps_every_value_of_the_master() {
    let app = spawn_app().await;
    keeps_the_master(&app, None).await;
    keeps_the_master(&app, Some("keep_master")).await;
}

#[actix_web::test]
async fn fill_blanks_fills_null_empty_and_blank_fields_from_the_first_non_blank_duplicate_in_order()
{
    let app = spawn_app().await;
    let c1 = app.create_id("companies", json!({"name": "First"})).await;
    let c2 = app.create_id("companies", json!({"name": "Second"})).await;
    let (t1, t2) = (
        app.create_id("tags", json!({"name": "one"})).await,
        app.create_id("tags", json!({"name": "two"})).await,
    );
    let master = app
        .create(
            "contacts",
            json!({"first_name": "Alice", "email": "alice@x.io", "job_title": "", "last_name": "   ", "status": "new", "tags": []}),
        )
        .await;
    let m = id_of(&master);
    // Blank spellings the API would refuse for an EMAIL field.
    app.sql(&format!(
        "UPDATE {{s}}.contacts SET secondary_email = '', linkedin = E' \\t ' WHERE id = '{m}'"
    ))
    .await;
    // d2 is created first: the order of duplicate_ids decides, not creation.
    let d2 = app
        .create_id(
            "contacts",
            json!({"first_name": "Zed", "last_name": "Martin", "job_title": "CEO", "secondary_email": "second@x.io",
                   "phone": "222", "mobile_phone": "333", "company": c2, "owner": app.admin.workspace_user_id,
                   "linkedin": "alice-m", "status": "lost", "tags": [t2]}),
        )
        .await;
    let d1 = app
        .create_id(
            "contacts",
            json!({"first_name": "Yan", "last_name": "  ", "job_title": null, "email": "other@x.io",
                   "phone": "111", "company": c1, "linkedin": "", "tags": [t1]}),
        )
        .await;
    let before = app.fetch("contacts", &m).await.expect("master");

    let mut body = merge_body("contacts", &m, &[&d1, &d2]);
    body["merge_strategy"] = json!("fill_blanks");
    let out = merge(&app, body).await;

    assert_eq!(out["strategy"], "fill_blanks");
    assert_eq!(out["duplicates_deleted"], 2);
    let after = app.fetch("contacts", &m).await.expect("master");
    let mut expected = without_updated_at(&before);
    for (field, value) in [
        ("last_name", json!("Martin")),
        ("job_title", json!("CEO")),
        ("secondary_email", json!("second@x.io")),
        ("linkedin", json!("alice-m")),
        ("phone", json!("111")),
        ("mobile_phone", json!("333")),
        ("company", json!(c1)),
        ("owner", json!(app.admin.workspace_user_id)),
        ("tags", sorted_json(&[&t1, &t2])),
    ] {
        expected[field] = value;
    }
    // Non-blank master values stay: first_name, email, status.
    assert_eq!(without_updated_at(&after), expected);
    assert!(
        after["updated_at"].as_str() > before["updated_at"].as_str(),
        "{after}"
    );
    assert!(app.fetch("contacts", &d1).await.is_none());
    assert!(app.fetch("contacts", &d2).await.is_none());
}

#[actix_web::test]
async fn fill_blanks_on_companies_takes_whitespace_as_blank_and_zero_as_a_value() {
    let app = spawn_app().await;
    let master = app
        .create(
            "companies",
            json!({"name": "Acme", "domain": " ", "employees": 0}),
        )
        .await;
    let m = id_of(&master);
    let d = app
        .create_id("companies", json!({"name": "ACME Inc", "domain": "acme.io", "employees": 50, "industry": "Tools", "email": "hi@acme.io"}))
        .await;
    let mut body = merge_body("companies", &m, &[&d]);
    body["merge_strategy"] = json!("fill_blanks");

    merge(&app, body).await;

    let after = app.fetch("companies", &m).await.expect("master");
    let mut expected = without_updated_at(&master);
    expected["domain"] = json!("acme.io");
    expected["industry"] = json!("Tools");
    expected["email"] = json!("hi@acme.io");
    // 0 is a value, not a blank.
    assert_eq!(without_updated_at(&after), expected);
}

#[actix_web::test]
async fn a_dry_run_previews_the_merged_master_and_changes_nothing() {
    let app = spawn_app().await;
    let company = app.create_id("companies", json!({"name": "Acme"})).await;
    let (t1, t2) = (
        app.create_id("tags", json!({"name": "one"})).await,
        app.create_id("tags", json!({"name": "two"})).await,
    );
    let m = app
        .create_id("contacts", json!({"first_name": "Alice", "tags": [t1]}))
        .await;
    let d1 = app
        .create_id(
            "contacts",
            json!({"last_name": "Martin", "email": "a@x.io", "tags": [t1, t2]}),
        )
        .await;
    let d2 = app
        .create_id("contacts", json!({"company": company, "email": "b@x.io"}))
        .await;
    let opportunity = app
        .create_id("opportunities", json!({"name": "Deal", "contact": d2}))
        .await;
    let mut body = merge_body("contacts", &m, &[&d1, &d2]);
    body["merge_strategy"] = json!("fill_blanks");
    let before = app.snapshot().await;

    let mut dry = body.clone();
    dry["dry_run"] = json!(true);
    let out = merge(&app, dry).await;

    assert_eq!(out["dry_run"], true);
    assert_eq!(out["master_id"], json!(m));
    assert_eq!(out["duplicates_deleted"], 2);
    assert_eq!(out["strategy"], "fill_blanks");
    let preview = &out["preview"];
    assert_eq!(id_of(preview), m);
    assert_eq!(
        (
            &preview["first_name"],
            &preview["last_name"],
            &preview["email"],
            &preview["company"],
            &preview["tags"]
        ),
        (
            &json!("Alice"),
            &json!("Martin"),
            &json!("a@x.io"),
            &json!(company),
            &sorted_json(&[&t1, &t2])
        )
    );
    assert_eq!(app.snapshot().await, before, "a dry run changed data");
    assert!(app.fetch("contacts", &d1).await.is_some());
    assert_eq!(
        app.fetch("opportunities", &opportunity)
            .await
            .expect("opportunity")["contact"],
        json!(d2)
    );

    let mut real = body;
    real["dry_run"] = json!(false);
    let done = merge(&app, real).await;
    assert_eq!(done["dry_run"], false);
    assert_eq!(done["duplicates_deleted"], 2);
    let after = app.fetch("contacts", &m).await.expect("master");
    assert_eq!(
        without_updated_at(&after),
        without_updated_at(preview),
        "the preview is what the merge does"
    );
    assert_eq!(
        app.fetch("opportunities", &opportunity)
            .await
            .expect("opportunity")["contact"],
        json!(m)
    );
}
