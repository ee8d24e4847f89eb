//! Rate limits kept in Redis (`rate_limit.store = "redis"`, a real
//! `redis-server`): one window per token across instances, the same headers
//! plus `X-RateLimit-Policy`, and requests served when Redis is away.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::*;

/// A `redis-server` on a free loopback port, stopped when dropped.
pub(crate) struct RedisServer {
    child: Child,
    pub(crate) url: String,
}

impl RedisServer {
    pub(crate) async fn start() -> Self {
        let port = free_port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (Debian's redis-server package; .ci/run installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child,
            url: format!("redis://127.0.0.1:{port}"),
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on (now).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Status and rate-limit headers of `GET /api/v1/me` at `base`.
async fn me(app: &TestApp, base: &str, token: &str) -> (u16, Option<String>, Option<String>) {
    let resp = app
        .http_raw()
        .get(format!("{base}/api/v1/me"))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .expect("sent");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    (
        resp.status().as_u16(),
        header("x-ratelimit-remaining"),
        header("x-ratelimit-policy"),
    )
}

#[actix_web::test]
async fn two_instances_share_one_window_per_token_in_redis() {
    let redis = RedisServer::start().await;
    let url = redis.url.clone();
    let app = spawn_app_with(move |s| {
        s.rate_limit.store = kasar_server::settings::RateLimitStore::Redis;
        s.rate_limit.redis_url = url;
        s.rate_limit.records = 3;
    })
    .await;
    let other = app.second_instance().await;
    let token = app.reader.token.clone();
    let replies = [
        me(&app, &app.address, &token).await,
        me(&app, &other, &token).await,
        me(&app, &app.address, &token).await,
        me(&app, &other, &token).await,
    ];
    let statuses: Vec<u16> = replies.iter().map(|r| r.0).collect();
    assert_eq!(statuses, [200, 200, 200, 429]);
    let remaining: Vec<&str> = replies.iter().filter_map(|r| r.1.as_deref()).collect();
    assert_eq!(remaining, ["2", "1", "0", "0"]);
    assert!(
        replies.iter().all(|r| r.2.as_deref() == Some("3;w=60")),
        "{replies:?}"
    );
    // Another token has its own window.
    assert_eq!(me(&app, &other, &app.member.token).await.0, 200);
}

#[actix_web::test]
async fn without_redis_requests_are_served_logged_and_counted() {
    let port = free_port();
    let app = spawn_app_with(move |s| {
        s.rate_limit.store = kasar_server::settings::RateLimitStore::Redis;
        s.rate_limit.redis_url = format!("redis://127.0.0.1:{port}");
        s.rate_limit.records = 1;
    })
    .await;
    for _ in 0..3 {
        let (status, remaining, _) = me(&app, &app.address, &app.reader.token).await;
        assert_eq!((status, remaining), (200, None));
    }
    let (status, text) = app.send("GET", "/metrics", None, None).await;
    assert_eq!(status, 200);
    let text = text.as_str().unwrap().to_owned();
    assert!(
        text.contains("kasar_rate_limit_store_errors_total 3"),
        "{text}"
    );
}
