//! Work cancelled in the middle of a transaction.

use super::support::*;

// 4. Work cancelled in the middle of a transaction

#[actix_web::test]
async fn a_client_that_gives_up_mid_transaction_leaves_no_open_transaction_and_no_half_write() {
    let app = spawn_app().await;
    let schema = app.org.schema.clone();
    let ids = vec![
        app.create_id("contacts", json!({ "first_name": "A" }))
            .await,
        app.create_id("contacts", json!({ "first_name": "B" }))
            .await,
    ];
    // Two rows of one second each: the update takes about two seconds.
    slow(&app.db, &schema, "contacts", "BEFORE UPDATE", "true", 1.0).await;
    let body = json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "status", "field_value": "lost" });

    let impatient = client(Duration::from_millis(300));
    let gave_up = impatient
        .post(format!("{}/api/v1/bulk", app.address))
        .insert_header(("Authorization", format!("Bearer {}", app.admin.token)))
        .send_json(&body)
        .await;
    assert!(
        matches!(gave_up, Err(awc::error::SendRequestError::Timeout)),
        "the client should have timed out: {:?}",
        gave_up.map(|r| r.status())
    );
    drop(impatient);

    no_open_transaction(&app.db, Duration::from_secs(8)).await;
    // All or nothing. Observed with actix-web 4 (h1 half-closed connections
    // allowed by default): the handler is not dropped when the client goes
    // away, so the update runs to its end and commits; a dropped handler
    // would roll back instead (see the next test).
    let after = statuses(&app.db, &schema, &ids).await;
    assert!(
        after == ["new", "new"] || after == ["lost", "lost"],
        "half of the bulk committed: {after:?}"
    );

    unslow(&app.db, &schema, "contacts").await;
    for i in 0..20 {
        let (status, out) = if i % 2 == 0 {
            app.bulk(&app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "job_title", "field_value": format!("t{i}") })).await
        } else {
            app.get(
                &format!("/api/v1/records/contacts/{}", ids[0]),
                &app.admin.token,
            )
            .await
        };
        assert_eq!(status, 200, "request {i} after the cancelled one: {out}");
    }
    assert_eq!(
        app.fetch("contacts", &ids[1]).await.expect("contact")["job_title"],
        "t18"
    );
}

#[actix_web::test]
async fn a_unit_of_work_dropped_mid_statement_is_rolled_back_before_its_connection_is_reused() {
    // One connection: the next unit of work necessarily gets the same one.
    let app = spawn_app_with(|s| {
        s.database.pool_size = 1;
        s.database.timeout_ms = 6000;
    })
    .await;
    let schema = app.org.schema.clone();
    let ids = vec![
        app.create_id("contacts", json!({ "first_name": "A" }))
            .await,
        app.create_id("contacts", json!({ "first_name": "B" }))
            .await,
    ];
    let other = app
        .create_id("contacts", json!({ "first_name": "C" }))
        .await;
    slow(
        &app.db,
        &schema,
        "contacts",
        "BEFORE UPDATE",
        &format!("OLD.id <> '{other}'"),
        1.0,
    )
    .await;
    let caller = app
        .services
        .authenticate(&app.admin.token)
        .await
        .expect("authenticate")
        .expect("a caller");
    let caller = authorize::<Write>(&caller).expect("a writer");
    let update = |ids: Vec<String>, field: &str, value: &str| -> BulkCommand {
        serde_json::from_value(json!({"action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": field, "field_value": value}))
            .expect("a bulk command")
    };

    // The future is dropped while its UPDATE sleeps in PostgreSQL.
    let cut = tokio::time::timeout(
        Duration::from_millis(300),
        bulk::run(
            &app.services,
            &caller,
            update(ids.clone(), "status", "lost"),
        ),
    )
    .await;
    assert!(cut.is_err(), "the unit of work was still running");

    // The next unit of work waits for the only connection. Had it come back
    // inside the dropped transaction, this COMMIT would commit both.
    let next = bulk::run(
        &app.services,
        &caller,
        update(vec![other.clone()], "job_title", "next"),
    )
    .await
    .expect("the next unit of work");
    assert_eq!((next.succeeded, next.failed), (1, 0));
    assert_eq!(
        statuses(&app.db, &schema, &ids).await,
        ["new", "new"],
        "the dropped update was committed"
    );
    let title: Option<String> = app
        .db
        .query_one(
            &format!("SELECT job_title FROM \"{schema}\".contacts WHERE id = $1::text::uuid"),
            &[&other],
        )
        .await
        .expect("job_title")
        .get(0);
    assert_eq!(title.as_deref(), Some("next"));
    no_open_transaction(&app.db, Duration::from_secs(5)).await;
}

#[actix_web::test]
async fn a_unit_of_work_dropped_while_its_begin_is_in_flight_leaves_no_connection_in_a_transaction()
{
    let app = spawn_app_with(|s| s.database.pool_size = 1).await;
    for _ in 0..5 {
        // The pool holds an idle connection, so `begin` gets it at once and
        // the first poll ends waiting for BEGIN: the future is dropped there.
        app.services.ready().await.expect("ping");
        let mut begin = app.store.begin(&app.org);
        let first =
            std::future::poll_fn(|cx| Poll::Ready(begin.as_mut().poll(cx).is_pending())).await;
        assert!(first, "BEGIN cannot be answered within one poll");
        drop(begin);
        no_open_transaction(&app.db, Duration::from_secs(3)).await;
    }
    // The next unit of work gets a clean connection and its own transaction.
    let mut tx = app.store.begin(&app.org).await.expect("begin");
    tx.rollback().await.expect("rollback");
    no_open_transaction(&app.db, Duration::from_secs(3)).await;
}

// ---------------------------------------------------------------------------
