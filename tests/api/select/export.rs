//! `GET /export/{object}`: CSV (RFC 4180) or JSON, the list's selection,
//! admins only.

use super::*;

/// GET an export as admin: the status, content type and body text.
async fn export(app: &TestApp, token: &str, query: &str) -> (u16, String, String) {
    let mut resp = app
        .http_raw()
        .get(format!("{}/api/v1/export/contacts?{query}", app.address))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .expect("sent");
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = resp.body().limit(64 * 1024 * 1024).await.expect("body");
    (status, ct, String::from_utf8_lossy(&body).into_owned())
}

#[actix_web::test]
async fn csv_and_json_exports_hold_every_selected_record() {
    let app = spawn_app().await;
    let t1 = app.create_id("tags", json!({"name": "a"})).await;
    let t2 = app.create_id("tags", json!({"name": "b"})).await;
    let tricky = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann, \"the\"\nfirst", "status": "lost", "tags": [t1, t2]}),
        )
        .await;
    for i in 0..2500 {
        let status = if i % 2 == 0 { "new" } else { "lost" };
        app.db
            .execute(
                &format!(
                    "INSERT INTO \"{}\".contacts (first_name, status) VALUES ($1, $2)",
                    app.org.schema
                ),
                &[&format!("c{i}"), &status],
            )
            .await
            .unwrap();
    }
    let (status, ct, csv) = export(&app, &app.admin.token, "format=csv&filter_field=status&filter_operator=equals&filter_value=lost&sort_by=created_at&sort_dir=asc").await;
    assert_eq!(status, 200, "{csv}");
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(csv.ends_with("\r\n"), "RFC 4180 lines end with CRLF");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header.first().map(String::as_str), Some("id"));
    assert_eq!(&header[header.len() - 2..], ["created_at", "updated_at"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1251, "1 + 1250 lost contacts");
    let first = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&first[col("id")], tricky.as_str());
    assert_eq!(&first[col("first_name")], "Ann, \"the\"\nfirst");
    assert_eq!(
        &first[col("tags")],
        sorted(&[t1.clone(), t2.clone()]).join(";")
    );
    assert_eq!(&first[col("email")], "");

    let (status, ct, json) = export(
        &app,
        &app.admin.token,
        "format=json&search=c24&fields=first_name",
    )
    .await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/json"), "{ct}");
    let records: Json = serde_json::from_str(&json).unwrap();
    let named = records
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["first_name"]
                .as_str()
                .is_some_and(|n| n.starts_with("c24"))
        })
        .count();
    assert_eq!(named, 111, "c24, c240-c249, c2400-c2499");
    assert!(records[0].as_object().unwrap().len() == 2, "{}", records[0]);
    let (_, _, empty) = export(&app, &app.admin.token, "format=json&search=nothing-matches").await;
    assert_eq!(empty, "[]");
}

#[actix_web::test]
async fn exports_are_for_admins_and_take_only_the_selection_and_a_format() {
    let app = spawn_app().await;
    let (status, _, body) = export(&app, &app.member.token, "format=csv").await;
    assert_eq!(status, 403, "{body}");
    for query in [
        "format=xml",
        "limit=5",
        "format=csv&format=json",
        "filter_field=nope&filter_operator=equals&filter_value=x",
    ] {
        let (status, _, body) = export(&app, &app.admin.token, query).await;
        assert_eq!(status, 400, "{query}: {body}");
    }
}
