//! detect, matching: every criterion with its normalization, and how
//! records sharing keys form groups.

use super::*;

#[actix_web::test]
async fn emails_match_across_email_fields_whatever_their_case_and_surrounding_space() {
    let app = spawn_app().await;
    let a = app
        .create_id("contacts", json!({"email": "Alice@Example.com"}))
        .await;
    let b = app
        .create_id("contacts", json!({"secondary_email": "alice@EXAMPLE.COM"}))
        .await;
    let c = app
        .create_id("contacts", json!({"email": "carol@example.com"}))
        .await;
    let _other = app
        .create_id("contacts", json!({"email": "alice@example.org"}))
        .await;
    let _none = app
        .create_id(
            "contacts",
            json!({"first_name": "No", "last_name": "Email"}),
        )
        .await;
    // The API stores emails trimmed: put the untrimmed spelling in directly.
    app.sql(&format!(
        "UPDATE {{s}}.contacts SET email = E'  ALICE@example.com\\t' WHERE id = '{c}'"
    ))
    .await;

    let out = detect_on(&app, "contacts", Some(&["email"])).await;

    assert_eq!(groups(&out), vec![group("email", &[&a, &b, &c])]);
    assert_eq!(out["total_groups"], 1);
    assert_eq!(out["records_scanned"], 5);
}

#[actix_web::test]
async fn phones_in_any_format_of_the_same_number_match_and_blank_phones_never_do() {
    let app = spawn_app().await;
    let a = app
        .create_id("contacts", json!({"phone": "+1 (555) 123-4567"}))
        .await;
    let b = app
        .create_id("contacts", json!({"mobile_phone": "555.123.4567"}))
        .await;
    let c = app
        .create_id("contacts", json!({"phone": "15551234567"}))
        .await;
    for other in [
        json!({"phone": "555-123-4568"}),
        json!({"phone": ""}),
        json!({"phone": "   "}),
        json!({"mobile_phone": "n/a"}),
        json!({"phone": "n/a"}),
    ] {
        app.create("contacts", other).await;
    }

    let out = detect_on(&app, "contacts", Some(&["phone"])).await;

    assert_eq!(groups(&out), vec![group("phone", &[&a, &b, &c])]);
    assert_eq!(out["total_groups"], 1);
}

#[actix_web::test]
async fn linkedin_urls_match_their_vanity_names_and_company_pages_keep_their_prefix() {
    let app = spawn_app().await;
    let a = app
        .create_id(
            "contacts",
            json!({"linkedin": "https://www.linkedin.com/in/Alice-Martin/"}),
        )
        .await;
    let b = app
        .create_id("contacts", json!({"linkedin": "alice-martin"}))
        .await;
    let c = app
        .create_id(
            "contacts",
            json!({"linkedin": "http://fr.linkedin.com/in/alice%2Dmartin?trk=abc#top"}),
        )
        .await;
    let d = app
        .create_id(
            "contacts",
            json!({"linkedin": "https://www.linkedin.com/company/alice-martin"}),
        )
        .await;
    let e = app
        .create_id(
            "contacts",
            json!({"linkedin": "linkedin.com/company/Alice-Martin/"}),
        )
        .await;
    app.create(
        "contacts",
        json!({"linkedin": "https://www.linkedin.com/in/alice-martin-2"}),
    )
    .await;

    let out = detect_on(&app, "contacts", Some(&["linkedin"])).await;

    assert_eq!(
        groups(&out),
        vec![
            group("linkedin", &[&a, &b, &c]),
            group("linkedin", &[&d, &e])
        ]
    );
}

#[actix_web::test]
async fn contacts_match_by_first_and_last_name_only_when_both_are_present() {
    let app = spawn_app().await;
    let a = app
        .create_id(
            "contacts",
            json!({"first_name": "Alice", "last_name": "Martin"}),
        )
        .await;
    let b = app
        .create_id(
            "contacts",
            json!({"first_name": " alice ", "last_name": "MARTIN"}),
        )
        .await;
    let c = app
        .create_id(
            "contacts",
            json!({"first_name": "Ａｌｉｃｅ", "last_name": "\tMartin  "}),
        )
        .await;
    let d = app
        .create_id(
            "contacts",
            json!({"first_name": "Jean  Paul", "last_name": "Sartre"}),
        )
        .await;
    let e = app
        .create_id(
            "contacts",
            json!({"first_name": "jean paul", "last_name": "SARTRE"}),
        )
        .await;
    // No name key: one half missing or blank.
    for half in [
        json!({"first_name": "Alice"}),
        json!({"first_name": "Alice", "last_name": "   "}),
        json!({"last_name": "Martin"}),
        json!({"first_name": "", "last_name": "Martin"}),
        json!({"first_name": "Alice Martin"}),
        json!({"first_name": "Alice Martin", "last_name": ""}),
    ] {
        app.create("contacts", half).await;
    }

    let out = detect_on(&app, "contacts", Some(&["name"])).await;

    assert_eq!(
        groups(&out),
        vec![group("name", &[&a, &b, &c]), group("name", &[&d, &e])]
    );
    assert_eq!(out["records_scanned"], 11);
}

#[actix_web::test]
async fn companies_match_by_name_after_the_email_groups() {
    let app = spawn_app().await;
    let a = app
        .create_id("companies", json!({"name": "Acme Corp"}))
        .await;
    let b = app
        .create_id("companies", json!({"name": "  ACME   corp "}))
        .await;
    app.create("companies", json!({"name": "Acme"})).await;
    app.create("companies", json!({"name": "Acme Corporation"}))
        .await;
    let e = app
        .create_id(
            "companies",
            json!({"name": "Zeta", "email": "hello@zeta.io"}),
        )
        .await;
    let f = app
        .create_id(
            "companies",
            json!({"name": "Eta", "email": "HELLO@zeta.io"}),
        )
        .await;

    let out = detect_on(&app, "companies", None).await;

    assert_eq!(
        groups(&out),
        vec![group("email", &[&e, &f]), group("name", &[&a, &b])]
    );
    assert_eq!(out["records_scanned"], 6);
}

#[actix_web::test]
async fn a_pair_matching_by_email_and_phone_is_one_group_with_every_reason() {
    let app = spawn_app().await;
    let a = app
        .create_id("contacts", json!({"first_name": "Bob", "last_name": "One", "email": "bob@x.io", "phone": "+1 555 000 1111"}))
        .await;
    let b = app
        .create_id("contacts", json!({"first_name": "Robert", "last_name": "Two", "email": "BOB@x.io", "mobile_phone": "5550001111"}))
        .await;

    for fields in [None, Some(&["phone", "email"][..])] {
        let out = detect_on(&app, "contacts", fields).await;
        assert_eq!(groups(&out), vec![group("email", &[&a, &b])], "{fields:?}");
        assert_eq!(reasons(&out), vec![vec!["email", "phone"]], "{fields:?}");
        assert_eq!(out["total_groups"], 1);
    }
    let out = detect_on(&app, "contacts", Some(&["phone"])).await;
    assert_eq!(groups(&out), vec![group("phone", &[&a, &b])]);
    assert_eq!(reasons(&out), vec![vec!["phone"]]);
}

#[actix_web::test]
async fn overlapping_groups_stay_separate() {
    let app = spawn_app().await;
    let a = app.create_id("contacts", json!({"email": "a@x.io"})).await;
    let b = app
        .create_id(
            "contacts",
            json!({"email": "a@x.io", "phone": "555 000 2222"}),
        )
        .await;
    let c = app
        .create_id("contacts", json!({"phone": "(555) 000-2222"}))
        .await;
    // A phone pair inside a larger email group.
    let d = app
        .create_id(
            "contacts",
            json!({"email": "d@x.io", "phone": "555 000 3333"}),
        )
        .await;
    let e = app
        .create_id(
            "contacts",
            json!({"email": "d@x.io", "phone": "555-000-3333"}),
        )
        .await;
    let f = app.create_id("contacts", json!({"email": "D@x.io"})).await;

    let out = detect_on(&app, "contacts", None).await;

    assert_eq!(
        groups(&out),
        vec![
            group("email", &[&a, &b]),
            group("email", &[&d, &e, &f]),
            group("phone", &[&b, &c]),
            group("phone", &[&d, &e])
        ]
    );
    assert_eq!(
        reasons(&out),
        vec![vec!["email"], vec!["email"], vec!["phone"], vec!["phone"]]
    );
    assert_eq!(out["total_groups"], 4);
}
