//! The duplicate policy, decided in memory once the existing keys are known:
//! each record, in request order, is a duplicate when one of its keys is a
//! key of an existing record or of an earlier record of the request; the
//! policy then says what becomes of it. Pure: the use case reads and writes.

use std::collections::{BTreeMap, HashMap};

use kasar_domain::duplicates::Criterion;
use kasar_domain::{ObjectDef, Value};
use uuid::Uuid;

use super::command::OnDuplicate;
use super::outcome::{ImportResult, ImportStatus};
use crate::error_code::ErrorCode;

/// A record that passed validation, with its keys (stored form, criterion order).
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub(crate) index: usize,
    pub(crate) values: BTreeMap<String, Value>,
    pub(crate) keys: Vec<(Criterion, String)>,
}

/// What the request writes.
#[derive(Debug, Default)]
pub(crate) struct Decided {
    /// New records: (index, id, values), with the fills of later duplicates
    /// of them already applied.
    pub(crate) creates: Vec<(usize, Uuid, BTreeMap<String, Value>)>,
    /// Existing records to fill, each from these inputs in request order:
    /// (index, existing id, the input's values).
    pub(crate) fills: Vec<(usize, Uuid, BTreeMap<String, Value>)>,
    pub(crate) results: Vec<ImportResult>,
}

/// The record a key leads to: an existing one, or the n-th create.
#[derive(Debug, Clone, Copy)]
enum Target {
    Existing(Uuid),
    New(usize),
}

/// Decides every input. `existing` maps a key to the oldest existing record
/// holding it.
pub(crate) fn decide(
    object: &ObjectDef,
    policy: OnDuplicate,
    inputs: Vec<Input>,
    existing: &HashMap<(Criterion, String), Uuid>,
) -> Decided {
    let mut out = Decided::default();
    let mut seen: HashMap<(Criterion, String), Target> = HashMap::new();
    for input in inputs {
        let found = input.keys.iter().find_map(|key| {
            existing
                .get(key)
                .map(|id| (Target::Existing(*id), key.0))
                .or_else(|| seen.get(key).map(|t| (*t, key.0)))
        });
        let target_id = |t: Target, creates: &[(usize, Uuid, BTreeMap<String, Value>)]| match t {
            Target::Existing(id) => Some(id),
            Target::New(n) => creates.get(n).map(|c| c.1),
        };
        let Some((target, reason)) = found else {
            out.create(&mut seen, input, None, None);
            continue;
        };
        let of = target_id(target, &out.creates);
        match policy {
            OnDuplicate::Skip => {
                register(&mut seen, &input.keys, target);
                out.results.push(result(
                    input.index,
                    ImportStatus::Duplicate,
                    None,
                    of,
                    Some(reason),
                ));
            }
            OnDuplicate::Create => out.create(&mut seen, input, of, Some(reason)),
            OnDuplicate::Error => {
                let mut failed = ImportResult::failed(
                    input.index,
                    ErrorCode::Duplicate,
                    format!(
                        "duplicates record {} by {}",
                        of.map(|id| id.to_string()).unwrap_or_default(),
                        reason.as_str()
                    ),
                );
                failed.duplicate_of = of;
                failed.match_reason = Some(reason);
                out.results.push(failed);
            }
            OnDuplicate::Update => {
                register(&mut seen, &input.keys, target);
                out.results.push(result(
                    input.index,
                    ImportStatus::Updated,
                    of,
                    of,
                    Some(reason),
                ));
                match target {
                    Target::New(n) => {
                        if let Some(create) = out.creates.get_mut(n) {
                            fill_blanks(object, &mut create.2, &input.values);
                        }
                    }
                    Target::Existing(id) => out.fills.push((input.index, id, input.values)),
                }
            }
        }
    }
    out
}

impl Decided {
    /// Creates `input` (a duplicate of `of` by `reason`, if it is one); its
    /// keys lead to the new record unless an earlier record holds them.
    fn create(
        &mut self,
        seen: &mut HashMap<(Criterion, String), Target>,
        input: Input,
        of: Option<Uuid>,
        reason: Option<Criterion>,
    ) {
        let id = Uuid::now_v7();
        register(seen, &input.keys, Target::New(self.creates.len()));
        self.results.push(result(
            input.index,
            ImportStatus::Created,
            Some(id),
            of,
            reason,
        ));
        self.creates.push((input.index, id, input.values));
    }
}

/// Keys lead to the first record that held them.
fn register(
    seen: &mut HashMap<(Criterion, String), Target>,
    keys: &[(Criterion, String)],
    t: Target,
) {
    for key in keys {
        seen.entry(key.clone()).or_insert(t);
    }
}

fn result(
    index: usize,
    status: ImportStatus,
    id: Option<Uuid>,
    duplicate_of: Option<Uuid>,
    match_reason: Option<Criterion>,
) -> ImportResult {
    ImportResult {
        index,
        status,
        id,
        duplicate_of,
        match_reason,
        error: None,
    }
}

/// Fills `target`'s blank fields from `input`, as a merge's `fill_blanks`
/// does: a column field that is blank (absent, null, empty or whitespace)
/// takes the input's non-blank value; MANY_TO_MANY links are united.
pub(crate) fn fill_blanks(
    object: &ObjectDef,
    target: &mut BTreeMap<String, Value>,
    input: &BTreeMap<String, Value>,
) {
    for field in object.column_fields() {
        let Some(value) = input.get(&field.name).filter(|v| !v.is_blank()) else {
            continue;
        };
        if target.get(&field.name).is_none_or(Value::is_blank) {
            target.insert(field.name.clone(), value.clone());
        }
    }
    for field in object.many_to_many_fields() {
        let Some(Value::Ids(added)) = input.get(&field.name) else {
            continue;
        };
        let mut ids = match target.get(&field.name) {
            Some(Value::Ids(ids)) => ids.clone(),
            _ => Vec::new(),
        };
        for id in added {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        target.insert(field.name.clone(), Value::Ids(ids));
    }
}

#[cfg(test)]
mod tests {
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
        let skip = decide(&contacts(), OnDuplicate::Skip, inputs(), &existing);
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
        assert_eq!(skip.results[2].match_reason, Some(Criterion::Phone));
        assert_eq!(skip.creates.len(), 2);

        let create = decide(&contacts(), OnDuplicate::Create, inputs(), &existing);
        assert_eq!(create.creates.len(), 4);
        assert_eq!(create.results[1].duplicate_of, create.results[0].id);

        let error = decide(&contacts(), OnDuplicate::Error, inputs(), &existing);
        assert_eq!(
            error.results[1].error.as_ref().unwrap().0,
            ErrorCode::Duplicate
        );
        assert_eq!(error.creates.len(), 2);

        let update = decide(&contacts(), OnDuplicate::Update, inputs(), &existing);
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
}
