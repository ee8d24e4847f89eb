//! The organization's document types the query of a list, an export and a
//! pairs export per object: names among the object's columns, operators and
//! directions as enums, `fields` a pattern of exactly the lists the service
//! takes; the service keeps its rules between parameters.

use super::doc;
use crate::helpers::*;
use serde_json::{json, Value as Json};

/// The query parameter `name` of the GET of `path` in `own`.
fn param<'a>(own: &'a Json, path: &str, name: &str) -> &'a Json {
    own["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{path}: no {name}"))
}

fn strings(value: &Json) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

/// A list of contacts with `query`.
async fn list(app: &TestApp, query: &str) -> (u16, Json) {
    let path = format!("/api/v1/records/contacts?{query}");
    app.get(&path, &app.admin.token).await
}

#[actix_web::test]
async fn list_and_export_parameters_name_the_objects_columns() {
    let app = spawn_app().await;
    let token = &app.admin.token;
    let (status, out) = app
        .post(
            "/api/v1/schema/contacts/fields",
            token,
            &json!({"name": "nickname", "type": "TEXT"}),
        )
        .await;
    assert_eq!(status, 201, "{out}");
    let (_, own) = doc(&app, Some(token)).await;
    let (_, catalog) = app.get("/api/v1/schema/contacts", token).await;
    let fields = catalog["fields"].as_array().unwrap();
    let mut columns = vec!["id", "created_at", "updated_at"];
    columns.extend(fields.iter().map(|f| f["name"].as_str().unwrap()));
    assert!(columns.contains(&"nickname"));
    let mut sortable = columns.clone();
    sortable.retain(|c| *c != "tags");
    for path in ["/api/v1/records/contacts", "/api/v1/export/contacts"] {
        let field = param(&own, path, "filter_field");
        assert_eq!(strings(&field["schema"]["enum"]), columns, "{path}");
        assert_eq!(field["allowEmptyValue"], true, "empty is absent");
        let sort_by = &param(&own, path, "sort_by")["schema"]["enum"];
        assert_eq!(strings(sort_by), sortable, "{path}: no MANY_TO_MANY");
        let sort_dir = &param(&own, path, "sort_dir")["schema"]["enum"];
        assert_eq!(strings(sort_dir), ["asc", "desc"]);
        let ops = strings(&param(&own, path, "filter_operator")["schema"]["enum"]).len();
        assert_eq!(ops, 15, "contacts has a column for every operator");
        let value = param(&own, path, "filter_value");
        assert_eq!(value["schema"], json!({"type": "string"}));
        assert!(value.get("allowEmptyValue").is_none(), "\"\" is a value");
        let pattern = param(&own, path, "fields")["schema"]["pattern"]
            .as_str()
            .unwrap();
        assert!(pattern.contains(&format!("(?:{})", columns.join("|"))));
        assert!(
            pattern.contains("\\u0085"),
            "white space as the service trims it"
        );
        let filters = &param(&own, path, "filters")["schema"];
        assert_eq!(filters["contentMediaType"], "application/json");
        let group = filters["contentSchema"]["$ref"].as_str().unwrap();
        assert_eq!(group, "#/components/schemas/FilterGroup_contacts");
        let sort = &param(&own, path, "sort")["schema"]["contentSchema"];
        assert_eq!(
            sort["items"]["$ref"],
            "#/components/schemas/SortKey_contacts"
        );
        assert_eq!(param(&own, path, "search")["schema"]["maxLength"], 200);
    }
    // Tags has no MANY_TO_MANY field: no operator of one.
    let tags = param(&own, "/api/v1/records/tags", "filter_operator");
    assert!(!strings(&tags["schema"]["enum"]).contains(&"has_any"));
    // The generic document stays untyped.
    let (_, generic) = doc(&app, None).await;
    let field = param(&generic, "/api/v1/records/{object}", "filter_field");
    assert_eq!(field["schema"], json!({"type": "string"}));
}

#[actix_web::test]
async fn the_fields_list_takes_the_white_space_the_service_trims() {
    let app = spawn_app().await;
    app.create(
        "contacts",
        json!({"first_name": "Ann", "email": "a@x.test"}),
    )
    .await;
    // U+0085 and U+2028 around a name (in the pattern), an empty item.
    let (status, page) = list(&app, "fields=%C2%85email%E2%80%A8,,%20first_name").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"][0]["email"], "a@x.test");
    // U+FEFF, white space to ECMA-262's `\s` but not to the service, is
    // not in the pattern: refused.
    let (status, _) = list(&app, "fields=%EF%BB%BFemail").await;
    assert_eq!(status, 400);
    // An empty selection parameter is an absent one; a lone operator is not.
    let (status, _) = list(&app, "filter_field=&sort_by=&sort_dir=&fields=").await;
    assert_eq!(status, 200);
    let (status, _) = list(&app, "filter_operator=equals&filter_value=x").await;
    assert_eq!(status, 400);
    let (status, _) = list(&app, "filter_field=first_name").await;
    assert_eq!(status, 400, "filter_field without filter_operator");
}

#[actix_web::test]
async fn a_pairs_export_names_criteria_or_the_profiles_comparisons() {
    let app = spawn_app_with(|s| s.duplicates.max_scan_limit = 5000).await;
    let token = &app.admin.token;
    let (_, own) = doc(&app, Some(token)).await;
    let path = "/api/v1/export/duplicates/contacts";
    let modes = &param(&own, path, "mode")["schema"]["enum"];
    assert_eq!(strings(modes), ["exact", "fuzzy"]);
    let pattern = param(&own, path, "fields")["schema"]["pattern"]
        .as_str()
        .unwrap();
    assert!(pattern.contains("(?:email|phone|linkedin|name|company)"));
    assert_eq!(param(&own, path, "scan_limit")["schema"]["maximum"], 5000);
    let export = |query: &str| {
        app.http_raw()
            .get(format!("{}{path}?{query}", app.address))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .send()
    };
    for (query, status) in [
        ("fields=email,%20name", 200),
        ("mode=fuzzy&fields=company", 200),
        ("fields=company", 400),
        ("fields=email,", 400),
        ("scan_limit=5001", 400),
    ] {
        let resp = export(query).await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{query}");
    }
}
