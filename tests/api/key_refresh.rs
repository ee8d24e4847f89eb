//! A key refresh recomputes the blocking keys of the prefixes a write can
//! change, with every comparison giving keys of those prefixes.

use crate::helpers::*;
use crate::key_index::keys;
use serde_json::json;

#[actix_web::test]
async fn a_refresh_keeps_a_blocking_key_another_comparison_still_gives() {
    let app = spawn_app().await;
    let token = app.admin.token.clone();
    // An organization's name and a text both give `o:` keys: "Acme" and
    // "Acme Widgets" give the same one.
    let profile = json!({"comparisons": [
        {"name": "name", "comparator": "org_name", "fields": ["name"]},
        {"name": "industry", "comparator": "text", "fields": ["industry"]}
    ]});
    app.put_profile("companies", &profile).await;
    let id = app
        .create_id(
            "companies",
            json!({"name": "Acme", "industry": "Acme Widgets"}),
        )
        .await;
    let org_keys = |keys: &[String]| {
        keys.iter()
            .filter(|k| k.starts_with(&format!("companies {id} 8 o:")))
            .count()
    };
    assert_eq!(org_keys(&keys(&app).await), 1);
    // Each change of one field: the index equals the one rebuilt from the
    // records, and the key the other field gives stays.
    for (body, want) in [
        (json!({"industry": "Zeta"}), 2),
        (json!({"industry": "ACME widgets"}), 1),
        (json!({"name": "Zeta"}), 2),
        (json!({"industry": null}), 1),
    ] {
        let (status, out) = app
            .patch(&format!("/api/v1/records/companies/{id}"), &token, &body)
            .await;
        assert_eq!(status, 200, "{out}");
        let after = keys(&app).await;
        assert_eq!(org_keys(&after), want, "{body} {after:?}");
        app.store.reindex().await.unwrap();
        assert_eq!(after, keys(&app).await, "{body}");
    }
}
