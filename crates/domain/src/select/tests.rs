//! The selection rules, case by case.

use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::standard::standard_objects;
use crate::value::Value;

fn contacts() -> ObjectDef {
    standard_objects()
        .into_iter()
        .find(|o| o.name == "contacts")
        .unwrap()
}

fn filters(json: serde_json::Value) -> Result<Selection, SelectError> {
    Selection::parse(
        &contacts(),
        &SelectionInput {
            filters: Some(json),
            ..SelectionInput::default()
        },
    )
}

fn cond(field: &str, op: &str, value: serde_json::Value) -> serde_json::Value {
    json!({"type": "AND", "conditions": [{"field": field, "operator": op, "value": value}]})
}

#[test]
fn every_operator_fits_its_field_types_only() {
    let ok = [
        ("email", "equals", json!("a@b.co")),
        ("status", "in", json!(["new", "lost"])),
        ("first_name", "contains", json!("ann")),
        ("phone", "starts_with", json!("+1")),
        ("created_at", "greater_than", json!("2024-01-01")),
        ("created_at", "less_equal", json!("2024-01-01T10:00:00Z")),
        ("tags", "has_any", json!([Uuid::new_v4()])),
        ("tags", "is_null", json!(null)),
        ("company", "equals", json!(Uuid::new_v4())),
        ("id", "not_in", json!([Uuid::new_v4()])),
    ];
    for (field, op, value) in ok {
        assert!(
            filters(cond(field, op, value.clone())).is_ok(),
            "{field} {op} {value}"
        );
    }
    let bad = [
        ("status", "contains", json!("ne")),
        ("first_name", "greater_than", json!("a")),
        ("tags", "equals", json!([])),
        ("email", "has_any", json!([Uuid::new_v4()])),
        ("status", "equals", json!("archived")),
        ("company", "equals", json!("not an id")),
        ("created_at", "greater_than", json!("yesterday")),
        ("nope", "equals", json!("x")),
        ("email", "like", json!("x")),
        ("first_name", "contains", json!("")),
        ("status", "in", json!([])),
        ("email", "equals", json!(null)),
        ("first_name", "contains", json!("a\u{0}b")),
    ];
    for (field, op, value) in bad {
        assert!(
            filters(cond(field, op, value.clone())).is_err(),
            "{field} {op} {value}"
        );
    }
}

#[test]
fn groups_nest_up_to_their_limits() {
    let mut nested = cond("email", "is_null", json!(null));
    for _ in 1..MAX_DEPTH {
        nested = json!({"type": "OR", "conditions": [nested]});
    }
    assert!(filters(nested.clone()).is_ok());
    assert!(filters(json!({"type": "AND", "conditions": [nested]})).is_err());
    let many: Vec<_> = (0..=MAX_CONDITIONS)
        .map(|_| json!({"field": "email", "operator": "is_null"}))
        .collect();
    assert!(filters(json!({"type": "AND", "conditions": many})).is_err());
    assert!(filters(
        json!({"type": "XOR", "conditions": [{"field": "email", "operator": "is_null"}]})
    )
    .is_err());
    assert!(filters(json!({"type": "AND", "conditions": []})).is_err());
    let values: Vec<_> = (0..=MAX_VALUES)
        .map(|i| json!(format!("a{i}@b.co")))
        .collect();
    assert!(filters(cond("email", "in", json!(values))).is_err());
}

#[test]
fn the_simple_form_types_its_value_and_splits_lists() {
    let parse = |field: &str, op: &str, value: Option<&str>| {
        Selection::parse(
            &contacts(),
            &SelectionInput {
                filter_field: Some(field.into()),
                filter_operator: Some(op.into()),
                filter_value: value.map(str::to_owned),
                ..SelectionInput::default()
            },
        )
    };
    let s = parse("status", "in", Some("new, lost")).unwrap();
    let Some(Filter::Condition(c)) = s.filter else {
        panic!()
    };
    assert_eq!(
        c.operand,
        Operand::Many(vec![
            Scalar::Value(Value::Text("new".into())),
            Scalar::Value(Value::Text("lost".into()))
        ])
    );
    assert!(parse("email", "is_null", None).is_ok());
    assert!(parse("email", "equals", None).is_err());
    let only_field = SelectionInput {
        filter_field: Some("email".into()),
        ..SelectionInput::default()
    };
    assert!(Selection::parse(&contacts(), &only_field).is_err());
}

#[test]
fn exclusive_parameters_are_refused_together() {
    let both = SelectionInput {
        filters: Some(cond("email", "is_null", json!(null))),
        search: Some("ann".into()),
        ..SelectionInput::default()
    };
    assert!(Selection::parse(&contacts(), &both).is_err());
    let sorts = SelectionInput {
        sort: Some(json!([{"field": "email"}])),
        sort_by: Some("email".into()),
        ..SelectionInput::default()
    };
    assert!(Selection::parse(&contacts(), &sorts).is_err());
    let links = SelectionInput {
        sort_by: Some("tags".into()),
        ..SelectionInput::default()
    };
    assert!(Selection::parse(&contacts(), &links).is_err());
}

#[test]
fn a_cursor_belongs_to_its_selection() {
    let by_email = Selection::parse(
        &contacts(),
        &SelectionInput {
            sort_by: Some("email".into()),
            sort_dir: Some("asc".into()),
            ..SelectionInput::default()
        },
    )
    .unwrap();
    let record = crate::record::Record {
        id: Uuid::new_v4(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        values: [("email".to_owned(), Value::Text("a@b.co".into()))].into(),
    };
    let cursor = by_email.cursor_after(&record);
    let after = by_email.read_cursor(&cursor).unwrap();
    assert_eq!(after.id, record.id);
    assert_eq!(
        after.values,
        vec![Some(Scalar::Value(Value::Text("a@b.co".into())))]
    );
    assert!(Selection::everything("contacts")
        .read_cursor(&cursor)
        .is_err());
    let mut elsewhere = by_email.clone();
    elsewhere.object = "companies".into();
    assert!(
        elsewhere.read_cursor(&cursor).is_err(),
        "a cursor belongs to its object"
    );
    assert!(by_email.read_cursor("zz").is_err());
    assert!(by_email.read_cursor(&"0".repeat(10)).is_err());
}
