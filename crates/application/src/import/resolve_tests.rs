//! The duplicate policy of imports, decided in memory.

use super::*;

fn contacts() -> ObjectDef {
    crate::test_support::standard("contacts")
}

fn input(index: usize, email: &str, phone: Option<&str>) -> Input {
    let mut values = BTreeMap::new();
    values.insert("email".to_owned(), Value::Text(email.to_owned()));
    let mut keys = vec![(Criterion::Email, email.to_owned())];
    if let Some(p) = phone {
        values.insert("phone".to_owned(), Value::Text(p.to_owned()));
        keys.push((Criterion::Phone, p.to_owned()));
    }
    Input {
        index,
        values,
        keys,
    }
}

#[test]
fn duplicates_of_existing_and_earlier_records_follow_the_policy() {
    let old = Uuid::now_v7();
    let existing = HashMap::from([((Criterion::Phone, "+1".to_owned()), old)]);
    let inputs = || {
        vec![
            input(0, "a@x", None),
            input(1, "a@x", None),
            input(2, "b@x", Some("+1")),
            input(3, "c@x", None),
        ]
    };
    let run = |policy| {
        let mut finder = KeyFinder {
            existing: &existing,
            seen: HashMap::new(),
        };
        decide(&contacts(), policy, inputs(), &mut finder)
    };
    let skip = run(OnDuplicate::Skip);
    let statuses: Vec<_> = skip.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            ImportStatus::Created,
            ImportStatus::Duplicate,
            ImportStatus::Duplicate,
            ImportStatus::Created
        ]
    );
    assert_eq!(skip.results[1].duplicate_of, skip.results[0].id);
    assert_eq!(skip.results[2].duplicate_of, Some(old));
    assert_eq!(skip.results[2].match_reason.as_deref(), Some("phone"));
    assert_eq!(skip.creates.len(), 2);

    let create = run(OnDuplicate::Create);
    assert_eq!(create.creates.len(), 4);
    assert_eq!(create.results[1].duplicate_of, create.results[0].id);

    let error = run(OnDuplicate::Error);
    assert_eq!(
        error.results[1].error.as_ref().unwrap().0,
        ErrorCode::Duplicate
    );
    assert_eq!(error.creates.len(), 2);

    let update = run(OnDuplicate::Update);
    assert_eq!(update.fills.len(), 1, "the existing record is filled");
    assert_eq!(update.fills[0].1, old);
    assert_eq!(
        update.results[1].id, update.results[0].id,
        "the earlier record is filled"
    );
}

#[test]
fn fill_blanks_fills_only_blank_fields_and_unites_links() {
    let (t1, t2) = (Uuid::now_v7(), Uuid::now_v7());
    let mut target = BTreeMap::from([
        ("first_name".to_owned(), Value::Text("Ann".into())),
        ("last_name".to_owned(), Value::Text("  ".into())),
        ("tags".to_owned(), Value::Ids(vec![t1])),
    ]);
    let input = BTreeMap::from([
        ("first_name".to_owned(), Value::Text("Anna".into())),
        ("last_name".to_owned(), Value::Text("Lee".into())),
        ("email".to_owned(), Value::Text("ann@x.io".into())),
        ("tags".to_owned(), Value::Ids(vec![t1, t2])),
    ]);
    fill_blanks(&contacts(), &mut target, &input);
    assert_eq!(target["first_name"], Value::Text("Ann".into()));
    assert_eq!(target["last_name"], Value::Text("Lee".into()));
    assert_eq!(target["email"], Value::Text("ann@x.io".into()));
    assert_eq!(target["tags"], Value::Ids(vec![t1, t2]));
}
