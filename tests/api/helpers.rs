//! `spawn_app`: a fresh database (random name), migrated, with an
//! organization `acme` and admin, member and read-only tokens; the app on port
//! 0; and typed request helpers.

use kasar_application::admin;
use kasar_application::ports::Tenant;
use kasar_application::Services;
use kasar_domain::Role;
use kasar_server::{services, Application, Settings};
use serde_json::Value as Json;
use tokio_postgres::NoTls;
use uuid::Uuid;

/// A user of the test organization with a token.
#[derive(Debug, Clone)]
pub(crate) struct TestUser {
    pub workspace_user_id: Uuid,
    pub email: String,
    pub token: String,
}

/// A running application on its own database.
pub(crate) struct TestApp {
    pub address: String,
    pub db: tokio_postgres::Client,
    pub services: Services,
    /// The PostgreSQL adapter itself, for tests of its units of work.
    pub store: kasar_postgres::PgStore,
    pub settings: Settings,
    pub org: Tenant,
    pub admin: TestUser,
    pub member: TestUser,
    pub reader: TestUser,
    http: awc::Client,
}

/// The base URL of the test cluster: `make test`'s (`KASAR_TEST_DATABASE_URL`),
/// or else one this test binary starts for itself, once.
fn cluster_url() -> String {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| std::env::var("KASAR_TEST_DATABASE_URL").unwrap_or_else(|_| own_cluster()))
        .clone()
}

/// A throwaway cluster for a plain `cargo test`: started with `scripts/pg.sh`
/// in a temporary folder, and stopped and removed by a small watchdog once
/// this process has exited.
#[allow(clippy::zombie_processes)] // the watchdog must outlive this process
fn own_cluster() -> String {
    use std::os::unix::fs::PermissionsExt;
    use std::process::{Command, Stdio};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let pg = root.join("scripts/pg.sh");
    let dir = std::env::temp_dir().join(format!("kasar-test-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("cluster folder");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let started = Command::new(&pg)
        .args(["ensure", &dir.to_string_lossy(), &port.to_string(), "fast"])
        .status()
        .expect("run scripts/pg.sh");
    assert!(
        started.success(),
        "scripts/pg.sh could not start PostgreSQL (see above)"
    );
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; '{pg}' stop '{dir}'; rm -rf '{dir}'",
        pid = std::process::id(),
        pg = pg.display(),
        dir = dir.display()
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cluster's watchdog");
    format!("postgres://postgres@127.0.0.1:{port}/postgres")
}

/// Creates a fresh, empty database and returns its URL.
pub(crate) async fn fresh_database() -> String {
    crate::provision::create_database(&cluster_url(), "kasar_test").await
}

/// Settings for a test: the given database, port 0, one worker, quiet logs.
pub(crate) fn test_settings(db_url: &str) -> Settings {
    let mut s = Settings::defaults().expect("default settings");
    s.database.url = db_url.into();
    s.database.pool_size = 8;
    s.server.port = 0;
    s.server.workers = 1;
    // Tests that fold in the background say so (key_groups.rs).
    s.duplicates.fold_interval_seconds = 0;
    s
}

/// Starts the app on a fresh database with the standard organization.
pub(crate) async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like `spawn_app`, with settings adjusted first.
pub(crate) async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(&cluster_url(), adjust).await
}

/// Like `spawn_app_with`, on a database of the cluster at `cluster` (a URL
/// of any of its databases).
pub(crate) async fn spawn_app_on(cluster: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db_url = crate::provision::create_database(cluster, "kasar_test").await;
    let mut settings = test_settings(&db_url);
    adjust(&mut settings);
    let (pool, services) = services(&settings).expect("services");
    kasar_postgres::migrate(&pool).await.expect("migrate");
    let org = admin::create_organization(&services, "acme", Some("Acme"))
        .await
        .expect("org");
    let app = Application::build(&settings).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    let (db, conn) = tokio_postgres::connect(&db_url, NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    let mut test = TestApp {
        address,
        db,
        services,
        store: kasar_server::store(&settings, &pool).expect("store"),
        settings,
        org,
        admin: placeholder(),
        member: placeholder(),
        reader: placeholder(),
        http: awc::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .finish(),
    };
    test.admin = test
        .user("acme", "admin@acme.test", Role::Admin, &["mcp"])
        .await;
    test.member = test
        .user("acme", "member@acme.test", Role::Member, &["records:write"])
        .await;
    test.reader = test
        .user("acme", "reader@acme.test", Role::Member, &["records:read"])
        .await;
    test
}

/// Runs SQL on `db`; `{s}` stands for the quoted `schema`.
pub(crate) async fn sql_in(db: &tokio_postgres::Client, schema: &str, statement: &str) {
    let statement = statement.replace("{s}", &format!("\"{schema}\""));
    db.batch_execute(&statement).await.expect("sql");
}

/// The items, sorted.
pub(crate) fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut v = items.to_vec();
    v.sort();
    v
}

/// Ids as a MANY_TO_MANY value comes back: a JSON array ordered by id.
pub(crate) fn sorted_json(ids: &[&String]) -> Json {
    Json::from(sorted(ids).into_iter().cloned().collect::<Vec<String>>())
}

/// Owned copies of borrowed strings.
pub(crate) fn owned(items: &[&String]) -> Vec<String> {
    items.iter().map(|s| (*s).clone()).collect()
}

fn placeholder() -> TestUser {
    TestUser {
        workspace_user_id: Uuid::nil(),
        email: String::new(),
        token: String::new(),
    }
}

impl TestApp {
    /// Runs SQL on the test database; `{s}` stands for the organization's
    /// quoted schema.
    /// Runs SQL in the organization's schema (`{s}`). Records written this
    /// way bypass the service, so the key index is rebuilt after a write, as
    /// an operator runs `kasar reindex` after changing the tables by hand.
    pub(crate) async fn sql(&self, statement: &str) {
        sql_in(&self.db, &self.org.schema, statement).await;
        if ["INSERT", "UPDATE", "DELETE"]
            .iter()
            .any(|w| statement.contains(w))
        {
            self.store.reindex().await.expect("reindex");
        }
    }

    /// Adds a user to `org` and mints a token with `scopes`.
    pub(crate) async fn user(
        &self,
        org: &str,
        email: &str,
        role: Role,
        scopes: &[&str],
    ) -> TestUser {
        let (workspace_user_id, token) =
            crate::provision::user_with_token(&self.services, org, email, role, scopes).await;
        TestUser {
            workspace_user_id,
            email: email.to_owned(),
            token,
        }
    }

    /// Mints a token.
    pub(crate) async fn token(
        &self,
        org: &str,
        email: &str,
        scopes: &[&str],
        expires_in_days: Option<u32>,
    ) -> String {
        crate::provision::token(&self.services, org, email, scopes, expires_in_days).await
    }

    /// A second organization with its admin.
    pub(crate) async fn other_org(&self) -> TestUser {
        admin::create_organization(&self.services, "globex", None)
            .await
            .expect("second org");
        self.user("globex", "admin@globex.test", Role::Admin, &["mcp"])
            .await
    }

    /// Sends a request; returns status and JSON body (Null when empty).
    pub(crate) async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Json>,
    ) -> (u16, Json) {
        self.send_at(&self.address, method, path, token, body).await
    }

    /// Another instance of the service over the same database: its address.
    pub(crate) async fn second_instance(&self) -> String {
        let app = Application::build(&self.settings).await.expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        address
    }

    /// Sends a request to the instance at `base`.
    pub(crate) async fn send_at(
        &self,
        base: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Json>,
    ) -> (u16, Json) {
        let url = format!("{base}{path}");
        let mut req = self.http.request(method.parse().expect("method"), url);
        if let Some(t) = token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        let resp = match body {
            Some(b) => req.send_json(b).await,
            None => req.send().await,
        };
        read(resp.expect("request sent")).await
    }

    /// Sends raw bytes with a content type.
    pub(crate) async fn send_raw(
        &self,
        method: &str,
        path: &str,
        token: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, Json) {
        let url = format!("{}{}", self.address, path);
        let mut req = self
            .http
            .request(method.parse().expect("method"), url)
            .insert_header(("Authorization", format!("Bearer {token}")));
        if let Some(ct) = content_type {
            req = req.insert_header(("Content-Type", ct));
        }
        read(req.send_body(body).await.expect("request sent")).await
    }

    /// The HTTP client, for requests the helpers do not shape.
    pub(crate) fn http_raw(&self) -> &awc::Client {
        &self.http
    }

    /// POSTs raw bytes with an optional Content-Type.
    pub(crate) async fn post_bytes(
        &self,
        path: &str,
        token: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, Json) {
        self.send_raw("POST", path, token, content_type, body).await
    }

    pub(crate) async fn get(&self, path: &str, token: &str) -> (u16, Json) {
        self.send("GET", path, Some(token), None).await
    }

    pub(crate) async fn post(&self, path: &str, token: &str, body: &Json) -> (u16, Json) {
        self.send("POST", path, Some(token), Some(body)).await
    }

    pub(crate) async fn patch(&self, path: &str, token: &str, body: &Json) -> (u16, Json) {
        self.send("PATCH", path, Some(token), Some(body)).await
    }

    /// Replaces the match profile of `object` as admin; panics unless 200.
    /// Returns the response.
    pub(crate) async fn put_profile(&self, object: &str, profile: &Json) -> Json {
        let path = format!("/api/v1/schema/{object}/matching");
        let (status, out) = self
            .send("PUT", &path, Some(&self.admin.token), Some(profile))
            .await;
        assert_eq!(status, 200, "{out}");
        out
    }

    pub(crate) async fn delete(&self, path: &str, token: &str) -> (u16, Json) {
        self.send("DELETE", path, Some(token), None).await
    }

    /// Creates a record as admin; panics unless 201. Returns the record.
    pub(crate) async fn create(&self, object: &str, body: Json) -> Json {
        let (status, record) = self
            .post(
                &format!("/api/v1/records/{object}"),
                &self.admin.token,
                &body,
            )
            .await;
        assert_eq!(status, 201, "create {object}: {record}");
        record
    }

    /// Creates contacts through batches of 1,000 with `token`; every one must
    /// be created. Their ids, in order.
    pub(crate) async fn create_contacts(&self, token: &str, records: &[&Json]) -> Vec<String> {
        let mut ids = Vec::new();
        for chunk in records.chunks(1_000) {
            let (status, out) = self
                .post(
                    "/api/v1/records/contacts/batch/create",
                    token,
                    &serde_json::json!({ "records": chunk }),
                )
                .await;
            assert_eq!(status, 200, "{out}");
            for r in out["results"].as_array().expect("results") {
                ids.push(r["id"].as_str().unwrap_or_else(|| panic!("{r}")).to_owned());
            }
        }
        ids
    }

    /// Creates a record and returns its id.
    pub(crate) async fn create_id(&self, object: &str, body: Json) -> String {
        id_of(&self.create(object, body).await)
    }

    /// A record as admin sees it (None when 404).
    pub(crate) async fn fetch(&self, object: &str, id: &str) -> Option<Json> {
        let (status, body) = self
            .get(&format!("/api/v1/records/{object}/{id}"), &self.admin.token)
            .await;
        match status {
            200 => Some(body),
            404 => None,
            other => panic!("fetch {object}/{id}: {other} {body}"),
        }
    }

    /// POST /api/v1/duplicates as admin.
    pub(crate) async fn duplicates(&self, body: Json) -> (u16, Json) {
        self.post("/api/v1/duplicates", &self.admin.token, &body)
            .await
    }

    /// Detect on contacts as admin with the fields of `extra` (which may
    /// override `object_name`); the 200 response.
    pub(crate) async fn detect_contacts(&self, extra: Json) -> Json {
        let mut body = serde_json::json!({"action": "detect", "object_name": "contacts"});
        for (k, v) in extra.as_object().expect("an object") {
            body[k] = v.clone();
        }
        let (status, out) = self.duplicates(body).await;
        assert_eq!(status, 200, "{out}");
        out
    }

    /// POST /api/v1/bulk with a token.
    pub(crate) async fn bulk(&self, token: &str, body: Json) -> (u16, Json) {
        self.post("/api/v1/bulk", token, &body).await
    }

    /// One number from SQL.
    pub(crate) async fn count(&self, sql: &str) -> i64 {
        self.db
            .query_one(sql, &[])
            .await
            .expect("count query")
            .get(0)
    }

    /// A digest of every table of the organization's schema, to prove that
    /// nothing changed.
    pub(crate) async fn snapshot(&self) -> String {
        let tables = self
            .db
            .query(
                // The key index's groups and notes are derived and folded on
                // detect: the key tables they come from are compared.
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 \
                 AND table_name NOT LIKE '\\_groups\\_%' AND table_name NOT LIKE '\\_dirty\\_%' ORDER BY table_name",
                &[&self.org.schema],
            )
            .await
            .expect("tables");
        let mut out = String::new();
        for t in tables {
            let name: String = t.get(0);
            let sql = format!("SELECT coalesce(string_agg(x::text, '|' ORDER BY x::text), '') FROM \"{}\".\"{name}\" x", self.org.schema);
            let digest: String = self.db.query_one(&sql, &[]).await.expect("snapshot").get(0);
            out.push_str(&format!("{name}:{digest}\n"));
        }
        out
    }
}

async fn read<S>(mut resp: awc::ClientResponse<S>) -> (u16, Json)
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let status = resp.status().as_u16();
    let bytes = resp.body().limit(64 * 1024 * 1024).await.expect("body");
    let json = if bytes.is_empty() {
        Json::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, json)
}

/// The `status` of each result of a batch or an import, in request order
/// (a failed batch record has none: its `code` stands in).
pub(crate) fn result_statuses(out: &Json) -> Vec<String> {
    out["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results: {out}"))
        .iter()
        .map(|r| {
            r["status"]
                .as_str()
                .or_else(|| r["code"].as_str())
                .unwrap_or("?")
                .to_owned()
        })
        .collect()
}

/// The `id` of a record.
pub(crate) fn id_of(record: &Json) -> String {
    record["id"].as_str().expect("record id").to_owned()
}

/// The error code of an error body.
pub(crate) fn code(body: &Json) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no code>")
}
