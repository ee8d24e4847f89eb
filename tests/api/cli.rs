//! The operator CLI, run as the real `kasar` binary against a fresh database.

use std::process::{Command, Output};

use crate::helpers::*;

fn kasar(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kasar"))
        .args(args)
        .env("KASAR__DATABASE__URL", db_url)
        .env("KASAR__LOG__LEVEL", "error")
        .output()
        .expect("run kasar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[actix_web::test]
async fn the_cli_migrates_provisions_and_mints_tokens_that_work() {
    let db = fresh_database().await;
    let serve = kasar(&db, &["serve"]);
    assert!(
        !serve.status.success(),
        "serve refuses an unmigrated database"
    );
    assert!(String::from_utf8_lossy(&serve.stderr).contains("kasar migrate"));

    assert!(kasar(&db, &["migrate"]).status.success());
    let again = kasar(&db, &["migrate"]);
    assert!(again.status.success(), "migrate is idempotent");

    let org = kasar(&db, &["org", "create", "initech", "--name", "Initech"]);
    assert!(
        org.status.success(),
        "{}",
        String::from_utf8_lossy(&org.stderr)
    );
    assert!(
        uuid::Uuid::parse_str(stdout(&org).trim()).is_ok(),
        "prints the new id"
    );
    let dup = kasar(&db, &["org", "create", "initech"]);
    assert!(!dup.status.success());
    assert_eq!(
        String::from_utf8_lossy(&dup.stderr).trim().lines().count(),
        1,
        "one-line reason"
    );
    assert!(!kasar(&db, &["org", "create", "Bad Slug;"]).status.success());

    let user = kasar(
        &db,
        &[
            "user",
            "add",
            "--org",
            "initech",
            "--email",
            "Peter@Initech.test",
            "--role",
            "admin",
        ],
    );
    assert!(user.status.success());
    assert!(uuid::Uuid::parse_str(stdout(&user).trim()).is_ok());

    let token = kasar(
        &db,
        &[
            "token",
            "create",
            "--org",
            "initech",
            "--email",
            "peter@initech.test",
            "--scope",
            "records:read",
        ],
    );
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    let out = stdout(&token);
    let clear = out.trim().lines().last().unwrap().to_owned();
    assert!(
        clear.starts_with("ksr_") && clear.len() >= 4 + 43,
        "token alone on the last line: {out}"
    );
    assert!(!kasar(
        &db,
        &[
            "token",
            "create",
            "--org",
            "initech",
            "--email",
            "peter@initech.test",
            "--scope",
            "root"
        ]
    )
    .status
    .success());

    let mut settings = test_settings(&db);
    settings.server.workers = 1;
    let app = kasar_server::Application::build(&settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    let client = awc::Client::default();
    let me = |t: String| {
        let client = client.clone();
        let url = format!("{base}/api/v1/me");
        async move {
            client
                .get(url)
                .insert_header(("Authorization", format!("Bearer {t}")))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(clear.clone()).await, 200);
    let revoke = kasar(&db, &["token", "revoke", &clear[..12]]);
    assert!(
        revoke.status.success(),
        "{}",
        String::from_utf8_lossy(&revoke.stderr)
    );
    assert_eq!(me(clear).await, 401);
    assert!(!kasar(&db, &["token", "revoke", "ksr_nothing"])
        .status
        .success());
}

fn kasar_with(db_url: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kasar"));
    command
        .args(args)
        .env("KASAR__DATABASE__URL", db_url)
        .env("KASAR__LOG__LEVEL", "error")
        .env("KASAR__SERVER__PORT", "0");
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run kasar");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().ok();
            panic!("kasar {args:?} still running after 30 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[actix_web::test]
async fn reindex_rebuilds_keys_with_the_configured_region_and_serve_refuses_keys_of_another() {
    let db = fresh_database().await;
    assert!(kasar(&db, &["migrate"]).status.success());
    assert!(kasar(&db, &["org", "create", "initech"]).status.success());
    let (client, conn) = tokio_postgres::connect(&db, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // Written by hand: only a rebuild gives it keys.
    client
        .batch_execute("INSERT INTO org_initech.contacts (phone) VALUES ('01 23 45 67 89')")
        .await
        .unwrap();
    let phone_key = || async {
        client
            .query(
                "SELECT key FROM org_initech._keys_contacts WHERE criterion = 1",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
    };
    assert!(phone_key().await.is_empty());

    let fr = [("KASAR__DUPLICATES__PHONE_REGION", "FR")];
    let out = kasar_with(&db, &fr, &["reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("phone region FR: 1 organizations, 1 records"),
        "{}",
        stdout(&out)
    );
    assert_eq!(phone_key().await, ["+33123456789"]);

    let serve = kasar_with(&db, &[], &["serve"]);
    assert!(
        !serve.status.success(),
        "serve refuses keys built for FR under US"
    );
    let said = String::from_utf8_lossy(&serve.stderr);
    assert!(
        said.contains("phone region FR") && said.contains("kasar reindex"),
        "{said}"
    );

    let out = kasar_with(&db, &[], &["reindex"]);
    assert!(out.status.success());
    assert_eq!(phone_key().await, ["+10123456789"], "rebuilt under US");
}

#[actix_web::test]
async fn schema_export_and_apply_keep_the_catalog_as_code_and_apply_is_idempotent() {
    let app = spawn_app().await;
    let db = app.settings.database.url.expose().to_owned();
    let empty = kasar(&db, &["schema", "export", "--org", "acme"]);
    assert!(
        empty.status.success(),
        "{}",
        String::from_utf8_lossy(&empty.stderr)
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&empty)).unwrap(),
        serde_json::json!({"objects": []})
    );
    let document = serde_json::json!({"objects": [
        {"name": "partners", "label": "Partners", "fields": [
            {"name": "name", "type": "TEXT", "required": true},
            {"name": "main_contact", "type": "BELONGS_TO_ONE", "target": "contacts"},
        ]},
        {"name": "contacts", "fields": [
            {"name": "partner", "type": "BELONGS_TO_ONE", "target": "partners"},
            {"name": "customer_number", "type": "TEXT", "label": "Customer number"},
        ]},
    ]});
    let file = std::env::temp_dir().join(format!("kasar-schema-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, document.to_string()).unwrap();
    let path = file.to_str().unwrap();
    let before = app.snapshot().await;
    let dry = kasar(
        &db,
        &["schema", "apply", "--org", "acme", path, "--dry-run"],
    );
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let plan = stdout(&dry);
    assert!(
        plan.contains("add object partners") && plan.contains("add field contacts.partner"),
        "{plan}"
    );
    assert!(plan.contains("nothing applied"), "{plan}");
    assert_eq!(app.snapshot().await, before);
    assert_eq!(
        app.count("SELECT count(*) FROM kasar.objects WHERE name = 'partners'")
            .await,
        0
    );
    let applied = kasar(&db, &["schema", "apply", "--org", "acme", path]);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    assert!(
        stdout(&applied).contains("3 change(s), applied"),
        "{}",
        stdout(&applied)
    );
    let (status, out) = app
        .post(
            "/api/v1/records/contacts",
            &app.admin.token,
            &serde_json::json!({"customer_number": "C-1"}),
        )
        .await;
    assert_eq!(status, 201, "{out}");
    let again = kasar(&db, &["schema", "apply", "--org", "acme", path]);
    assert!(stdout(&again).contains("0 change(s)"), "{}", stdout(&again));
    let exported: serde_json::Value =
        serde_json::from_str(&stdout(&kasar(&db, &["schema", "export", "--org", "acme"]))).unwrap();
    assert_eq!(exported["objects"][0]["name"], "contacts");
    assert_eq!(exported["objects"][1]["fields"][1]["target"], "contacts");
    // Exported, applied back: no change. A field left out of the file goes.
    std::fs::write(&file, exported.to_string()).unwrap();
    assert!(
        stdout(&kasar(&db, &["schema", "apply", "--org", "acme", path])).contains("0 change(s)")
    );
    let mut fewer = exported.clone();
    fewer["objects"][0]["fields"].as_array_mut().unwrap().pop();
    std::fs::write(&file, fewer.to_string()).unwrap();
    let out = stdout(&kasar(&db, &["schema", "apply", "--org", "acme", path]));
    assert!(
        out.contains("delete field contacts.customer_number"),
        "{out}"
    );
    std::fs::remove_file(&file).ok();
}
