//! merge under failure: a failure at any step rolls the whole merge back and
//! answers a generic 500.

use super::*;

/// A master and two duplicates with everything a merge touches: fields to
/// fill, tags to move and an opportunity to re-point.
async fn scenario(app: &TestApp) -> Json {
    let company = app.create_id("companies", json!({"name": "Acme"})).await;
    let (t1, t2) = (
        app.create_id("tags", json!({"name": "one"})).await,
        app.create_id("tags", json!({"name": "two"})).await,
    );
    let m = app
        .create_id("contacts", json!({"first_name": "Ann", "tags": [t1]}))
        .await;
    let d1 = app
        .create_id(
            "contacts",
            json!({"last_name": "Lee", "company": company, "tags": [t1, t2]}),
        )
        .await;
    let d2 = app
        .create_id("contacts", json!({"email": "ann@x.io"}))
        .await;
    app.create("opportunities", json!({"name": "Deal", "contact": d1}))
        .await;
    app.create("opportunities", json!({"name": "Deal 2", "contact": d2}))
        .await;
    let mut body = merge_body("contacts", &m, &[&d1, &d2]);
    body["merge_strategy"] = json!("fill_blanks");
    body
}

#[actix_web::test]
async fn a_failure_at_any_step_rolls_the_whole_merge_back() {
    let app = spawn_app().await;
    app.sql("CREATE FUNCTION {s}.boom() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'boom'; END$$").await;
    // At the last step (deleting the duplicates, after the master's update and
    // the re-linking), and during the re-linking (re-pointing opportunities).
    let triggers = [
        "BEFORE DELETE ON {s}.contacts",
        "BEFORE UPDATE ON {s}.opportunities",
    ];
    for trigger in triggers {
        let body = scenario(&app).await;
        app.sql(&format!(
            "CREATE TRIGGER boom {trigger} FOR EACH ROW EXECUTE FUNCTION {{s}}.boom()"
        ))
        .await;
        let before = app.snapshot().await;

        let (status, out) = app.duplicates(body.clone()).await;

        assert_eq!(
            (status, code(&out)),
            (500, "INTERNAL_ERROR"),
            "{trigger}: {out}"
        );
        let text = out.to_string().to_lowercase();
        assert!(
            !text.contains("boom") && !text.contains("trigger") && !text.contains("exception"),
            "{trigger}: leaks {out}"
        );
        assert_eq!(
            app.snapshot().await,
            before,
            "{trigger}: a failed merge left changes"
        );

        let table = trigger.rsplit('.').next().expect("table");
        app.sql(&format!("DROP TRIGGER boom ON {{s}}.{table}"))
            .await;
        let out = merge(&app, body).await;
        assert_eq!(
            out["duplicates_deleted"], 2,
            "{trigger}: the same merge works once the failure is gone"
        );
    }
}
