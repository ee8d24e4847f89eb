//! Provisioning shared by the integration tests and `make bench` (which
//! includes this file): a fresh database on a cluster, and workspace users
//! with tokens, through the application's own operator use cases.

use kasar_application::admin::{self, TokenRequest};
use kasar_application::Services;
use kasar_domain::Role;
use tokio_postgres::NoTls;
use uuid::Uuid;

/// Creates an empty database named `<prefix>_<random>` on the cluster of
/// `base` (a URL of one of its databases) and returns its URL.
pub(crate) async fn create_database(base: &str, prefix: &str) -> String {
    let (client, conn) = tokio_postgres::connect(base, NoTls)
        .await
        .expect("connect to the cluster");
    tokio::spawn(conn);
    let name = format!("{prefix}_{}", Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let (cluster, _) = base.rsplit_once('/').expect("database URL has a path");
    format!("{cluster}/{name}")
}

/// Adds (or finds) `email` as a workspace user of `org` with `role` and
/// mints a token with `scopes`; returns the workspace user id and the token.
pub(crate) async fn user_with_token(
    services: &Services,
    org: &str,
    email: &str,
    role: Role,
    scopes: &[&str],
) -> (Uuid, String) {
    let user = admin::add_user(services, org, email, None, role)
        .await
        .expect("add user");
    (user.id, token(services, org, email, scopes, None).await)
}

/// Mints a token for a workspace user.
pub(crate) async fn token(
    services: &Services,
    org: &str,
    email: &str,
    scopes: &[&str],
    expires_in_days: Option<u32>,
) -> String {
    let request = TokenRequest {
        org: org.into(),
        email: email.into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        name: None,
        expires_in_days,
    };
    admin::create_token(services, &request)
        .await
        .expect("token")
        .token
}
