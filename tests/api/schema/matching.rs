//! Match profiles: the defaults of the contract shown under `matching`,
//! `PUT /schema/{object}/matching` with its rules, and a profile following
//! the catalog when a field it reads is deleted.

use crate::helpers::*;
use serde_json::{json, Value as Json};

fn names(object: &Json) -> Vec<String> {
    object["matching"]["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn defaults_are_shown_and_a_profile_can_be_set_with_its_rules() {
    let app = spawn_app().await;
    let (_, contacts) = app.get("/api/v1/schema/contacts", &app.reader.token).await;
    assert_eq!(
        names(&contacts),
        ["name", "email", "phone", "linkedin", "company"]
    );
    assert_eq!(contacts["matching"]["default"], true);
    assert_eq!(
        contacts["matching"]["comparisons"][0],
        json!({"name": "name", "comparator": "person_name", "fields": ["first_name", "last_name"]})
    );
    let (_, companies) = app.get("/api/v1/schema/companies", &app.reader.token).await;
    assert_eq!(
        companies["matching"]["comparisons"][0]["comparator"],
        "org_name"
    );
    let (status, _) = app
        .post("/api/v1/schema", &app.admin.token, &json!({"name": "partners", "fields": [
            {"name": "name", "type": "TEXT"}, {"name": "email", "type": "EMAIL"}, {"name": "alt_email", "type": "EMAIL"},
            {"name": "founded", "type": "DATE"}, {"name": "number", "type": "TEXT"}]}))
        .await;
    assert_eq!(status, 201);
    let (_, partners) = app.get("/api/v1/schema/partners", &app.reader.token).await;
    assert_eq!(names(&partners), ["name", "email", "date"]);
    assert_eq!(
        partners["matching"]["comparisons"][1]["fields"],
        json!(["email", "alt_email"])
    );

    let profile = json!({"comparisons": [
        {"name": "who", "comparator": "org_name", "fields": ["name"]},
        {"name": "mail", "comparator": "email", "fields": ["email", "alt_email"]},
        {"name": "number", "comparator": "code", "fields": ["number"]},
    ]});
    let out = app.put_profile("partners", &profile).await;
    assert_eq!(names(&out), ["who", "mail", "number"]);
    assert_eq!(out["matching"]["default"], false);
    let (_, again) = app.get("/api/v1/schema", &app.reader.token).await;
    let listed = again["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "partners")
        .unwrap()
        .clone();
    assert_eq!(names(&listed), ["who", "mail", "number"]);

    for bad in [
        json!({"comparisons": []}),
        json!({"comparisons": [{"name": "x", "comparator": "soundex", "fields": ["name"]}]}),
        json!({"comparisons": [{"name": "x", "comparator": "email", "fields": ["name"]}]}),
        json!({"comparisons": [{"name": "x", "comparator": "text", "fields": ["nothing"]}]}),
        json!({"comparisons": [{"name": "X", "comparator": "text", "fields": ["name"]}]}),
        json!({"comparisons": [{"name": "x", "comparator": "text", "fields": ["name"]}, {"name": "x", "comparator": "code", "fields": ["number"]}]}),
        json!({"profile": []}),
    ] {
        let (status, out) = app
            .send(
                "PUT",
                "/api/v1/schema/partners/matching",
                Some(&app.admin.token),
                Some(&bad),
            )
            .await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{bad}: {out}"
        );
    }
    let (status, _) = app
        .send(
            "PUT",
            "/api/v1/schema/partners/matching",
            Some(&app.member.token),
            Some(&profile),
        )
        .await;
    assert_eq!(status, 403);
    let (status, out) = app
        .send(
            "PUT",
            "/api/v1/schema/nothing/matching",
            Some(&app.admin.token),
            Some(&profile),
        )
        .await;
    assert_eq!((status, code(&out)), (400, "INVALID_OBJECT"));

    // A deleted field leaves the profile; a comparison left with nothing goes.
    let (status, _) = app
        .delete("/api/v1/schema/partners/fields/alt_email", &app.admin.token)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .delete("/api/v1/schema/partners/fields/number", &app.admin.token)
        .await;
    assert_eq!(status, 204);
    let (_, partners) = app.get("/api/v1/schema/partners", &app.reader.token).await;
    assert_eq!(names(&partners), ["who", "mail"]);
    assert_eq!(
        partners["matching"]["comparisons"][1]["fields"],
        json!(["email"])
    );
    // Deleting the object deletes its profile.
    let (status, _) = app
        .delete("/api/v1/schema/partners", &app.admin.token)
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.count("SELECT count(*) FROM kasar.match_profiles").await,
        0
    );
}
