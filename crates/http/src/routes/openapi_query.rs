//! The query parameters of an organization's document, typed per object:
//! a list's and an export's selection (`filter_field` among the object's
//! columns, `filter_operator` among the operators that apply to one of them,
//! `sort_by` among the columns a sort takes, `fields` a comma-separated list
//! of columns, `filters` and `sort` JSON text of the object's FilterGroup and
//! sort keys, `search` bounded), and a pairs export's `mode` and `fields`
//! (the criteria, or the comparisons of the object's match profile). An empty
//! selection parameter is an absent one (`allowEmptyValue`). What ties one
//! parameter to another (`filter_field` with `filter_operator`, an operator
//! that fits the field, `filters` excluding `search`...) no parameter schema
//! can say: the service answers 400.

use kasar_domain::duplicates::Criterion;
use kasar_domain::select::{Op, MAX_SORT_KEYS};
use kasar_domain::ObjectDef;
use serde_json::{json, Value as Json};

use super::openapi_org::REF;
use super::openapi_select::{columns, operators, search_schema, Compare};

/// A character the service trims around a name (Unicode's White_Space, as
/// Rust's `trim`): ECMA-262's `\s` has U+FEFF and lacks U+0085.
const TRIMMED: &str =
    r"[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// Types the query parameters of `op`, the GET of `path`, for `object`.
pub(super) fn type_query(object: &ObjectDef, path: &str, op: &mut Json) {
    let Some(Json::Array(params)) = op.get_mut("parameters") else {
        return;
    };
    let typed = match path {
        "/api/v1/records/{object}" | "/api/v1/export/{object}" => selection(object),
        "/api/v1/export/duplicates/{object}" => pairs(object),
        _ => return,
    };
    for param in params.iter_mut() {
        let Some(name) = param.get("name").and_then(Json::as_str) else {
            continue;
        };
        let Some((_, schema, empty)) = typed.iter().find(|(n, ..)| *n == name) else {
            continue;
        };
        if let Some(p) = param.as_object_mut() {
            p.insert("schema".into(), schema.clone());
            if *empty {
                p.insert("allowEmptyValue".into(), json!(true));
            }
        }
    }
}

/// A parameter's name, its schema, and whether it may be sent empty.
type Typed = (&'static str, Json, bool);

/// The selection parameters of a list and an export of `object`.
fn selection(object: &ObjectDef) -> Vec<Typed> {
    let columns = columns(object);
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let sortable: Vec<&str> = columns
        .iter()
        .filter(|c| c.compare != Compare::Links)
        .map(|c| c.name.as_str())
        .collect();
    let applying: Vec<&str> = Op::ALL
        .iter()
        .filter(|(op, _)| columns.iter().any(|c| operators(c).contains(op)))
        .map(|(_, name)| *name)
        .collect();
    let one_of = |values: &[&str]| json!({"type": "string", "enum": values});
    let name = &object.name;
    vec![
        ("filter_field", one_of(&names), true),
        ("filter_operator", one_of(&applying), true),
        ("sort_by", one_of(&sortable), true),
        ("sort_dir", one_of(&["asc", "desc"]), true),
        ("fields", list(&names, true), true),
        ("search", search_schema(), true),
        (
            "filters",
            json_text(json!({"$ref": format!("{REF}FilterGroup_{name}")})),
            true,
        ),
        (
            "sort",
            json_text(json!({"type": "array", "maxItems": MAX_SORT_KEYS,
                             "items": {"$ref": format!("{REF}SortKey_{name}")}})),
            true,
        ),
    ]
}

/// The parameters of a pairs export of `object` that depend on it: the
/// modes it runs (fuzzy needs a comparison in its match profile) and the
/// names `fields` may give (the criteria, or the profile's comparisons).
fn pairs(object: &ObjectDef) -> Vec<Typed> {
    let profile = object.profile();
    let mut names: Vec<&str> = Criterion::ALL.iter().map(|c| c.as_str()).collect();
    for comparison in &profile {
        if !names.contains(&comparison.name.as_str()) {
            names.push(&comparison.name);
        }
    }
    let modes: &[&str] = if profile.is_empty() {
        &["exact"]
    } else {
        &["exact", "fuzzy"]
    };
    vec![
        ("mode", json!({"type": "string", "enum": modes}), false),
        ("fields", list(&names, false), false),
    ]
}

/// Comma-separated `names`, each with white space around it; with
/// `blanks`, an item may be empty (and is ignored), else one is needed and
/// every item names one. (Names are catalog names, comparison names or
/// criteria: `[a-z][a-z0-9_]*`, nothing to escape.)
fn list(names: &[&str], blanks: bool) -> Json {
    let one = format!("(?:{})", names.join("|"));
    let item = if blanks {
        format!("{TRIMMED}*(?:{one}{TRIMMED}*)?")
    } else {
        format!("{TRIMMED}*{one}{TRIMMED}*")
    };
    json!({"type": "string", "pattern": format!("^{item}(?:,{item})*$")})
}

/// A string holding JSON of `schema` (an annotation: clients and tools that
/// read `contentSchema` know the shape; validators do not check it).
fn json_text(schema: Json) -> Json {
    json!({"type": "string", "contentMediaType": "application/json", "contentSchema": schema})
}
