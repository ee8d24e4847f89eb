//! Helpers of the fault tests: SQL triggers that slow statements down, the
//! app's sessions, throwaway clusters, and the real binary.

#![allow(dead_code)]

pub(crate) use std::cell::Cell;
pub(crate) use std::fs::File;
pub(crate) use std::net::{SocketAddr, TcpStream};
pub(crate) use std::path::{Path, PathBuf};
pub(crate) use std::process::{Child, Command, ExitStatus, Output, Stdio};
pub(crate) use std::sync::atomic::{AtomicBool, Ordering};
pub(crate) use std::sync::Arc;
pub(crate) use std::task::Poll;
pub(crate) use std::time::{Duration, Instant};

pub(crate) use kasar_application::admin;
pub(crate) use kasar_application::authorize::{authorize, Write};
pub(crate) use kasar_application::bulk::{self, BulkCommand};
pub(crate) use kasar_application::ports::{Store, Tenant};
pub(crate) use kasar_application::{Crm, Services};
pub(crate) use kasar_domain::Role;
pub(crate) use kasar_server::Settings;
pub(crate) use serde_json::{json, Value as Json};
pub(crate) use tokio_postgres::NoTls;
pub(crate) use uuid::Uuid;

pub(crate) use crate::helpers::*;

// ---------------------------------------------------------------------------
// SQL helpers

/// A trigger `slow` on `table` that sleeps `seconds` for every row at `when`
/// (`BEFORE UPDATE`, `BEFORE DELETE`...) where `condition` holds.
pub(crate) async fn slow(
    db: &tokio_postgres::Client,
    schema: &str,
    table: &str,
    when: &str,
    condition: &str,
    seconds: f64,
) {
    sql_in(db,
        schema,
        &format!(
            "CREATE FUNCTION {{s}}.slow() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN \
               IF {condition} THEN PERFORM pg_sleep({seconds}); END IF; \
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END$$; \
             CREATE TRIGGER slow {when} ON {{s}}.\"{table}\" FOR EACH ROW EXECUTE FUNCTION {{s}}.slow();"
        ),
    )
    .await;
}

/// Removes the trigger of `slow`.
pub(crate) async fn unslow(db: &tokio_postgres::Client, schema: &str, table: &str) {
    sql_in(
        db,
        schema,
        &format!("DROP TRIGGER slow ON {{s}}.\"{table}\"; DROP FUNCTION {{s}}.slow();"),
    )
    .await;
}

/// Waits (10 s at most) for a session of the app, on the database of `db`,
/// sleeping in a trigger while it runs a statement matching `pattern` (ILIKE).
/// Returns its pid.
pub(crate) async fn sleeping_backend(db: &tokio_postgres::Client, pattern: &str) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = db
            .query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'kasar' AND state = 'active' AND wait_event = 'PgSleep' \
                 AND query ILIKE $1",
                &[&pattern],
            )
            .await
            .expect("pg_stat_activity");
        if let Some(row) = rows.first() {
            return row.get(0);
        }
        assert!(
            Instant::now() < deadline,
            "no session of the app is sleeping in `{pattern}`"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The app's sessions on the database of `db`: (pid, state, query).
pub(crate) async fn app_sessions(db: &tokio_postgres::Client) -> Vec<(i32, String, String)> {
    db.query(
        "SELECT pid, coalesce(state, ''), coalesce(query, '') FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'kasar' AND pid <> pg_backend_pid()",
        &[],
    )
    .await
    .expect("pg_stat_activity")
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// Waits (up to `within`) until no session of the app is running a statement
/// or sits in an open transaction: a connection handed back to the pool in
/// the middle of a transaction would stay `idle in transaction` for good.
pub(crate) async fn no_open_transaction(db: &tokio_postgres::Client, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let sessions = app_sessions(db).await;
        if sessions.iter().all(|(_, state, _)| state == "idle") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "sessions still busy or idle in transaction after {within:?}: {sessions:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `status` of contacts, in the order of `ids`.
pub(crate) async fn statuses(
    db: &tokio_postgres::Client,
    schema: &str,
    ids: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        let row = db
            .query_one(
                &format!("SELECT status FROM \"{schema}\".contacts WHERE id = $1::text::uuid"),
                &[id],
            )
            .await
            .expect("status");
        out.push(row.get(0));
    }
    out
}

/// A 5xx among `allowed`, in the envelope, whose message says nothing of SQL,
/// the schema or the fault.
pub(crate) fn assert_generic_failure(status: u16, body: &Json, allowed: &[(u16, &str)]) {
    assert!(
        allowed.contains(&(status, code(body))),
        "expected one of {allowed:?}, got {status} {body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    let text = body.to_string().to_lowercase();
    for word in [
        "select",
        "update",
        "delete",
        "insert",
        "org_",
        "pg_",
        "sqlstate",
        "terminat",
        "statement",
        "cancel",
        "trigger",
        "slow",
        "db error",
    ] {
        assert!(!text.contains(word), "details leaked ({word}): {body}");
    }
}

// ---------------------------------------------------------------------------
// HTTP helpers for servers that are not a `TestApp`

/// Sends a request on a connection of its own (`Connection: close`, so that
/// no idle keep-alive connection holds a graceful shutdown back). `Err` when
/// no response came.
pub(crate) async fn call(
    client: &awc::Client,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Json>,
) -> Result<(u16, Json), String> {
    let mut req = client
        .request(method.parse().expect("method"), url)
        .force_close();
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    let sent = match body {
        Some(b) => req.send_json(b).await,
        None => req.send().await,
    };
    let mut resp = sent.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let bytes = resp
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .map_err(|e| e.to_string())?;
    let json = if bytes.is_empty() {
        Json::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&bytes).into()))
    };
    Ok((status, json))
}

pub(crate) fn client(timeout: Duration) -> awc::Client {
    awc::Client::builder().timeout(timeout).finish()
}

/// Migrates the database of `settings` and creates the organization `acme`
/// with an admin; returns the services, the organization and an admin token.
pub(crate) async fn provision(settings: &Settings) -> (Services, Tenant, String) {
    let (pool, services) = kasar_server::services(settings).expect("services");
    kasar_postgres::migrate(&pool).await.expect("migrate");
    let org = admin::create_organization(&services, "acme", Some("Acme"))
        .await
        .expect("organization");
    let (_, token) = crate::provision::user_with_token(
        &services,
        "acme",
        "admin@acme.test",
        Role::Admin,
        &["mcp"],
    )
    .await;
    (services, org, token)
}

/// A new `mcp` token of the admin of `acme`.
pub(crate) async fn mint(services: &Services) -> String {
    crate::provision::token(services, "acme", "admin@acme.test", &["mcp"], None).await
}

pub(crate) async fn connect(url: &str) -> tokio_postgres::Client {
    let (db, conn) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(conn);
    db
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

pub(crate) fn scratch_dir(kind: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kasar-{kind}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub(crate) use super::process::*;
