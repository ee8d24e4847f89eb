//! merge under contention: two merges racing for the same records end with
//! one applied and the other applied after it or a 404, never a 500 or a
//! half-merged state.

use futures_util::future::join;

use super::*;

/// Both results of two racing merges: exactly one 200, the other a 404
/// RECORD_NOT_FOUND. Returns whether the first won.
fn one_wins(round: usize, first: &(u16, Json), second: &(u16, Json)) -> bool {
    let outcome = |r: &(u16, Json)| (r.0, if r.0 == 200 { "" } else { code(&r.1) }.to_owned());
    let (a, b) = (outcome(first), outcome(second));
    let won = (200, String::new());
    let lost = (404, "RECORD_NOT_FOUND".to_owned());
    assert!(
        (a == won && b == lost) || (a == lost && b == won),
        "round {round}: {first:?} / {second:?}"
    );
    a == won
}

#[actix_web::test]
async fn two_masters_racing_for_the_same_duplicate_end_with_one_merge_and_one_not_found() {
    let app = spawn_app().await;
    let schema = app.org.schema.clone();
    for round in 0..10 {
        let tag = app
            .create_id("tags", json!({"name": format!("t{round}")}))
            .await;
        let a = app.create_id("contacts", json!({"first_name": "A"})).await;
        let b = app.create_id("contacts", json!({"first_name": "B"})).await;
        let d = app
            .create_id(
                "contacts",
                json!({"first_name": "D", "email": "d@x.io", "tags": [tag]}),
            )
            .await;
        let opp = app
            .create_id("opportunities", json!({"name": "Deal", "contact": d}))
            .await;
        let fill = |master: &str| {
            let mut body = merge_body("contacts", master, &[&d]);
            body["merge_strategy"] = json!("fill_blanks");
            body
        };

        let (ra, rb) = join(app.duplicates(fill(&a)), app.duplicates(fill(&b))).await;

        let (winner, loser) = if one_wins(round, &ra, &rb) {
            (&a, &b)
        } else {
            (&b, &a)
        };
        assert!(app.fetch("contacts", &d).await.is_none(), "round {round}");
        let won = app.fetch("contacts", winner).await.expect("winner");
        let lost = app
            .fetch("contacts", loser)
            .await
            .expect("the losing master still exists");
        assert_eq!(
            (&won["email"], &won["tags"]),
            (&json!("d@x.io"), &json!([tag])),
            "round {round}"
        );
        assert_eq!(
            (&lost["email"], &lost["tags"]),
            (&json!(null), &json!([])),
            "round {round}"
        );
        assert_eq!(
            app.fetch("opportunities", &opp).await.expect("opportunity")["contact"],
            json!(winner),
            "round {round}"
        );
        assert_eq!(
            junction_rows(&app, "contacts_tags", "source_id", &d).await,
            0,
            "round {round}"
        );
        assert_eq!(
            junction_rows(&app, "contacts_tags", "target_id", &tag).await,
            1,
            "round {round}"
        );
    }
    let orphans = format!(
        "SELECT count(*) FROM \"{schema}\".contacts_tags j WHERE NOT EXISTS (SELECT 1 FROM \"{schema}\".contacts c WHERE c.id = j.source_id)"
    );
    assert_eq!(app.count(&orphans).await, 0);
}

#[actix_web::test]
async fn a_merge_into_a_record_being_merged_elsewhere_applies_after_it_or_is_not_found() {
    let app = spawn_app().await;
    for round in 0..10 {
        let tag = |name: &str| app.create_id("tags", json!({ "name": name }));
        let (ta, tb, tc) = (tag("a").await, tag("b").await, tag("c").await);
        let a = app
            .create_id("contacts", json!({"first_name": "A", "tags": [ta]}))
            .await;
        let b = app
            .create_id(
                "contacts",
                json!({"first_name": "B", "email": "b@x.io", "tags": [tb]}),
            )
            .await;
        let c = app
            .create_id("contacts", json!({"first_name": "C", "tags": [tc]}))
            .await;
        let opp = app
            .create_id("opportunities", json!({"name": "Deal", "contact": b}))
            .await;
        let fill = |master: &str, duplicate: &str| {
            let mut body = merge_body("contacts", master, &[duplicate]);
            body["merge_strategy"] = json!("fill_blanks");
            body
        };

        // B into A, and A (the first merge's master) into C.
        let (first, second) =
            join(app.duplicates(fill(&a, &b)), app.duplicates(fill(&c, &a))).await;

        assert_eq!(
            second.0, 200,
            "round {round}: C<-A can always be applied: {second:?}"
        );
        assert!(app.fetch("contacts", &a).await.is_none(), "round {round}");
        let kept = app.fetch("contacts", &c).await.expect("C");
        if first.0 == 200 {
            // B into A first, then A (with B's values and links) into C.
            assert!(app.fetch("contacts", &b).await.is_none(), "round {round}");
            assert_eq!(
                (&kept["email"], &kept["tags"]),
                (&json!("b@x.io"), &sorted_json(&[&ta, &tb, &tc])),
                "round {round}"
            );
            assert_eq!(
                app.fetch("opportunities", &opp).await.expect("opportunity")["contact"],
                json!(c),
                "round {round}"
            );
        } else {
            assert_eq!(
                (first.0, code(&first.1)),
                (404, "RECORD_NOT_FOUND"),
                "round {round}: {first:?}"
            );
            let b_record = app.fetch("contacts", &b).await.expect("B untouched");
            assert_eq!(
                (&b_record["email"], &b_record["tags"]),
                (&json!("b@x.io"), &json!([tb])),
                "round {round}"
            );
            assert_eq!(
                (&kept["email"], &kept["tags"]),
                (&json!(null), &sorted_json(&[&ta, &tc])),
                "round {round}"
            );
            assert_eq!(
                app.fetch("opportunities", &opp).await.expect("opportunity")["contact"],
                json!(b),
                "round {round}"
            );
        }
    }
}

#[actix_web::test]
async fn two_records_merged_into_each_other_at_once_end_with_one_survivor() {
    let app = spawn_app().await;
    let schema = app.org.schema.clone();
    for round in 0..10 {
        let (ta, tb) = (
            app.create_id("tags", json!({"name": "a"})).await,
            app.create_id("tags", json!({"name": "b"})).await,
        );
        let a = app
            .create_id("contacts", json!({"first_name": "A", "tags": [ta]}))
            .await;
        let b = app
            .create_id(
                "contacts",
                json!({"first_name": "B", "last_name": "Bee", "tags": [tb]}),
            )
            .await;
        let oa = app
            .create_id("opportunities", json!({"name": "A", "contact": a}))
            .await;
        let ob = app
            .create_id("opportunities", json!({"name": "B", "contact": b}))
            .await;

        let (ra, rb) = join(
            app.duplicates(merge_body("contacts", &a, &[&b])),
            app.duplicates(merge_body("contacts", &b, &[&a])),
        )
        .await;

        let (survivor, merged) = if one_wins(round, &ra, &rb) {
            (&a, &b)
        } else {
            (&b, &a)
        };
        assert!(
            app.fetch("contacts", merged).await.is_none(),
            "round {round}"
        );
        let kept = app.fetch("contacts", survivor).await.expect("survivor");
        assert_eq!(kept["tags"], sorted_json(&[&ta, &tb]), "round {round}");
        let expected_last_name = if survivor == &a {
            json!(null)
        } else {
            json!("Bee")
        };
        assert_eq!(
            kept["last_name"], expected_last_name,
            "round {round}: keep_master"
        );
        for opp in [&oa, &ob] {
            assert_eq!(
                app.fetch("opportunities", opp).await.expect("opportunity")["contact"],
                json!(survivor),
                "round {round}"
            );
        }
        assert_eq!(
            junction_rows(&app, "contacts_tags", "source_id", merged).await,
            0,
            "round {round}"
        );
    }
    let orphans = format!(
        "SELECT count(*) FROM \"{schema}\".contacts_tags j WHERE NOT EXISTS (SELECT 1 FROM \"{schema}\".contacts c WHERE c.id = j.source_id)"
    );
    assert_eq!(app.count(&orphans).await, 0);
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM \"{schema}\".contacts"))
            .await,
        10
    );
}
