//! Graceful shutdown on SIGTERM and SIGINT.

use super::support::*;

// 6. Graceful shutdown

/// Starts the binary, sends `signal` while a bulk request is in flight, and
/// checks that the request commits and answers 200, that new connections are
/// refused meanwhile, and that the process exits with success.
async fn stops_gracefully_on(signal: &str) {
    let db_url = fresh_database().await;
    let (_services, org, token) = provision(&test_settings(&db_url)).await;
    let db = connect(&db_url).await;
    let id: Uuid = db
        .query_one(
            &format!(
                "INSERT INTO \"{}\".contacts (first_name) VALUES ('Ann') RETURNING id",
                org.schema
            ),
            &[],
        )
        .await
        .expect("insert")
        .get(0);
    let mut server = Served::start(&db_url, &[]);
    server.wait_healthy().await;
    slow(&db, &org.schema, "contacts", "BEFORE UPDATE", "true", 2.0).await;

    let finished = Cell::new(false);
    let in_flight = async {
        let out = call(
            &client(Duration::from_secs(20)),
            "POST",
            &server.url("/api/v1/bulk"),
            Some(&token),
            Some(&json!({ "action": "update_field", "object_name": "contacts", "record_ids": [id], "field_name": "status", "field_value": "qualified" })),
        )
        .await;
        finished.set(true);
        out
    };
    let stop = async {
        sleeping_backend(&db, "UPDATE %").await;
        let signalled = Instant::now();
        server.signal(signal);
        let refused_after = loop {
            if TcpStream::connect_timeout(&server.addr(), Duration::from_millis(200)).is_err() {
                break signalled.elapsed();
            }
            assert!(
                signalled.elapsed() < Duration::from_secs(3),
                "still accepting connections 3 s after SIG{signal}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let refused_in_flight = !finished.get();
        let late = call(
            &client(Duration::from_secs(1)),
            "GET",
            &server.url("/health"),
            None,
            None,
        )
        .await;
        (refused_after, refused_in_flight, late)
    };
    let (answer, (refused_after, refused_in_flight, late)) = tokio::join!(in_flight, stop);

    let (status, out) = answer.expect("the request in flight got its response");
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["updated"], 1, "{out}");
    assert!(
        refused_in_flight,
        "new connections were refused only after the request in flight ended ({refused_after:?})"
    );
    assert!(
        late.is_err(),
        "a request after SIG{signal} was served: {late:?}"
    );
    let status: String = db
        .query_one(
            &format!(
                "SELECT status FROM \"{}\".contacts WHERE id = $1",
                org.schema
            ),
            &[&id],
        )
        .await
        .expect("status")
        .get(0);
    assert_eq!(status, "qualified", "the change in flight was committed");
    let exit = server.wait_exit(Duration::from_secs(8)).await;
    assert!(exit.success(), "exit {exit}: {}", server.logs());
}

#[actix_web::test]
async fn sigterm_lets_the_request_in_flight_commit_refuses_new_connections_and_exits_cleanly() {
    stops_gracefully_on("TERM").await;
}

#[actix_web::test]
async fn sigint_stops_as_gracefully_as_sigterm() {
    stops_gracefully_on("INT").await;
}

/// The race of a graceful stop with a request waiting on a row lock: the
/// pool (and the connections of every worker) must outlive the request.
#[actix_web::test]
async fn sigterm_never_closes_the_connection_of_a_request_in_flight() {
    let db_url = fresh_database().await;
    let (_services, org, token) = provision(&test_settings(&db_url)).await;
    let db = connect(&db_url).await;
    for round in 0..8 {
        let id: Uuid = db
            .query_one(
                &format!(
                    "INSERT INTO \"{}\".tags (name) VALUES ('t{round}') RETURNING id",
                    org.schema
                ),
                &[],
            )
            .await
            .expect("insert")
            .get(0);
        let mut server = Served::start(&db_url, &[("KASAR__DATABASE__POOL_SIZE", "8")]);
        server.wait_healthy().await;
        // Warm the pool from both workers.
        let http = client(Duration::from_secs(20));
        let list = server.url("/api/v1/records/tags?limit=1");
        let warm: Vec<_> = (0..16)
            .map(|_| call(&http, "GET", &list, Some(&token), None))
            .collect();
        for answer in futures_util::future::join_all(warm).await {
            assert_eq!(answer.expect("warm-up").0, 200);
        }
        db.batch_execute(&format!(
            "BEGIN; SELECT 1 FROM \"{}\".tags WHERE id = '{id}' FOR UPDATE",
            org.schema
        ))
        .await
        .expect("lock");
        let target = server.url(&format!("/api/v1/records/tags/{id}"));
        let body = json!({ "name": format!("renamed {round}") });
        let patch = call(&http, "PATCH", &target, Some(&token), Some(&body));
        let stop = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            server.signal("TERM");
            tokio::time::sleep(Duration::from_millis(1200)).await;
            db.batch_execute("COMMIT").await.expect("unlock");
        };
        let (answer, ()) = tokio::join!(patch, stop);
        let (status, body) = answer.expect("the request in flight got its response");
        assert_eq!(status, 200, "round {round}: {body}\n{}", server.logs());
        let exit = server.wait_exit(Duration::from_secs(10)).await;
        assert!(exit.success(), "round {round}: exit {exit}");
    }
}
