//! Per-record judgment: allowed, denied, missing and foreign ids in one
//! request; the member's owner rule.

use super::*;

const DENIED: &str = "You do not have permission to update this record";

/// Records for a member: one it owns, one unowned, one the admin owns; plus a
/// missing id and a contact of another organization.
struct Mixed {
    mine: String,
    free: String,
    theirs: String,
    missing: String,
    foreign: String,
    globex: TestUser,
}

async fn mixed(app: &TestApp) -> Mixed {
    let globex = app.other_org().await;
    let (status, foreign) = app
        .post(
            "/api/v1/records/contacts",
            &globex.token,
            &json!({ "first_name": "G", "job_title": "theirs" }),
        )
        .await;
    assert_eq!(status, 201, "{foreign}");
    Mixed {
        mine: contact(app, json!({ "first_name": "Mine", "owner": app.member.workspace_user_id })).await,
        free: contact(app, json!({ "first_name": "Free" })).await,
        theirs: contact(app, json!({ "first_name": "Theirs", "job_title": "boss", "owner": app.admin.workspace_user_id })).await,
        missing: Uuid::new_v4().to_string(),
        foreign: id_of(&foreign),
        globex,
    }
}

/// Every error entry is well formed; returns them as (id, code).
fn checked_failures(out: &Json) -> Vec<(String, String)> {
    for e in out["errors"].as_array().unwrap() {
        let expected = match e["code"].as_str().unwrap() {
            "PERMISSION_DENIED" => DENIED,
            "RECORD_NOT_FOUND" => e["message"].as_str().unwrap(),
            other => panic!("unexpected code {other} in {out}"),
        };
        assert_eq!(e["message"], expected, "{out}");
        assert!(!e["message"].as_str().unwrap().is_empty());
        assert_eq!(e.as_object().unwrap().len(), 3, "{e}");
    }
    let mut f = failures(out);
    f.sort();
    f
}

fn sorted_pairs(pairs: &[(&String, &str)]) -> Vec<(String, String)> {
    let owned: Vec<(String, String)> = pairs
        .iter()
        .map(|(id, c)| ((*id).clone(), (*c).to_owned()))
        .collect();
    sorted(&owned)
}

#[actix_web::test]
async fn a_member_changes_only_the_records_it_may_and_every_other_record_fails_on_its_own() {
    let app = spawn_app().await;
    let m = mixed(&app).await;
    let theirs_before = stamps(&app, "contacts", &[&m.theirs]).await;
    let ids = [&m.mine, &m.theirs, &m.missing, &m.free, &m.foreign];
    let out = ok(&app, &app.member.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": ids, "field_name": "job_title", "field_value": "changed" })).await;
    assert_eq!(
        (
            out["total"].as_u64(),
            out["updated"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(5), Some(2), Some(3)),
        "{out}"
    );
    assert_eq!(
        checked_failures(&out),
        sorted_pairs(&[
            (&m.theirs, "PERMISSION_DENIED"),
            (&m.missing, "RECORD_NOT_FOUND"),
            (&m.foreign, "RECORD_NOT_FOUND")
        ])
    );
    assert_eq!(
        app.fetch("contacts", &m.mine).await.unwrap()["job_title"],
        "changed"
    );
    assert_eq!(
        app.fetch("contacts", &m.free).await.unwrap()["job_title"],
        "changed"
    );
    assert_eq!(
        app.fetch("contacts", &m.theirs).await.unwrap()["job_title"],
        "boss"
    );
    assert_eq!(stamps(&app, "contacts", &[&m.theirs]).await, theirs_before);
    let (status, foreign) = app
        .get(
            &format!("/api/v1/records/contacts/{}", m.foreign),
            &m.globex.token,
        )
        .await;
    assert_eq!(
        (status, foreign["job_title"].clone()),
        (200, json!("theirs"))
    );
}

#[actix_web::test]
async fn a_member_links_tags_only_to_the_records_it_may_change() {
    let app = spawn_app().await;
    let m = mixed(&app).await;
    let (t1, t2) = (tag(&app, "vip").await, tag(&app, "lead").await);
    let ids = [&m.mine, &m.theirs, &m.missing, &m.foreign];
    let body = |action: &str| json!({ "action": action, "object_name": "contacts", "record_ids": ids, "relation_field": "tags", "target_ids": [t1, t2] });
    let out = ok(&app, &app.member.token, body("add_relation")).await;
    assert_eq!(
        (
            out["total"].as_u64(),
            out["added"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(8), Some(2), Some(6)),
        "{out}"
    );
    assert_eq!(
        checked_failures(&out),
        sorted_pairs(&[
            (&m.theirs, "PERMISSION_DENIED"),
            (&m.missing, "RECORD_NOT_FOUND"),
            (&m.foreign, "RECORD_NOT_FOUND")
        ]),
        "one error per failed record, not per pair"
    );
    assert_eq!(links(&app, Some(&m.mine)).await, 2);
    assert_eq!(
        links(&app, None).await,
        2,
        "only the member's record may be linked"
    );

    // The admin links the admin-owned record; the member may not unlink it.
    ok(&app, &app.admin.token, json!({ "action": "add_relation", "object_name": "contacts", "record_ids": [m.theirs], "relation_field": "tags", "target_ids": [t1] })).await;
    let out = ok(&app, &app.member.token, body("remove_relation")).await;
    assert_eq!(
        (
            out["total"].as_u64(),
            out["removed"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(8), Some(2), Some(6)),
        "{out}"
    );
    assert_eq!(links(&app, Some(&m.mine)).await, 0);
    assert_eq!(links(&app, Some(&m.theirs)).await, 1);
}

#[actix_web::test]
async fn a_member_cannot_give_records_to_someone_else() {
    let app = spawn_app().await;
    let m = mixed(&app).await;
    let before = app.snapshot().await;
    let out = ok(&app, &app.member.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [m.mine, m.free], "field_name": "owner", "field_value": app.admin.workspace_user_id })).await;
    assert_eq!(
        (
            out["total"].as_u64(),
            out["updated"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(2), Some(0), Some(2)),
        "{out}"
    );
    assert_eq!(
        checked_failures(&out),
        sorted_pairs(&[
            (&m.mine, "PERMISSION_DENIED"),
            (&m.free, "PERMISSION_DENIED")
        ])
    );
    assert_eq!(app.snapshot().await, before);
}

#[actix_web::test]
async fn a_member_may_take_unowned_records_and_release_its_own() {
    let app = spawn_app().await;
    let m = mixed(&app).await;
    let free2 = contact(&app, json!({ "first_name": "Free2" })).await;
    let me = app.member.workspace_user_id.to_string();
    let out = ok(&app, &app.member.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [m.free, free2, m.mine, m.theirs], "field_name": "owner", "field_value": me })).await;
    assert_eq!(
        (out["updated"].as_u64(), out["failed"].as_u64()),
        (Some(3), Some(1)),
        "{out}"
    );
    assert_eq!(
        checked_failures(&out),
        sorted_pairs(&[(&m.theirs, "PERMISSION_DENIED")])
    );
    for id in [&m.free, &free2, &m.mine] {
        assert_eq!(app.fetch("contacts", id).await.unwrap()["owner"], json!(me));
    }
    assert_eq!(
        app.fetch("contacts", &m.theirs).await.unwrap()["owner"],
        json!(app.admin.workspace_user_id.to_string())
    );

    let out = ok(&app, &app.member.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [m.mine, m.theirs], "field_name": "owner", "field_value": null })).await;
    assert_eq!(
        (out["updated"].as_u64(), out["failed"].as_u64()),
        (Some(1), Some(1)),
        "{out}"
    );
    assert_eq!(
        app.fetch("contacts", &m.mine).await.unwrap()["owner"],
        Json::Null
    );
    assert_eq!(
        app.fetch("contacts", &m.theirs).await.unwrap()["owner"],
        json!(app.admin.workspace_user_id.to_string())
    );
}

#[actix_web::test]
async fn an_admin_may_change_any_record_of_its_organization() {
    let app = spawn_app().await;
    let m = mixed(&app).await;
    let out = ok(&app, &app.admin.token, json!({ "action": "update_field", "object_name": "contacts", "record_ids": [m.mine, m.free, m.theirs, m.foreign], "field_name": "owner", "field_value": app.member.workspace_user_id })).await;
    assert_eq!(
        (out["updated"].as_u64(), out["failed"].as_u64()),
        (Some(3), Some(1)),
        "{out}"
    );
    assert_eq!(
        checked_failures(&out),
        sorted_pairs(&[(&m.foreign, "RECORD_NOT_FOUND")])
    );
    assert_eq!(
        app.fetch("contacts", &m.theirs).await.unwrap()["owner"],
        json!(app.member.workspace_user_id.to_string())
    );
}
