//! Two `kasar serve` processes behind nginx (Debian's package) with their
//! rate limits in Redis, all on loopback: a token gets one limit across both
//! instances, a merge and a bulk racing through different instances leave a
//! consistent organization, and stopping one instance loses no request that
//! nginx can retry.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::redis_limits::{free_port, RedisServer};

/// A child process stopped when dropped, if still running: SIGTERM (nginx's
/// master then stops its workers), SIGKILL after two seconds.
pub(crate) struct Proc(pub(crate) Child);

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            for _ in 0..40 {
                if !matches!(self.0.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) async fn wait_for(port: u16, path: &str) {
    let client = awc::Client::default();
    for _ in 0..200 {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
        {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing answers on port {port}");
}

/// The `kasar` binary serving on `port` over `db` with the quiet settings of
/// these tests and `settings` (environment names and values); returns once
/// `ready` answers 200.
pub(crate) async fn kasar_serve(
    db: &str,
    port: u16,
    settings: &[(&str, &str)],
    ready: &str,
) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_kasar"))
        .arg("serve")
        .env("KASAR__DATABASE__URL", db)
        .env("KASAR__SERVER__PORT", port.to_string())
        .env("KASAR__SERVER__WORKERS", "2")
        .env("KASAR__LOG__LEVEL", "error")
        .envs(settings.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kasar serve");
    wait_for(port, ready).await;
    Proc(child)
}

/// `kasar serve` on `port` over `db`, rate limits in `redis`.
async fn serve(db: &str, redis: &str, port: u16) -> Proc {
    let settings = [
        ("KASAR__RATE_LIMIT__STORE", "redis"),
        ("KASAR__RATE_LIMIT__REDIS_URL", redis),
        ("KASAR__RATE_LIMIT__RECORDS", "5"),
    ];
    kasar_serve(db, port, &settings, "/health").await
}

/// nginx on `port` in front of `upstreams`, retrying what it may retry on
/// the other instance.
async fn nginx(dir: &std::path::Path, port: u16, upstreams: &[u16]) -> Proc {
    let servers: String = upstreams
        .iter()
        .map(|p| format!("server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n"))
        .collect();
    let d = dir.display();
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 512; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
         upstream kasar {{\n{servers}  }}\n  \
         server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://kasar;\n      \
         proxy_next_upstream error timeout http_502;\n      proxy_connect_timeout 2s;\n    }}\n  }}\n}}\n"
    );
    let file = dir.join("nginx.conf");
    std::fs::write(&file, conf).unwrap();
    let bin = ["/usr/sbin/nginx", "nginx"]
        .into_iter()
        .find(|b| Command::new(b).arg("-v").output().is_ok())
        .expect("nginx (Debian's nginx package; .ci/run installs it)");
    let child = Command::new(bin)
        .args(["-p", &d.to_string(), "-c", &file.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx");
    wait_for(port, "/health").await;
    Proc(child)
}

#[actix_web::test]
async fn two_instances_behind_nginx_share_limits_stay_consistent_and_lose_nothing_on_stop() {
    let app = spawn_app().await;
    let redis = RedisServer::start().await;
    let db = app.settings.database.url.expose().to_owned();
    let dir: PathBuf = std::env::temp_dir().join(format!("kasar-nginx-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (p1, p2, pn) = (free_port(), free_port(), free_port());
    let one = serve(&db, &redis.url, p1).await;
    let mut two = serve(&db, &redis.url, p2).await;
    let _nginx = nginx(&dir, pn, &[p1, p2]).await;
    let front = format!("http://127.0.0.1:{pn}");

    // One limit across both instances: 5 records requests per window.
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(
            app.send_at(&front, "GET", "/api/v1/me", Some(&app.reader.token), None)
                .await
                .0,
        );
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        3,
        "{statuses:?}"
    );

    // A merge through one instance racing a bulk update through the other.
    let a = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let b = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let (i1, i2) = (
        format!("http://127.0.0.1:{p1}"),
        format!("http://127.0.0.1:{p2}"),
    );
    let merge =
        json!({"action": "merge", "object_name": "contacts", "master_id": a, "duplicate_ids": [b]});
    let bulk = json!({"action": "update_field", "object_name": "contacts", "record_ids": [a, b], "field_name": "job_title", "field_value": "CEO"});
    let token = app.admin.token.clone();
    let ((ms, mo), (bs, bo)) = tokio::join!(
        app.send_at(
            &i1,
            "POST",
            "/api/v1/duplicates",
            Some(&token),
            Some(&merge)
        ),
        app.send_at(&i2, "POST", "/api/v1/bulk", Some(&token), Some(&bulk)),
    );
    assert_eq!(ms, 200, "{mo}");
    assert_eq!(bs, 200, "{bo}");
    assert!(app.fetch("contacts", &b).await.is_none());
    let master = app.fetch("contacts", &a).await.unwrap();
    assert_eq!(
        master["job_title"], "CEO",
        "the bulk reached the master either way: {bo}"
    );
    assert_eq!(app.count("SELECT count(*) FROM org_acme.contacts").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM kasar.merges").await, 1);

    // Stopping one instance (SIGTERM) while requests flow through nginx.
    let flow = async {
        let mut failed = Vec::new();
        for i in 0..300 {
            let path = if i % 2 == 0 {
                "/ready"
            } else {
                "/api/v1/openapi.json"
            };
            let (status, _) = app.send_at(&front, "GET", path, None, None).await;
            if status != 200 {
                failed.push((i, status));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        failed
    };
    let stop = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let pid = two.0.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
    };
    let (failed, ()) = tokio::join!(flow, stop);
    assert!(
        failed.is_empty(),
        "requests lost while an instance stopped: {failed:?}"
    );
    let stopped = tokio::task::spawn_blocking(move || {
        let status = two.0.wait();
        (two, status)
    })
    .await
    .unwrap();
    assert!(stopped.1.unwrap().success(), "a graceful stop exits 0");
    drop(one);
    std::fs::remove_dir_all(&dir).ok();
}
