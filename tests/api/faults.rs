//! Faults and operations against real PostgreSQL and the real binary: a
//! database session killed in the middle of a merge, a database that stops and
//! comes back, `statement_timeout`, work cancelled in the middle of a
//! transaction, tokens kept out of the logs and the tables, and graceful
//! shutdown on SIGTERM and SIGINT.
//!
//! Every wait is bounded. The throwaway cluster and the child processes are
//! stopped by guards, also when an assertion fails.

use std::cell::Cell;
use std::fs::File;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use kasar_application::admin::{self, TokenRequest};
use kasar_application::bulk::{self, BulkAction, BulkRequest};
use kasar_application::ports::Tenant;
use kasar_application::Services;
use kasar_domain::Role;
use kasar_server::Settings;
use serde_json::{json, Value as Json};
use tokio_postgres::NoTls;
use uuid::Uuid;

use crate::helpers::*;

// ---------------------------------------------------------------------------
// SQL helpers

/// Runs SQL; `{s}` stands for the quoted schema.
async fn sql(db: &tokio_postgres::Client, schema: &str, statement: &str) {
    let statement = statement.replace("{s}", &format!("\"{schema}\""));
    db.batch_execute(&statement).await.expect("sql");
}

/// A trigger `slow` on `table` that sleeps `seconds` for every row at `when`
/// (`BEFORE UPDATE`, `BEFORE DELETE`...) where `condition` holds.
async fn slow(
    db: &tokio_postgres::Client,
    schema: &str,
    table: &str,
    when: &str,
    condition: &str,
    seconds: f64,
) {
    sql(
        db,
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
async fn unslow(db: &tokio_postgres::Client, schema: &str, table: &str) {
    sql(
        db,
        schema,
        &format!("DROP TRIGGER slow ON {{s}}.\"{table}\"; DROP FUNCTION {{s}}.slow();"),
    )
    .await;
}

/// Waits (10 s at most) for a session of the app, on the database of `db`,
/// sleeping in a trigger while it runs a statement matching `pattern` (ILIKE).
/// Returns its pid.
async fn sleeping_backend(db: &tokio_postgres::Client, pattern: &str) -> i32 {
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
async fn app_sessions(db: &tokio_postgres::Client) -> Vec<(i32, String, String)> {
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
async fn no_open_transaction(db: &tokio_postgres::Client, within: Duration) {
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
async fn statuses(db: &tokio_postgres::Client, schema: &str, ids: &[String]) -> Vec<String> {
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
fn assert_generic_failure(status: u16, body: &Json, allowed: &[(u16, &str)]) {
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
async fn call(
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

fn client(timeout: Duration) -> awc::Client {
    awc::Client::builder().timeout(timeout).finish()
}

/// Migrates the database of `settings` and creates the organization `acme`
/// with an admin; returns the services, the organization and an admin token.
async fn provision(settings: &Settings) -> (Services, Tenant, String) {
    let (pool, services) = kasar_server::services(settings).expect("services");
    kasar_postgres::migrate(&pool).await.expect("migrate");
    let org = admin::create_organization(&services, "acme", Some("Acme"))
        .await
        .expect("organization");
    admin::add_user(&services, "acme", "admin@acme.test", None, Role::Admin)
        .await
        .expect("user");
    let token = mint(&services).await;
    (services, org, token)
}

/// A new `mcp` token of the admin of `acme`.
async fn mint(services: &Services) -> String {
    let request = TokenRequest {
        org: "acme".into(),
        email: "admin@acme.test".into(),
        scopes: vec!["mcp".into()],
        name: None,
        expires_in_days: None,
    };
    admin::create_token(services, &request)
        .await
        .expect("token")
        .token
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (db, conn) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(conn);
    db
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn scratch_dir(kind: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kasar-{kind}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

// ---------------------------------------------------------------------------
// A throwaway cluster of one test

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pg_sh(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo_root().join("scripts/pg.sh"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/pg.sh")
}

/// A PostgreSQL cluster in a folder of its own; stopped and removed on drop.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn start() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let port = String::from_utf8_lossy(&pg_sh(&["free-port"]).stdout)
            .trim()
            .parse()
            .expect("a free port from scripts/pg.sh");
        let dir = scratch_dir("faults-pg");
        // As root the cluster runs as `postgres`, which must reach the folder.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
            .expect("chmod cluster dir");
        // From here on, dropping the guard stops and removes the cluster.
        let cluster = Self { dir, port };
        cluster.ensure();
        cluster
    }

    /// Starts the cluster (creating it the first time).
    fn ensure(&self) {
        let out = pg_sh(&[
            "ensure",
            &self.dir.to_string_lossy(),
            &self.port.to_string(),
        ]);
        assert!(
            out.status.success(),
            "pg.sh ensure: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop(&self) {
        let out = pg_sh(&["stop", &self.dir.to_string_lossy()]);
        assert!(
            out.status.success(),
            "pg.sh stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = pg_sh(&["stop", &self.dir.to_string_lossy()]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A listener that accepts connections and never answers, like a database
/// host that hangs. Closes everything on drop.
struct BlackHole {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BlackHole {
    fn on(port: u16) -> Self {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind the port");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => held.push(stream),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------
// The real binary

/// `kasar serve` as a child process with its own port and log files; killed
/// on drop if still running.
struct Served {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Served {
    /// Starts `kasar serve` on `db_url` with `env` on top of quiet defaults.
    fn start(db_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let dir = scratch_dir("faults-serve");
        let out = File::create(dir.join("stdout.log")).expect("stdout file");
        let err = File::create(dir.join("stderr.log")).expect("stderr file");
        let child = Command::new(env!("CARGO_BIN_EXE_kasar"))
            .arg("serve")
            // No config/ folder there: only the built-in defaults and the environment.
            .current_dir(&dir)
            .env_remove("RUST_LOG")
            .env_remove("KASAR_ENV")
            .env("KASAR__DATABASE__URL", db_url)
            .env("KASAR__SERVER__HOST", "127.0.0.1")
            .env("KASAR__SERVER__PORT", port.to_string())
            .env("KASAR__SERVER__WORKERS", "2")
            .env("KASAR__LOG__LEVEL", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn kasar serve");
        Self { child, port, dir }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What the server wrote to stderr and stdout.
    fn logs(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default();
        format!("{}{}", read("stderr.log"), read("stdout.log"))
    }

    /// Waits (15 s at most) until `/health` answers 200.
    async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        let http = client(Duration::from_secs(1));
        loop {
            if let Ok((200, _)) = call(&http, "GET", &self.url("/health"), None, None).await {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("kasar serve exited with {status}: {}", self.logs());
            }
            assert!(
                Instant::now() < deadline,
                "kasar serve is not healthy: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends a signal (`TERM`, `INT`) with kill(1).
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (up to `within`) for the process to exit.
    async fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "kasar serve still running {within:?} later: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---------------------------------------------------------------------------
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
        .directory
        .authenticate(&kasar_domain::token::digest(&app.admin.token))
        .await
        .expect("authenticate")
        .expect("a caller");
    let update = |ids: Vec<String>, field: &str, value: &str| BulkRequest {
        object: "contacts".into(),
        record_ids: ids,
        action: BulkAction::UpdateField {
            field_name: field.into(),
            field_value: json!(value),
        },
    };

    // The future is dropped while its UPDATE sleeps in PostgreSQL.
    let cut = tokio::time::timeout(
        Duration::from_millis(300),
        bulk::run(
            &app.services,
            &caller,
            &update(ids.clone(), "status", "lost"),
        ),
    )
    .await;
    assert!(cut.is_err(), "the unit of work was still running");

    // The next unit of work waits for the only connection. Had it come back
    // inside the dropped transaction, this COMMIT would commit both.
    let next = bulk::run(
        &app.services,
        &caller,
        &update(vec![other.clone()], "job_title", "next"),
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
        app.services.directory.ping().await.expect("ping");
        let mut begin = app.services.store.begin(&app.org);
        let first =
            std::future::poll_fn(|cx| Poll::Ready(begin.as_mut().poll(cx).is_pending())).await;
        assert!(first, "BEGIN cannot be answered within one poll");
        drop(begin);
        no_open_transaction(&app.db, Duration::from_secs(3)).await;
    }
    // The next unit of work gets a clean connection and its own transaction.
    let mut tx = app.services.store.begin(&app.org).await.expect("begin");
    tx.rollback().await.expect("rollback");
    no_open_transaction(&app.db, Duration::from_secs(3)).await;
}

// ---------------------------------------------------------------------------
// 5. Secrets

#[actix_web::test]
async fn tokens_never_reach_the_logs_or_any_table_even_at_trace_level() {
    let db_url = fresh_database().await;
    let settings = test_settings(&db_url);
    let (services, _org, valid) = provision(&settings).await;
    let revoked = mint(&services).await;
    admin::revoke_token(&services, &revoked[..12])
        .await
        .expect("revoke");
    let unknown = format!("ksr_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let mut server = Served::start(
        &db_url,
        &[("KASAR__LOG__LEVEL", "trace"), ("RUST_LOG", "trace")],
    );
    server.wait_healthy().await;

    let http = client(Duration::from_secs(10));
    let me = server.url("/api/v1/me");
    for (token, expected) in [(&valid, 200), (&revoked, 401), (&unknown, 401)] {
        let (status, body) = call(&http, "GET", &me, Some(token), None)
            .await
            .expect("a response");
        assert_eq!(status, expected, "{body}");
        // The same token in other places of the header.
        for header in [format!("Token {token}"), format!("Bearer  {token}x")] {
            assert_eq!(call_with_header(&http, &me, &header).await, 401, "{header}");
        }
    }
    let (status, body) = call(
        &http,
        "POST",
        &server.url("/api/v1/records/contacts"),
        Some(&valid),
        Some(&json!({ "first_name": "Ann" })),
    )
    .await
    .expect("a response");
    assert_eq!(status, 201, "{body}");

    server.signal("TERM");
    let exit = server.wait_exit(Duration::from_secs(10)).await;
    assert!(exit.success(), "{exit}");
    let logs = server.logs();
    assert!(
        logs.lines()
            .any(|l| l.contains("\"request\"") && l.contains("401"))
            && logs
                .lines()
                .any(|l| l.contains("\"request\"") && l.contains("200")),
        "request logs are written: {}",
        logs.chars().take(4000).collect::<String>()
    );
    assert!(
        logs.lines().count() > 50,
        "trace level is on: {} lines",
        logs.lines().count()
    );
    for token in [&valid, &revoked, &unknown] {
        let secret = &token["ksr_".len()..];
        assert_eq!(secret.len(), 64);
        assert!(
            !logs.contains(token.as_str()),
            "a clear token is in the logs"
        );
        assert!(!logs.contains(secret), "a token's secret is in the logs");
    }

    // No table of any schema holds a clear token or its secret; the same scan
    // finds the display prefix, which is stored on purpose.
    let db = connect(&db_url).await;
    let tables = db
        .query(
            "SELECT table_schema, table_name FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
            &[],
        )
        .await
        .expect("tables");
    assert!(tables.len() > 5, "{} tables", tables.len());
    let mut prefix_found = 0;
    for row in &tables {
        let (schema, table): (String, String) = (row.get(0), row.get(1));
        let sql = format!(
            "SELECT count(*) FROM \"{schema}\".\"{table}\" t WHERE strpos(t::text, $1) > 0"
        );
        for token in [&valid, &revoked, &unknown] {
            let secret = &token["ksr_".len()..];
            let n: i64 = db.query_one(&sql, &[&secret]).await.expect("scan").get(0);
            assert_eq!(n, 0, "{schema}.{table} holds a token's secret");
        }
        let n: i64 = db
            .query_one(&sql, &[&&valid[..12]])
            .await
            .expect("scan")
            .get(0);
        prefix_found += n;
    }
    assert!(prefix_found >= 1, "the scan finds what is stored");
}

/// A GET with a raw `Authorization` header value; returns the status.
async fn call_with_header(http: &awc::Client, url: &str, header: &str) -> u16 {
    http.get(url)
        .force_close()
        .insert_header(("Authorization", header))
        .send()
        .await
        .expect("a response")
        .status()
        .as_u16()
}

// ---------------------------------------------------------------------------
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
