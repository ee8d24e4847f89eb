//! Auto-merge over HTTP: every reported group merged into the master its
//! rule picks, one journal entry each, dismissals honoured, dry runs that
//! change nothing, and a failing group that does not stop the others.

use crate::helpers::*;
use serde_json::{json, Value as Json};

async fn auto(app: &TestApp, extra: Json) -> (u16, Json) {
    let mut body = json!({"action": "auto_merge", "object_name": "contacts", "fields": ["email"]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.duplicates(body).await
}

/// Pairs of contacts sharing an email; returns the ids, oldest first in each pair.
async fn pairs(app: &TestApp, n: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in 0..n {
        let a = app
            .create_id(
                "contacts",
                json!({"first_name": format!("A{i}"), "email": format!("p{i}@x.io")}),
            )
            .await;
        let b = app
            .create_id("contacts", json!({"first_name": format!("B{i}"), "last_name": "Full", "job_title": "CTO", "email": format!("P{i}@x.io")}))
            .await;
        out.push((a, b));
    }
    out
}

#[actix_web::test]
async fn every_reported_group_is_merged_into_its_oldest_record_with_its_own_journal_entry() {
    let app = spawn_app().await;
    let groups = pairs(&app, 4).await;
    let (da, db) = &groups[3];
    app.duplicates(json!({"action": "dismiss", "object_name": "contacts", "record_ids": [da, db]}))
        .await;

    let (status, out) = auto(&app, json!({"merge_strategy": "fill_blanks"})).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        (
            &out["merged_groups"],
            &out["records_merged"],
            &out["failed"]
        ),
        (&json!(3), &json!(3), &json!(0))
    );
    for (i, r) in out["results"].as_array().unwrap().iter().enumerate() {
        assert_eq!(r["master_id"], groups[i].0, "the oldest is the master");
        assert_eq!(r["duplicate_ids"], json!([groups[i].1]));
        let (status, _) = app
            .get(
                &format!("/api/v1/merges/{}", r["merge_id"].as_str().unwrap()),
                &app.admin.token,
            )
            .await;
        assert_eq!(status, 200, "each group has its journal entry");
    }
    let kept = app.fetch("contacts", &groups[0].0).await.unwrap();
    assert_eq!(kept["job_title"], "CTO", "fill_blanks applied");
    assert!(
        app.fetch("contacts", da).await.is_some(),
        "the dismissed group is left alone"
    );
    let (_, again) = auto(&app, json!({})).await;
    assert_eq!(again["merged_groups"], 0, "{again}");
}

#[actix_web::test]
async fn each_master_rule_picks_its_master() {
    let app = spawn_app().await;
    for (rule, pick_second) in [
        ("oldest", false),
        ("newest", true),
        ("most_recently_updated", false),
        ("most_complete", true),
    ] {
        let (a, b) = pairs(&app, 1).await.remove(0);
        if rule == "most_recently_updated" {
            app.patch(
                &format!("/api/v1/records/contacts/{a}"),
                &app.admin.token,
                &json!({"status": "lost"}),
            )
            .await;
        }
        let (status, out) = auto(&app, json!({"master_rule": rule})).await;
        assert_eq!(status, 200, "{out}");
        let expected = if pick_second { &b } else { &a };
        assert_eq!(
            out["results"][0]["master_id"],
            expected.as_str(),
            "{rule}: {out}"
        );
    }
    let (status, out) = auto(&app, json!({"master_rule": "loudest"})).await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"));
}

#[actix_web::test]
async fn a_dry_run_shows_the_plan_and_changes_nothing_and_max_groups_bounds_the_run() {
    let app = spawn_app().await;
    pairs(&app, 3).await;
    let before = app.snapshot().await;
    let (status, out) = auto(
        &app,
        json!({"dry_run": true, "merge_strategy": "fill_blanks"}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["merged_groups"], 3);
    assert_eq!(out["results"][0]["preview"]["job_title"], "CTO");
    assert!(out["results"][0].get("merge_id").is_none());
    assert_eq!(app.snapshot().await, before);
    assert_eq!(app.count("SELECT count(*) FROM kasar.merges").await, 0);

    let (_, out) = auto(&app, json!({"max_groups": 2})).await;
    assert_eq!(out["merged_groups"], 2, "{out}");
    let (status, _) = auto(&app, json!({"max_groups": 1001})).await;
    assert_eq!(status, 400);
    let (status, out) = app
        .post(
            "/api/v1/duplicates",
            &app.member.token,
            &json!({"action": "auto_merge", "object_name": "contacts"}),
        )
        .await;
    assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"));
}

#[actix_web::test]
async fn a_record_in_two_groups_is_merged_once_and_a_failing_group_does_not_stop_the_others() {
    let app = spawn_app().await;
    let a = app
        .create_id(
            "contacts",
            json!({"email": "a@x.io", "phone": "+1 555 000 0001"}),
        )
        .await;
    let b = app.create_id("contacts", json!({"email": "a@x.io"})).await;
    let c = app
        .create_id("contacts", json!({"phone": "+15550000001"}))
        .await;
    let (status, out) = auto(&app, json!({"fields": ["email", "phone"]})).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["merged_groups"], 1, "{out}");
    assert_eq!(out["results"][0]["duplicate_ids"], json!([b]));
    assert!(
        app.fetch("contacts", &c).await.is_some(),
        "c was in the second group only with a"
    );
    let _ = a;

    // The first group's delete fails: the second group is still merged.
    let groups = pairs(&app, 2).await;
    app.db
        .batch_execute(&format!(
            "CREATE FUNCTION {s}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                 IF OLD.id = '{d}' THEN RAISE EXCEPTION 'refused' USING ERRCODE = 'foreign_key_violation'; END IF;
                 RETURN OLD; END $$;
             CREATE TRIGGER refuse BEFORE DELETE ON {s}.contacts FOR EACH ROW EXECUTE FUNCTION {s}.refuse();",
            s = format!("\"{}\"", app.org.schema),
            d = groups[0].1
        ))
        .await
        .unwrap();
    let (status, out) = auto(&app, json!({"fields": ["email"]})).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        (&out["merged_groups"], &out["failed"]),
        (&json!(1), &json!(1)),
        "{out}"
    );
    let failed = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r.get("code").is_some())
        .unwrap();
    assert_eq!(failed["record_ids"], json!([groups[0].0, groups[0].1]));
    assert!(
        app.fetch("contacts", &groups[0].1).await.is_some(),
        "the failed group is untouched"
    );
    assert!(
        app.fetch("contacts", &groups[1].1).await.is_none(),
        "the other group is merged"
    );
}
