//! `GET /export/duplicates/{object}`: every pair detect would find, each
//! once, with no limit on their number, as CSV or JSON; admins only.

use std::collections::{HashMap, HashSet};

use crate::helpers::*;
use kasar_testdata::{contacts, Spec};
use serde_json::{json, Value as Json};

/// GET the pairs export: status and body text.
async fn pairs(app: &TestApp, token: &str, query: &str) -> (u16, String) {
    let mut resp = app
        .http_raw()
        .get(format!(
            "{}/api/v1/export/duplicates/contacts?{query}",
            app.address
        ))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .expect("sent");
    let status = resp.status().as_u16();
    let body = resp.body().limit(256 * 1024 * 1024).await.expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// CSV rows (header first) split on commas (the exported cells hold none).
fn rows(body: &str) -> Vec<Vec<String>> {
    body.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn key(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

#[actix_web::test]
async fn exact_pairs_come_once_each_with_their_levels_and_without_limit() {
    let app = spawn_app().await;
    let admin = app.admin.token.clone();
    let a = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@x.io"}),
        )
        .await;
    let b = app
        .create_id(
            "contacts",
            json!({"first_name": "Ann", "last_name": "Lee", "email": "ANN@x.io"}),
        )
        .await;
    let c = app
        .create_id(
            "contacts",
            json!({"email": "ann@x.io", "phone": "+1 555 123 4567"}),
        )
        .await;
    let d = app
        .create_id("contacts", json!({"phone": "(555) 123-4567"}))
        .await;
    app.create_id("contacts", json!({"email": "alone@x.io"}))
        .await;
    let (status, body) = pairs(&app, &admin, "").await;
    assert_eq!(status, 200, "{body}");
    let rows = rows(&body);
    assert_eq!(
        rows[0],
        [
            "record_id_a",
            "record_id_b",
            "score",
            "match_reason",
            "email",
            "phone",
            "linkedin",
            "name"
        ]
    );
    let got: HashMap<(String, String), Vec<String>> = rows[1..]
        .iter()
        .map(|r| (key(&r[0], &r[1]), r[2..].to_vec()))
        .collect();
    assert_eq!(got.len(), rows.len() - 1, "each pair once: {body}");
    let expected: HashSet<(String, String)> = [key(&a, &b), key(&a, &c), key(&b, &c), key(&c, &d)]
        .into_iter()
        .collect();
    assert_eq!(
        got.keys().cloned().collect::<HashSet<_>>(),
        expected,
        "{body}"
    );
    assert_eq!(
        got[&key(&a, &b)],
        ["1", "email", "exact", "missing", "missing", "exact"]
    );
    assert_eq!(
        got[&key(&c, &d)],
        ["1", "phone", "missing", "exact", "missing", "missing"]
    );

    // Only the criteria named; JSON.
    let (status, body) = pairs(&app, &admin, "fields=phone&format=json").await;
    assert_eq!(status, 200, "{body}");
    let list: Json = serde_json::from_str(&body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["levels"], json!({"phone": "exact"}));
    assert_eq!(list[0]["match_reason"], "phone");

    // 600 records sharing one e-mail: all 179,700 pairs.
    let many: Vec<Json> = (0..600)
        .map(|i| json!({"email": "same@x.io", "job_title": format!("t{i}")}))
        .collect();
    app.create_contacts(&admin, &many.iter().collect::<Vec<_>>())
        .await;
    let (status, body) = pairs(&app, &admin, "fields=email&scan_limit=1000").await;
    assert_eq!(status, 200);
    assert_eq!(body.matches("\r\n").count(), 1 + 179_700 + 3);
}

#[actix_web::test]
async fn fuzzy_pairs_hold_every_pair_of_detect_with_the_same_scores() {
    let app = spawn_app().await;
    let admin = app.admin.token.clone();
    let records = contacts(Spec {
        records: 1_000,
        duplicate_share: 0.15,
        seed: 31,
    });
    let fields: Vec<&Json> = records.iter().map(|r| &r.fields).collect();
    app.create_contacts(&admin, &fields).await;
    let (status, out) = app
        .duplicates(json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "threshold": 0.8, "limit": 1000, "scan_limit": 1000}))
        .await;
    assert_eq!(status, 200, "{out}");
    let (status, body) = pairs(&app, &admin, "mode=fuzzy&threshold=0.8&scan_limit=1000").await;
    assert_eq!(status, 200, "{body}");
    let rows = rows(&body);
    assert_eq!(
        rows[0][..5],
        [
            "record_id_a",
            "record_id_b",
            "score",
            "match_reason",
            "name"
        ]
    );
    let exported: HashMap<(String, String), f64> = rows[1..]
        .iter()
        .map(|r| (key(&r[0], &r[1]), r[2].parse::<f64>().unwrap()))
        .collect();
    assert_eq!(exported.len(), rows.len() - 1, "each pair once");
    assert!(exported.values().all(|s| *s >= 0.8));
    let mut detected = 0;
    for g in out["duplicate_groups"].as_array().unwrap() {
        for p in g["pairs"].as_array().unwrap() {
            let ids = p["record_ids"].as_array().unwrap();
            let k = key(ids[0].as_str().unwrap(), ids[1].as_str().unwrap());
            let score = exported
                .get(&k)
                .unwrap_or_else(|| panic!("{p} not exported"));
            assert!((score - p["score"].as_f64().unwrap()).abs() < 1e-9, "{p}");
            detected += 1;
        }
    }
    assert!(detected > 50, "{detected}");
    // A dismissed pair is left out unless asked for.
    let (a, b) = exported.keys().next().cloned().unwrap();
    let (status, out) = app
        .duplicates(json!({"action": "dismiss", "object_name": "contacts", "record_ids": [a, b]}))
        .await;
    assert_eq!(status, 200, "{out}");
    let (_, body) = pairs(&app, &admin, "mode=fuzzy&threshold=0.8&scan_limit=1000").await;
    assert_eq!(rows_count(&body), exported.len() - 1);
    let (_, body) = pairs(
        &app,
        &admin,
        "mode=fuzzy&threshold=0.8&scan_limit=1000&include_dismissed=true",
    )
    .await;
    assert_eq!(rows_count(&body), exported.len());
}

fn rows_count(body: &str) -> usize {
    body.matches("\r\n").count() - 1
}

#[actix_web::test]
async fn the_pairs_export_is_for_admins_and_checks_its_parameters() {
    let app = spawn_app().await;
    let (status, _) = pairs(&app, &app.member.token, "").await;
    assert_eq!(status, 403);
    for query in [
        "format=xml",
        "mode=loose",
        "threshold=0",
        "threshold=1.5",
        "threshold=x",
        "scan_limit=0",
        "scan_limit=-3",
        "fields=address",
        "mode=fuzzy&fields=nope",
        "include_dismissed=maybe",
        "limit=3",
    ] {
        let (status, body) = pairs(&app, &app.admin.token, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.contains("VALIDATION_ERROR"), "{query}: {body}");
    }
}
