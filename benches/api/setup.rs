//! The benchmarked application: a fresh database on the bench cluster, the
//! `bench` organization with an admin token, and the server on port 0.

use kasar_application::admin::{self, TokenRequest};
use kasar_domain::Role;
use kasar_server::{services, Application, Settings};
use serde_json::Value as Json;
use tokio_postgres::NoTls;
use uuid::Uuid;

/// Everything a benchmark needs.
pub struct Bench {
    pub address: String,
    pub db: tokio_postgres::Client,
    pub schema: String,
    pub token: String,
    http: awc::Client,
}

impl Bench {
    /// Creates the database and starts the server.
    pub async fn start() -> Self {
        let base = std::env::var("KASAR_BENCH_DATABASE_URL")
            .expect("KASAR_BENCH_DATABASE_URL: run `make bench`");
        let (admin_db, conn) = tokio_postgres::connect(&base, NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        let name = format!("kasar_bench_{}", Uuid::new_v4().simple());
        admin_db
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        let url = format!("{}/{name}", base.rsplit_once('/').expect("path").0);
        let mut settings = Settings::defaults().expect("settings");
        settings.database.url = url.clone();
        settings.server.port = 0;
        settings.log.level = "error".into();
        let (pool, services) = services(&settings).expect("services");
        kasar_postgres::migrate(&pool).await.expect("migrate");
        let tenant = admin::create_organization(&services, "bench", None)
            .await
            .expect("org");
        admin::add_user(&services, "bench", "admin@bench.test", None, Role::Admin)
            .await
            .expect("user");
        let request = TokenRequest {
            org: "bench".into(),
            email: "admin@bench.test".into(),
            scopes: vec!["mcp".into()],
            name: None,
            expires_in_days: None,
        };
        let token = admin::create_token(&services, &request)
            .await
            .expect("token")
            .token;
        let app = Application::build(&settings).await.expect("app");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let (db, conn) = tokio_postgres::connect(&url, NoTls).await.expect("connect");
        tokio::spawn(conn);
        let http = awc::Client::builder()
            .timeout(std::time::Duration::from_secs(600))
            .finish();
        Self {
            address,
            db,
            schema: tenant.schema,
            token,
            http,
        }
    }

    /// POSTs JSON; panics unless 200. Returns the body.
    pub async fn post(&self, path: &str, body: &Json) -> Json {
        let mut resp = self
            .http
            .post(format!("{}{path}", self.address))
            .insert_header(("Authorization", format!("Bearer {}", self.token)))
            .send_json(body)
            .await
            .expect("request");
        let status = resp.status().as_u16();
        let bytes = resp.body().limit(256 * 1024 * 1024).await.expect("body");
        let json: Json = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(status, 200, "{path}: {json}");
        json
    }

    /// `"schema"."table"`.
    pub fn table(&self, name: &str) -> String {
        format!("\"{}\".\"{name}\"", self.schema)
    }
}
