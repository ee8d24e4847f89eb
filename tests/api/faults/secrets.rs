//! Tokens kept out of the logs and the tables.

use super::support::*;

// 5. Secrets

#[actix_web::test]
async fn tokens_never_reach_the_logs_or_any_table_even_at_trace_level() {
    let db_url = fresh_database().await;
    let settings = test_settings(&db_url);
    let (services, _org, valid) = provision(&settings).await;
    let revoked = mint(&services).await;
    admin::revoke_token(&services, &revoked[..12])
        .await
        .expect("revoke");
    let unknown = format!("ksr_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let mut server = Served::start(
        &db_url,
        &[("KASAR__LOG__LEVEL", "trace"), ("RUST_LOG", "trace")],
    );
    server.wait_healthy().await;

    let http = client(Duration::from_secs(10));
    let me = server.url("/api/v1/me");
    for (token, expected) in [(&valid, 200), (&revoked, 401), (&unknown, 401)] {
        let (status, body) = call(&http, "GET", &me, Some(token), None)
            .await
            .expect("a response");
        assert_eq!(status, expected, "{body}");
        // The same token in other places of the header.
        for header in [format!("Token {token}"), format!("Bearer  {token}x")] {
            assert_eq!(call_with_header(&http, &me, &header).await, 401, "{header}");
        }
    }
    let (status, body) = call(
        &http,
        "POST",
        &server.url("/api/v1/records/contacts"),
        Some(&valid),
        Some(&json!({ "first_name": "Ann" })),
    )
    .await
    .expect("a response");
    assert_eq!(status, 201, "{body}");

    server.signal("TERM");
    let exit = server.wait_exit(Duration::from_secs(10)).await;
    assert!(exit.success(), "{exit}");
    let logs = server.logs();
    assert!(
        logs.lines()
            .any(|l| l.contains("\"request\"") && l.contains("401"))
            && logs
                .lines()
                .any(|l| l.contains("\"request\"") && l.contains("200")),
        "request logs are written: {}",
        logs.chars().take(4000).collect::<String>()
    );
    assert!(
        logs.lines().count() > 50,
        "trace level is on: {} lines",
        logs.lines().count()
    );
    for token in [&valid, &revoked, &unknown] {
        let secret = &token["ksr_".len()..];
        assert_eq!(secret.len(), 64);
        assert!(
            !logs.contains(token.as_str()),
            "a clear token is in the logs"
        );
        assert!(!logs.contains(secret), "a token's secret is in the logs");
    }

    // No table of any schema holds a clear token or its secret; the same scan
    // finds the display prefix, which is stored on purpose.
    let db = connect(&db_url).await;
    let tables = db
        .query(
            "SELECT table_schema, table_name FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
            &[],
        )
        .await
        .expect("tables");
    assert!(tables.len() > 5, "{} tables", tables.len());
    let mut prefix_found = 0;
    for row in &tables {
        let (schema, table): (String, String) = (row.get(0), row.get(1));
        let sql = format!(
            "SELECT count(*) FROM \"{schema}\".\"{table}\" t WHERE strpos(t::text, $1) > 0"
        );
        for token in [&valid, &revoked, &unknown] {
            let secret = &token["ksr_".len()..];
            let n: i64 = db.query_one(&sql, &[&secret]).await.expect("scan").get(0);
            assert_eq!(n, 0, "{schema}.{table} holds a token's secret");
        }
        let n: i64 = db
            .query_one(&sql, &[&&valid[..12]])
            .await
            .expect("scan")
            .get(0);
        prefix_found += n;
    }
    assert!(prefix_found >= 1, "the scan finds what is stored");
}

/// A GET with a raw `Authorization` header value; returns the status.
async fn call_with_header(http: &awc::Client, url: &str, header: &str) -> u16 {
    http.get(url)
        .force_close()
        .insert_header(("Authorization", header))
        .send()
        .await
        .expect("a response")
        .status()
        .as_u16()
}

// ---------------------------------------------------------------------------
