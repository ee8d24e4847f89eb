//! Imports racing each other and the writes of other routes.

use super::*;

#[actix_web::test]
async fn concurrent_imports_of_one_new_record_create_it_exactly_once() {
    let app = spawn_app().await;
    let body = json!({"records": [
        {"first_name": "Ann", "email": "ann@x.io"},
        {"first_name": "Other", "phone": "+44 20 7946 0000"},
    ]});
    let calls = (0..8).map(|_| import(&app, "contacts", body.clone()));
    let outs = futures_util::future::join_all(calls).await;

    let mut created = 0;
    for (status, out) in &outs {
        assert_eq!(*status, 200, "{out}");
        created += out["created"].as_i64().unwrap();
    }
    assert_eq!(created, 2, "each record was created by exactly one import");
    assert_eq!(rows(&app, "contacts").await, 2);
    let firsts: Vec<&Json> = outs
        .iter()
        .filter(|(_, o)| o["results"][0]["status"] == "duplicate")
        .map(|(_, o)| &o["results"][0]["duplicate_of"])
        .collect();
    assert_eq!(firsts.len(), 7);
    assert!(
        firsts.windows(2).all(|w| w[0] == w[1]),
        "all point at the one record"
    );
}
