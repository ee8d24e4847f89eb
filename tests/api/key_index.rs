//! The key index: after writes through every route that changes a matched
//! field, the stored keys are exactly the keys recomputed from the records;
//! a batch racing a merge of the same records leaves both consistent.

use crate::helpers::*;
use serde_json::{json, Value as Json};

/// Every key row of the organization, sorted (object, record, criterion,
/// key), with the creation time it carries, which must be its record's; and
/// every digest row (see `key_digests::digests`).
pub(crate) async fn keys(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for object in ["companies", "contacts", "opportunities", "tags"] {
        let rows = app
            .db
            .query(
                &format!(
                    "SELECT k.record_id::text, k.criterion, k.key, k.created_at = t.created_at \
                     FROM \"{s}\".\"_keys_{object}\" k LEFT JOIN \"{s}\".\"{object}\" t ON t.id = k.record_id",
                    s = app.org.schema
                ),
                &[],
            )
            .await
            .unwrap();
        out.extend(rows.iter().map(|r| {
            assert_eq!(
                r.get::<_, Option<bool>>(3),
                Some(true),
                "a key row without its record's creation time"
            );
            format!(
                "{object} {} {} {}",
                r.get::<_, String>(0),
                r.get::<_, i16>(1),
                r.get::<_, String>(2)
            )
        }));
        out.extend(crate::key_digests::digests(app, object).await);
    }
    out.sort();
    out
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    pub(crate) fn contact(&mut self) -> Json {
        let emails = ["ann@x.io", " ANN@X.io", "bo@y.org", "", "cy@z.net"];
        let phones = [
            "+1 (555) 123-4567",
            "555.123.4567",
            "+33 1 23 45 67 89",
            "12",
            "",
        ];
        let names = ["Ann", "ann", "Bo", "Zoë", " "];
        let links = ["https://www.linkedin.com/in/Ann/", "ann", "bo-day", ""];
        let mut c = json!({
            "first_name": self.pick(&names),
            "last_name": self.pick(&names),
            "email": self.pick(&emails),
            "secondary_email": self.pick(&emails),
            "phone": self.pick(&phones),
            "mobile_phone": self.pick(&phones),
            "linkedin": self.pick(&links),
        });
        for (k, v) in c.as_object_mut().unwrap().iter_mut() {
            if v == "" && k != "first_name" {
                *v = Json::Null;
            }
        }
        c
    }
}

#[actix_web::test]
async fn the_index_equals_the_keys_recomputed_after_writes_through_every_route() {
    let app = spawn_app().await;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let token = app.admin.token.clone();
    for round in 0..4 {
        // Single create, update (PATCH and PUT), delete.
        let a = app.create_id("contacts", rng.contact()).await;
        let b = app.create_id("contacts", rng.contact()).await;
        app.patch(
            &format!("/api/v1/records/contacts/{a}"),
            &token,
            &json!({"email": rng.pick(&["new@x.io", "ANN@x.io"])}),
        )
        .await;
        app.send(
            "PUT",
            &format!("/api/v1/records/contacts/{b}"),
            Some(&token),
            Some(&rng.contact()),
        )
        .await;
        let c = app
            .create_id(
                "companies",
                json!({"name": rng.pick(&["Acme", "ACME ", "Globex"])}),
            )
            .await;
        app.patch(
            &format!("/api/v1/records/companies/{c}"),
            &token,
            &json!({"name": "Initech", "phone": "+1 555 000 1111"}),
        )
        .await;
        // Batches.
        let (_, out) = app
            .post(
                "/api/v1/records/contacts/batch/create",
                &token,
                &json!({"records": [rng.contact(), rng.contact(), rng.contact()]}),
            )
            .await;
        let ids: Vec<String> = out["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        let mut first = rng.contact();
        first["id"] = json!(ids[0]);
        app.post(
            "/api/v1/records/contacts/batch/update",
            &token,
            &json!({"records": [first, {"id": ids[1], "last_name": "Changed"}]}),
        )
        .await;
        app.post("/api/v1/records/contacts/batch/upsert", &token, &json!({"match_field": "email", "records": [{"email": "upsert@x.io", "phone": "+1 555 222 3333"}, {"email": "ann@x.io", "linkedin": "ann-upsert"}]})).await;
        app.send(
            "DELETE",
            "/api/v1/records/contacts",
            Some(&token),
            Some(&json!({"record_ids": [ids[2]]})),
        )
        .await;
        // Bulk update_field of a matched field.
        app.bulk(&token, json!({"action": "update_field", "object_name": "contacts", "record_ids": [a, ids[0]], "field_name": "phone", "field_value": "+44 20 7946 0000"})).await;
        // Import, creating and filling.
        app.post(
            "/api/v1/import/contacts",
            &token,
            &json!({"records": [rng.contact(), rng.contact()], "on_duplicate": "update"}),
        )
        .await;
        app.post(
            "/api/v1/import/contacts",
            &token,
            &json!({"records": [rng.contact()], "on_duplicate": "create"}),
        )
        .await;
        // Merge with fill_blanks, then a single delete.
        let m = app
            .create_id("contacts", json!({"first_name": "Master"}))
            .await;
        let d = app.create_id("contacts", rng.contact()).await;
        let (status, out) = app.duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": m, "duplicate_ids": [d], "merge_strategy": "fill_blanks"})).await;
        assert_eq!(status, 200, "round {round}: {out}");
        app.delete(&format!("/api/v1/records/contacts/{b}"), &token)
            .await;
    }
    let kept = keys(&app).await;
    assert!(kept.len() > 20, "the writes left keys: {}", kept.len());
    let blocking = |keys: &[String]| keys.iter().filter(|k| k.contains(" 8 ")).count();
    assert!(blocking(&kept) > 10, "blocking keys are kept too: {kept:?}");
    assert_eq!(
        crate::key_groups::groups_drift(&app, "contacts").await,
        Vec::<String>::new(),
        "the groups equal the sums of the keys"
    );
    app.store.reindex().await.unwrap();
    assert_eq!(
        kept,
        keys(&app).await,
        "the index equals the recomputed keys"
    );
}

#[actix_web::test]
async fn a_batch_racing_a_merge_of_the_same_records_leaves_both_consistent() {
    let app = spawn_app().await;
    for round in 0..6 {
        let m = app
            .create_id(
                "contacts",
                json!({"first_name": "M", "email": format!("m{round}@x.io")}),
            )
            .await;
        let d = app
            .create_id(
                "contacts",
                json!({"first_name": "D", "email": format!("d{round}@x.io")}),
            )
            .await;
        let body = json!({"records": [{"id": m, "phone": "+1 555 010 0000"}, {"id": d, "email": format!("late{round}@x.io")}]});
        let batch = app.post(
            "/api/v1/records/contacts/batch/update",
            &app.admin.token,
            &body,
        );
        let merge = app.duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": m, "duplicate_ids": [d], "merge_strategy": "fill_blanks"}));
        let ((bs, bo), (ms, mo)) = tokio::join!(batch, merge);
        assert_eq!(bs, 200, "{bo}");
        assert_eq!(ms, 200, "{mo}");
        let second = &bo["results"][1];
        assert!(
            second["status"] == "updated" || second["code"] == "RECORD_NOT_FOUND",
            "{bo}"
        );
        assert!(
            app.fetch("contacts", &d).await.is_none(),
            "the duplicate is gone"
        );
        assert_eq!(
            app.fetch("contacts", &m).await.unwrap()["phone"],
            "+1 555 010 0000"
        );
    }
    let kept = keys(&app).await;
    assert_eq!(
        crate::key_groups::groups_drift(&app, "contacts").await,
        Vec::<String>::new()
    );
    app.store.reindex().await.unwrap();
    assert_eq!(kept, keys(&app).await);
}

#[actix_web::test]
async fn a_profile_change_rebuilds_the_blocking_keys_in_its_transaction() {
    let app = spawn_app().await;
    for c in [
        json!({"first_name": "Robert", "last_name": "Smith", "email": "bob@smith.io", "phone": "+1 555 123 4567"}),
        json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@lee.io"}),
    ] {
        app.create_id("contacts", c).await;
    }
    let name_keys = |keys: &[String]| keys.iter().filter(|k| k.contains(" 8 n:")).count();
    assert!(name_keys(&keys(&app).await) > 0);
    let profile =
        json!({"comparisons": [{"name": "email", "comparator": "email", "fields": ["email"]}]});
    app.put_profile("contacts", &profile).await;
    let after = keys(&app).await;
    assert_eq!(name_keys(&after), 0, "{after:?}");
    assert!(after.iter().any(|k| k.contains(" 8 e:bob")), "{after:?}");
    app.store.reindex().await.unwrap();
    assert_eq!(after, keys(&app).await);
}
