//! Every operator, on every field type it names.

use super::*;

/// Opportunities and contacts with values of every type, some null.
struct Fixture {
    opp: Vec<String>,
    contacts: Vec<String>,
    company: String,
    tag: String,
    other_tag: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let company = app.create_id("companies", json!({"name": "Acme"})).await;
    let tag = app.create_id("tags", json!({"name": "vip"})).await;
    let other_tag = app.create_id("tags", json!({"name": "cold"})).await;
    let owner = app.admin.workspace_user_id.to_string();
    let mut opp = Vec::new();
    for body in [
        json!({"name": "Alpha deal", "amount": 100, "stage": "lead", "close_date": "2024-01-10", "company": company, "owner": owner, "tags": [tag]}),
        json!({"name": "Beta deal", "amount": 250.5, "stage": "won", "close_date": "2024-03-01", "tags": [tag, other_tag]}),
        json!({"name": "gamma 100%_off", "amount": 900, "stage": "lost"}),
        json!({"name": "Delta", "stage": "won", "company": company}),
    ] {
        opp.push(app.create_id("opportunities", body).await);
    }
    let mut contacts = Vec::new();
    for body in [
        json!({"first_name": "Ann", "email": "ann@acme.io", "phone": "+1 415 555 0100", "linkedin": "https://linkedin.com/in/ann"}),
        json!({"first_name": "Bob", "email": "BOB@other.org", "phone": "+44 20 7946 0123"}),
        json!({"first_name": "Cy"}),
    ] {
        contacts.push(app.create_id("contacts", body).await);
    }
    Fixture {
        opp,
        contacts,
        company,
        tag,
        other_tag,
    }
}

#[actix_web::test]
async fn every_operator_selects_exactly_its_records() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let o = |i: &[usize]| sorted(&i.iter().map(|&i| f.opp[i].clone()).collect::<Vec<_>>());
    let c = |i: &[usize]| sorted(&i.iter().map(|&i| f.contacts[i].clone()).collect::<Vec<_>>());
    let owner = app.admin.workspace_user_id.to_string();
    let cases: Vec<(&str, Json, Vec<String>)> = vec![
        // TEXT
        (
            "opportunities",
            one("name", "equals", json!("Delta")),
            o(&[3]),
        ),
        (
            "opportunities",
            one("name", "not_equals", json!("Delta")),
            o(&[0, 1, 2]),
        ),
        (
            "opportunities",
            one("name", "in", json!(["Delta", "Beta deal"])),
            o(&[1, 3]),
        ),
        (
            "opportunities",
            one("name", "not_in", json!(["Delta"])),
            o(&[0, 1, 2]),
        ),
        (
            "opportunities",
            one("name", "contains", json!("DEAL")),
            o(&[0, 1]),
        ),
        (
            "opportunities",
            one("name", "contains", json!("100%_")),
            o(&[2]),
        ),
        (
            "opportunities",
            one("name", "not_contains", json!("deal")),
            o(&[2, 3]),
        ),
        (
            "opportunities",
            one("name", "starts_with", json!("be")),
            o(&[1]),
        ),
        // NUMBER
        (
            "opportunities",
            one("amount", "greater_than", json!(100)),
            o(&[1, 2]),
        ),
        (
            "opportunities",
            one("amount", "greater_equal", json!(100)),
            o(&[0, 1, 2]),
        ),
        (
            "opportunities",
            one("amount", "less_than", json!(250.5)),
            o(&[0]),
        ),
        (
            "opportunities",
            one("amount", "less_equal", json!(250.5)),
            o(&[0, 1]),
        ),
        (
            "opportunities",
            one("amount", "is_null", Json::Null),
            o(&[3]),
        ),
        (
            "opportunities",
            one("amount", "in", json!([100, 900])),
            o(&[0, 2]),
        ),
        // SELECT
        (
            "opportunities",
            one("stage", "equals", json!("won")),
            o(&[1, 3]),
        ),
        (
            "opportunities",
            one("stage", "not_in", json!(["won", "lead"])),
            o(&[2]),
        ),
        // DATE
        (
            "opportunities",
            one("close_date", "greater_than", json!("2024-01-10")),
            o(&[1]),
        ),
        (
            "opportunities",
            one("close_date", "less_equal", json!("2024-01-10")),
            o(&[0]),
        ),
        (
            "opportunities",
            one("close_date", "is_not_null", Json::Null),
            o(&[0, 1]),
        ),
        // OWNER and BELONGS_TO_ONE
        (
            "opportunities",
            one("owner", "equals", json!(owner)),
            o(&[0]),
        ),
        (
            "opportunities",
            one("owner", "is_null", Json::Null),
            o(&[1, 2, 3]),
        ),
        (
            "opportunities",
            one("company", "in", json!([f.company])),
            o(&[0, 3]),
        ),
        (
            "opportunities",
            one("company", "not_equals", json!(f.company)),
            o(&[1, 2]),
        ),
        // MANY_TO_MANY
        (
            "opportunities",
            one("tags", "has_any", json!([f.other_tag])),
            o(&[1]),
        ),
        (
            "opportunities",
            one("tags", "has_any", json!([f.tag, f.other_tag])),
            o(&[0, 1]),
        ),
        (
            "opportunities",
            one("tags", "has_none", json!([f.tag])),
            o(&[2, 3]),
        ),
        (
            "opportunities",
            one("tags", "is_null", Json::Null),
            o(&[2, 3]),
        ),
        (
            "opportunities",
            one("tags", "is_not_null", Json::Null),
            o(&[0, 1]),
        ),
        // created_at, id
        (
            "opportunities",
            one("created_at", "greater_equal", json!("2000-01-01")),
            o(&[0, 1, 2, 3]),
        ),
        (
            "opportunities",
            one("created_at", "less_than", json!("2000-01-01T00:00:00Z")),
            vec![],
        ),
        (
            "opportunities",
            one("id", "equals", json!(f.opp[2])),
            o(&[2]),
        ),
        // EMAIL, PHONE, LINKEDIN
        ("contacts", one("email", "contains", json!("ACME")), c(&[0])),
        (
            "contacts",
            one("email", "equals", json!("BOB@other.org")),
            c(&[1]),
        ),
        ("contacts", one("email", "is_null", Json::Null), c(&[2])),
        (
            "contacts",
            one("phone", "starts_with", json!("+44")),
            c(&[1]),
        ),
        ("contacts", one("phone", "contains", json!("555")), c(&[0])),
        (
            "contacts",
            one("linkedin", "contains", json!("in/ann")),
            c(&[0]),
        ),
        (
            "contacts",
            one("linkedin", "not_contains", json!("ann")),
            c(&[1, 2]),
        ),
        // groups
        (
            "opportunities",
            json!({"type": "OR", "conditions": [
            {"field": "stage", "operator": "equals", "value": "lost"},
            {"type": "AND", "conditions": [
                {"field": "stage", "operator": "equals", "value": "won"},
                {"field": "company", "operator": "is_not_null"}]}]}),
            o(&[2, 3]),
        ),
    ];
    for (object, filters, expected) in cases {
        assert_eq!(
            matching(&app, object, &filters).await,
            expected,
            "{object} {filters}"
        );
    }
}

#[actix_web::test]
async fn the_simple_form_search_and_post_search_select_the_same() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (status, page) = list(
        &app,
        "opportunities",
        "filter_field=stage&filter_operator=in&filter_value=won,lost",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        sorted(&ids(&page)),
        sorted(&[f.opp[1].clone(), f.opp[2].clone(), f.opp[3].clone()])
    );
    let (_, page) = list(
        &app,
        "opportunities",
        "filter_field=amount&filter_operator=greater_than&filter_value=200",
    )
    .await;
    assert_eq!(page["total"], 2, "{page}");

    let (_, page) = list(&app, "contacts", "search=acme").await;
    assert_eq!(ids(&page), vec![f.contacts[0].clone()]);
    let (_, page) = list(&app, "contacts", "search=7946").await;
    assert_eq!(ids(&page), vec![f.contacts[1].clone()]);

    let body = json!({"filters": one("stage", "equals", json!("won")), "sort": [{"field": "name", "direction": "asc"}], "fields": ["name"]});
    let (status, page) = app
        .post(
            "/api/v1/records/opportunities/search",
            &app.admin.token,
            &body,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page), vec![f.opp[1].clone(), f.opp[3].clone()]);
    assert_eq!(
        page["data"][0],
        json!({"id": f.opp[1], "name": "Beta deal"}),
        "projection"
    );
    let (_, page) = list(
        &app,
        "opportunities",
        "fields=stage,amount&sort_by=amount&sort_dir=asc",
    )
    .await;
    let first = page["data"][0].as_object().unwrap();
    assert_eq!(first.len(), 3, "{page}");
    assert_eq!(page["data"][0]["amount"], 100.0);
    assert_eq!(
        page["data"][3]["amount"],
        Json::Null,
        "nulls come last ascending"
    );
}

#[actix_web::test]
async fn what_does_not_fit_is_400_validation_error() {
    let app = spawn_app().await;
    let bad = [
        "filter_field=stage&filter_operator=contains&filter_value=w",
        "filter_field=amount&filter_operator=equals&filter_value=abc",
        "filter_field=nope&filter_operator=equals&filter_value=1",
        "filter_field=stage",
        "filters=notjson",
        "filters=%7B%7D",
        "search=x&filters=%7B%22type%22%3A%22AND%22%2C%22conditions%22%3A%5B%5D%7D",
        "sort_by=tags",
        "sort_by=name&sort=%5B%7B%22field%22%3A%22name%22%7D%5D",
        "sort_dir=up",
        "fields=nope",
        "cursor=abc",
        "limit=0",
        "unknown=1",
        "search=a&search=b",
    ];
    for query in bad {
        let (status, body) = list(&app, "opportunities", query).await;
        assert_eq!(
            (status, code(&body)),
            (400, "VALIDATION_ERROR"),
            "{query}: {body}"
        );
    }
    let (status, body) = app
        .post(
            "/api/v1/records/opportunities/search",
            &app.admin.token,
            &json!({"limit": 1, "extra": 1}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "VALIDATION_ERROR"), "{body}");
}
