//! The duplicate policies, the match criteria, and what is refused.

use super::*;

#[actix_web::test]
async fn skip_reports_duplicates_of_the_table_and_of_the_request_and_creates_the_rest() {
    let app = spawn_app().await;
    let old = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "email": "ann@x.io"}),
        )
        .await;
    let records = json!([
        {"first_name": "Annie", "email": "  ANN@x.io "},
        {"first_name": "Bo", "phone": "+1 (555) 123-4567"},
        {"first_name": "Bob", "phone": "555.123.4567"},
        {"first_name": "Cy", "email": "cy@x.io"},
        {"first_name": "Bad", "email": "no-at-sign"},
    ]);
    let (status, out) = import(&app, "contacts", json!({"records": records})).await;

    assert_eq!(status, 200, "{out}");
    assert_eq!(
        result_statuses(&out),
        ["duplicate", "created", "duplicate", "created", "failed"]
    );
    assert_eq!(
        (
            &out["created"],
            &out["duplicates"],
            &out["updated"],
            &out["failed"]
        ),
        (&json!(2), &json!(2), &json!(0), &json!(1))
    );
    let results = &out["results"];
    assert_eq!(results[0]["duplicate_of"], old);
    assert_eq!(results[0]["match_reason"], "email");
    assert_eq!(results[0]["id"], Json::Null);
    assert_eq!(results[2]["duplicate_of"], results[1]["id"]);
    assert_eq!(results[2]["match_reason"], "phone");
    assert_eq!(out["errors"][0]["index"], 4);
    assert_eq!(out["errors"][0]["code"], "VALIDATION_ERROR");
    assert_eq!(out["object_name"], "contacts");
    assert_eq!(rows(&app, "contacts").await, 3);
    let bo = app
        .fetch("contacts", results[1]["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(bo["first_name"], "Bo");
}

#[actix_web::test]
async fn a_duplicate_is_found_whatever_the_age_of_the_record_it_duplicates() {
    // Detect scans the newest 2 records here; the import checks the whole table.
    let app = spawn_app_with(|s| s.duplicates.scan_limit = 2).await;
    let oldest = app
        .create_id("companies", json!({"name": "Acme Corp"}))
        .await;
    for n in 0..5 {
        app.create_id("companies", json!({"name": format!("Filler {n}")}))
            .await;
    }
    let (_, out) = import(
        &app,
        "companies",
        json!({"records": [{"name": "ACME  corp"}]}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["duplicate"], "{out}");
    assert_eq!(out["results"][0]["duplicate_of"], oldest);
    assert_eq!(out["results"][0]["match_reason"], "name");
}

#[actix_web::test]
async fn duplicate_of_is_the_oldest_holder_whatever_the_order_of_ids() {
    let app = spawn_app().await;
    // Records created one at a time get random ids: find two holders of one
    // e-mail where the older one's id sorts after the younger one's.
    let mut pair = None;
    for n in 0..40 {
        let email = format!("pair{n}@x.io");
        let older = app.create_id("contacts", json!({"email": email})).await;
        let younger = app.create_id("contacts", json!({"email": email})).await;
        if older > younger {
            pair = Some((email, older));
            break;
        }
    }
    let (email, older) = pair.expect("two random ids in the other order");
    let (_, out) = import(
        &app,
        "contacts",
        json!({"records": [{"email": email.to_uppercase()}]}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["duplicate"], "{out}");
    assert_eq!(out["results"][0]["duplicate_of"], older, "{out}");
}

#[actix_web::test]
async fn create_update_and_error_do_what_they_say() {
    let app = spawn_app().await;
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    let old = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "last_name": " ", "email": "ann@x.io"}),
        )
        .await;
    let dup = json!({"first_name": "Annie", "last_name": "Lee", "email": "ann@x.io", "job_title": "CTO", "tags": [tag]});

    let (_, out) = import(
        &app,
        "contacts",
        json!({"records": [dup], "on_duplicate": "create"}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["created"], "{out}");
    assert_eq!(out["results"][0]["duplicate_of"], old);
    assert_eq!(out["created"], 1);
    assert_eq!(rows(&app, "contacts").await, 2);

    let (_, out) = import(
        &app,
        "contacts",
        json!({"records": [dup], "on_duplicate": "error"}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["failed"], "{out}");
    assert_eq!(out["errors"][0]["code"], "DUPLICATE");
    assert_eq!(
        out["results"][0]["duplicate_of"], old,
        "the oldest record it duplicates"
    );
    assert_eq!(rows(&app, "contacts").await, 2);

    let (_, out) = import(
        &app,
        "contacts",
        json!({"records": [dup], "on_duplicate": "update"}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["updated"], "{out}");
    assert_eq!(out["results"][0]["id"], old);
    assert_eq!(out["updated"], 1);
    let ann = app.fetch("contacts", &old).await.unwrap();
    assert_eq!(ann["first_name"], "Ann", "a filled field keeps its value");
    assert_eq!(ann["last_name"], "Lee", "a blank field is filled");
    assert_eq!(ann["job_title"], "CTO");
    assert_eq!(ann["tags"], json!([tag]), "links are united");
    assert_eq!(rows(&app, "contacts").await, 2);
}

#[actix_web::test]
async fn update_fills_an_earlier_record_of_the_same_request() {
    let app = spawn_app().await;
    let records = json!([
        {"first_name": "Ann", "email": "ann@x.io"},
        {"first_name": "Other", "last_name": "Lee", "email": "ANN@x.io", "phone": "+33 1 23 45 67 89"},
    ]);
    let (_, out) = import(
        &app,
        "contacts",
        json!({"records": records, "on_duplicate": "update"}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["created", "updated"], "{out}");
    let id = out["results"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(out["results"][1]["id"], id.as_str());
    let ann = app.fetch("contacts", &id).await.unwrap();
    assert_eq!(
        (&ann["first_name"], &ann["last_name"]),
        (&json!("Ann"), &json!("Lee"))
    );
    assert_eq!(ann["phone"], "+33 1 23 45 67 89");
    assert_eq!(rows(&app, "contacts").await, 1);
}

#[actix_web::test]
async fn fields_choose_the_criteria() {
    let app = spawn_app().await;
    app.create_id(
        "contacts",
        json!({"email": "ann@x.io", "phone": "+15551230000"}),
    )
    .await;
    let record = json!({"email": "ann@x.io", "phone": "+15559999999"});
    let (_, out) = import(
        &app,
        "contacts",
        json!({"records": [record], "fields": ["phone"]}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["created"], "{out}");
    let (_, out) = import(
        &app,
        "contacts",
        json!({"records": [record], "fields": ["phone", "email"]}),
    )
    .await;
    assert_eq!(result_statuses(&out), ["duplicate"], "{out}");
    let (status, out) = import(&app, "contacts", json!({"records": [], "fields": ["mail"]})).await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
}

#[actix_web::test]
async fn duplicates_in_another_organization_do_not_count() {
    let app = spawn_app().await;
    let globex = app.other_org().await;
    app.create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let (status, out) = app
        .post(
            "/api/v1/import/contacts",
            &globex.token,
            &json!({"records": [{"email": "ann@x.io"}]}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(result_statuses(&out), ["created"]);
}

#[actix_web::test]
async fn the_request_is_refused_whole_only_for_what_is_wrong_with_it() {
    let app = spawn_app_with(|s| s.records.max_import = 2).await;
    let one = json!({"records": [{"first_name": "A"}]});
    let (status, out) = app
        .post("/api/v1/import/contacts", &app.member.token, &one)
        .await;
    assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"), "{out}");
    let (status, out) = import(&app, "planets", one.clone()).await;
    assert_eq!((status, code(&out)), (400, "INVALID_OBJECT"), "{out}");
    let three = json!({"records": [{}, {}, {}]});
    let (status, out) = import(&app, "contacts", three).await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    let (status, out) = import(
        &app,
        "contacts",
        json!({"records": [], "on_duplicate": "merge"}),
    )
    .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    let (status, out) = app
        .post_bytes(
            "/api/v1/import/contacts",
            &app.admin.token,
            Some("text/plain"),
            b"x".to_vec(),
        )
        .await;
    assert_eq!(
        (status, code(&out)),
        (415, "UNSUPPORTED_MEDIA_TYPE"),
        "{out}"
    );
    let (status, out) = import(
        &app,
        "companies",
        json!({"records": [{"name": "Ok"}, {"domain": "no name"}]}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(result_statuses(&out), ["created", "failed"]);
    assert_eq!(
        rows(&app, "contacts").await,
        0,
        "nothing of the refused requests was written"
    );
}
