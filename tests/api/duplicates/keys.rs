//! Match keys end to end: phones as libphonenumber reads them (with the
//! configured region), keys of any length, maximum lengths and required
//! fields that must not be blank.

use super::*;

/// Creates one contact per phone and returns the sets of ids detect groups
/// on `phone`, each sorted.
async fn phone_groups(app: &TestApp, phones: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut ids = Vec::new();
    for phone in phones {
        ids.push(app.create_id("contacts", json!({ "phone": phone })).await);
    }
    let out = detect_on(app, "contacts", Some(&["phone"])).await;
    let sets = groups(&out)
        .into_iter()
        .map(|(_, members)| sorted(&members))
        .collect();
    (ids, sets)
}

#[actix_web::test]
async fn international_numbers_written_with_any_punctuation_are_one_number() {
    let app = spawn_app().await;
    let pairs = [
        ("+4420-7946-0123", "+44 20 7946 0123"),
        ("+331.45.67.89.01", "+33 1 45 67 89 01"),
        ("+447911-123456", "+44 7911 123456"),
        ("+813-1234-5678", "+81 3 1234 5678"),
        ("+612-9876-5432", "+61 2 9876 5432"),
    ];
    let phones: Vec<&str> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
    let (ids, sets) = phone_groups(&app, &phones).await;
    let expected: Vec<Vec<String>> = ids.chunks(2).map(sorted).collect();
    assert_eq!(sorted(&sets), sorted(&expected));
}

#[actix_web::test]
async fn digits_of_other_scripts_are_read_as_digits() {
    let app = spawn_app().await;
    let phones = [
        "（５５５）２４６-８０９９",
        "（５５５）２４６-８０９９",
        "٥٥٥٣٣٣٤٤٤٤",
        "555-333-4444",
    ];
    let (ids, sets) = phone_groups(&app, &phones).await;
    let expected: Vec<Vec<String>> = ids.chunks(2).map(sorted).collect();
    assert_eq!(sorted(&sets), sorted(&expected));
}

#[actix_web::test]
async fn letters_in_a_number_are_keypad_digits_so_vanity_numbers_differ() {
    let app = spawn_app().await;
    let (_, sets) = phone_groups(&app, &["1-800-FAX-2000", "1-800-BOX-1234"]).await;
    assert!(sets.is_empty(), "{sets:?}");
}

#[actix_web::test]
async fn the_international_prefix_is_the_configured_regions() {
    let us = spawn_app().await;
    let (_, sets) = phone_groups(&us, &["0049 89 1234567", "+49 89 1234567"]).await;
    assert!(
        sets.is_empty(),
        "00 is not an international prefix from US: {sets:?}"
    );
    let de = spawn_app_with(|s| s.duplicates.phone_region = "DE".into()).await;
    let (ids, sets) = phone_groups(&de, &["0049 89 1234567", "+49 89 1234567"]).await;
    assert_eq!(sets, vec![sorted(&ids)]);
}

#[actix_web::test]
async fn keys_longer_than_64_kib_still_group() {
    let app = spawn_app().await;
    let long = format!("Quill {}", "abcdefghij".repeat(7000));
    let a = app.create_id("companies", json!({ "name": long })).await;
    let b = app
        .create_id("companies", json!({ "name": long.to_uppercase() }))
        .await;
    let out = detect_on(&app, "companies", Some(&["name"])).await;
    assert_eq!(groups(&out), vec![group("name", &[&a, &b])]);
}

#[actix_web::test]
async fn values_over_their_types_maximum_length_are_refused() {
    let app = spawn_app().await;
    let cases = [
        ("companies", json!({ "name": "x".repeat(100_001) })),
        (
            "contacts",
            json!({ "email": format!("{}@example.com", "a".repeat(250)) }),
        ),
        ("contacts", json!({ "phone": "1".repeat(65) })),
        (
            "contacts",
            json!({ "linkedin": format!("https://linkedin.com/in/{}", "a".repeat(2100)) }),
        ),
    ];
    let before = app.snapshot().await;
    for (object, body) in cases {
        let (status, out) = app
            .post(
                &format!("/api/v1/records/{object}"),
                &app.admin.token,
                &body,
            )
            .await;
        assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{object}");
    }
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn a_required_text_field_cannot_be_blank() {
    let app = spawn_app().await;
    let before = app.snapshot().await;
    for name in ["", "   ", "\t\n"] {
        let (status, out) = app
            .post(
                "/api/v1/records/companies",
                &app.admin.token,
                &json!({ "name": name }),
            )
            .await;
        assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"), "{name:?}");
    }
    assert_eq!(app.snapshot().await, before);
    let id = app.create_id("companies", json!({ "name": "Quill" })).await;
    let (status, out) = app
        .patch(
            &format!("/api/v1/records/companies/{id}"),
            &app.admin.token,
            &json!({ "name": " " }),
        )
        .await;
    assert_eq!((status, code(&out)), (400, "VALIDATION_ERROR"));
}
