//! CSV bodies: typed cells, options in the query, and an export imported back.

use super::*;

async fn import_csv(app: &TestApp, object: &str, query: &str, body: &str) -> (u16, Json) {
    app.post_bytes(
        &format!("/api/v1/import/{object}{query}"),
        &app.admin.token,
        Some("text/csv"),
        body.as_bytes().to_vec(),
    )
    .await
}

#[actix_web::test]
async fn csv_cells_are_converted_by_type_and_a_bad_cell_fails_its_row() {
    let app = spawn_app().await;
    let (a, b) = (
        app.create_id("tags", json!({"name": "a"})).await,
        app.create_id("tags", json!({"name": "b"})).await,
    );
    let body = format!(
        "first_name,last_name,email,tags,created_at\r\n\
         \"Lee, Ann\",,ann@x.io,{a};{b},2020-01-01\r\n\
         Bo,Day,,,\r\n"
    );
    let (status, out) = import_csv(&app, "contacts", "", &body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(result_statuses(&out), ["created", "created"]);
    let ann = app
        .fetch("contacts", out["results"][0]["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(ann["first_name"], "Lee, Ann");
    assert_eq!(ann["last_name"], Json::Null, "an empty cell is null");
    assert_eq!(ann["tags"], sorted_json(&[&a, &b]));

    let body = "name,amount,close_date\r\nDeal,12.5,2024-02-29\r\nBad,twelve,\r\nLate,1,2024-02-30\r\nShort\r\n";
    let (status, out) = import_csv(&app, "opportunities", "", body).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        result_statuses(&out),
        ["created", "failed", "failed", "failed"]
    );
    let messages: Vec<&str> = out["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("not a number"), "{messages:?}");
    assert!(messages[2].contains("cells"), "{messages:?}");
    let deal = app
        .fetch("opportunities", out["results"][0]["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(deal["amount"], 12.5);
}

#[actix_web::test]
async fn csv_options_come_in_the_query() {
    let app = spawn_app().await;
    let old = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    let body = "first_name,email\r\nAnn,ann@x.io\r\n";
    let (_, out) = import_csv(
        &app,
        "contacts",
        "?on_duplicate=update&fields=email,phone",
        body,
    )
    .await;
    assert_eq!(result_statuses(&out), ["updated"], "{out}");
    assert_eq!(
        app.fetch("contacts", &old).await.unwrap()["first_name"],
        "Ann"
    );
    let (_, out) = import_csv(&app, "contacts", "?fields=phone", body).await;
    assert_eq!(result_statuses(&out), ["created"], "{out}");
    let (status, out) = import_csv(&app, "contacts", "?on_duplicate=nope", body).await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
    let (status, out) = app
        .post_bytes(
            "/api/v1/import/contacts",
            &app.admin.token,
            Some("text/csv"),
            b"first_name\n\xff\n".to_vec(),
        )
        .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{out}");
}

#[actix_web::test]
async fn a_csv_export_imports_back_as_it_is() {
    let app = spawn_app().await;
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    app.create("contacts", json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@x.io", "tags": [tag], "status": "customer"})).await;
    app.create(
        "contacts",
        json!({"first_name": "Bo \"Bobby\"", "phone": "+1 555 123 4567"}),
    )
    .await;
    let resp = app
        .http_raw()
        .get(format!("{}/api/v1/export/contacts?format=csv", app.address))
        .insert_header(("Authorization", format!("Bearer {}", app.admin.token)))
        .send()
        .await
        .unwrap()
        .body()
        .await
        .unwrap();
    let exported = String::from_utf8(resp.to_vec()).unwrap();
    let before = app
        .get("/api/v1/records/contacts", &app.admin.token)
        .await
        .1;
    app.sql("DELETE FROM {s}.contacts").await;

    let (status, out) = import_csv(&app, "contacts", "", &exported).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(result_statuses(&out), ["created", "created"], "{out}");
    let after = app
        .get("/api/v1/records/contacts", &app.admin.token)
        .await
        .1;
    let fields = |list: &Json| -> Vec<Json> {
        let mut v: Vec<Json> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let mut r = r.clone();
                for k in ["id", "created_at", "updated_at"] {
                    r.as_object_mut().unwrap().remove(k);
                }
                r
            })
            .collect();
        v.sort_by_key(ToString::to_string);
        v
    };
    assert_eq!(fields(&after), fields(&before));
}
