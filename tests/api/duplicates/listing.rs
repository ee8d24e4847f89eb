//! detect, listing: the order of groups and records, `fields`, `limit`,
//! `records_scanned` and the scan limit, full records and tenant isolation.

use super::*;

#[actix_web::test]
async fn groups_come_in_criterion_order_then_by_oldest_record_with_records_oldest_first() {
    let app = spawn_app().await;
    let id = |body: Json| app.create_id("contacts", body);
    let (n1, n2) = (
        id(json!({"first_name": "Ann", "last_name": "Lee"})).await,
        id(json!({"first_name": "ann", "last_name": "lee"})).await,
    );
    let (p1, p2) = (
        id(json!({"phone": "555 000 4444"})).await,
        id(json!({"phone": "5550004444"})).await,
    );
    let (e1, e2) = (
        id(json!({"email": "early@x.io"})).await,
        id(json!({"email": "early@x.io"})).await,
    );
    let (l1, l2) = (
        id(json!({"email": "late@x.io"})).await,
        id(json!({"email": "late@x.io"})).await,
    );
    // Names and phones are the oldest, yet come after the email groups; the
    // "late" group holds the oldest email record; inside a group, the
    // creation time decides, then the id.
    for (record, at) in [
        (&n1, "2019-06-01T00:00:00Z"),
        (&n2, "2019-06-02T00:00:00Z"),
        (&p1, "2020-01-02T00:00:00Z"),
        (&p2, "2020-01-01T00:00:00Z"),
        (&l1, "2021-03-01T00:00:00Z"),
        (&l2, "2021-02-01T00:00:00Z"),
        (&e1, "2021-05-01T00:00:00Z"),
        (&e2, "2021-05-01T00:00:00Z"),
    ] {
        set_created_at(&app, "contacts", record, at).await;
    }
    let early = owned(&sorted(&[&e1, &e2]));

    let out = detect_on(&app, "contacts", None).await;

    assert_eq!(
        groups(&out),
        vec![
            group("email", &[&l2, &l1]),
            group("email", &[&early[0], &early[1]]),
            group("phone", &[&p2, &p1]),
            group("name", &[&n1, &n2]),
        ]
    );
}

#[actix_web::test]
async fn fields_restricts_detection_to_the_criteria_asked_for() {
    let app = spawn_app().await;
    let id = |body: Json| app.create_id("contacts", body);
    let (a, b) = (
        id(json!({"email": "x@x.io"})).await,
        id(json!({"email": "x@x.io"})).await,
    );
    let (c, d) = (
        id(json!({"phone": "555 000 5555"})).await,
        id(json!({"phone": "555 000 5555"})).await,
    );
    let (e, f) = (
        id(json!({"linkedin": "eve"})).await,
        id(json!({"linkedin": "linkedin.com/in/eve"})).await,
    );
    let (g, h) = (
        id(json!({"first_name": "Gus", "last_name": "Ho"})).await,
        id(json!({"first_name": "Gus", "last_name": "Ho"})).await,
    );
    let all = vec![
        group("email", &[&a, &b]),
        group("phone", &[&c, &d]),
        group("linkedin", &[&e, &f]),
        group("name", &[&g, &h]),
    ];

    let cases: Vec<(Option<&[&str]>, Vec<Group>)> = vec![
        (None, all.clone()),
        (Some(&["email", "phone", "linkedin", "name"]), all.clone()),
        (
            Some(&["name", "linkedin"]),
            vec![all[2].clone(), all[3].clone()],
        ),
        (Some(&["email"]), vec![all[0].clone()]),
        (Some(&["phone", "phone"]), vec![all[1].clone()]),
    ];
    for (fields, expected) in cases {
        let out = detect_on(&app, "contacts", fields).await;
        assert_eq!(groups(&out), expected, "{fields:?}");
        assert_eq!(out["total_groups"], expected.len(), "{fields:?}");
        assert_eq!(out["records_scanned"], 8, "{fields:?}");
    }
}

#[actix_web::test]
async fn limit_cuts_the_groups_returned_but_total_groups_counts_them_all() {
    let app = spawn_app().await;
    let mut expected = Vec::new();
    for n in 0..3 {
        let x = app
            .create_id("contacts", json!({"email": format!("g{n}@x.io")}))
            .await;
        let y = app
            .create_id("contacts", json!({"email": format!("g{n}@x.io")}))
            .await;
        expected.push(group("email", &[&x, &y]));
    }

    for (limit, returned) in [(1, 1), (2, 2), (3, 3), (1000, 3)] {
        let out = detect(
            &app,
            json!({"action": "detect", "object_name": "contacts", "limit": limit}),
        )
        .await;
        assert_eq!(groups(&out), expected[..returned].to_vec(), "limit {limit}");
        assert_eq!(out["total_groups"], 3, "limit {limit}");
        assert_eq!(out["records_scanned"], 6, "limit {limit}");
    }
}

#[actix_web::test]
async fn the_default_limit_is_fifty_groups() {
    let app = spawn_app().await;
    app.sql("INSERT INTO {s}.contacts (email) SELECT 'bulk' || (g % 51) || '@x.io' FROM generate_series(0, 101) g").await;

    let out = detect_on(&app, "contacts", None).await;

    assert_eq!(groups(&out).len(), 50);
    assert_eq!(out["total_groups"], 51);
    assert_eq!(out["records_scanned"], 102);
}

#[actix_web::test]
async fn records_scanned_counts_the_records_of_the_object_read() {
    let app = spawn_app().await;
    let out = detect_on(&app, "contacts", None).await;
    assert_eq!(
        (out["records_scanned"].clone(), out["total_groups"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(out["duplicate_groups"], json!([]));

    for n in 0..3 {
        app.create("contacts", json!({"email": format!("c{n}@x.io")}))
            .await;
    }
    for n in 0..2 {
        app.create("companies", json!({"name": format!("Co {n}")}))
            .await;
    }
    assert_eq!(
        detect_on(&app, "contacts", None).await["records_scanned"],
        3
    );
    assert_eq!(
        detect_on(&app, "companies", None).await["records_scanned"],
        2
    );
    assert_eq!(
        detect_on(&app, "tags", Some(&["email"])).await["records_scanned"],
        0
    );
}

#[actix_web::test]
async fn the_scan_reads_only_the_newest_records_up_to_the_scan_limit() {
    let app = spawn_app_with(|s| s.duplicates.scan_limit = 3).await;
    let id = |body: Json| app.create_id("contacts", body);
    let _old1 = id(json!({"email": "old@x.io", "phone": "555 000 6666"})).await;
    let _old2 = id(json!({"email": "old@x.io"})).await;
    let new1 = id(json!({"email": "new@x.io"})).await;
    let _new2 = id(json!({"phone": "555 000 6666"})).await;
    let new3 = id(json!({"email": "new@x.io"})).await;

    let out = detect_on(&app, "contacts", None).await;

    assert_eq!(out["records_scanned"], 3);
    assert_eq!(groups(&out), vec![group("email", &[&new1, &new3])]);
    assert_eq!(out["total_groups"], 1);
}

#[actix_web::test]
async fn the_record_just_beyond_the_scan_is_left_out_of_the_groups() {
    // Detect reads one record more than its scan, to tell a table that fits
    // in it from a larger one: that record is not scanned, whatever it
    // matches among those that are.
    let app = spawn_app_with(|s| s.duplicates.scan_limit = 2).await;
    let id = |body: Json| app.create_id("contacts", body);
    let a = id(json!({"email": "m@x.io"})).await;
    let b = id(json!({"email": "M@x.io", "phone": "555 000 0001"})).await;
    let c = id(json!({"phone": "(555) 000-0001"})).await;

    // The default scan (the two newest): `a`, read beyond it, shares b's e-mail.
    let out = detect_on(&app, "contacts", None).await;
    assert_eq!(out["records_scanned"], 2, "{out}");
    assert_eq!(groups(&out), vec![group("phone", &[&b, &c])]);
    // A scan of another length: `b`, read beyond it, shares c's phone.
    let out = app.detect_contacts(json!({"scan_limit": 1})).await;
    assert_eq!(out["records_scanned"], 1, "{out}");
    assert_eq!(out["total_groups"], 0, "{out}");
    // A scan that holds the whole table finds both pairs.
    let out = app.detect_contacts(json!({"scan_limit": 3})).await;
    assert_eq!(out["records_scanned"], 3, "{out}");
    assert_eq!(
        groups(&out),
        vec![group("email", &[&a, &b]), group("phone", &[&b, &c])]
    );
}

#[actix_web::test]
async fn every_record_in_a_group_is_the_full_record_as_get_returns_it() {
    let app = spawn_app().await;
    let company = app
        .create_id("companies", json!({"name": "Acme", "domain": "acme.io"}))
        .await;
    let t1 = app.create_id("tags", json!({"name": "vip"})).await;
    let t2 = app
        .create_id("tags", json!({"name": "lead", "color": "red"}))
        .await;
    let full = json!({
        "first_name": "Alice", "last_name": "Martin", "email": "alice@acme.io", "secondary_email": "a@home.io",
        "phone": "+1 555 000 7777", "mobile_phone": "555 000 7778", "linkedin": "alice-martin", "job_title": "CEO",
        "status": "qualified", "owner": app.admin.workspace_user_id, "company": company, "tags": [t1, t2],
    });
    let a = app.create_id("contacts", full).await;
    let b = app
        .create_id("contacts", json!({"email": "ALICE@acme.io", "tags": [t2]}))
        .await;
    app.create_id("companies", json!({"name": "acme"})).await;

    for object in ["contacts", "companies"] {
        let out = detect_on(&app, object, None).await;
        let found = out["duplicate_groups"].as_array().expect("groups");
        assert_eq!(found.len(), 1, "{object}: {out}");
        for record in found[0]["records"].as_array().expect("records") {
            let fetched = app
                .fetch(object, &id_of(record))
                .await
                .expect("record exists");
            assert_eq!(record, &fetched);
        }
    }
    let out = detect_on(&app, "contacts", None).await;
    let first = &out["duplicate_groups"][0]["records"][0];
    assert_eq!(id_of(first), a);
    assert_eq!(first["company"], json!(company));
    assert_eq!(first["tags"], sorted_json(&[&t1, &t2]));
    assert_eq!(id_of(&out["duplicate_groups"][0]["records"][1]), b);
}

#[actix_web::test]
async fn detect_never_shows_records_of_another_organization() {
    let app = spawn_app().await;
    let globex = app.other_org().await;
    let mut theirs = Vec::new();
    for body in [
        json!({"email": "shared@x.io"}),
        json!({"email": "shared@x.io", "phone": "555 000 8888"}),
    ] {
        let (status, record) = app
            .post("/api/v1/records/contacts", &globex.token, &body)
            .await;
        assert_eq!(status, 201, "{record}");
        theirs.push(id_of(&record));
    }
    let a = app
        .create_id("contacts", json!({"email": "shared@x.io"}))
        .await;
    app.create("contacts", json!({"phone": "555-000-8888"}))
        .await;

    let out = detect_on(&app, "contacts", None).await;
    assert_eq!(groups(&out), vec![]);
    assert_eq!(out["records_scanned"], 2);

    let b = app
        .create_id("contacts", json!({"email": "Shared@x.io"}))
        .await;
    let out = detect_on(&app, "contacts", None).await;
    assert_eq!(groups(&out), vec![group("email", &[&a, &b])]);
    assert_eq!(out["records_scanned"], 3);

    let (status, out) = app
        .post(
            "/api/v1/duplicates",
            &globex.token,
            &json!({"action": "detect", "object_name": "contacts"}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        groups(&out),
        vec![group("email", &[&theirs[0], &theirs[1]])]
    );
    assert_eq!(out["records_scanned"], 2);
}
