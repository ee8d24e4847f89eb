//! The key index's groups: detect over a whole table reads them instead of
//! the records, and finds exactly what the scan of the records finds; once
//! folded, the groups equal the sums recomputed from the key table, after
//! concurrent writes and deletes of the same keys and detects folding while
//! they run.

use crate::helpers::*;
use serde_json::{json, Value as Json};

/// The rows of `_groups_<object>` that differ from the sums recomputed from
/// the key table and the records (both ways), once a detect over the whole
/// table has folded the noted keys in; empty when they agree.
pub(crate) async fn groups_drift(app: &TestApp, object: &str) -> Vec<String> {
    app.detect_contacts(json!({"object_name": object, "scan_limit": 100000}))
        .await;
    stored_vs_recomputed(app, object).await
}

/// Where the stored groups differ from the sums recomputed from the key
/// table, as they stand.
async fn stored_vs_recomputed(app: &TestApp, object: &str) -> Vec<String> {
    let s = &app.org.schema;
    let recomputed = format!(
        "SELECT k.criterion, k.key, count(*)::int AS n, \
           bit_xor(uuid_hash_extended(k.record_id, 1)) AS fp1, \
           bit_xor(uuid_hash_extended(k.record_id, 2)) AS fp2, \
           (array_agg(t.created_at ORDER BY t.created_at, t.id))[1] AS oldest_at, \
           (array_agg(t.id ORDER BY t.created_at, t.id))[1] AS oldest_id \
         FROM \"{s}\".\"_keys_{object}\" k JOIN \"{s}\".\"{object}\" t ON t.id = k.record_id \
         WHERE k.criterion < 4 GROUP BY k.criterion, k.key HAVING count(*) >= 2"
    );
    let stored = format!(
        "SELECT criterion, key, n, fp1, fp2, oldest_at, oldest_id FROM \"{s}\".\"_groups_{object}\""
    );
    let sql = format!(
        "(SELECT 'missing', * FROM ({recomputed} EXCEPT {stored}) a) \
         UNION ALL (SELECT 'extra', * FROM ({stored} EXCEPT {recomputed}) b)"
    );
    let rows = app.db.query(&sql, &[]).await.unwrap();
    rows.iter()
        .map(|r| {
            format!(
                "{} {} {} n={}",
                r.get::<_, &str>(0),
                r.get::<_, i16>(1),
                r.get::<_, &str>(2),
                r.get::<_, i32>(3)
            )
        })
        .collect()
}

/// Contacts that collide a lot: names, e-mails and phones from small pools,
/// phones written in several ways.
fn colliding(i: usize) -> Json {
    let first = ["Ann", "Bob", "Cy"][i % 3];
    let last = ["Lee", "Moe"][(i / 3) % 2];
    let mut c = json!({"first_name": first, "last_name": last});
    if !i.is_multiple_of(4) {
        c["email"] = json!(format!("p{}@x.io", i % 7));
    }
    if !i.is_multiple_of(5) {
        let n = i % 6;
        c["phone"] = json!(match i % 3 {
            0 => format!("+1 555 010 000{n}"),
            1 => format!("(555) 010-000{n}"),
            _ => format!("555.010.000{n}"),
        });
    }
    c
}

#[actix_web::test]
async fn whole_table_detect_from_the_groups_finds_what_the_scan_finds() {
    let app = spawn_app().await;
    // The oldest record matches nothing: a scan of all the others (the
    // newest n) must then find the same groups as the whole table.
    app.create_id(
        "contacts",
        json!({"first_name": "Solo", "last_name": "Zed"}),
    )
    .await;
    let records: Vec<Json> = (0..60).map(colliding).collect();
    let refs: Vec<&Json> = records.iter().collect();
    let ids = app.create_contacts(&app.admin.token, &refs).await;
    // Deletes and a merge take holders (some of them the oldest) away.
    app.delete(
        &format!("/api/v1/records/contacts/{}", ids[0]),
        &app.admin.token,
    )
    .await;
    let (status, out) = app.duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": ids[10], "duplicate_ids": [ids[1], ids[2]], "merge_strategy": "fill_blanks"})).await;
    assert_eq!(status, 200, "{out}");
    let (status, out) = app
        .duplicates(
            json!({"action": "dismiss", "object_name": "contacts", "record_ids": [ids[3], ids[9]]}),
        )
        .await;
    assert!(status < 300, "{out}");
    let count = 1 + 60 - 3;
    for extra in [
        json!({"limit": 1000}),
        json!({"limit": 3}),
        json!({"limit": 1000, "fields": ["phone", "name"]}),
        json!({"limit": 1000, "include_dismissed": true}),
    ] {
        let mut whole = extra.clone();
        whole["scan_limit"] = json!(count);
        let mut newest = extra.clone();
        newest["scan_limit"] = json!(count - 1);
        let (a, b) = (
            app.detect_contacts(whole).await,
            app.detect_contacts(newest).await,
        );
        assert_eq!(a["records_scanned"], count, "{extra}");
        assert_eq!(b["records_scanned"], count - 1, "{extra}");
        assert!(a["total_groups"].as_u64().unwrap() > 5, "{a}");
        assert_eq!(a["total_groups"], b["total_groups"], "{extra}");
        assert_eq!(a["duplicate_groups"], b["duplicate_groups"], "{extra}");
    }
    assert_eq!(groups_drift(&app, "contacts").await, Vec::<String>::new());
}

#[actix_web::test]
async fn a_set_is_found_again_among_its_oldest_holders_keys() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    // An older record outside every group, so that a scan of all but it
    // reads the records (the others' groups are the same either way).
    app.create_id("contacts", json!({"email": "alone@x.io"}))
        .await;
    // The oldest of two sets holds both of their keys, of one criterion;
    // two keys of one criterion find the same set.
    let records = [
        json!({"email": "a@x.io", "secondary_email": "b@x.io", "first_name": "Old"}),
        json!({"email": "A@x.io"}),
        json!({"secondary_email": "b@x.io"}),
        json!({"email": "B@X.io"}),
        json!({"email": "c@x.io", "secondary_email": "d@x.io"}),
        json!({"email": "d@x.io", "secondary_email": "c@x.io"}),
    ];
    let refs: Vec<&Json> = records.iter().collect();
    let ids = app.create_contacts(&token, &refs).await;
    let (status, out) = app
        .duplicates(
            json!({"action": "dismiss", "object_name": "contacts", "record_ids": [ids[4], ids[5]]}),
        )
        .await;
    assert!(status < 300, "{out}");
    for extra in [json!({}), json!({"include_dismissed": true})] {
        let mut whole = extra.clone();
        whole["scan_limit"] = json!(7);
        let mut newest = extra.clone();
        newest["scan_limit"] = json!(6);
        let (a, b) = (
            app.detect_contacts(whole).await,
            app.detect_contacts(newest).await,
        );
        let members = |out: &Json| -> Vec<Vec<String>> {
            out["duplicate_groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["records"].as_array().unwrap().iter().map(id_of).collect())
                .collect()
        };
        let mut expected = vec![
            vec![ids[0].clone(), ids[1].clone()],
            vec![ids[0].clone(), ids[2].clone(), ids[3].clone()],
        ];
        if extra["include_dismissed"] == json!(true) {
            expected.push(vec![ids[4].clone(), ids[5].clone()]);
        }
        assert_eq!(members(&a), expected, "{extra} {a}");
        assert_eq!(a["duplicate_groups"], b["duplicate_groups"], "{extra}");
        assert_eq!(a["total_groups"], b["total_groups"], "{extra}");
    }
}

#[actix_web::test]
async fn groups_folded_during_concurrent_writes_and_deletes_of_the_same_keys_are_exact() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    let tasks = (0..6).map(|t| {
        let (app, token) = (&app, token.clone());
        async move {
            for round in 0..4 {
                let records: Vec<Json> = (0..10).map(|i| colliding(t + round + i)).collect();
                let refs: Vec<&Json> = records.iter().collect();
                let ids = app.create_contacts(&token, &refs).await;
                let gone: Vec<&String> = ids.iter().step_by(3).collect();
                let (status, out) = app
                    .send(
                        "DELETE",
                        "/api/v1/records/contacts",
                        Some(&token),
                        Some(&json!({ "record_ids": gone })),
                    )
                    .await;
                assert_eq!(status, 200, "{out}");
                let (status, out) = app
                    .patch(
                        &format!("/api/v1/records/contacts/{}", ids[1]),
                        &token,
                        &json!({"email": "p3@x.io", "last_name": "Lee"}),
                    )
                    .await;
                assert_eq!(status, 200, "{out}");
            }
        }
    });
    // Detects fold the notes while the writes go on.
    let folds = async {
        for _ in 0..10 {
            app.detect_contacts(json!({"limit": 5})).await;
        }
    };
    tokio::join!(futures_util::future::join_all(tasks), folds);
    assert_eq!(groups_drift(&app, "contacts").await, Vec::<String>::new());
    let out = app.detect_contacts(json!({"limit": 1000})).await;
    assert!(out["total_groups"].as_u64().unwrap() > 3, "{out}");
}

#[actix_web::test]
async fn serve_folds_the_notes_in_the_background_without_a_detect() {
    let app = spawn_app_with(|s| s.duplicates.fold_interval_seconds = 1).await;
    let token = app.admin.token.clone();
    let records: Vec<Json> = (0..40).map(colliding).collect();
    let refs: Vec<&Json> = records.iter().collect();
    let ids = app.create_contacts(&token, &refs).await;
    let (status, out) = app
        .send(
            "DELETE",
            "/api/v1/records/contacts",
            Some(&token),
            Some(&json!({ "record_ids": ids.iter().step_by(4).collect::<Vec<_>>() })),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    let notes = format!(
        "SELECT count(*) FROM \"{}\".\"_dirty_contacts\"",
        app.org.schema
    );
    // No detect runs: only the background fold can empty the notes (the
    // writes above noted every key they touched).
    let mut left = app.count(&notes).await;
    for _ in 0..300 {
        if left == 0 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        left = app.count(&notes).await;
    }
    assert_eq!(left, 0, "the notes were not folded in 30 seconds");
    assert_eq!(
        stored_vs_recomputed(&app, "contacts").await,
        Vec::<String>::new()
    );
    let groups = format!(
        "SELECT count(*) FROM \"{}\".\"_groups_contacts\"",
        app.org.schema
    );
    assert!(app.count(&groups).await > 0, "shared keys make groups");
}

#[actix_web::test]
async fn a_bulk_change_of_one_email_notes_each_changed_key_once() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    let records: Vec<Json> = (0..30)
        .map(|i| json!({"first_name": "Ann", "email": format!("old{}@x.io", i % 2)}))
        .collect();
    let refs: Vec<&Json> = records.iter().collect();
    let ids = app.create_contacts(&token, &refs).await;
    // Fold what the creates noted, so that only the bulk change's notes stay.
    app.detect_contacts(json!({"limit": 1})).await;
    let notes = format!(
        "SELECT criterion || ' ' || key FROM \"{}\".\"_dirty_contacts\" ORDER BY 1",
        app.org.schema
    );
    assert_eq!(app.db.query(&notes, &[]).await.unwrap().len(), 0);
    let (status, out) = app
        .post(
            "/api/v1/bulk",
            &token,
            &json!({"action": "update_field", "object_name": "contacts", "record_ids": ids,
                    "field_name": "email", "field_value": "new@x.io"}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    let noted: Vec<String> = app
        .db
        .query(&notes, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // Thirty key rows deleted and thirty inserted: one note per key.
    assert_eq!(noted, ["0 new@x.io", "0 old0@x.io", "0 old1@x.io"]);
    assert_eq!(groups_drift(&app, "contacts").await, Vec::<String>::new());
}
