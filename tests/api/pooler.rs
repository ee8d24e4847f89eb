//! `kasar serve` behind PgBouncer (Debian's package) in transaction mode,
//! with fewer server connections than the service's pool, and
//! `database.named_statements = false`: every route of a cleaning session
//! (writes, batches, import, selections, detect, merge, bulk, export, the
//! background fold) answers as it does on a direct connection, under
//! concurrency, and the organization ends consistent.

use serde_json::{json, Value as Json};

use crate::balancer::{kasar_serve, Proc};
use crate::helpers::*;
use crate::pgbouncer::PgBouncer;
use crate::redis_limits::free_port;

/// Concurrent clients, and the requests rounds each sends.
const CLIENTS: usize = 6;
const ROUNDS: usize = 6;
/// Server connections PgBouncer may open: fewer than the service's pool, so
/// transactions of different client connections share them.
const SERVER_CONNECTIONS: usize = 3;

/// `kasar serve` on `port` over `db` (through the pooler), statements
/// unnamed, no startup `statement_timeout` (PgBouncer refuses it), the
/// background fold every second.
async fn serve(db: &str, port: u16) -> Proc {
    let settings = [
        ("KASAR__DATABASE__NAMED_STATEMENTS", "false"),
        ("KASAR__DATABASE__STATEMENT_TIMEOUT_MS", "0"),
        ("KASAR__DATABASE__POOL_SIZE", "12"),
        ("KASAR__DUPLICATES__FOLD_INTERVAL_SECONDS", "1"),
        ("KASAR__RATE_LIMIT__ENABLED", "false"),
    ];
    kasar_serve(db, port, &settings, "/ready").await
}

/// One client's rounds: each request must succeed; returns the ids it
/// created that still exist.
async fn client(app: &TestApp, base: &str, n: usize) -> Vec<String> {
    let token = app.admin.token.clone();
    let send = |method: &'static str, path: String, body: Option<Json>| {
        let token = token.clone();
        async move {
            let (status, out) = app
                .send_at(base, method, &path, Some(&token), body.as_ref())
                .await;
            assert!(status < 300, "{method} {path}: {status} {out}");
            out
        }
    };
    let mut kept = Vec::new();
    for r in 0..ROUNDS {
        let email = format!("c{n}-{r}@pool.test");
        let out = send(
            "POST",
            "/api/v1/records/contacts".into(),
            Some(json!({"first_name": "Ann", "email": email})),
        )
        .await;
        let id = id_of(&out);
        send("GET", format!("/api/v1/records/contacts/{id}"), None).await;
        send(
            "PATCH",
            format!("/api/v1/records/contacts/{id}"),
            Some(json!({"job_title": "CTO"})),
        )
        .await;
        let page = send("GET", format!("/api/v1/records/contacts?filter_field=email&filter_operator=equals&filter_value={email}"), None).await;
        assert_eq!(page["data"].as_array().map(Vec::len), Some(1), "{page}");
        let batch = send(
            "POST",
            "/api/v1/records/contacts/batch/create".into(),
            Some(json!({"records": [{"last_name": format!("B{n}-{r}")}, {"last_name": "Batch"}]})),
        )
        .await;
        assert_eq!(result_statuses(&batch), ["created", "created"], "{batch}");
        // The second record duplicates the first contact of this round.
        let import = send("POST", "/api/v1/import/contacts".into(), Some(json!({"on_duplicate": "skip", "records": [{"email": format!("i{n}-{r}@pool.test")}, {"email": email}]}))).await;
        assert_eq!(
            result_statuses(&import),
            ["created", "duplicate"],
            "{import}"
        );
        send("POST", "/api/v1/bulk".into(), Some(json!({"action": "update_field", "object_name": "contacts", "record_ids": [id], "field_name": "job_title", "field_value": "CEO"}))).await;
        send(
            "POST",
            "/api/v1/records/contacts/search".into(),
            Some(json!({"search": format!("c{n}-{r}@")})),
        )
        .await;
        kept.push(id);
    }
    kept
}

#[actix_web::test]
async fn serve_behind_pgbouncer_in_transaction_mode_with_unnamed_statements() {
    let app = spawn_app().await;
    let db = app.settings.database.url.expose().to_owned();
    let bouncer = PgBouncer::start(&db, SERVER_CONNECTIONS);
    let port = free_port();
    let server = serve(&bouncer.url, port).await;
    let base = format!("http://127.0.0.1:{port}");

    let runs = (0..CLIENTS).map(|n| client(&app, &base, n));
    let kept: Vec<String> = futures_util::future::join_all(runs).await.concat();
    assert_eq!(kept.len(), CLIENTS * ROUNDS);

    // Every client's records are there: 1 + 2 batched + 1 imported a round.
    let expected = (CLIENTS * ROUNDS * 4) as i64;
    assert_eq!(
        app.count("SELECT count(*) FROM org_acme.contacts").await,
        expected
    );

    // A pair sharing an e-mail: detect finds it (the background fold has
    // run through the pooler too), a merge joins it, and the export (a
    // portal in a read-only transaction) streams what is left.
    let admin = Some(app.admin.token.as_str());
    let mut pair = Vec::new();
    for name in ["Dup", "Dupe"] {
        let body = json!({"first_name": name, "email": "dup@pool.test"});
        let (status, out) = app
            .send_at(
                &base,
                "POST",
                "/api/v1/records/contacts",
                admin,
                Some(&body),
            )
            .await;
        assert_eq!(status, 201, "{out}");
        pair.push(id_of(&out));
    }
    let detect = json!({"action": "detect", "object_name": "contacts", "fields": ["email"]});
    let (status, out) = app
        .send_at(&base, "POST", "/api/v1/duplicates", admin, Some(&detect))
        .await;
    assert_eq!(status, 200, "{out}");
    let groups = out["duplicate_groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "{out}");
    let merge = json!({"action": "merge", "object_name": "contacts", "master_id": pair[0], "duplicate_ids": [pair[1]]});
    let (status, out) = app
        .send_at(&base, "POST", "/api/v1/duplicates", admin, Some(&merge))
        .await;
    assert_eq!(status, 200, "{out}");
    let (status, out) = app
        .send_at(
            &base,
            "GET",
            "/api/v1/export/contacts?format=json",
            admin,
            None,
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        out.as_array().map(Vec::len),
        Some(expected as usize + 1),
        "{out}"
    );
    let ceo = "/api/v1/records/contacts?filter_field=job_title&filter_operator=equals&filter_value=CEO&limit=100";
    let (status, out) = app.send_at(&base, "GET", ceo, admin, None).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["total"], json!(CLIENTS * ROUNDS), "{out}");
    drop(server);
}
