//! Fuzzy detect over HTTP: generated contacts with known duplicates (typos,
//! nicknames, swapped names, reformatted phones, e-mail variants) are
//! grouped with scores, reasons and pairs, at the precision and recall the
//! contract asks; exact detect is unchanged by the new fields.

use std::collections::{HashMap, HashSet};

use crate::helpers::*;
use kasar_testdata::{contacts, true_pairs, Spec};
use serde_json::{json, Value as Json};

#[actix_web::test]
async fn fuzzy_detect_groups_generated_duplicates_with_scores_and_pairs() {
    let app = spawn_app().await;
    let records = contacts(Spec {
        records: 2_000,
        duplicate_share: 0.15,
        seed: 4,
    });
    let fields: Vec<&Json> = records.iter().map(|r| &r.fields).collect();
    let ids = app.create_contacts(&app.admin.token, &fields).await;
    let index: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let (status, out) = app
        .duplicates(json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "scan_limit": 2000, "limit": 1000}))
        .await;
    assert_eq!(status, 200, "{out}");
    let groups = out["duplicate_groups"].as_array().unwrap();
    assert!(!groups.is_empty());
    let mut predicted: HashSet<(usize, usize)> = HashSet::new();
    let mut last = 1.0;
    for g in groups {
        let score = g["score"].as_f64().unwrap_or_else(|| panic!("{g}"));
        assert!(
            (0.9..=1.0).contains(&score) && score <= last,
            "ordered by score: {g}"
        );
        last = score;
        assert!(!g["match_reason"].as_str().unwrap().is_empty());
        let pair = &g["pairs"][0];
        assert!(pair["score"].as_f64().unwrap() >= score);
        assert_eq!(
            pair["levels"].as_object().unwrap().len(),
            5,
            "every comparison of the profile: {pair}"
        );
        let members: Vec<usize> = g["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| index[r["id"].as_str().unwrap()])
            .collect();
        for (k, a) in members.iter().enumerate() {
            for b in members.iter().skip(k + 1) {
                predicted.insert(((*a).min(*b), (*a).max(*b)));
            }
        }
    }
    assert_eq!(out["total_groups"].as_u64().unwrap() as usize, groups.len());
    let truth = true_pairs(&records);
    let tp = predicted.intersection(&truth).count() as f64;
    let (precision, recall) = (tp / predicted.len() as f64, tp / truth.len() as f64);
    assert!(precision >= 0.98, "precision {precision}");
    assert!(recall >= 0.9, "recall {recall}");
    // Only the named comparisons are run and listed.
    let (status, out) = app
        .duplicates(json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "fields": ["email", "phone"], "scan_limit": 2000}))
        .await;
    assert_eq!(status, 200, "{out}");
    let levels = &out["duplicate_groups"][0]["pairs"][0]["levels"];
    assert_eq!(
        levels.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["email", "phone"]
    );
    for bad in [
        json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "fields": ["soundex"]}),
        json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "threshold": 0}),
        json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "threshold": 1.5}),
        json!({"action": "detect", "object_name": "contacts", "mode": "fast"}),
        json!({"action": "detect", "object_name": "contacts", "fields": ["mail"]}),
    ] {
        let (status, out) = app.duplicates(bad.clone()).await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{bad}: {out}"
        );
    }
    // Exact detect keeps its shape: no score, no pairs.
    let (_, exact) = app.duplicates(json!({"action": "detect", "object_name": "contacts", "fields": ["email"], "scan_limit": 2000})).await;
    let first: &Json = &exact["duplicate_groups"][0];
    assert!(
        first.get("score").is_none() && first.get("pairs").is_none(),
        "{first}"
    );
    assert_eq!(first["match_reason"], "email");
}

#[actix_web::test]
async fn auto_merge_in_fuzzy_mode_merges_the_groups_scored_at_least_min_score() {
    let app = spawn_app().await;
    let records = contacts(Spec {
        records: 1_000,
        duplicate_share: 0.15,
        seed: 9,
    });
    let fields: Vec<&Json> = records.iter().map(|r| &r.fields).collect();
    app.create_contacts(&app.admin.token, &fields).await;
    for bad in [
        json!({"action": "auto_merge", "object_name": "contacts", "mode": "fuzzy"}),
        json!({"action": "auto_merge", "object_name": "contacts", "mode": "fuzzy", "min_score": 0.4}),
        json!({"action": "auto_merge", "object_name": "contacts", "min_score": 0.9}),
    ] {
        let (status, out) = app.duplicates(bad.clone()).await;
        assert_eq!(
            (status, code(&out)),
            (400, "VALIDATION_ERROR"),
            "{bad}: {out}"
        );
    }
    let (status, detected) = app
        .duplicates(json!({"action": "detect", "object_name": "contacts", "mode": "fuzzy", "threshold": 0.99, "scan_limit": 1000, "limit": 1000}))
        .await;
    assert_eq!(status, 200, "{detected}");
    let strong = detected["total_groups"].as_u64().unwrap();
    assert!(strong > 0);
    let (status, plan) = app
        .duplicates(json!({"action": "auto_merge", "object_name": "contacts", "mode": "fuzzy", "min_score": 0.99, "scan_limit": 1000, "max_groups": 1000, "dry_run": true}))
        .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["merged_groups"].as_u64().unwrap(), strong, "{plan}");
    let before = app.count("SELECT count(*) FROM org_acme.contacts").await;
    let (status, done) = app
        .duplicates(json!({"action": "auto_merge", "object_name": "contacts", "mode": "fuzzy", "min_score": 0.99, "scan_limit": 1000, "max_groups": 5}))
        .await;
    assert_eq!(status, 200, "{done}");
    let merged = done["records_merged"].as_i64().unwrap();
    assert!(done["merged_groups"].as_u64().unwrap() >= 1, "{done}");
    assert_eq!(
        app.count("SELECT count(*) FROM org_acme.contacts").await,
        before - merged
    );
    assert_eq!(
        app.count("SELECT count(*) FROM kasar.merges").await as u64,
        done["merged_groups"].as_u64().unwrap()
    );
}
