//! The key digests: one row per record, and detect over the newest records,
//! which reads them, reports what the domain's grouping of the keys
//! recomputed from the records' columns gives, after writes through every
//! route and a creation time changed by hand.

use kasar_domain::duplicates::{Criterion, Grouper, MatchPlan, PhoneRegion};
use serde_json::{json, Value as Json};
use uuid::Uuid;

use crate::helpers::*;
use crate::key_index::Rng;

/// The digest rows of `object`, one per record (each with its record's
/// creation time), as `<object> digest <record> <criterion> <digest>` per
/// key digest (the order of digests within a row is not kept).
pub(crate) async fn digests(app: &TestApp, object: &str) -> Vec<String> {
    let rows = app
        .db
        .query(
            &format!(
                "SELECT t.id::text, d.record_id::text, d.created_at = t.created_at, d.c0, d.c1, d.c2, d.c3 \
                 FROM \"{s}\".\"{object}\" t FULL JOIN \"{s}\".\"_digests_{object}\" d ON d.record_id = t.id",
                s = app.org.schema
            ),
            &[],
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    for r in &rows {
        let (record, held) = (r.get::<_, Option<String>>(0), r.get::<_, Option<String>>(1));
        assert!(
            record.is_some() && record == held,
            "one digest row per record: {record:?} {held:?}"
        );
        assert_eq!(
            r.get::<_, Option<bool>>(2),
            Some(true),
            "a digest row without its record's creation time"
        );
        for c in 0..4 {
            for d in r
                .get::<_, Option<Vec<u8>>>(c + 3)
                .unwrap_or_default()
                .chunks(16)
            {
                let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
                out.push(format!(
                    "{object} digest {} {c} {hex}",
                    record.as_deref().unwrap_or_default()
                ));
            }
        }
    }
    out
}

/// The groups (record ids, oldest first) and their number that the contract
/// gives for the newest `n` contacts and `criteria`, from their columns.
async fn reference(app: &TestApp, n: i64, criteria: &[Criterion]) -> (Vec<Vec<String>>, usize) {
    let object = kasar_domain::standard::standard_objects()
        .into_iter()
        .find(|o| o.name == "contacts")
        .unwrap();
    let plan = MatchPlan::new(&object, criteria);
    let region = PhoneRegion::parse(&app.settings.duplicates.phone_region).unwrap();
    let cols: Vec<String> = plan.columns().iter().map(|c| format!("\"{c}\"")).collect();
    let rows = app
        .db
        .query(
            &format!(
                "SELECT id, created_at, {} FROM \"{}\".contacts ORDER BY created_at DESC, id DESC LIMIT $1",
                cols.join(", "),
                app.org.schema
            ),
            &[&n],
        )
        .await
        .unwrap();
    let mut grouper = Grouper::new(criteria);
    for r in &rows {
        let texts: Vec<Option<&str>> = (0..cols.len()).map(|i| r.get(i + 2)).collect();
        let keys = plan.keys(&texts, region);
        grouper.add(
            r.get(0),
            r.get(1),
            keys.iter().map(|(c, k)| (*c, k.as_str())),
        );
    }
    let groups = grouper.finish();
    let ids = groups
        .iter()
        .map(|g| g.record_ids.iter().map(Uuid::to_string).collect())
        .collect();
    (ids, groups.len())
}

/// The groups detect reports (record ids) and their number.
fn reported(out: &Json) -> (Vec<Vec<String>>, usize) {
    let groups = out["duplicate_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["records"].as_array().unwrap().iter().map(id_of).collect())
        .collect();
    (groups, out["total_groups"].as_u64().unwrap() as usize)
}

#[actix_web::test]
async fn detect_over_the_newest_equals_the_grouping_of_their_columns() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let records: Vec<Json> = (0..40).map(|_| rng.contact()).collect();
    let refs: Vec<&Json> = records.iter().collect();
    let ids = app.create_contacts(&token, &refs).await;
    // Updates through each route that rewrites keys, a merge, a delete.
    for (i, id) in ids.iter().enumerate().take(8) {
        app.patch(
            &format!("/api/v1/records/contacts/{id}"),
            &token,
            &rng.contact(),
        )
        .await;
        if i % 3 == 0 {
            app.delete(&format!("/api/v1/records/contacts/{}", ids[i + 20]), &token)
                .await;
        }
    }
    let (status, out) = app.bulk(&token, json!({"action": "update_field", "object_name": "contacts", "record_ids": [ids[10], ids[30], ids[35]], "field_name": "email", "field_value": "ANN@x.io"})).await;
    assert_eq!(status, 200, "{out}");
    let (status, out) = app
        .post(
            "/api/v1/records/contacts/batch/update",
            &token,
            &json!({"records": [{"id": ids[11], "phone": "555.123.4567"}, {"id": ids[12], "first_name": "Zoë", "last_name": "Zoë"}]}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    let (status, out) = app.duplicates(json!({"action": "merge", "object_name": "contacts", "master_id": ids[13], "duplicate_ids": [ids[14], ids[15]], "merge_strategy": "fill_blanks"})).await;
    assert_eq!(status, 200, "{out}");
    // The oldest record made the newest by hand.
    app.db
        .batch_execute(&format!(
            "UPDATE \"{}\".contacts SET created_at = now() + interval '1 hour' WHERE id = '{}'",
            app.org.schema, ids[0]
        ))
        .await
        .unwrap();
    let total = app
        .db
        .query_one(
            &format!("SELECT count(*) FROM \"{}\".contacts", app.org.schema),
            &[],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    let mut seen = 0;
    for n in [total - 1, 20, 7] {
        for fields in [
            None,
            Some(vec![Criterion::Email]),
            Some(vec![Criterion::Phone, Criterion::Name]),
        ] {
            let mut body = json!({"scan_limit": n, "limit": 1000});
            if let Some(f) = &fields {
                body["fields"] = json!(f.iter().map(|c| c.as_str()).collect::<Vec<_>>());
            }
            let out = app.detect_contacts(body).await;
            assert_eq!(out["records_scanned"], n, "{out}");
            let criteria = fields.unwrap_or(Criterion::ALL.to_vec());
            let expected = reference(&app, n, &criteria).await;
            assert_eq!(reported(&out), expected, "scan_limit {n}, {criteria:?}");
            seen += expected.1;
        }
    }
    assert!(seen > 10, "the records form groups: {seen}");
}
