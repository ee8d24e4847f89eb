//! The merge journal over HTTP: history, one entry in full, retention, and
//! the survivor of a merged-away id on every route that names records.

use crate::helpers::*;
use serde_json::{json, Value as Json};

/// Merges `duplicates` into `master` (contacts, fill_blanks); returns the response.
async fn merge(app: &TestApp, master: &str, duplicates: &[&str]) -> Json {
    let (status, out) = app
        .duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": master, "duplicate_ids": duplicates, "merge_strategy": "fill_blanks"}))
        .await;
    assert_eq!(status, 200, "{out}");
    out
}

#[actix_web::test]
async fn every_merge_is_journaled_with_what_it_changed() {
    let app = spawn_app().await;
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    let shared = app.create_id("tags", json!({"name": "shared"})).await;
    let m = app
        .create_id("contacts", json!({"first_name": "Ann", "tags": [shared]}))
        .await;
    let d = app
        .create_id(
            "contacts",
            json!({"first_name": "Anne", "last_name": "Lee", "tags": [tag, shared]}),
        )
        .await;
    let deal = app
        .create_id("opportunities", json!({"name": "Deal", "contact": d}))
        .await;

    let (status, dry) = app
        .duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": m, "duplicate_ids": [d], "dry_run": true}))
        .await;
    assert_eq!(status, 200);
    assert!(
        dry.get("merge_id").is_none(),
        "a dry run writes no entry: {dry}"
    );
    let out = merge(&app, &m, &[&d]).await;
    let merge_id = out["merge_id"].as_str().expect("merge_id").to_owned();

    let (status, entry) = app
        .get(&format!("/api/v1/merges/{merge_id}"), &app.admin.token)
        .await;
    assert_eq!(status, 200, "{entry}");
    assert_eq!(entry["master_id"], m);
    assert_eq!(entry["duplicate_ids"], json!([d]));
    assert_eq!(entry["strategy"], "fill_blanks");
    assert_eq!(entry["merged_by"], app.admin.workspace_user_id.to_string());
    assert_eq!(entry["master_before"], json!({"last_name": null}));
    assert_eq!(entry["master_after"], json!({"last_name": "Lee"}));
    assert_eq!(entry["duplicates"][0]["id"], d);
    assert_eq!(entry["duplicates"][0]["first_name"], "Anne");
    assert_eq!(
        (
            &entry["references_relinked"],
            &entry["links_moved"],
            &entry["links_dropped"]
        ),
        (&json!(1), &json!(1), &json!(1))
    );
    assert_eq!(entry["references"][0]["record_id"], deal);
    assert_eq!(entry["undone_at"], Json::Null);

    let (status, page) = app.get("/api/v1/merges", &app.admin.token).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["merge_id"], merge_id.as_str());
    assert_eq!(page["nextCursor"], Json::Null);
}

#[actix_web::test]
async fn the_history_is_newest_first_filtered_and_paged() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let m = app
            .create_id("contacts", json!({"first_name": format!("M{n}")}))
            .await;
        let d = app
            .create_id("contacts", json!({"first_name": format!("D{n}")}))
            .await;
        let out = merge(&app, &m, &[&d]).await;
        ids.push((out["merge_id"].as_str().unwrap().to_owned(), m, d));
    }
    let c = app.create_id("companies", json!({"name": "Acme"})).await;
    let c2 = app.create_id("companies", json!({"name": "ACME"})).await;
    app.duplicates(json!({"action": "merge", "object_name": "companies", "master_id": c, "duplicate_ids": [c2]})).await;

    let (_, first) = app
        .get(
            "/api/v1/merges?object_name=contacts&limit=2",
            &app.admin.token,
        )
        .await;
    let page: Vec<&str> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["merge_id"].as_str().unwrap())
        .collect();
    assert_eq!(page, [ids[4].0.as_str(), ids[3].0.as_str()]);
    let cursor = first["nextCursor"].as_str().expect("a next page");
    let (_, second) = app
        .get(
            &format!("/api/v1/merges?object_name=contacts&limit=2&cursor={cursor}"),
            &app.admin.token,
        )
        .await;
    let page: Vec<&str> = second["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["merge_id"].as_str().unwrap())
        .collect();
    assert_eq!(page, [ids[2].0.as_str(), ids[1].0.as_str()]);

    let (_, by_record) = app
        .get(
            &format!("/api/v1/merges?record_id={}", ids[2].2),
            &app.admin.token,
        )
        .await;
    assert_eq!(by_record["data"].as_array().unwrap().len(), 1);
    assert_eq!(by_record["data"][0]["merge_id"], ids[2].0.as_str());
    let (_, all) = app.get("/api/v1/merges", &app.admin.token).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 6);

    for bad in [
        "limit=0",
        "object_name=planets",
        "cursor=zz",
        "record_id=nope",
        "extra=1",
    ] {
        let (status, out) = app
            .get(&format!("/api/v1/merges?{bad}"), &app.admin.token)
            .await;
        assert_eq!(status, 400, "{bad}: {out}");
    }
}

#[actix_web::test]
async fn merges_are_for_admins_of_the_organization_and_expire() {
    let app = spawn_app_with(|s| s.duplicates.journal_retention_days = 30).await;
    let m = app.create_id("contacts", json!({"first_name": "M"})).await;
    let d = app.create_id("contacts", json!({"first_name": "D"})).await;
    let id = merge(&app, &m, &[&d]).await["merge_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, out) = app.get("/api/v1/merges", &app.member.token).await;
    assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"));
    let globex = app.other_org().await;
    let (status, out) = app
        .get(&format!("/api/v1/merges/{id}"), &globex.token)
        .await;
    assert_eq!((status, code(&out)), (404, "NOT_FOUND"), "{out}");
    let (_, page) = app.get("/api/v1/merges", &globex.token).await;
    assert_eq!(page["data"], json!([]));
    let (status, _) = app
        .get(
            &format!("/api/v1/merges/{}", uuid::Uuid::new_v4()),
            &app.admin.token,
        )
        .await;
    assert_eq!(status, 404);

    // Older than the retention: neither listed nor served, and purged by the next merge.
    app.db
        .execute(
            "UPDATE kasar.merges SET merged_at = now() - interval '31 days'",
            &[],
        )
        .await
        .unwrap();
    let (status, _) = app
        .get(&format!("/api/v1/merges/{id}"), &app.admin.token)
        .await;
    assert_eq!(status, 404);
    let (_, page) = app.get("/api/v1/merges", &app.admin.token).await;
    assert_eq!(page["data"], json!([]));
    let m2 = app.create_id("contacts", json!({"first_name": "M2"})).await;
    let d2 = app.create_id("contacts", json!({"first_name": "D2"})).await;
    merge(&app, &m2, &[&d2]).await;
    assert_eq!(
        app.count("SELECT count(*) FROM kasar.merges").await,
        1,
        "the expired entry is purged"
    );
}

#[actix_web::test]
async fn a_merge_whose_journal_cannot_be_written_does_not_happen() {
    let app = spawn_app().await;
    let m = app.create_id("contacts", json!({"first_name": "M"})).await;
    let d = app
        .create_id("contacts", json!({"first_name": "D", "last_name": "L"}))
        .await;
    app.db
        .batch_execute(
            "CREATE FUNCTION kasar.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'journal refused'; END $$;
             CREATE TRIGGER refuse BEFORE INSERT ON kasar.merges FOR EACH ROW EXECUTE FUNCTION kasar.refuse();",
        )
        .await
        .unwrap();
    let before = app.snapshot().await;
    let (status, _) = app
        .duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": m, "duplicate_ids": [d], "merge_strategy": "fill_blanks"}))
        .await;
    assert_ne!(status, 200);
    assert_eq!(app.snapshot().await, before, "nothing of the merge remains");
}

#[actix_web::test]
async fn a_merged_away_id_is_404_with_the_record_it_survives_in_following_chains() {
    let app = spawn_app().await;
    let a = app.create_id("contacts", json!({"first_name": "A"})).await;
    let b = app.create_id("contacts", json!({"first_name": "B"})).await;
    let c = app.create_id("contacts", json!({"first_name": "C"})).await;
    merge(&app, &b, &[&a]).await;
    let (status, out) = app
        .get(&format!("/api/v1/records/contacts/{a}"), &app.admin.token)
        .await;
    assert_eq!((status, code(&out)), (404, "RECORD_NOT_FOUND"));
    assert_eq!(out["error"]["merged_into"], b);
    merge(&app, &c, &[&b]).await;

    let (_, out) = app
        .get(&format!("/api/v1/records/contacts/{a}"), &app.admin.token)
        .await;
    assert_eq!(out["error"]["merged_into"], c, "chains are followed: {out}");
    let (status, out) = app
        .patch(
            &format!("/api/v1/records/contacts/{a}"),
            &app.admin.token,
            &json!({"first_name": "X"}),
        )
        .await;
    assert_eq!(
        (status, &out["error"]["merged_into"]),
        (404, &json!(c)),
        "{out}"
    );
    let (status, out) = app
        .delete(&format!("/api/v1/records/contacts/{b}"), &app.admin.token)
        .await;
    assert_eq!(
        (status, &out["error"]["merged_into"]),
        (404, &json!(c)),
        "{out}"
    );
    let (status, out) = app
        .duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": c, "duplicate_ids": [a]}))
        .await;
    assert_eq!(
        (status, &out["error"]["merged_into"]),
        (404, &json!(c)),
        "{out}"
    );

    let never = uuid::Uuid::new_v4();
    let (status, out) = app
        .get(
            &format!("/api/v1/records/contacts/{never}"),
            &app.admin.token,
        )
        .await;
    assert_eq!(status, 404);
    assert!(out["error"].get("merged_into").is_none(), "{out}");
    let globex = app.other_org().await;
    let (_, out) = app
        .get(&format!("/api/v1/records/contacts/{a}"), &globex.token)
        .await;
    assert!(
        out["error"].get("merged_into").is_none(),
        "another organization learns nothing: {out}"
    );
}
