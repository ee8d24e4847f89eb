//! Field values: the maximum length of each type and required fields that
//! refuse blank values (`Value::from_json`, used on create and update).

use kasar_domain::value::{
    max_chars, MAX_EMAIL_CHARS, MAX_LINKEDIN_CHARS, MAX_PHONE_CHARS, MAX_TEXT_CHARS,
};
use kasar_domain::{FieldDef, FieldType, Value, ValueError};
use serde_json::{json, Value as Json};

fn field(t: FieldType, required: bool) -> FieldDef {
    FieldDef {
        name: "f".into(),
        field_type: t,
        required,
        options: vec!["a".into(), " ".into(), String::new()],
        default_value: None,
        target: None,
        label: None,
        custom: false,
    }
}

fn parse(t: FieldType, required: bool, json: Json) -> Result<Value, ValueError> {
    Value::from_json(&field(t, required), &json)
}

#[test]
fn every_type_has_a_documented_maximum() {
    let expected = [
        (FieldType::Text, Some(100_000)),
        (FieldType::Email, Some(254)),
        (FieldType::Phone, Some(64)),
        (FieldType::Linkedin, Some(2_048)),
        (FieldType::Select, Some(100_000)),
        (FieldType::Number, None),
        (FieldType::Boolean, None),
        (FieldType::Date, None),
        (FieldType::Owner, None),
        (FieldType::BelongsToOne, None),
        (FieldType::ManyToMany, None),
    ];
    assert_eq!(expected.len(), FieldType::ALL.len());
    for (t, max) in expected {
        assert_eq!(max_chars(t), max, "{t:?}");
    }
}

#[test]
fn strings_up_to_the_maximum_are_accepted_and_longer_refused() {
    fn email(len: usize) -> String {
        format!("{}@x.io", "a".repeat(len - 5))
    }
    type Make = fn(usize) -> String;
    let cases: [(FieldType, usize, Make); 4] = [
        (FieldType::Text, MAX_TEXT_CHARS, |n| "é".repeat(n)),
        (FieldType::Phone, MAX_PHONE_CHARS, |n| "5".repeat(n)),
        (FieldType::Linkedin, MAX_LINKEDIN_CHARS, |n| "l".repeat(n)),
        (FieldType::Email, MAX_EMAIL_CHARS, email),
    ];
    for (t, max, make) in cases {
        assert_eq!(
            parse(t, false, json!(make(max))),
            Ok(Value::Text(make(max))),
            "{t:?}"
        );
        assert_eq!(
            parse(t, false, json!(make(max + 1))),
            Err(ValueError::TooLong {
                field: "f".into(),
                max
            }),
            "{t:?}"
        );
    }
    // An email is measured as sent, the white space around it included
    // (then trimmed).
    let padded = format!("  {}  ", email(MAX_EMAIL_CHARS - 4));
    assert_eq!(
        parse(FieldType::Email, false, json!(padded)),
        Ok(Value::Text(email(250)))
    );
    let padded = format!("  {}  ", email(MAX_EMAIL_CHARS));
    assert!(parse(FieldType::Email, false, json!(padded)).is_err());
    let err = parse(FieldType::Phone, false, json!("5".repeat(65))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "field 'f' must be at most 64 characters long"
    );
}

#[test]
fn a_long_company_name_is_accepted() {
    // The 70,006-character name of the grouping defect fits TEXT.
    let name = format!("Quill {}", "abcdefghij".repeat(7000));
    assert_eq!(
        parse(FieldType::Text, true, json!(name)),
        Ok(Value::Text(name))
    );
}

#[test]
fn required_fields_refuse_blank_values() {
    let blank = Err(ValueError::Blank("f".into()));
    for json in [
        json!(""),
        json!("   "),
        json!("\t\n"),
        json!("\u{a0}\u{3000}"),
    ] {
        assert_eq!(parse(FieldType::Text, true, json.clone()), blank, "{json}");
        // Not required: blank strings are values.
        assert!(parse(FieldType::Text, false, json).is_ok());
    }
    assert_eq!(
        parse(FieldType::Text, true, json!(" x ")),
        Ok(Value::Text(" x ".into()))
    );
    assert_eq!(
        parse(FieldType::Text, true, Json::Null),
        Err(ValueError::Required("f".into()))
    );
    for t in [
        FieldType::Phone,
        FieldType::Linkedin,
        FieldType::Email,
        FieldType::Select,
    ] {
        assert_eq!(parse(t, true, json!("  ")), blank, "{t:?}");
    }
    assert_eq!(
        parse(FieldType::Select, false, json!(" ")),
        Ok(Value::Text(" ".into()))
    );
    assert_eq!(parse(FieldType::ManyToMany, true, json!([])), blank);
    assert!(parse(FieldType::ManyToMany, false, json!([])).is_ok());
    let err = parse(FieldType::Text, true, json!(" ")).unwrap_err();
    assert_eq!(err.to_string(), "field 'f' is required and cannot be blank");
}
