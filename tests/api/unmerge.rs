//! Undoing merges over HTTP: exact restoration of a realistic graph, later
//! changes kept, chains, races, and what is refused.

use crate::helpers::*;
use serde_json::{json, Value as Json};

/// Contacts with opportunities, companies with contacts and opportunities,
/// tags on all three, links shared between the master and its duplicates.
/// Returns (master, duplicates) of `object`.
async fn graph(app: &TestApp, object: &str) -> (String, Vec<String>) {
    let t: Vec<String> = {
        let mut v = Vec::new();
        for n in 0..4 {
            v.push(app.create_id("tags", json!({"name": format!("t{n}"), "color": if n == 0 { Json::Null } else { json!("red") }})).await);
        }
        v
    };
    let co = |name: &str, tags: Vec<&String>| json!({"name": name, "tags": tags});
    let c1 = app
        .create_id("companies", co("Acme", vec![&t[0], &t[1]]))
        .await;
    let c2 = app
        .create_id(
            "companies",
            json!({"name": "ACME", "domain": "acme.io", "tags": [t[1], t[2]]}),
        )
        .await;
    let c3 = app
        .create_id("companies", co("Acme Inc", vec![&t[3]]))
        .await;
    let person = |first: &str, email: &str, company: &String, tags: Vec<&String>| json!({"first_name": first, "email": email, "company": company, "tags": tags});
    let p1 = app
        .create_id("contacts", person("Ann", "ann@x.io", &c1, vec![&t[0]]))
        .await;
    let p2 = app.create_id("contacts", json!({"first_name": "Anne", "last_name": "Lee", "email": "ANN@x.io", "company": c2, "job_title": "CTO", "tags": [t[0], t[1]]})).await;
    let p3 = app
        .create_id(
            "contacts",
            person("A.", "ann@x.io", &c3, vec![&t[2], &t[3]]),
        )
        .await;
    for (n, (contact, company)) in [(&p1, &c1), (&p2, &c2), (&p3, &c3), (&p2, &c1)]
        .iter()
        .enumerate()
    {
        app.create_id("opportunities", json!({"name": format!("Deal {n}"), "contact": contact, "company": company, "tags": [t[n % 4]]})).await;
    }
    match object {
        "contacts" => (p1, vec![p2, p3]),
        "companies" => (c1, vec![c2, c3]),
        _ => (t[0].clone(), vec![t[1].clone(), t[2].clone()]),
    }
}

async fn updated_at(app: &TestApp, object: &str, id: &str) -> String {
    app.db
        .query_one(
            &format!(
                "SELECT updated_at::text FROM \"{}\".\"{object}\" WHERE id = $1::text::uuid",
                app.org.schema
            ),
            &[&id],
        )
        .await
        .unwrap()
        .get(0)
}

async fn set_updated_at(app: &TestApp, object: &str, id: &str, at: &str) {
    app.db
        .execute(
            &format!("UPDATE \"{}\".\"{object}\" SET updated_at = $2::text::timestamptz WHERE id = $1::text::uuid", app.org.schema),
            &[&id, &at],
        )
        .await
        .unwrap();
}

async fn merge(app: &TestApp, object: &str, master: &str, duplicates: &[String]) -> String {
    let (status, out) = app
        .duplicates(json!({"action": "merge", "object_name": object, "master_id": master, "duplicate_ids": duplicates, "merge_strategy": "fill_blanks"}))
        .await;
    assert_eq!(status, 200, "{out}");
    out["merge_id"].as_str().unwrap().to_owned()
}

async fn unmerge(app: &TestApp, merge_id: &str) -> (u16, Json) {
    app.duplicates(json!({"action": "unmerge", "merge_id": merge_id}))
        .await
}

#[actix_web::test]
async fn undoing_a_merge_gives_back_the_organization_byte_for_byte() {
    for object in ["contacts", "companies", "tags"] {
        let app = spawn_app().await;
        let (master, duplicates) = graph(&app, object).await;
        let before = app.snapshot().await;
        let master_at = updated_at(&app, object, &master).await;

        let merge_id = merge(&app, object, &master, &duplicates).await;
        assert_ne!(
            app.snapshot().await,
            before,
            "{object}: the merge changed something"
        );
        let (status, out) = unmerge(&app, &merge_id).await;
        assert_eq!(status, 200, "{object}: {out}");
        assert_eq!(out["restored"], json!(duplicates));
        assert_eq!(out["kept"], json!([]));
        assert_ne!(
            updated_at(&app, object, &master).await,
            master_at,
            "the master's updated_at moves"
        );
        set_updated_at(&app, object, &master, &master_at).await;
        assert_eq!(
            app.snapshot().await,
            before,
            "{object}: everything as it was"
        );

        let (status, out) = unmerge(&app, &merge_id).await;
        assert_eq!(
            (status, code(&out)),
            (409, "CONFLICT"),
            "{object}: undone once"
        );
        let (_, entry) = app
            .get(&format!("/api/v1/merges/{merge_id}"), &app.admin.token)
            .await;
        assert!(entry["undone_at"].is_string(), "{entry}");
        let (status, _) = app
            .get(
                &format!("/api/v1/records/{object}/{}", duplicates[0]),
                &app.admin.token,
            )
            .await;
        assert_eq!(status, 200, "the id is a record again");
    }
}

#[actix_web::test]
async fn changes_made_after_the_merge_stay_and_are_listed_as_kept() {
    let app = spawn_app().await;
    let (master, duplicates) = graph(&app, "contacts").await;
    let merge_id = merge(&app, "contacts", &master, &duplicates).await;
    // After the merge: a filled field changed, another one left as filled,
    // an opportunity moved to the master re-pointed elsewhere.
    let (status, _) = app
        .patch(
            &format!("/api/v1/records/contacts/{master}"),
            &app.admin.token,
            &json!({"job_title": "CEO"}),
        )
        .await;
    assert_eq!(status, 200);
    let other = app
        .create_id("contacts", json!({"first_name": "Other"}))
        .await;
    let (status, page) = app
        .get(&format!("/api/v1/records/opportunities?filter_field=contact&filter_operator=equals&filter_value={master}"), &app.admin.token)
        .await;
    assert_eq!(status, 200, "{page}");
    let moved: Vec<String> = page["data"].as_array().unwrap().iter().map(id_of).collect();
    assert!(moved.len() >= 2, "{page}");
    app.patch(
        &format!("/api/v1/records/opportunities/{}", moved[0]),
        &app.admin.token,
        &json!({"contact": other}),
    )
    .await;

    let (status, out) = unmerge(&app, &merge_id).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        out["kept"],
        json!([{"record_id": master, "field": "job_title"}])
    );
    let ann = app.fetch("contacts", &master).await.unwrap();
    assert_eq!(ann["job_title"], "CEO", "a later change stays");
    assert_eq!(
        ann["last_name"],
        Json::Null,
        "a filled field untouched since goes back"
    );
    let opp = app.fetch("opportunities", &moved[0]).await.unwrap();
    assert_eq!(
        opp["contact"],
        other.as_str(),
        "a reference re-pointed since stays"
    );
    let back = app.fetch("opportunities", &moved[1]).await.unwrap();
    assert_ne!(
        back["contact"],
        master.as_str(),
        "the others go back to their duplicate"
    );
}

#[actix_web::test]
async fn a_chain_undone_in_either_order_ends_as_if_nothing_was_merged() {
    for inner_first in [false, true] {
        let app = spawn_app().await;
        let (a, rest) = graph(&app, "contacts").await;
        let (b, c) = (rest[0].clone(), rest[1].clone());
        let before = app.snapshot().await;
        let (b_at, c_at) = (
            updated_at(&app, "contacts", &b).await,
            updated_at(&app, "contacts", &c).await,
        );
        let first = merge(&app, "contacts", &b, std::slice::from_ref(&a)).await;
        let second = merge(&app, "contacts", &c, std::slice::from_ref(&b)).await;
        let order = if inner_first {
            [&first, &second]
        } else {
            [&second, &first]
        };

        let (status, out) = unmerge(&app, order[0]).await;
        assert_eq!(status, 200, "inner first: {inner_first}: {out}");
        if inner_first {
            // A is back; B stays merged into C, as if A had never been merged.
            assert!(app.fetch("contacts", &a).await.is_some());
            assert!(app.fetch("contacts", &b).await.is_none());
            let (_, entry) = app
                .get(&format!("/api/v1/merges/{second}"), &app.admin.token)
                .await;
            assert_eq!(
                entry["undone_at"],
                Json::Null,
                "the later merge stands: {entry}"
            );
        }
        let (status, out) = unmerge(&app, order[1]).await;
        assert_eq!(status, 200, "inner first: {inner_first}: {out}");
        set_updated_at(&app, "contacts", &b, &b_at).await;
        set_updated_at(&app, "contacts", &c, &c_at).await;
        assert_eq!(app.snapshot().await, before, "inner first: {inner_first}");
    }
}

#[actix_web::test]
async fn an_unmerge_after_a_former_link_target_was_deleted_restores_the_rest() {
    let app = spawn_app().await;
    let keep = app.create_id("tags", json!({"name": "keep"})).await;
    let gone = app.create_id("tags", json!({"name": "gone"})).await;
    let company = app
        .create_id("companies", json!({"name": "Gone Inc"}))
        .await;
    let m = app.create_id("contacts", json!({"first_name": "M"})).await;
    let d = app
        .create_id(
            "contacts",
            json!({"first_name": "D", "tags": [keep, gone], "company": company}),
        )
        .await;
    let merge_id = merge(&app, "contacts", &m, std::slice::from_ref(&d)).await;
    app.delete(&format!("/api/v1/records/tags/{gone}"), &app.admin.token)
        .await;
    app.delete(
        &format!("/api/v1/records/companies/{company}"),
        &app.admin.token,
    )
    .await;

    let (status, out) = unmerge(&app, &merge_id).await;
    assert_eq!(status, 200, "{out}");
    let back = app.fetch("contacts", &d).await.unwrap();
    assert_eq!(back["tags"], json!([keep]));
    assert_eq!(
        back["company"],
        Json::Null,
        "a reference to a deleted record is null, as deletion leaves it"
    );
    assert_eq!(app.fetch("contacts", &m).await.unwrap()["tags"], json!([]));
}

#[actix_web::test]
async fn unmerge_is_refused_where_it_must_be() {
    let app = spawn_app().await;
    let m = app.create_id("contacts", json!({"first_name": "M"})).await;
    let d = app.create_id("contacts", json!({"first_name": "D"})).await;
    let merge_id = merge(&app, "contacts", &m, std::slice::from_ref(&d)).await;
    let body = json!({"action": "unmerge", "merge_id": merge_id});
    let (status, out) = app
        .post("/api/v1/duplicates", &app.member.token, &body)
        .await;
    assert_eq!((status, code(&out)), (403, "PERMISSION_DENIED"));
    let globex = app.other_org().await;
    let (status, out) = app.post("/api/v1/duplicates", &globex.token, &body).await;
    assert_eq!(
        (status, code(&out)),
        (404, "NOT_FOUND"),
        "another organization's merge does not exist"
    );
    let (status, out) = unmerge(&app, &uuid::Uuid::new_v4().to_string()).await;
    assert_eq!((status, code(&out)), (404, "NOT_FOUND"));
    let (status, out) = unmerge(&app, "nope").await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"));
    app.db
        .execute(
            "UPDATE kasar.merges SET merged_at = now() - interval '91 days'",
            &[],
        )
        .await
        .unwrap();
    let (status, out) = unmerge(&app, &merge_id).await;
    assert_eq!((status, code(&out)), (404, "NOT_FOUND"), "expired: {out}");
    assert!(app.fetch("contacts", &d).await.is_none());
}

#[actix_web::test]
async fn unmerge_racing_a_merge_of_the_same_records_stays_consistent() {
    let app = spawn_app().await;
    for round in 0..5 {
        let m = app
            .create_id("contacts", json!({"first_name": format!("M{round}")}))
            .await;
        let d = app
            .create_id(
                "contacts",
                json!({"first_name": format!("D{round}"), "email": format!("d{round}@x.io")}),
            )
            .await;
        let x = app
            .create_id("contacts", json!({"first_name": format!("X{round}")}))
            .await;
        let merge_id = merge(&app, "contacts", &m, std::slice::from_ref(&d)).await;
        let undo = unmerge(&app, &merge_id);
        let other = app.duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": x, "duplicate_ids": [m]}));
        let ((us, uo), (ms, mo)) = tokio::join!(undo, other);
        assert!(us == 200 || us == 409, "unmerge: {us} {uo}");
        assert_eq!(ms, 200, "{mo}");
        // Whatever the order, the merged-away master is gone and x holds it.
        assert!(app.fetch("contacts", &m).await.is_none());
        let d_back = app.fetch("contacts", &d).await.is_some();
        assert_eq!(
            d_back,
            us == 200,
            "d is back exactly when the unmerge ran first"
        );
    }
}
