//! Imports with `"match": "fuzzy"`: duplicates of existing records and of
//! earlier records of the request, found by score; concurrent imports of one
//! new person leave one record.

use crate::fuzzy_match::generated;
use crate::helpers::*;
use serde_json::{json, Value as Json};

#[actix_web::test]
async fn a_fuzzy_import_skips_what_matches_existing_and_earlier_records() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    let records = generated(500, 17);
    let fields: Vec<&Json> = records.iter().map(|r| &r.fields).collect();
    app.create_contacts(&token, &fields).await;
    let robert = app
        .create_id("contacts", json!({"first_name": "Robert", "last_name": "Smith", "email": "bobsmith@gmail.com", "phone": "+1 415 555 0199"}))
        .await;
    let bob = json!({"first_name": "Bob", "last_name": "Smith", "email": "bob.smith@gmail.com", "phone": "(415) 555-0199"});
    let zed = json!({"first_name": "Zedekiah", "last_name": "Unwin", "email": "zed@unwin.example"});
    let zed_again =
        json!({"first_name": "Zedekiah", "last_name": "Unwin", "email": "ZED@unwin.example"});
    let body = json!({"records": [bob, zed, zed_again], "match": "fuzzy", "on_duplicate": "skip"});
    let (status, out) = app.post("/api/v1/import/contacts", &token, &body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        (out["created"].clone(), out["duplicates"].clone()),
        (json!(1), json!(2)),
        "{out}"
    );
    let r = &out["results"];
    assert_eq!(r[0]["status"], "duplicate");
    assert_eq!(r[0]["duplicate_of"], json!(robert));
    assert!(r[0]["score"].as_f64().unwrap() >= 0.9, "{out}");
    assert!(
        ["email", "phone", "name"].contains(&r[0]["match_reason"].as_str().unwrap()),
        "{out}"
    );
    assert_eq!(r[1]["status"], "created");
    assert_eq!(
        r[2]["duplicate_of"], r[1]["id"],
        "a duplicate within the request: {out}"
    );

    // Exact matching finds no shared key for Bob: it would be created.
    let (status, out) = app
        .post(
            "/api/v1/import/contacts",
            &token,
            &json!({"records": [bob], "on_duplicate": "error", "fields": ["email", "name"]}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["created"], 1, "{out}");

    // CSV, the options in the query.
    let csv = "first_name,last_name,email\r\nRobt,Smith,bobsmith@gmail.com\r\n"
        .as_bytes()
        .to_vec();
    let (status, out) = app
        .post_bytes(
            "/api/v1/import/contacts?match=fuzzy&threshold=0.8&on_duplicate=error",
            &token,
            Some("text/csv"),
            csv,
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["failed"], 1, "{out}");
    assert_eq!(out["errors"][0]["code"], "DUPLICATE", "{out}");

    for bad in [
        json!({"records": [], "threshold": 0.8}),
        json!({"records": [], "match": "fuzzy", "fields": ["email"]}),
        json!({"records": [], "match": "fuzzy", "threshold": 2}),
        json!({"records": [], "match": "close"}),
    ] {
        let (status, out) = app.post("/api/v1/import/contacts", &token, &bad).await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{bad}: {out}"
        );
    }
}

#[actix_web::test]
async fn two_fuzzy_imports_of_one_new_record_leave_exactly_one() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    let records = generated(300, 23);
    let fields: Vec<&Json> = records.iter().map(|r| &r.fields).collect();
    app.create_contacts(&token, &fields).await;
    let people = [
        ("Quentin", "Zappa"),
        ("Ottoline", "Quimby"),
        ("Xanthe", "Vortigern"),
        ("Ulric", "Wolfsbane"),
        ("Ysolde", "Kettleborough"),
    ];
    for (round, (given, family)) in people.into_iter().enumerate() {
        let email = format!(
            "{}{round}@{}.example",
            given.to_lowercase(),
            family.to_lowercase()
        );
        let first = json!({"records": [{"first_name": given, "last_name": family, "email": email}], "match": "fuzzy"});
        let second = json!({"records": [{"first_name": given, "last_name": family, "email": email.to_uppercase()}], "match": "fuzzy"});
        let (a, b) = tokio::join!(
            app.post("/api/v1/import/contacts", &token, &first),
            app.post("/api/v1/import/contacts", &token, &second),
        );
        assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
        let created = a.1["created"].as_u64().unwrap() + b.1["created"].as_u64().unwrap();
        assert_eq!(created, 1, "round {round}: {a:?} {b:?}");
        let n = app
            .count(&format!(
                "SELECT count(*) FROM \"{}\".contacts WHERE lower(email) = '{email}'",
                app.org.schema
            ))
            .await;
        assert_eq!(n, 1);
    }
}
