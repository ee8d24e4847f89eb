//! add_relation / remove_relation on tags: counts, idempotence, junction rows,
//! updated_at.

use super::*;

fn links_body(action: &str, records: &[&str], targets: &[&str]) -> Json {
    json!({ "action": action, "object_name": "contacts", "record_ids": records, "relation_field": "tags", "target_ids": targets })
}

#[actix_web::test]
async fn add_relation_links_every_record_to_every_target_and_is_idempotent() {
    let app = spawn_app().await;
    let (t1, t2) = (tag(&app, "vip").await, tag(&app, "lead").await);
    let a = contact(&app, json!({ "first_name": "A" })).await;
    let b = contact(&app, json!({ "first_name": "B" })).await;
    let c = contact(&app, json!({ "first_name": "C" })).await;
    let bystander = contact(&app, json!({ "first_name": "D" })).await;
    let body = links_body("add_relation", &[&a, &b, &c, &a], &[&t1, &t2, &t2]);
    let out = ok(&app, &app.admin.token, body.clone()).await;
    assert_eq!(
        out,
        json!({ "action": "add_relation", "added": 6, "failed": 0, "total": 6 })
    );
    assert_eq!(links(&app, None).await, 6);
    let mut both = vec![t1.clone(), t2.clone()];
    both.sort();
    for id in [&a, &b, &c] {
        assert_eq!(
            ids_of(&app.fetch("contacts", id).await.unwrap()["tags"]),
            both,
            "tags of {id}"
        );
    }
    assert_eq!(
        app.fetch("contacts", &bystander).await.unwrap()["tags"],
        json!([])
    );

    let before = stamps(&app, "contacts", &[&a, &b, &c]).await;
    let again = ok(&app, &app.admin.token, body).await;
    assert_eq!(
        again,
        json!({ "action": "add_relation", "added": 6, "failed": 0, "total": 6 })
    );
    assert_eq!(
        links(&app, None).await,
        6,
        "a second add doubled junction rows"
    );
    assert_eq!(
        stamps(&app, "contacts", &[&a, &b, &c]).await,
        before,
        "no link changed, yet updated_at moved"
    );
}

#[actix_web::test]
async fn add_relation_bumps_updated_at_only_where_a_link_was_added() {
    let app = spawn_app().await;
    let (t1, t2) = (tag(&app, "vip").await, tag(&app, "lead").await);
    let linked = contact(&app, json!({ "first_name": "A", "tags": [t1, t2] })).await;
    let half = contact(&app, json!({ "first_name": "B", "tags": [t1] })).await;
    let bare = contact(&app, json!({ "first_name": "C" })).await;
    let before = stamps(&app, "contacts", &[&linked, &half, &bare]).await;
    let out = ok(
        &app,
        &app.admin.token,
        links_body("add_relation", &[&linked, &half, &bare], &[&t1, &t2]),
    )
    .await;
    assert_eq!(
        out,
        json!({ "action": "add_relation", "added": 6, "failed": 0, "total": 6 })
    );
    assert_eq!(links(&app, None).await, 6);
    let after = stamps(&app, "contacts", &[&linked, &half, &bare]).await;
    assert_eq!(
        after[0], before[0],
        "already fully linked, yet updated_at moved"
    );
    assert!(after[1] > before[1], "one link added, updated_at kept");
    assert!(after[2] > before[2], "two links added, updated_at kept");
}

#[actix_web::test]
async fn remove_relation_counts_absent_links_as_removed_and_keeps_other_links() {
    let app = spawn_app().await;
    let (t1, t2, t3) = (
        tag(&app, "vip").await,
        tag(&app, "lead").await,
        tag(&app, "cold").await,
    );
    let full = contact(&app, json!({ "first_name": "A", "tags": [t1, t2, t3] })).await;
    let one = contact(&app, json!({ "first_name": "B", "tags": [t2] })).await;
    let bare = contact(&app, json!({ "first_name": "C" })).await;
    let kept = contact(&app, json!({ "first_name": "D", "tags": [t1, t2] })).await;
    assert_eq!(links(&app, None).await, 6);
    let before = stamps(&app, "contacts", &[&full, &one, &bare, &kept]).await;
    let out = ok(
        &app,
        &app.admin.token,
        links_body(
            "remove_relation",
            &[&full, &one, &bare, &bare],
            &[&t1, &t2, &t1],
        ),
    )
    .await;
    assert_eq!(
        out,
        json!({ "action": "remove_relation", "removed": 6, "failed": 0, "total": 6 })
    );
    assert_eq!(
        app.fetch("contacts", &full).await.unwrap()["tags"],
        json!([t3])
    );
    assert_eq!(
        app.fetch("contacts", &one).await.unwrap()["tags"],
        json!([])
    );
    assert_eq!(
        links(&app, Some(&kept)).await,
        2,
        "a record outside the request lost links"
    );
    assert_eq!(links(&app, None).await, 3);
    let after = stamps(&app, "contacts", &[&full, &one, &bare, &kept]).await;
    assert!(after[0] > before[0]);
    assert!(after[1] > before[1]);
    assert_eq!(
        after[2], before[2],
        "nothing was unlinked, yet updated_at moved"
    );
    assert_eq!(after[3], before[3]);

    let again = ok(
        &app,
        &app.admin.token,
        links_body("remove_relation", &[&full, &one], &[&t1, &t2]),
    )
    .await;
    assert_eq!(
        again,
        json!({ "action": "remove_relation", "removed": 4, "failed": 0, "total": 4 })
    );
    assert_eq!(
        stamps(&app, "contacts", &[&full, &one]).await,
        after[..2].to_vec()
    );
}

#[actix_web::test]
async fn relations_work_on_companies_and_opportunities_too() {
    let app = spawn_app().await;
    let t = tag(&app, "vip").await;
    let co = app.create_id("companies", json!({ "name": "Acme" })).await;
    let opp = app
        .create_id("opportunities", json!({ "name": "Deal" }))
        .await;
    for (object, id) in [("companies", &co), ("opportunities", &opp)] {
        let body = |action: &str| json!({ "action": action, "object_name": object, "record_ids": [id], "relation_field": "tags", "target_ids": [t] });
        assert_eq!(
            ok(&app, &app.admin.token, body("add_relation")).await["added"],
            1
        );
        assert_eq!(app.fetch(object, id).await.unwrap()["tags"], json!([t]));
        let junction = format!(
            "SELECT count(*) FROM \"{}\".\"{object}_tags\"",
            app.org.schema
        );
        assert_eq!(app.count(&junction).await, 1);
        assert_eq!(
            ok(&app, &app.admin.token, body("remove_relation")).await["removed"],
            1
        );
        assert_eq!(app.count(&junction).await, 0);
    }
}
