//! merge: every reference to a duplicate ends on the master, every link of a
//! duplicate is moved to the master once, checked through the API and in SQL.

use super::*;

#[actix_web::test]
async fn merging_contacts_repoints_opportunities_and_unites_tags_without_doubles() {
    let app = spawn_app().await;
    let tag = |name: &str| app.create_id("tags", json!({ "name": name }));
    let (t1, t2, t3) = (tag("one").await, tag("two").await, tag("three").await);
    let m = app
        .create_id("contacts", json!({"first_name": "Ann", "tags": [t1]}))
        .await;
    let d1 = app
        .create_id("contacts", json!({"first_name": "Ann", "tags": [t1, t2]}))
        .await;
    let d2 = app
        .create_id("contacts", json!({"first_name": "Ann", "tags": [t2, t3]}))
        .await;
    let bystander = app
        .create_id("contacts", json!({"first_name": "Bo", "tags": [t1, t3]}))
        .await;
    let opp = |contact: &String| {
        app.create_id("opportunities", json!({"name": "Deal", "contact": contact}))
    };
    let (o1, o2, o3, o4) = (
        opp(&d1).await,
        opp(&d2).await,
        opp(&m).await,
        opp(&bystander).await,
    );

    let out = merge(&app, merge_body("contacts", &m, &[&d1, &d2])).await;

    assert_eq!(
        (
            &out["master_id"],
            &out["duplicates_deleted"],
            &out["strategy"]
        ),
        (&json!(m), &json!(2), &json!("keep_master"))
    );
    assert_eq!(
        (
            &out["references_relinked"],
            &out["links_moved"],
            &out["links_dropped"]
        ),
        (&json!(2), &json!(2), &json!(2)),
        "{out}"
    );
    assert!(app.fetch("contacts", &d1).await.is_none());
    assert!(app.fetch("contacts", &d2).await.is_none());
    for (o, contact) in [(&o1, &m), (&o2, &m), (&o3, &m), (&o4, &bystander)] {
        assert_eq!(
            app.fetch("opportunities", o).await.expect("opportunity")["contact"],
            json!(contact)
        );
    }
    assert_eq!(
        app.fetch("contacts", &m).await.expect("master")["tags"],
        sorted_json(&[&t1, &t2, &t3])
    );
    assert_eq!(
        app.fetch("contacts", &bystander).await.expect("bystander")["tags"],
        sorted_json(&[&t1, &t3])
    );
    assert_eq!(
        targets(&app, "contacts_tags", &m).await,
        owned(&sorted(&[&t1, &t2, &t3]))
    );
    for d in [&d1, &d2] {
        assert_eq!(
            junction_rows(&app, "contacts_tags", "source_id", d).await,
            0
        );
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM \"{}\".contacts_tags",
            app.org.schema
        ))
        .await,
        5
    );
    let schema = &app.org.schema;
    let dangling = format!(
        "SELECT count(*) FROM \"{schema}\".opportunities WHERE contact IN ('{d1}', '{d2}')"
    );
    assert_eq!(app.count(&dangling).await, 0);
}

#[actix_web::test]
async fn merging_companies_repoints_contacts_and_opportunities_and_unites_tags() {
    let app = spawn_app().await;
    let (t1, t2) = (
        app.create_id("tags", json!({"name": "one"})).await,
        app.create_id("tags", json!({"name": "two"})).await,
    );
    let m = app
        .create_id("companies", json!({"name": "Acme", "tags": [t1]}))
        .await;
    let d = app
        .create_id("companies", json!({"name": "ACME", "tags": [t1, t2]}))
        .await;
    let other = app.create_id("companies", json!({"name": "Globex"})).await;
    let k1 = app
        .create_id("contacts", json!({"first_name": "K1", "company": d}))
        .await;
    let k2 = app
        .create_id("contacts", json!({"first_name": "K2", "company": m}))
        .await;
    let k3 = app
        .create_id("contacts", json!({"first_name": "K3", "company": other}))
        .await;
    let o1 = app
        .create_id(
            "opportunities",
            json!({"name": "One", "company": d, "contact": k3}),
        )
        .await;
    let o2 = app
        .create_id("opportunities", json!({"name": "Two", "company": other}))
        .await;

    let out = merge(&app, merge_body("companies", &m, &[&d])).await;

    assert_eq!(out["duplicates_deleted"], 1);
    assert_eq!(out["references_relinked"], 2, "{out}");
    assert!(app.fetch("companies", &d).await.is_none());
    for (contact, company) in [(&k1, &m), (&k2, &m), (&k3, &other)] {
        assert_eq!(
            app.fetch("contacts", contact).await.expect("contact")["company"],
            json!(company)
        );
    }
    let o1 = app.fetch("opportunities", &o1).await.expect("opportunity");
    assert_eq!((&o1["company"], &o1["contact"]), (&json!(m), &json!(k3)));
    assert_eq!(
        app.fetch("opportunities", &o2).await.expect("opportunity")["company"],
        json!(other)
    );
    assert_eq!(
        app.fetch("companies", &m).await.expect("master")["tags"],
        sorted_json(&[&t1, &t2])
    );
    assert_eq!(
        targets(&app, "companies_tags", &m).await,
        owned(&sorted(&[&t1, &t2]))
    );
    assert_eq!(
        junction_rows(&app, "companies_tags", "source_id", &d).await,
        0
    );
    let schema = &app.org.schema;
    for (table, column) in [("contacts", "company"), ("opportunities", "company")] {
        let sql = format!("SELECT count(*) FROM \"{schema}\".{table} WHERE {column} = '{d}'");
        assert_eq!(app.count(&sql).await, 0, "{table}.{column}");
    }
}

#[actix_web::test]
async fn merging_tags_moves_every_link_of_every_object_to_the_master_tag_once() {
    let app = spawn_app().await;
    let t = app.create_id("tags", json!({"name": "vip"})).await;
    let u = app.create_id("tags", json!({"name": "VIP"})).await;
    let w = app
        .create_id("tags", json!({"name": "Very important"}))
        .await;
    let keep = app.create_id("tags", json!({"name": "other"})).await;
    let mut holders = Vec::new();
    for (object, base) in [
        ("contacts", json!({"first_name": "X"})),
        ("companies", json!({"name": "X"})),
        ("opportunities", json!({"name": "X"})),
    ] {
        for tags in [
            json!([u]),
            json!([t, u, keep]),
            json!([u, w]),
            json!([keep]),
        ] {
            let mut body = base.clone();
            body["tags"] = tags;
            holders.push((object, app.create_id(object, body).await));
        }
    }

    let out = merge(&app, merge_body("tags", &t, &[&u, &w])).await;

    assert_eq!(out["duplicates_deleted"], 2);
    assert!(app.fetch("tags", &u).await.is_none());
    assert!(app.fetch("tags", &w).await.is_none());
    for (n, (object, id)) in holders.iter().enumerate() {
        let expected = match n % 4 {
            0 | 2 => sorted_json(&[&t]),
            1 => sorted_json(&[&t, &keep]),
            _ => sorted_json(&[&keep]),
        };
        assert_eq!(
            app.fetch(object, id).await.expect("holder")["tags"],
            expected,
            "{object} #{n}"
        );
    }
    for junction in ["contacts_tags", "companies_tags", "opportunities_tags"] {
        assert_eq!(
            junction_rows(&app, junction, "target_id", &t).await,
            3,
            "{junction}"
        );
        assert_eq!(
            junction_rows(&app, junction, "target_id", &keep).await,
            2,
            "{junction}"
        );
        assert_eq!(
            junction_rows(&app, junction, "target_id", &u).await,
            0,
            "{junction}"
        );
        assert_eq!(
            junction_rows(&app, junction, "target_id", &w).await,
            0,
            "{junction}"
        );
        let total = app
            .count(&format!(
                "SELECT count(*) FROM \"{}\".\"{junction}\"",
                app.org.schema
            ))
            .await;
        assert_eq!(total, 5, "{junction}");
    }
    assert_eq!(out["links_moved"], 6, "{out}");
    assert_eq!(out["links_dropped"], 6, "{out}");
}
