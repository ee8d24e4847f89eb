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

/// The record an input leads to: an existing one, or the n-th create.
#[derive(Debug, Clone, Copy)]
enum Target {
    Existing(Uuid),
    New(usize),
}

/// What an input duplicates: an existing record, or an earlier input of the
/// request (by position), with the reason (a criterion or a comparison) and
/// the score (fuzzy matching).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub(crate) of: Earlier,
    pub(crate) reason: String,
    pub(crate) score: Option<f64>,
}

/// An existing record or an earlier input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Earlier {
    Existing(Uuid),
    Input(usize),
}

/// How duplicates are found: exact keys or fuzzy scores.
pub(crate) trait Finder {
    /// What the input at `pos` duplicates, if anything.
    fn find(&self, pos: usize, input: &Input) -> Option<Found>;
    /// The input at `pos` now leads somewhere (created, or a duplicate that
    /// was skipped or filled in): later inputs may match it.
    fn register(&mut self, pos: usize, input: &Input);
}

/// Exact keys: a key of an existing record (`existing`: the oldest holding
/// it) or of an earlier registered input.
pub(crate) struct KeyFinder<'a> {
    pub(crate) existing: &'a HashMap<(Criterion, String), Uuid>,
    pub(crate) seen: HashMap<(Criterion, String), usize>,
}

impl Finder for KeyFinder<'_> {
    fn find(&self, _: usize, input: &Input) -> Option<Found> {
        input.keys.iter().find_map(|key| {
            let of = self
                .existing
                .get(key)
                .map(|id| Earlier::Existing(*id))
                .or_else(|| self.seen.get(key).map(|p| Earlier::Input(*p)))?;
            Some(Found {
                of,
                reason: key.0.as_str().to_owned(),
                score: None,
            })
        })
    }

    fn register(&mut self, pos: usize, input: &Input) {
        for key in &input.keys {
            self.seen.entry(key.clone()).or_insert(pos);
        }
    }
}

/// Decides every input, in order, with `finder` saying what each duplicates.
pub(crate) fn decide(
    object: &ObjectDef,
    policy: OnDuplicate,
    inputs: Vec<Input>,
    finder: &mut dyn Finder,
) -> Decided {
    let mut out = Decided::default();
    let mut targets: Vec<Option<Target>> = Vec::with_capacity(inputs.len());
    for (pos, input) in inputs.into_iter().enumerate() {
        let found = finder.find(pos, &input).and_then(|f| {
            let target = match f.of {
                Earlier::Existing(id) => Target::Existing(id),
                Earlier::Input(p) => (*targets.get(p)?)?,
            };
            Some((target, f))
        });
        let Some((target, found)) = found else {
            finder.register(pos, &input);
            targets.push(Some(out.create(input, None)));
            continue;
        };
        let of = match target {
            Target::Existing(id) => Some(id),
            Target::New(n) => out.creates.get(n).map(|c| c.1),
        };
        let mut result = result(input.index, ImportStatus::Duplicate, None, of, &found);
        match policy {
            OnDuplicate::Skip => {
                finder.register(pos, &input);
                targets.push(Some(target));
                out.results.push(result);
            }
            OnDuplicate::Create => {
                finder.register(pos, &input);
                targets.push(Some(out.create(input, Some((of, &found)))));
            }
            OnDuplicate::Error => {
                result.status = ImportStatus::Failed;
                result.error = Some((
                    ErrorCode::Duplicate,
                    format!(
                        "duplicates record {} by {}",
                        of.map(|id| id.to_string()).unwrap_or_default(),
                        found.reason
                    ),
                ));
                targets.push(None);
                out.results.push(result);
            }
            OnDuplicate::Update => {
                finder.register(pos, &input);
                targets.push(Some(target));
                result.status = ImportStatus::Updated;
                result.id = of;
                out.results.push(result);
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
    /// Creates `input` (a duplicate of `of` as `found` says, if it is one).
    fn create(&mut self, input: Input, duplicate: Option<(Option<Uuid>, &Found)>) -> Target {
        let id = Uuid::now_v7();
        let mut r = match duplicate {
            Some((of, found)) => result(input.index, ImportStatus::Created, Some(id), of, found),
            None => ImportResult {
                index: input.index,
                status: ImportStatus::Created,
                id: Some(id),
                duplicate_of: None,
                match_reason: None,
                score: None,
                error: None,
            },
        };
        r.id = Some(id);
        self.results.push(r);
        self.creates.push((input.index, id, input.values));
        Target::New(self.creates.len() - 1)
    }
}

fn result(
    index: usize,
    status: ImportStatus,
    id: Option<Uuid>,
    duplicate_of: Option<Uuid>,
    found: &Found,
) -> ImportResult {
    ImportResult {
        index,
        status,
        id,
        duplicate_of,
        match_reason: Some(found.reason.clone()),
        score: found.score,
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
#[path = "resolve_tests.rs"]
mod tests;
