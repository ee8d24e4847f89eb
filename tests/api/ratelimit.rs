//! Per-token rate limits: the headers of limited responses, 429
//! RATE_LIMITED with Retry-After, separate counts per token and per family,
//! unlimited operations routes, and the switch.

use crate::helpers::*;
use serde_json::{json, Value as Json};

/// Status, the rate-limit headers (None when absent) and the JSON body.
struct Reply {
    status: u16,
    limit: Option<u64>,
    remaining: Option<u64>,
    reset: Option<u64>,
    retry_after: Option<u64>,
    body: Json,
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Json>,
) -> Reply {
    let client = awc::Client::default();
    let mut req = client.request(method.parse().unwrap(), format!("{}{path}", app.address));
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    let mut resp = match body {
        Some(b) => req.send_json(&b).await,
        None => req.send().await,
    }
    .unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().parse::<u64>().unwrap())
    };
    let (limit, remaining, reset, retry_after) = (
        header("X-RateLimit-Limit"),
        header("X-RateLimit-Remaining"),
        header("X-RateLimit-Reset"),
        header("Retry-After"),
    );
    let bytes = resp.body().await.unwrap();
    Reply {
        status: resp.status().as_u16(),
        limit,
        remaining,
        reset,
        retry_after,
        body: serde_json::from_slice(&bytes).unwrap_or(Json::Null),
    }
}

async fn get(app: &TestApp, path: &str, token: &str) -> Reply {
    call(app, "GET", path, Some(token), None).await
}

#[actix_web::test]
async fn limited_responses_count_down_then_429_with_retry_after_and_nothing_runs() {
    let app = spawn_app_with(|s| s.rate_limit.records = 3).await;
    let t = app.member.token.clone();
    let first = get(&app, "/api/v1/me", &t).await;
    assert_eq!(
        (first.status, first.limit, first.remaining),
        (200, Some(3), Some(2))
    );
    assert!(
        (1..=60).contains(&first.reset.unwrap()),
        "{:?}",
        first.reset
    );
    assert_eq!(first.retry_after, None);
    // Errors of the handlers are limited responses too.
    let missing = get(
        &app,
        "/api/v1/records/contacts/00000000-0000-0000-0000-000000000000",
        &t,
    )
    .await;
    assert_eq!((missing.status, missing.remaining), (404, Some(1)));
    let third = call(
        &app,
        "POST",
        "/api/v1/records/tags",
        Some(&t),
        Some(json!({"name": "a"})),
    )
    .await;
    assert_eq!(
        (third.status, third.limit, third.remaining),
        (201, Some(3), Some(0))
    );

    let refused = call(
        &app,
        "POST",
        "/api/v1/records/tags",
        Some(&t),
        Some(json!({"name": "b"})),
    )
    .await;
    assert_eq!(
        (refused.status, code(&refused.body)),
        (429, "RATE_LIMITED"),
        "{}",
        refused.body
    );
    assert_eq!((refused.limit, refused.remaining), (Some(3), Some(0)));
    let retry = refused.retry_after.unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(refused.reset, Some(retry));
    assert!(refused.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("records"));
    let tags = format!(
        "SELECT count(*) FROM \"{}\".tags WHERE name = 'b'",
        app.org.schema
    );
    assert_eq!(
        app.count(&tags).await,
        0,
        "a refused request is not executed"
    );
    // Refusals apply to every route of the family.
    assert_eq!(get(&app, "/api/v1/schema", &t).await.status, 429);
}

#[actix_web::test]
async fn tokens_have_their_own_counts_and_unauthenticated_or_operations_routes_are_not_limited() {
    let app = spawn_app_with(|s| s.rate_limit.records = 1).await;
    assert_eq!(get(&app, "/api/v1/me", &app.member.token).await.status, 200);
    assert_eq!(get(&app, "/api/v1/me", &app.member.token).await.status, 429);
    let other = get(&app, "/api/v1/me", &app.reader.token).await;
    assert_eq!((other.status, other.remaining), (200, Some(0)));
    // A second token of the same user is counted on its own.
    let again = app
        .token("acme", "member@acme.test", &["records:read"], None)
        .await;
    assert_eq!(get(&app, "/api/v1/me", &again).await.status, 200);

    let anonymous = call(&app, "GET", "/api/v1/me", None, None).await;
    assert_eq!((anonymous.status, anonymous.limit), (401, None));
    for path in ["/health", "/ready", "/api/v1/openapi.json"] {
        for _ in 0..3 {
            let r = call(&app, "GET", path, None, None).await;
            assert_eq!(
                (r.status, r.limit, r.retry_after),
                (200, None, None),
                "{path}"
            );
        }
    }
}

#[actix_web::test]
async fn bulk_and_duplicates_have_their_own_limits() {
    let app = spawn_app_with(|s| {
        s.rate_limit.records = 1;
        s.rate_limit.bulk = 2;
        s.rate_limit.duplicates = 1;
    })
    .await;
    let t = app.admin.token.clone();
    assert_eq!(get(&app, "/api/v1/me", &t).await.status, 200);
    assert_eq!(get(&app, "/api/v1/me", &t).await.status, 429);

    let bulk = json!({"action": "update_field", "object_name": "contacts", "record_ids": [],
                      "field_name": "status", "field_value": "new"});
    let first = call(&app, "POST", "/api/v1/bulk", Some(&t), Some(bulk.clone())).await;
    assert_eq!(
        (first.limit, first.remaining),
        (Some(2), Some(1)),
        "{}",
        first.body
    );
    let second = call(&app, "POST", "/api/v1/bulk", Some(&t), Some(bulk.clone())).await;
    assert_eq!(second.remaining, Some(0));
    let third = call(&app, "POST", "/api/v1/bulk", Some(&t), Some(bulk)).await;
    assert_eq!((third.status, code(&third.body)), (429, "RATE_LIMITED"));

    let detect = json!({"action": "detect", "object_name": "contacts"});
    let first = call(
        &app,
        "POST",
        "/api/v1/duplicates",
        Some(&t),
        Some(detect.clone()),
    )
    .await;
    assert_ne!(first.status, 429, "{}", first.body);
    assert_eq!((first.limit, first.remaining), (Some(1), Some(0)));
    // Detect and merge share the duplicates limit.
    let merge = json!({"action": "merge", "object_name": "contacts", "master_id": uuid::Uuid::new_v4(),
                       "duplicate_ids": [uuid::Uuid::new_v4()], "merge_strategy": "keep_master"});
    let refused = call(&app, "POST", "/api/v1/duplicates", Some(&t), Some(merge)).await;
    assert_eq!((refused.status, code(&refused.body)), (429, "RATE_LIMITED"));
    assert!(refused.retry_after.unwrap() >= 1);
}

#[actix_web::test]
async fn the_window_slides_and_a_zero_limit_or_the_switch_turns_limits_off() {
    let app = spawn_app_with(|s| {
        s.rate_limit.window_seconds = 1;
        s.rate_limit.records = 1;
        s.rate_limit.bulk = 0;
    })
    .await;
    let t = app.admin.token.clone();
    assert_eq!(get(&app, "/api/v1/me", &t).await.status, 200);
    let refused = get(&app, "/api/v1/me", &t).await;
    assert_eq!((refused.status, refused.retry_after), (429, Some(1)));
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        get(&app, "/api/v1/me", &t).await.status,
        200,
        "the window slid"
    );
    let bulk = json!({"action": "update_field", "object_name": "contacts", "record_ids": [],
                      "field_name": "status", "field_value": "new"});
    for _ in 0..3 {
        let r = call(&app, "POST", "/api/v1/bulk", Some(&t), Some(bulk.clone())).await;
        assert_eq!(
            r.limit, None,
            "a zero limit disables the family: {}",
            r.body
        );
        assert_ne!(r.status, 429);
    }

    let off = spawn_app_with(|s| {
        s.rate_limit.enabled = false;
        s.rate_limit.records = 1;
    })
    .await;
    for _ in 0..3 {
        let r = get(&off, "/api/v1/me", &off.admin.token).await;
        assert_eq!(
            (r.status, r.limit, r.remaining, r.reset),
            (200, None, None, None)
        );
    }
}
