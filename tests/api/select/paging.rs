//! Keyset pages under any sort: no record that existed for the whole paging
//! is skipped or repeated, while records are inserted and deleted between
//! pages; a cursor of another selection is 400.

use super::*;

/// Pages through `query` 3 records at a time; between pages, inserts a
/// record and deletes one created for the purpose. Returns every id seen.
async fn page_through(app: &TestApp, query: &str, churn: &mut Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for round in 0..100 {
        let q = match &cursor {
            Some(c) => format!("{query}&limit=3&cursor={}", enc(c)),
            None => format!("{query}&limit=3"),
        };
        let (status, page) = list(app, "opportunities", &q).await;
        assert_eq!(status, 200, "{q}: {page}");
        seen.extend(ids(&page));
        // Churn: a new record (any place in the order), and one deleted.
        let amount = (round * 37) % 11;
        churn.push(
            app.create_id(
                "opportunities",
                json!({"name": format!("new {round}"), "amount": amount, "stage": "lead"}),
            )
            .await,
        );
        if let Some(gone) = churn.first().cloned().filter(|_| churn.len() > 2) {
            churn.remove(0);
            let (status, _) = app
                .delete(
                    &format!("/api/v1/records/opportunities/{gone}"),
                    &app.admin.token,
                )
                .await;
            assert_eq!(status, 204);
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return seen,
        }
    }
    panic!("paging did not end");
}

#[actix_web::test]
async fn pages_skip_and_repeat_nothing_under_any_sort_while_records_change() {
    let app = spawn_app().await;
    let mut stable = Vec::new();
    for i in 0..14 {
        let amount = if i % 4 == 0 { Json::Null } else { json!(i % 5) };
        let stage = ["lead", "won", "lost"][i % 3];
        let body = json!({"name": format!("deal {:02}", i % 6), "amount": amount, "stage": stage});
        stable.push(app.create_id("opportunities", body).await);
    }
    let sorts = [
        "sort_dir=desc",
        "sort_by=created_at&sort_dir=asc",
        "sort_by=amount&sort_dir=asc",
        "sort_by=amount&sort_dir=desc",
        &format!(
            "sort={}",
            enc(
                r#"[{"field":"stage","direction":"desc"},{"field":"name","direction":"asc"},{"field":"amount","direction":"asc"}]"#
            )
        ),
        &format!(
            "sort={}",
            enc(r#"[{"field":"name"},{"field":"updated_at","direction":"asc"}]"#)
        ),
    ];
    for sort in sorts {
        let mut churn = Vec::new();
        let seen = page_through(&app, sort, &mut churn).await;
        for id in &stable {
            let n = seen.iter().filter(|s| *s == id).count();
            assert_eq!(n, 1, "{sort}: {id} seen {n} times");
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort}: a record came twice");
        for id in churn {
            app.delete(
                &format!("/api/v1/records/opportunities/{id}"),
                &app.admin.token,
            )
            .await;
        }
    }
}

#[actix_web::test]
async fn a_cursor_works_only_with_its_own_selection_and_total_counts_matches() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.create(
            "opportunities",
            json!({"name": format!("d{i}"), "stage": if i < 3 { "won" } else { "lost" }}),
        )
        .await;
    }
    let (_, page) = list(
        &app,
        "opportunities",
        "limit=2&filter_field=stage&filter_operator=equals&filter_value=won",
    )
    .await;
    assert_eq!(page["total"], 3);
    let cursor = page["nextCursor"].as_str().expect("a next page").to_owned();
    let (status, next) = list(
        &app,
        "opportunities",
        &format!(
            "limit=2&filter_field=stage&filter_operator=equals&filter_value=won&cursor={}",
            enc(&cursor)
        ),
    )
    .await;
    assert_eq!(
        (status, ids(&next).len(), next["nextCursor"].clone()),
        (200, 1, Json::Null)
    );
    for other in [
        "limit=2",
        "limit=2&sort_by=name",
        "limit=2&filter_field=stage&filter_operator=equals&filter_value=lost",
    ] {
        let (status, body) = list(
            &app,
            "opportunities",
            &format!("{other}&cursor={}", enc(&cursor)),
        )
        .await;
        assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{other}");
    }
}
