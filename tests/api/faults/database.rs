//! A session killed in the middle of a merge, a database that stops and comes
//! back, and `statement_timeout`.

use super::support::*;

// 1. A session killed in the middle of a merge

#[actix_web::test]
async fn a_merge_whose_database_session_is_killed_after_relinking_leaves_everything_as_it_was() {
    let app = spawn_app().await;
    let schema = app.org.schema.clone();
    let tag = app.create_id("tags", json!({ "name": "vip" })).await;
    let master = app
        .create_id("contacts", json!({ "first_name": "Ann" }))
        .await;
    let d1 = app
        .create_id("contacts", json!({ "first_name": "Ann", "tags": [tag] }))
        .await;
    let d2 = app
        .create_id("contacts", json!({ "first_name": "Ann" }))
        .await;
    let deal = app
        .create_id("opportunities", json!({ "name": "Deal", "contact": d1 }))
        .await;
    let before = app.snapshot().await;

    // Deleting the duplicates, the last step after re-linking, is slow.
    slow(&app.db, &schema, "contacts", "BEFORE DELETE", "true", 2.0).await;
    let body = json!({ "action": "merge", "object_name": "contacts", "master_id": master, "duplicate_ids": [d1, d2] });
    let kill = async {
        let pid = sleeping_backend(&app.db, "DELETE FROM %").await;
        // The transaction has re-linked already: it holds write locks on the
        // opportunities and on the contacts' tag links.
        let relinked: i64 = app
            .db
            .query_one(
                "SELECT count(DISTINCT c.relname) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 WHERE l.pid = $1 AND l.mode = 'RowExclusiveLock' AND c.relname IN ('opportunities', 'contacts_tags')",
                &[&pid],
            )
            .await
            .expect("locks")
            .get(0);
        let killed: bool = app
            .db
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .expect("terminate")
            .get(0);
        (relinked, killed)
    };
    let started = Instant::now();
    let ((status, out), (relinked, killed)) = tokio::join!(app.duplicates(body.clone()), kill);
    assert!(killed, "the merge's session was terminated");
    assert_eq!(relinked, 2, "the session was killed after re-linking");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the failure is reported at once, not after the merge would have ended"
    );
    assert_generic_failure(
        status,
        &out,
        &[(503, "UNAVAILABLE"), (500, "INTERNAL_ERROR")],
    );
    assert_eq!(
        app.snapshot().await,
        before,
        "the killed merge left part of its writes"
    );
    no_open_transaction(&app.db, Duration::from_secs(5)).await;

    // The next requests work: the dead connection did not go back to the pool.
    for _ in 0..10 {
        let (status, got) = app
            .get(&format!("/api/v1/records/contacts/{d1}"), &app.admin.token)
            .await;
        assert_eq!(status, 200, "{got}");
    }
    unslow(&app.db, &schema, "contacts").await;
    let (status, out) = app.duplicates(body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["duplicates_deleted"], 2, "{out}");
    assert_eq!(
        app.fetch("opportunities", &deal).await.expect("deal")["contact"],
        json!(master)
    );
    assert_eq!(
        app.fetch("contacts", &master).await.expect("master")["tags"],
        json!([tag])
    );
}

// ---------------------------------------------------------------------------
// 2. The database stops, then comes back

#[actix_web::test]
async fn while_the_database_is_down_requests_get_503_within_the_pool_timeout_and_recover_without_a_restart(
) {
    let cluster = Cluster::start();
    connect(&cluster.url("postgres"))
        .await
        .batch_execute("CREATE DATABASE kasar")
        .await
        .expect("create database");
    let mut settings = test_settings(&cluster.url("kasar"));
    settings.database.timeout_ms = 1000;
    let (_services, _org, token) = provision(&settings).await;
    let app = kasar_server::Application::build(&settings)
        .await
        .expect("build app");
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    let http = client(Duration::from_secs(10));
    let get = |path: &str, token: Option<&str>| {
        let url = format!("{base}{path}");
        let (http, token) = (http.clone(), token.map(str::to_owned));
        async move {
            call(&http, "GET", &url, token.as_deref(), None)
                .await
                .expect("a response")
        }
    };
    assert_eq!(get("/api/v1/me", Some(&token)).await.0, 200);

    cluster.stop();
    for _ in 0..3 {
        let started = Instant::now();
        let (status, body) = get("/api/v1/me", Some(&token)).await;
        let took = started.elapsed();
        assert_eq!((status, code(&body)), (503, "UNAVAILABLE"), "{body}");
        assert_generic_failure(status, &body, &[(503, "UNAVAILABLE")]);
        assert!(
            took < Duration::from_secs(5),
            "503 took {took:?}, more than the pool timeout allows"
        );
    }
    let (status, body) = get("/ready", None).await;
    assert_eq!((status, code(&body)), (503, "UNAVAILABLE"), "{body}");
    assert_eq!(get("/health", None).await, (200, json!({ "status": "ok" })));

    // A database host that accepts connections and never answers: the pool
    // gives up after database.timeout_ms (1 s here).
    let hole = BlackHole::on(cluster.port);
    for path in ["/api/v1/me", "/ready"] {
        let started = Instant::now();
        let (status, body) = get(path, Some(&token)).await;
        let took = started.elapsed();
        assert_eq!(
            (status, code(&body)),
            (503, "UNAVAILABLE"),
            "{path}: {body}"
        );
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(5),
            "{path}: 503 after {took:?}, not after the 1 s pool timeout"
        );
    }
    assert_eq!(get("/health", None).await, (200, json!({ "status": "ok" })));
    drop(hole);

    cluster.ensure();
    let back = Instant::now();
    loop {
        let (status, body) = get("/api/v1/me", Some(&token)).await;
        if status == 200 {
            break;
        }
        assert_eq!((status, code(&body)), (503, "UNAVAILABLE"), "{body}");
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "no recovery 10 s after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        get("/ready", None).await,
        (200, json!({ "status": "ready" }))
    );
    let created = call(
        &http,
        "POST",
        &format!("{base}/api/v1/records/contacts"),
        Some(&token),
        Some(&json!({ "first_name": "Back" })),
    )
    .await
    .expect("a response");
    assert_eq!(created.0, 201, "{}", created.1);
}

// ---------------------------------------------------------------------------
// 3. statement_timeout

#[actix_web::test]
async fn a_statement_slower_than_statement_timeout_fails_generically_and_changes_nothing() {
    let app = spawn_app_with(|s| s.database.statement_timeout_ms = 300).await;
    let schema = app.org.schema.clone();
    let mut ids = Vec::new();
    for name in ["A", "B", "C"] {
        ids.push(
            app.create_id("contacts", json!({ "first_name": name }))
                .await,
        );
    }
    let before = app.snapshot().await;
    // One second per row: three seconds, far beyond the 300 ms allowed.
    slow(&app.db, &schema, "contacts", "BEFORE UPDATE", "true", 1.0).await;
    let body = json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "status", "field_value": "qualified" });

    let started = Instant::now();
    let (status, out) = app.bulk(&app.admin.token, body.clone()).await;
    let took = started.elapsed();
    assert_generic_failure(
        status,
        &out,
        &[(500, "INTERNAL_ERROR"), (503, "UNAVAILABLE")],
    );
    assert!(
        took < Duration::from_millis(2500),
        "the statement was cut at 300 ms, not run to its end: {took:?}"
    );
    assert_eq!(app.snapshot().await, before);
    no_open_transaction(&app.db, Duration::from_secs(5)).await;

    unslow(&app.db, &schema, "contacts").await;
    let (status, out) = app.bulk(&app.admin.token, body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["updated"], 3, "{out}");
}

// ---------------------------------------------------------------------------

/// The cluster `make run` starts (scripts/pg.sh without `fast`) keeps
/// PostgreSQL's durability; only throwaway clusters turn it off.
#[actix_web::test]
async fn a_cluster_started_as_make_run_starts_it_is_durable() {
    let cluster = Cluster::start();
    let db = connect(&format!(
        "postgres://postgres@127.0.0.1:{}/postgres",
        cluster.port
    ))
    .await;
    for setting in ["fsync", "full_page_writes", "synchronous_commit"] {
        let value: String = db
            .query_one(&format!("SHOW {setting}"), &[])
            .await
            .expect("show")
            .get(0);
        assert_eq!(value, "on", "{setting}");
    }
}
