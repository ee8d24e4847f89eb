//! Records CRUD: values by field type, relations, pagination, and the
//! record-level write rule.

use crate::helpers::*;
use serde_json::json;

#[actix_web::test]
async fn a_record_round_trips_with_every_field_type() {
    let app = spawn_app().await;
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    let company = app
        .create_id(
            "companies",
            json!({"name": "Acme", "employees": 120, "tags": [tag]}),
        )
        .await;
    let contact = app
        .create("contacts", json!({
            "first_name": "Alice", "last_name": "Martin", "email": "  alice@example.com ", "phone": "+1 (555) 123-4567",
            "linkedin": "alice-martin", "status": "qualified", "owner": app.admin.workspace_user_id,
            "company": company, "tags": [tag],
        }))
        .await;
    assert_eq!(
        contact["email"], "alice@example.com",
        "emails are stored trimmed"
    );
    assert_eq!(
        contact["phone"], "+1 (555) 123-4567",
        "phones are stored as given"
    );
    assert_eq!(contact["company"], json!(company));
    assert_eq!(contact["tags"], json!([tag]));
    assert_eq!(contact["owner"], json!(app.admin.workspace_user_id));
    assert_eq!(contact["secondary_email"], json!(null));
    for key in ["id", "created_at", "updated_at"] {
        assert!(contact[key].is_string(), "{key}");
    }
    let fetched = app.fetch("contacts", &id_of(&contact)).await.unwrap();
    assert_eq!(fetched, contact);
    let opp = app.create("opportunities", json!({"name": "Deal", "amount": 1250.5, "close_date": "2026-03-31", "contact": id_of(&contact)})).await;
    assert_eq!(opp["stage"], "lead", "SELECT default applies on create");
    assert_eq!(opp["amount"], json!(1250.5));
    assert_eq!(opp["close_date"], "2026-03-31");
    let (_, company) = app
        .get(
            &format!("/api/v1/records/companies/{company}"),
            &app.admin.token,
        )
        .await;
    assert_eq!(company["employees"], json!(120));
}

#[actix_web::test]
async fn bad_values_are_validation_errors_and_write_nothing() {
    let app = spawn_app().await;
    let before = app.snapshot().await;
    let missing = uuid::Uuid::new_v4();
    for body in [
        json!({"first_name": 1}),
        json!({"email": "not-an-email"}),
        json!({"email": "a@b@c"}),
        json!({"status": "archived"}),
        json!({"company": "not-a-uuid"}),
        json!({"company": missing}),
        json!({"tags": [missing]}),
        json!({"tags": "x"}),
        json!({"owner": missing}),
        json!({"unknown": 1}),
        json!({"id": missing}),
        json!({"created_at": "2020-01-01T00:00:00Z"}),
        json!(["not", "an", "object"]),
    ] {
        let (status, resp) = app
            .post("/api/v1/records/contacts", &app.admin.token, &body)
            .await;
        assert_eq!((status, code(&resp)), (400, "VALIDATION_ERROR"), "{body}");
    }
    for body in [
        json!({"amount": "12"}),
        json!({"name": "x", "close_date": "2026-02-30"}),
        json!({"amount": 3}),
    ] {
        let (status, resp) = app
            .post("/api/v1/records/opportunities", &app.admin.token, &body)
            .await;
        assert_eq!((status, code(&resp)), (400, "VALIDATION_ERROR"), "{body}");
    }
    let (status, resp) = app
        .post("/api/v1/records/widgets", &app.admin.token, &json!({}))
        .await;
    assert_eq!((status, code(&resp)), (400, "INVALID_OBJECT"));
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn patch_and_put_update_only_the_given_fields() {
    let app = spawn_app().await;
    let a = app.create_id("tags", json!({"name": "a"})).await;
    let b = app.create_id("tags", json!({"name": "b"})).await;
    let c = app
        .create(
            "contacts",
            json!({"first_name": "Alice", "last_name": "Martin", "tags": [a]}),
        )
        .await;
    let id = id_of(&c);
    let (status, updated) = app
        .patch(
            &format!("/api/v1/records/contacts/{id}"),
            &app.admin.token,
            &json!({"last_name": "Durand", "tags": [b]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["first_name"], "Alice");
    assert_eq!(updated["last_name"], "Durand");
    assert_eq!(updated["tags"], json!([b]));
    assert_ne!(updated["updated_at"], c["updated_at"]);
    let (status, updated) = app
        .send(
            "PUT",
            &format!("/api/v1/records/contacts/{id}"),
            Some(&app.admin.token),
            Some(&json!({"first_name": null})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["first_name"], json!(null));
    let (status, resp) = app
        .patch(
            &format!("/api/v1/records/tags/{a}"),
            &app.admin.token,
            &json!({"name": null}),
        )
        .await;
    assert_eq!(
        (status, code(&resp)),
        (400, "VALIDATION_ERROR"),
        "required fields cannot be cleared"
    );
    let (status, resp) = app
        .patch(
            &format!("/api/v1/records/contacts/{}", uuid::Uuid::new_v4()),
            &app.admin.token,
            &json!({}),
        )
        .await;
    assert_eq!((status, code(&resp)), (404, "RECORD_NOT_FOUND"));
    let (status, resp) = app
        .patch(
            "/api/v1/records/contacts/not-a-uuid",
            &app.admin.token,
            &json!({}),
        )
        .await;
    assert_eq!((status, code(&resp)), (404, "RECORD_NOT_FOUND"));
}

#[actix_web::test]
async fn delete_removes_the_record_and_clears_what_pointed_at_it() {
    let app = spawn_app().await;
    let tag = app.create_id("tags", json!({"name": "a"})).await;
    let company = app
        .create_id("companies", json!({"name": "Acme", "tags": [tag]}))
        .await;
    let contact = app
        .create_id("contacts", json!({"company": company, "tags": [tag]}))
        .await;
    let (status, body) = app
        .delete(
            &format!("/api/v1/records/companies/{company}"),
            &app.admin.token,
        )
        .await;
    assert_eq!((status, body), (204, json!(null)));
    assert!(app.fetch("companies", &company).await.is_none());
    assert_eq!(
        app.fetch("contacts", &contact).await.unwrap()["company"],
        json!(null)
    );
    let (status, resp) = app
        .delete(
            &format!("/api/v1/records/companies/{company}"),
            &app.admin.token,
        )
        .await;
    assert_eq!((status, code(&resp)), (404, "RECORD_NOT_FOUND"));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM \"{}\".companies_tags",
            app.org.schema
        ))
        .await,
        0
    );
}

#[actix_web::test]
async fn lists_are_newest_first_with_a_cursor_and_a_total() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(
            app.create_id("tags", json!({"name": format!("t{i}")}))
                .await,
        );
    }
    ids.reverse();
    let (status, page) = app.get("/api/v1/records/tags", &app.reader.token).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 25);
    assert_eq!(page["data"].as_array().unwrap().len(), 20, "default limit");
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/records/tags?limit=7&cursor={c}"),
            None => "/api/v1/records/tags?limit=7".into(),
        };
        let (status, page) = app.get(&path, &app.reader.token).await;
        assert_eq!(status, 200);
        seen.extend(page["data"].as_array().unwrap().iter().map(id_of));
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "cursor=garbage",
        "other=1",
    ] {
        let (status, body) = app
            .get(&format!("/api/v1/records/tags?{bad}"), &app.reader.token)
            .await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{bad}");
    }
    let (_, page) = app
        .get("/api/v1/records/tags?limit=100", &app.reader.token)
        .await;
    assert_eq!(page["data"].as_array().unwrap().len(), 25);
    assert_eq!(page["nextCursor"], json!(null));
}

#[actix_web::test]
async fn a_member_changes_only_its_own_or_unowned_records() {
    let app = spawn_app().await;
    let member = app.member.clone();
    let admins = app
        .create_id(
            "contacts",
            json!({"first_name": "A", "owner": app.admin.workspace_user_id}),
        )
        .await;
    let free = app.create_id("contacts", json!({"first_name": "F"})).await;
    let t = &member.token;
    let (status, body) = app
        .patch(
            &format!("/api/v1/records/contacts/{admins}"),
            t,
            &json!({"first_name": "X"}),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "PERMISSION_DENIED"));
    let (status, _) = app
        .delete(&format!("/api/v1/records/contacts/{admins}"), t)
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        app.fetch("contacts", &admins).await.unwrap()["first_name"],
        "A"
    );
    let (status, body) = app
        .patch(
            &format!("/api/v1/records/contacts/{free}"),
            t,
            &json!({"owner": member.workspace_user_id}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app
        .patch(
            &format!("/api/v1/records/contacts/{free}"),
            t,
            &json!({"owner": app.admin.workspace_user_id}),
        )
        .await;
    assert_eq!(status, 403, "a member cannot give a record away");
    let (status, _) = app
        .post(
            "/api/v1/records/contacts",
            t,
            &json!({"owner": app.admin.workspace_user_id}),
        )
        .await;
    assert_eq!(status, 403, "nor create one for someone else");
    let (status, created) = app
        .post(
            "/api/v1/records/contacts",
            t,
            &json!({"owner": member.workspace_user_id}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .delete(&format!("/api/v1/records/contacts/{}", id_of(&created)), t)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .patch(
            &format!("/api/v1/records/contacts/{admins}"),
            &app.admin.token,
            &json!({"owner": member.workspace_user_id}),
        )
        .await;
    assert_eq!(status, 200, "an admin may change anything");
}

#[actix_web::test]
async fn a_record_read_by_id_carries_its_links_sorted_and_none_as_an_empty_list() {
    let app = spawn_app().await;
    let mut tags = Vec::new();
    for name in ["a", "b", "c"] {
        tags.push(app.create_id("tags", json!({ "name": name })).await);
    }
    let linked = app
        .create(
            "contacts",
            json!({"first_name": "Ann", "tags": [&tags[2], &tags[0], &tags[1]]}),
        )
        .await;
    let bare = app.create("contacts", json!({"first_name": "Bo"})).await;
    let mut sorted = tags.clone();
    sorted.sort();
    assert_eq!(linked["tags"], json!(sorted));
    // A read by id joins the links of every id at once: the same lists.
    let fetched = app.fetch("contacts", &id_of(&linked)).await.unwrap();
    assert_eq!(fetched, linked);
    let fetched = app.fetch("contacts", &id_of(&bare)).await.unwrap();
    assert_eq!(fetched["tags"], json!([]));
    assert_eq!(fetched, bare);
}
