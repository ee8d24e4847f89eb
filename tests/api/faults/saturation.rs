//! Writes waiting on row locks never take every connection: reads are still
//! served, and a write refused for lack of a connection says the service is
//! busy (503 with Retry-After), not that the database is down.

use super::support::*;

#[actix_web::test]
async fn reads_are_served_while_writes_wait_on_locks_and_a_refused_write_says_busy() {
    let app = spawn_app_with(|s| {
        s.database.pool_size = 4;
        s.database.read_reserve = 1;
        s.database.timeout_ms = 1000;
    })
    .await;
    let token = app.admin.token.clone();
    let locked = app.create_id("tags", json!({ "name": "locked" })).await;
    let other = app.create_id("tags", json!({ "name": "other" })).await;
    let db = connect(app.settings.database.url.expose()).await;
    db.batch_execute(&format!(
        "BEGIN; SELECT 1 FROM \"{}\".tags WHERE id = '{locked}' FOR UPDATE",
        app.org.schema
    ))
    .await
    .expect("lock");

    // Three writes take the whole write budget, waiting on the lock.
    let http = client(Duration::from_secs(30));
    let url = |p: &str| format!("{}{p}", app.address);
    let patch = |id: String, name: &'static str| {
        let http = http.clone();
        let target = url(&format!("/api/v1/records/tags/{id}"));
        let token = token.clone();
        async move {
            call(
                &http,
                "PATCH",
                &target,
                Some(&token),
                Some(&json!({ "name": name })),
            )
            .await
        }
    };
    let waiting = [
        actix_web::rt::spawn(patch(locked.clone(), "a")),
        actix_web::rt::spawn(patch(locked.clone(), "b")),
        actix_web::rt::spawn(patch(locked.clone(), "c")),
    ];
    // Give the spawned requests time to start, then see them wait.
    tokio::time::sleep(Duration::from_secs(1)).await;
    sleeping_lock_waiters(&db, 3).await;

    let (status, out) = app.get("/api/v1/records/tags?limit=5", &token).await;
    assert_eq!(status, 200, "a read starved behind writes: {out}");
    let (status, _) = app.get("/api/v1/me", &token).await;
    assert_eq!(status, 200);

    let mut refused = app
        .http_raw()
        .patch(url(&format!("/api/v1/records/tags/{other}")))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send_json(&json!({ "name": "refused" }))
        .await
        .expect("an answer");
    assert_eq!(refused.status().as_u16(), 503);
    assert!(refused.headers().contains_key("retry-after"), "Retry-After");
    let body: Json = refused.json().await.expect("json");
    assert_eq!(code(&body), "UNAVAILABLE");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("busy")),
        "{body}"
    );

    db.batch_execute("COMMIT").await.expect("unlock");
    for w in waiting {
        let (status, body) = w.await.expect("join").expect("an answer");
        assert_eq!(status, 200, "{body}");
    }
    let out = app.fetch("tags", &other).await.expect("other");
    assert_eq!(out["name"], "other", "the refused write changed nothing");
}

/// Waits (10 s at most) until `n` sessions of the app wait on a lock.
async fn sleeping_lock_waiters(db: &tokio_postgres::Client, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let waiting: i64 = db
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'kasar' AND state = 'active' AND wait_event_type = 'Lock'",
                &[],
            )
            .await
            .expect("pg_stat_activity")
            .get(0);
        if waiting >= n {
            return;
        }
        if Instant::now() >= deadline {
            let rows = db
                .query("SELECT state, wait_event_type, wait_event, left(query, 60) FROM pg_stat_activity WHERE datname = current_database()", &[])
                .await
                .expect("activity");
            let shown: Vec<String> = rows
                .iter()
                .map(|r| {
                    format!(
                        "{:?} {:?} {:?} {:?}",
                        r.get::<_, Option<String>>(0),
                        r.get::<_, Option<String>>(1),
                        r.get::<_, Option<String>>(2),
                        r.get::<_, Option<String>>(3)
                    )
                })
                .collect();
            panic!("{waiting} of {n} writes wait on the lock: {shown:#?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
