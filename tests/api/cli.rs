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
