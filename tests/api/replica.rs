//! A streaming replica for the long read-only scans (`database.read_url`):
//! a primary and a hot standby of it (both started here with
//! `scripts/pg.sh`); with the standby's replay paused, detect's scan of the
//! newest records and exports read the standby's older state while writes,
//! lists and records by id read the primary; resumed, they catch up; with
//! the standby down, those scans answer 503 and everything else goes on.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::redis_limits::free_port;

/// A cluster of `scripts/pg.sh`, stopped and removed when dropped.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

fn pg_sh() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg.sh")
}

impl Cluster {
    fn new(args: &[&str], dir: PathBuf, port: u16) -> Self {
        let ok = Command::new(pg_sh())
            .args(args)
            .status()
            .expect("scripts/pg.sh")
            .success();
        assert!(ok, "scripts/pg.sh {args:?} failed (see above)");
        Self { dir, port }
    }

    /// A primary: a new cluster, durability off.
    fn primary() -> Self {
        let (dir, port) = (scratch("primary"), free_port());
        let path = dir.to_string_lossy().into_owned();
        Self::new(&["ensure", &path, &port.to_string(), "fast"], dir, port)
    }

    /// A hot standby streaming from `primary`.
    fn standby_of(primary: &Cluster) -> Self {
        let (dir, port) = (scratch("standby"), free_port());
        let path = dir.to_string_lossy().into_owned();
        let args = [
            "replica",
            &primary.port.to_string(),
            &path,
            &port.to_string(),
        ];
        Self::new(&args, dir, port)
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    fn stop(&self) {
        let _ = Command::new(pg_sh())
            .args(["stop", &self.dir.to_string_lossy()])
            .status();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn scratch(name: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("kasar-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("cluster folder");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    client
}

/// Waits until `standby` has replayed everything `primary` has written: up
/// to the primary's insert position, since with asynchronous commits a
/// committed transaction may not have been written out yet.
async fn caught_up(primary: &tokio_postgres::Client, standby: &tokio_postgres::Client) {
    let lsn: String = primary
        .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
        .await
        .expect("primary LSN")
        .get(0);
    for _ in 0..200 {
        let done: bool = standby
            .query_one(
                "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn",
                &[&lsn],
            )
            .await
            .expect("standby LSN")
            .get(0);
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the standby did not catch up");
}

/// Pauses the standby's replay and waits until it has stopped: a pause is
/// only requested at first, and a record written meanwhile could still be
/// replayed.
async fn paused(standby: &tokio_postgres::Client) {
    standby
        .batch_execute("SELECT pg_wal_replay_pause()")
        .await
        .expect("pause");
    for _ in 0..200 {
        let state: String = standby
            .query_one("SELECT pg_get_wal_replay_pause_state()", &[])
            .await
            .expect("pause state")
            .get(0);
        if state == "paused" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the standby did not pause");
}

/// The e-mail of the one group a detect of the newest 2 contacts returns.
async fn newest_pair(app: &TestApp) -> String {
    let out = app
        .detect_contacts(json!({"scan_limit": 2, "fields": ["email"]}))
        .await;
    let groups = out["duplicate_groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "{out}");
    groups[0]["records"][0]["email"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn exported(app: &TestApp) -> (u16, usize) {
    let (status, out) = app
        .get("/api/v1/export/contacts?format=json", &app.admin.token)
        .await;
    (status, out.as_array().map_or(0, Vec::len))
}

#[actix_web::test]
async fn scans_and_exports_read_the_replica_and_everything_else_the_primary() {
    let primary = Cluster::primary();
    let standby = Cluster::standby_of(&primary);
    let replica_port = standby.port;
    let app = spawn_app_on(&primary.url("postgres"), |s| {
        let db = s
            .database
            .url
            .expose()
            .rsplit_once('/')
            .map(|(_, db)| db.to_owned());
        s.database.read_url = format!(
            "postgres://postgres@127.0.0.1:{replica_port}/{}",
            db.unwrap_or_default()
        )
        .as_str()
        .into();
    })
    .await;
    let db = app
        .settings
        .database
        .url
        .expose()
        .rsplit_once('/')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_default();
    let on_standby = connect(&standby.url(&db)).await;

    for _ in 0..2 {
        app.create_id(
            "contacts",
            json!({"first_name": "Ann", "email": "ann@x.io"}),
        )
        .await;
    }
    caught_up(&app.db, &on_standby).await;
    paused(&on_standby).await;
    // Written on the primary, not replayed on the standby.
    let mut bobs = Vec::new();
    for _ in 0..2 {
        bobs.push(
            app.create_id(
                "contacts",
                json!({"first_name": "Bob", "email": "bob@x.io"}),
            )
            .await,
        );
    }
    let (status, page) = app.get("/api/v1/records/contacts", &app.admin.token).await;
    assert_eq!(
        (status, page["total"].clone()),
        (200, json!(4)),
        "lists read the primary: {page}"
    );
    assert!(
        app.fetch("contacts", &bobs[0]).await.is_some(),
        "records by id read the primary"
    );
    assert_eq!(
        newest_pair(&app).await,
        "ann@x.io",
        "the scan read the standby"
    );
    assert_eq!(
        exported(&app).await,
        (200, 2),
        "the export read the standby"
    );

    on_standby
        .batch_execute("SELECT pg_wal_replay_resume()")
        .await
        .expect("resume");
    caught_up(&app.db, &on_standby).await;
    assert_eq!(newest_pair(&app).await, "bob@x.io");
    assert_eq!(exported(&app).await, (200, 4));

    // The standby down: its scans answer 503, the rest goes on.
    drop(on_standby);
    standby.stop();
    let (status, out) = app
        .get("/api/v1/export/contacts?format=json", &app.admin.token)
        .await;
    assert_eq!((status, code(&out)), (503, "UNAVAILABLE"), "{out}");
    let out = app
        .duplicates(json!({"action": "detect", "object_name": "contacts", "scan_limit": 2}))
        .await;
    assert_eq!((out.0, code(&out.1)), (503, "UNAVAILABLE"), "{}", out.1);
    app.create_id("contacts", json!({"first_name": "Cy"})).await;
    let (status, _) = app.get("/ready", &app.admin.token).await;
    assert_eq!(status, 200, "readiness pings the primary");
}
