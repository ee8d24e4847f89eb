//! One record against the table (`POST /records/{object}/match`) and the
//! model behind the scores: estimated per object, stored, shown in
//! `GET /schema/{object}`, re-estimated when the profile changes or the
//! record count moves by more than 20 %, the same for the same records.

use std::collections::HashMap;

use crate::helpers::*;
use kasar_testdata::{contacts, Labeled, Spec};
use serde_json::{json, Value as Json};

pub(crate) fn generated(n: usize, seed: u64) -> Vec<Labeled> {
    contacts(Spec {
        records: n,
        duplicate_share: 0.15,
        seed,
    })
}

#[actix_web::test]
async fn match_finds_the_original_of_held_out_duplicates_strongest_first() {
    let app = spawn_app().await;
    let records = generated(2_000, 12);
    let mut per_entity: HashMap<u64, usize> = HashMap::new();
    for r in &records {
        *per_entity.entry(r.entity).or_default() += 1;
    }
    // Hold out the last record of 60 entities that have another one.
    let mut held: Vec<&Labeled> = Vec::new();
    let mut kept: Vec<&Labeled> = Vec::new();
    for r in records.iter().rev() {
        let n = per_entity.get_mut(&r.entity).unwrap();
        if *n > 1 && held.len() < 60 && !held.iter().any(|h| h.entity == r.entity) {
            *n -= 1;
            held.push(r);
        } else {
            kept.push(r);
        }
    }
    let fields: Vec<&Json> = kept.iter().map(|r| &r.fields).collect();
    let ids = app.create_contacts(&app.admin.token, &fields).await;
    let entity_of: HashMap<&str, u64> = ids
        .iter()
        .map(String::as_str)
        .zip(kept.iter().map(|r| r.entity))
        .collect();
    let mut found = 0;
    for h in &held {
        // Any token of the organization may ask: the reader's.
        let (status, out) = app
            .post(
                "/api/v1/records/contacts/match",
                &app.reader.token,
                &json!({"record": h.fields, "threshold": 0.5, "limit": 3}),
            )
            .await;
        assert_eq!(status, 200, "{out}");
        let matches = out.as_array().unwrap();
        assert!(matches.len() <= 3);
        let mut last = 1.0;
        for m in matches {
            let score = m["score"].as_f64().unwrap();
            assert!((0.5..=1.0).contains(&score) && score <= last, "{out}");
            last = score;
            let levels = m["levels"].as_object().unwrap();
            for name in ["name", "email", "phone", "linkedin", "company"] {
                assert!(levels.contains_key(name), "{m}");
            }
            assert!(
                m["record"]["id"].is_string() && m["record"]["first_name"].is_string()
                    || m["record"]["first_name"].is_null()
            );
        }
        if matches
            .iter()
            .any(|m| entity_of.get(m["record"]["id"].as_str().unwrap()) == Some(&h.entity))
        {
            found += 1;
        }
    }
    assert!(
        found * 100 >= held.len() * 90,
        "original among the top 3 for {found} of {}",
        held.len()
    );

    // An exact copy of a record finds it with score near 1 and exact levels.
    let (status, out) = app
        .post(
            "/api/v1/records/contacts/match",
            &app.admin.token,
            &json!({"record": kept[0].fields}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out[0]["record"]["id"], json!(ids[0]), "{out}");
    assert!(out[0]["score"].as_f64().unwrap() > 0.99);
    assert_eq!(out[0]["levels"]["name"], "exact");

    // A record that resembles nothing matches nothing.
    let (status, out) = app
        .post(
            "/api/v1/records/contacts/match",
            &app.admin.token,
            &json!({"record": {"first_name": "Zebulon", "last_name": "Quixotic", "email": "zq@nowhere.test"}}),
        )
        .await;
    assert_eq!((status, out), (200, json!([])));
}

#[actix_web::test]
async fn match_requests_are_validated_and_isolated_per_organization() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    // Scores come from a model estimated on the object's records: enough of them.
    let records = generated(500, 9);
    let fields: Vec<&Json> = records.iter().map(|r| &r.fields).collect();
    app.create_contacts(&token, &fields).await;
    app.create_id(
        "contacts",
        json!({"first_name": "Robert", "last_name": "Smith", "email": "bob@smith.io"}),
    )
    .await;
    let cases = [
        (
            json!({"record": {"first_name": "Bob"}, "threshold": 0}),
            "VALIDATION_ERROR",
        ),
        (
            json!({"record": {"first_name": "Bob"}, "threshold": 1.5}),
            "VALIDATION_ERROR",
        ),
        (
            json!({"record": {"first_name": "Bob"}, "limit": 101}),
            "VALIDATION_ERROR",
        ),
        (
            json!({"record": {"first_name": "Bob"}, "limit": 0}),
            "VALIDATION_ERROR",
        ),
        (json!({"record": {"nope": "Bob"}}), "VALIDATION_ERROR"),
        (json!({"record": {"email": 3}}), "VALIDATION_ERROR"),
        (json!({"record": [1]}), "VALIDATION_ERROR"),
        (json!({"first_name": "Bob"}), "VALIDATION_ERROR"),
    ];
    for (body, expected) in cases {
        let (status, out) = app
            .post("/api/v1/records/contacts/match", &token, &body)
            .await;
        assert_eq!((status, code(&out)), (400, expected), "{body}: {out}");
    }
    let (status, out) = app
        .post(
            "/api/v1/records/nothing/match",
            &token,
            &json!({"record": {}}),
        )
        .await;
    assert_eq!((status, code(&out)), (400, "INVALID_OBJECT"), "{out}");
    let (status, _) = app
        .send(
            "POST",
            "/api/v1/records/contacts/match",
            None,
            Some(&json!({"record": {}})),
        )
        .await;
    assert_eq!(status, 401);
    let bob =
        json!({"record": {"first_name": "Bob", "last_name": "Smith", "email": "bob@smith.io"}});
    let (status, out) = app
        .post("/api/v1/records/contacts/match", &token, &bob)
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out[0]["record"]["email"], "bob@smith.io", "{out}");
    assert_eq!(out[0]["levels"]["name"], "nickname");
    assert_eq!(out[0]["levels"]["email"], "exact");
    // Another organization sees none of these records.
    let other = app.other_org().await;
    let (status, out) = app
        .post("/api/v1/records/contacts/match", &other.token, &bob)
        .await;
    assert_eq!((status, out), (200, json!([])));
}

/// The weights GET /schema/contacts shows.
async fn weights(app: &TestApp, token: &str) -> Json {
    let (status, out) = app.get("/api/v1/schema/contacts", token).await;
    assert_eq!(status, 200, "{out}");
    out["matching"]["weights"].clone()
}

async fn fuzzy_detect(app: &TestApp, token: &str) {
    let (status, out) = app
        .post(
            "/api/v1/duplicates",
            token,
            &json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "scan_limit": 10000}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
}

#[actix_web::test]
async fn the_model_is_stored_shown_and_estimated_again_on_drift_or_a_new_profile() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    let records = generated(700, 5);
    let fields: Vec<&Json> = records.iter().map(|r| &r.fields).collect();
    app.create_contacts(&token, &fields[..500]).await;
    assert_eq!(
        weights(&app, &token).await,
        Json::Null,
        "none before an estimate"
    );
    fuzzy_detect(&app, &token).await;
    let first = weights(&app, &token).await;
    assert_eq!(first["records"], 500, "{first}");
    let email = &first["comparisons"]["email"];
    assert!(email["exact"].as_f64().unwrap() > 5.0, "{first}");
    assert!(email["other"].as_f64().unwrap() < 0.0, "{first}");
    assert!(
        first["comparisons"]["name"]["nickname"].is_number(),
        "{first}"
    );

    // Within 20 %: the stored model stays (same estimate time).
    app.create_contacts(&token, &fields[500..600]).await;
    fuzzy_detect(&app, &token).await;
    assert_eq!(weights(&app, &token).await, first);

    // Past 20 % of 500: a match sees it in the planner's statistics and the
    // model is estimated again from the 700 records.
    app.create_contacts(&token, &fields[600..]).await;
    app.db
        .batch_execute(&format!("ANALYZE \"{}\".contacts", app.org.schema))
        .await
        .unwrap();
    let (status, out) = app
        .post(
            "/api/v1/records/contacts/match",
            &token,
            &json!({"record": records[0].fields}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    let second = weights(&app, &token).await;
    assert_eq!(second["records"], 700, "{second}");
    assert_ne!(second["estimated_at"], first["estimated_at"]);

    // The same records give the same weights in another organization.
    let other = app.other_org().await;
    app.create_contacts(&other.token, &fields).await;
    fuzzy_detect(&app, &other.token).await;
    let theirs = weights(&app, &other.token).await;
    assert_eq!(theirs["comparisons"], second["comparisons"]);
    assert_eq!(theirs["prior"], second["prior"]);

    // A new profile: no weights until they are estimated for it.
    let profile = json!({"comparisons": [
        {"name": "name", "comparator": "person_name", "fields": ["first_name", "last_name"]},
        {"name": "email", "comparator": "email", "fields": ["email"]}
    ]});
    let out = app.put_profile("contacts", &profile).await;
    assert_eq!(out["matching"]["weights"], Json::Null, "{out}");
    let (status, out) = app
        .post(
            "/api/v1/records/contacts/match",
            &token,
            &json!({"record": records[0].fields}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    let third = weights(&app, &token).await;
    let names: Vec<&String> = third["comparisons"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["name", "email"], "{third}");
    assert_eq!(out[0]["levels"].as_object().unwrap().len(), 2, "{out}");
}
