//! Catalog changes with traffic: instances over one database see a committed
//! change on their next request, a change that cannot get its locks in time
//! answers 503 without stalling reads, and writers racing changes lose
//! nothing and see no error but that 503.

use std::time::{Duration, Instant};

use crate::helpers::*;
use serde_json::json;

#[actix_web::test]
async fn a_change_through_one_instance_is_used_by_another_on_its_next_request() {
    let app = spawn_app().await;
    let other = app.second_instance().await;
    let token = app.admin.token.clone();
    // Both instances have read (and cached) the catalog.
    for base in [&app.address, &other] {
        let (status, _) = app
            .send_at(base, "GET", "/api/v1/schema/contacts", Some(&token), None)
            .await;
        assert_eq!(status, 200);
    }
    let field = json!({"name": "customer_number", "type": "TEXT"});
    let (status, out) = app
        .send_at(
            &app.address,
            "POST",
            "/api/v1/schema/contacts/fields",
            Some(&token),
            Some(&field),
        )
        .await;
    assert_eq!(status, 201, "{out}");
    let (status, out) = app
        .send_at(
            &other,
            "POST",
            "/api/v1/records/contacts",
            Some(&token),
            Some(&json!({"customer_number": "C-1"})),
        )
        .await;
    assert_eq!(status, 201, "{out}");
    assert_eq!(out["customer_number"], "C-1");
    let (status, _) = app
        .send_at(
            &other,
            "DELETE",
            "/api/v1/schema/contacts/fields/customer_number",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, out) = app
        .send_at(
            &app.address,
            "POST",
            "/api/v1/records/contacts",
            Some(&token),
            Some(&json!({"customer_number": "C-2"})),
        )
        .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    let (_, got) = app
        .send_at(
            &app.address,
            "GET",
            "/api/v1/schema/contacts",
            Some(&token),
            None,
        )
        .await;
    assert!(!got.to_string().contains("customer_number"));
}

#[actix_web::test]
async fn a_change_that_cannot_get_its_locks_answers_503_and_reads_go_on() {
    let app = spawn_app_with(|s| s.schema.lock_timeout_ms = 500).await;
    app.create("contacts", json!({"first_name": "Ann"})).await;
    let company = app.create_id("companies", json!({"name": "Initech"})).await;
    // Another session holds the contacts table.
    let (holder, conn) =
        tokio_postgres::connect(app.settings.database.url.expose(), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(conn);
    holder
        .batch_execute("BEGIN; LOCK TABLE org_acme.contacts IN ACCESS SHARE MODE")
        .await
        .unwrap();
    let started = Instant::now();
    let score = json!({"name": "score", "type": "NUMBER"});
    let change = app.post("/api/v1/schema/contacts/fields", &app.admin.token, &score);
    let reads = async {
        let mut answered = 0;
        for _ in 0..5 {
            let (status, _) = app
                .get(
                    &format!("/api/v1/records/companies/{company}"),
                    &app.member.token,
                )
                .await;
            assert_eq!(status, 200);
            answered += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        answered
    };
    let ((status, out), answered) = tokio::join!(change, reads);
    assert_eq!((status, code(&out)), (503, "UNAVAILABLE"), "{out}");
    assert!(
        started.elapsed() < Duration::from_millis(500 + 1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(answered, 5);
    holder.batch_execute("ROLLBACK").await.unwrap();
    // Nothing changed: no column, no catalog row, and the change works now.
    assert_eq!(
        app.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'org_acme' AND column_name = 'score'").await,
        0
    );
    let (status, _) = app
        .post(
            "/api/v1/schema/contacts/fields",
            &app.admin.token,
            &json!({"name": "score", "type": "NUMBER"}),
        )
        .await;
    assert_eq!(status, 201);
}

#[actix_web::test]
async fn sixteen_writers_racing_field_changes_lose_nothing() {
    let app = spawn_app().await;
    let token = app.member.token.clone();
    let writers = (0..16).map(|w| {
        let app = &app;
        let token = token.clone();
        async move {
            let mut created = Vec::new();
            for i in 0..15 {
                let body =
                    json!({"first_name": format!("w{w}-{i}"), "email": format!("w{w}-{i}@x.io")});
                let (status, out) = app.post("/api/v1/records/contacts", &token, &body).await;
                match status {
                    201 => created.push(id_of(&out)),
                    503 => assert_eq!(code(&out), "UNAVAILABLE"),
                    other => panic!("{other}: {out}"),
                }
            }
            created
        }
    });
    let changes = async {
        for round in 0..6 {
            let name = format!("extra_{round}");
            let (status, out) = app
                .post(
                    "/api/v1/schema/contacts/fields",
                    &app.admin.token,
                    &json!({"name": name, "type": "TEXT", "default": "d"}),
                )
                .await;
            assert!(status == 201 || status == 503, "{status}: {out}");
            let (status, out) = app
                .delete(
                    &format!("/api/v1/schema/contacts/fields/{name}"),
                    &app.admin.token,
                )
                .await;
            assert!(
                status == 204 || status == 503 || status == 400,
                "{status}: {out}"
            );
        }
    };
    let (created, ()) = tokio::join!(futures_util::future::join_all(writers), changes);
    let created: Vec<String> = created.into_iter().flatten().collect();
    assert!(created.len() > 100, "{}", created.len());
    for id in &created {
        assert!(app.fetch("contacts", id).await.is_some(), "{id} lost");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM org_acme.contacts").await,
        created.len() as i64
    );
}
