//! Migrations over a database with data: a database put back in the shape
//! of an earlier migration is brought to the last by `migrate`, its data
//! kept.

use crate::helpers::*;
use serde_json::json;

/// The columns of the primary key of the contacts' key table, in order.
async fn key_table_primary_key(app: &TestApp) -> Vec<String> {
    let sql = format!(
        "SELECT a.attname FROM pg_index i \
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS c(attnum, n) \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = c.attnum \
         WHERE i.indrelid = '\"{}\".\"_keys_contacts\"'::regclass AND i.indisprimary ORDER BY c.n",
        app.org.schema
    );
    let rows = app.db.query(&sql, &[]).await.unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

#[actix_web::test]
async fn v9_to_v12_give_key_rows_their_records_creation_time_and_records_their_digests() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    app.create_id(
        "contacts",
        json!({"first_name": "Ann", "email": "ann@x.io"}),
    )
    .await;
    let (status, _) = app
        .post(
            "/api/v1/records/contacts/batch/create",
            &token,
            &json!({"records": [
                {"first_name": "Bo", "email": "ANN@x.io", "phone": "+1 415 555 0100"},
                {"first_name": "Cy", "phone": "415.555.0100"}
            ]}),
        )
        .await;
    assert_eq!(status, 200);
    app.create_id("companies", json!({"name": "Acme"})).await;
    let before = crate::key_index::keys(&app).await;
    assert!(before.len() > 5, "{before:?}");

    // The database as V8 left it: no digest tables (V10), key tables without
    // creation times, no trigger carrying them (V9), keys in the database's
    // collation (V12).
    app.db
        .batch_execute(
            "DROP FUNCTION kasar.carry_created_at() CASCADE; \
             DROP FUNCTION kasar.carry_digest_created_at() CASCADE; \
             DROP FUNCTION kasar.drop_digests() CASCADE; \
             DROP FUNCTION kasar.build_digests(text, text, text)",
        )
        .await
        .unwrap();
    let s = &app.org.schema;
    for object in ["companies", "contacts", "opportunities", "tags"] {
        app.db
            .batch_execute(&format!(
                "ALTER TABLE \"{s}\".\"_keys_{object}\" DROP CONSTRAINT \"_keys_{object}_pkey\", \
                 DROP COLUMN created_at, ADD PRIMARY KEY (criterion, key, record_id); \
                 DROP TABLE \"{s}\".\"_digests_{object}\"; \
                 ALTER TABLE \"{s}\".\"_keys_{object}\" ALTER COLUMN key TYPE text COLLATE \"default\"; \
                 ALTER TABLE \"{s}\".\"_groups_{object}\" ALTER COLUMN key TYPE text COLLATE \"default\"; \
                 ALTER TABLE \"{s}\".\"_dirty_{object}\" ALTER COLUMN key TYPE text COLLATE \"default\""
            ))
            .await
            .unwrap();
    }
    app.db
        .batch_execute("DELETE FROM refinery_schema_history WHERE version IN (9, 10, 11, 12)")
        .await
        .unwrap();

    let (pool, _) = kasar_server::services(&app.settings).unwrap();
    let applied = kasar_postgres::migrate(&pool).await.unwrap();
    assert_eq!(
        applied,
        [
            "V9__key_creation_times",
            "V10__key_digests",
            "V11__distinct_key_notes",
            "V12__byte_order_keys"
        ]
    );
    // The same rows, each with its record's creation time (`keys` checks it),
    // and the same digests, computed by V10 from the key rows as the server
    // computes them from the keys.
    assert_eq!(crate::key_index::keys(&app).await, before);
    assert_eq!(
        key_table_primary_key(&app).await,
        ["criterion", "key", "created_at", "record_id"]
    );
    // Keys compare byte by byte in every table holding them (V12).
    let collations: Vec<String> = app
        .db
        .query(
            "SELECT c.relname::text || ':' || coalesce(l.collname::text, '-') FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             LEFT JOIN pg_collation l ON l.oid = a.attcollation \
             WHERE c.relnamespace = $1::text::regnamespace AND a.attname = 'key' AND c.relkind = 'r' \
             ORDER BY 1",
            &[&s],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(collations.len(), 12, "{collations:?}");
    assert!(
        collations.iter().all(|c| c.ends_with(":C")),
        "{collations:?}"
    );
    // Detect over the newest two reads their digests: Bo and Cy share a phone.
    let out = app.detect_contacts(json!({"scan_limit": 2})).await;
    assert_eq!(out["records_scanned"], 2, "{out}");
    assert_eq!(out["total_groups"], 1, "{out}");
    assert_eq!(out["duplicate_groups"][0]["match_reason"], "phone", "{out}");
    // A creation time changed by hand is carried to the key and digest rows
    // (`keys` checks every row against its record's).
    app.db
        .batch_execute(&format!(
            "UPDATE \"{s}\".contacts SET created_at = '2001-01-01T00:00:00Z'"
        ))
        .await
        .unwrap();
    assert_eq!(crate::key_index::keys(&app).await, before);
    // And the import's check reads the oldest holder from it.
    let (_, out) = app
        .post(
            "/api/v1/import/contacts",
            &token,
            &json!({"records": [{"phone": "(415) 555-0100"}]}),
        )
        .await;
    assert_eq!(out["duplicates"], 1, "{out}");
}
