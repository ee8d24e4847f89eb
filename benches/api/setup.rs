//! The benchmarked application: a fresh database on the bench cluster, the
//! `bench` organization with an admin token, and the real `kasar serve`
//! binary as a child process (so its peak memory can be read).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use actix_web::web::Bytes;
use kasar_application::admin;
use kasar_domain::Role;
use kasar_server::{services, Settings};
use serde_json::Value as Json;
use tokio_postgres::NoTls;

/// Everything a benchmark needs.
pub(crate) struct Bench {
    pub address: String,
    pub db: tokio_postgres::Client,
    pub schema: String,
    pub token: String,
    /// A second organization, kept small (the import's comparison).
    pub small_schema: String,
    pub small_token: String,
    pub http: awc::Client,
    server: Child,
    /// The database's URL (direct).
    pub url: String,
}

impl Bench {
    /// Creates the database and starts the server.
    pub(crate) async fn start() -> Self {
        let base = std::env::var("KASAR_BENCH_DATABASE_URL")
            .expect("KASAR_BENCH_DATABASE_URL: run `make bench`");
        let url = crate::provision::create_database(&base, "kasar_bench").await;
        let mut settings = Settings::defaults().expect("settings");
        settings.database.url = url.as_str().into();
        let (pool, services) = services(&settings).expect("services");
        kasar_postgres::migrate(&pool).await.expect("migrate");
        let tenant = admin::create_organization(&services, "bench", None)
            .await
            .expect("org");
        let (_, token) = crate::provision::user_with_token(
            &services,
            "bench",
            "admin@bench.test",
            Role::Admin,
            &["mcp"],
        )
        .await;
        let small = admin::create_organization(&services, "bench_small", None)
            .await
            .expect("small org");
        let (_, small_token) = crate::provision::user_with_token(
            &services,
            "bench_small",
            "admin@small.test",
            Role::Admin,
            &["mcp"],
        )
        .await;
        pool.close();

        let (server, address) = serve(&url, &[]).await;
        let http = awc::Client::builder()
            .timeout(Duration::from_secs(600))
            .finish();
        let (db, conn) = tokio_postgres::connect(&url, NoTls).await.expect("connect");
        tokio::spawn(conn);
        Self {
            address,
            db,
            schema: tenant.schema,
            token,
            small_schema: small.schema,
            small_token,
            http,
            server,
            url,
        }
    }

    /// POSTs JSON; panics unless 200. Returns the body.
    pub(crate) async fn post(&self, path: &str, body: &Json) -> Json {
        let (status, json) = self.send("POST", path, Some(body)).await;
        assert_eq!(status, 200, "{path}: {json}");
        json
    }

    /// Sends a request; returns status and body (Null when not JSON).
    pub(crate) async fn send(&self, method: &str, path: &str, body: Option<&Json>) -> (u16, Json) {
        self.send_as(&self.token, method, path, body).await
    }

    /// POSTs JSON with `token`; panics unless 200. Returns the body.
    pub(crate) async fn post_as(&self, token: &str, path: &str, body: &Json) -> Json {
        let (status, json) = self.send_as(token, "POST", path, Some(body)).await;
        assert_eq!(status, 200, "{path}: {json}");
        json
    }

    /// Sends a request with `token`.
    pub(crate) async fn send_as(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<&Json>,
    ) -> (u16, Json) {
        let (status, bytes) = self.send_to(&self.address, token, method, path, body).await;
        (status, serde_json::from_slice(&bytes).unwrap_or(Json::Null))
    }

    /// POSTs JSON and reads the whole response without parsing it (what a
    /// timed request waits for: the client's parse of the body is not the
    /// service's time, as the raw side's rows are not decoded either);
    /// panics unless 200. Returns the body's length.
    pub(crate) async fn post_unparsed(&self, path: &str, body: &Json) -> usize {
        let (status, bytes) = self
            .send_to(&self.address, &self.token, "POST", path, Some(body))
            .await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
        bytes.len()
    }

    /// Sends a request with `token` to the server at `base`; returns the
    /// status and the body as sent (status 0: no response).
    pub(crate) async fn send_to(
        &self,
        base: &str,
        token: &str,
        method: &str,
        path: &str,
        body: Option<&Json>,
    ) -> (u16, Bytes) {
        // Once more on a connection error: a kept-alive connection the server
        // closed while a long step ran (Splink) fails on reuse.
        let mut resp = Err(());
        for _ in 0..2 {
            let req = self
                .http
                .request(method.parse().expect("method"), format!("{base}{path}"))
                .insert_header(("Authorization", format!("Bearer {token}")));
            resp = match body {
                Some(b) => req.send_json(b).await,
                None => req.send().await,
            }
            .map_err(|_| ());
            if resp.is_ok() {
                break;
            }
        }
        let Ok(mut resp) = resp else {
            return (0, Bytes::new());
        };
        let status = resp.status().as_u16();
        let bytes = resp
            .body()
            .limit(512 * 1024 * 1024)
            .await
            .unwrap_or_default();
        (status, bytes)
    }

    /// `"schema"."table"`.
    pub(crate) fn table(&self, name: &str) -> String {
        format!("\"{}\".\"{name}\"", self.schema)
    }

    /// The server's resident memory now (VmRSS), in MiB.
    pub(crate) fn rss_mib(&self) -> f64 {
        self.status_kib("VmRSS:") / 1024.0
    }

    fn status_kib(&self, key: &str) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.server.id()))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(0.0)
    }

    /// Starts the server's peak resident memory over from its current size
    /// (Linux: `5` into `/proc/<pid>/clear_refs`).
    pub(crate) fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.server.id()), "5");
    }

    /// The server's peak resident memory (VmHWM), in MiB.
    pub(crate) fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.server.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Starts `kasar serve` (KASAR_BIN) over the database at `url` with the
/// bench's settings and `extra` ones; returns it once it answers, and its
/// address.
pub(crate) async fn serve(url: &str, extra: &[(&str, &str)]) -> (Child, String) {
    let bin = std::env::var("KASAR_BIN").expect("KASAR_BIN: run `make bench`");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let server = Command::new(&bin)
        .arg("serve")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .env("KASAR__DATABASE__URL", url)
        .env("KASAR__SERVER__PORT", port.to_string())
        .env("KASAR__DATABASE__POOL_SIZE", "32")
        .env("KASAR__DUPLICATES__MAX_SCAN_LIMIT", "1000000")
        .env("KASAR__RATE_LIMIT__ENABLED", "false")
        // No background fold: it would run beside the timed requests;
        // the first detect after seeding folds, and is reported apart.
        .env("KASAR__DUPLICATES__FOLD_INTERVAL_SECONDS", "0")
        .env("KASAR__LOG__LEVEL", "error")
        .envs(extra.iter().copied())
        .stdout(Stdio::null())
        .spawn()
        .expect("start kasar serve");
    let address = format!("http://127.0.0.1:{port}");
    let http = awc::Client::default();
    for _ in 0..200 {
        if http
            .get(format!("{address}/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    (server, address)
}
