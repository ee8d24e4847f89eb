//! A database that stops answering: every request gets 503 within the
//! configured bound instead of hanging, nothing is half-written, and the
//! service recovers when the database answers again.

use super::proxy::{address_of, Proxy};
use super::support::*;

#[actix_web::test]
async fn a_database_that_stops_answering_gets_503_within_the_bound_not_a_hang() {
    let upstream = address_of(&fresh_database().await);
    let proxy = Proxy::start(upstream).await;
    let app = spawn_app_with(|s| {
        s.database.url = proxy.url(s.database.url.expose()).into();
        s.database.timeout_ms = 1000;
        s.database.statement_timeout_ms = 1000;
        s.database.round_trip_timeout_ms = 1500;
        s.database.pool_size = 4;
    })
    .await;
    let token = app.admin.token.clone();
    for _ in 0..4 {
        let (status, _) = app.get("/api/v1/records/tags?limit=1", &token).await;
        assert_eq!(status, 200, "warm-up");
    }
    let tags = format!("SELECT count(*) FROM \"{}\".tags", app.org.schema);
    let before = app.count(&tags).await;

    proxy.freeze(true);
    let frozen_at = Instant::now();
    let http = client(Duration::from_secs(30));
    let url = |p: &str| format!("{}{p}", app.address);
    let (ready_url, list_url, create_url) = (
        url("/ready"),
        url("/api/v1/records/tags?limit=1"),
        url("/api/v1/records/tags"),
    );
    let body = json!({ "name": "frozen" });
    let (ready, list, create) = tokio::join!(
        call(&http, "GET", &ready_url, None, None),
        call(&http, "GET", &list_url, Some(&token), None),
        call(&http, "POST", &create_url, Some(&token), Some(&body)),
    );
    let answered_after = frozen_at.elapsed();
    assert!(
        answered_after < Duration::from_secs(8),
        "requests hung for the whole freeze ({answered_after:?})"
    );
    for (name, answer) in [("ready", ready), ("list", list), ("create", create)] {
        let (status, body) = answer.expect("an answer");
        assert_eq!(
            (status, code(&body)),
            (503, "UNAVAILABLE"),
            "{name}: {body}"
        );
    }
    tokio::time::sleep(Duration::from_secs(8).saturating_sub(frozen_at.elapsed())).await;
    proxy.freeze(false);

    let recovered = Instant::now();
    loop {
        if let Ok((200, _)) = call(&http, "GET", &url("/ready"), None, None).await {
            break;
        }
        assert!(
            recovered.elapsed() < Duration::from_secs(20),
            "the service did not recover"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _) = app.get("/api/v1/records/tags?limit=1", &token).await;
    assert_eq!(status, 200);
    assert_eq!(
        app.count(&tags).await,
        before,
        "the refused create wrote nothing"
    );
}
