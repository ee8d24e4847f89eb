//! Typing the records of a batch before its transaction: each becomes a
//! create, an update of an id, or an upsert keyed by its match value; a record
//! that does not fit fails on its own.

use std::collections::{BTreeMap, HashMap};

use kasar_domain::{FieldType, ObjectDef, Value};
use serde_json::{Map, Value as Json};
use uuid::Uuid;

use super::command::BatchKind;
use super::outcome::{failed, BatchResult};
use crate::command::RecordFields;
use crate::error::AppError;
use crate::error_code::ErrorCode;
use crate::records::parse_values;

/// A record ready for the transaction.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) index: usize,
    pub(crate) action: Action,
}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Create(BTreeMap<String, Value>),
    Update(Uuid, BTreeMap<String, Value>),
    /// The record's fields, to be typed once the match is known, and its key.
    Upsert(Map<String, Json>, String),
}

/// Checks an upsert's `match_field`: `id`, or a TEXT or EMAIL field.
pub(crate) fn check_match_field(object: &ObjectDef, field: &str) -> Result<(), AppError> {
    let fits = field == "id"
        || object
            .field(field)
            .is_some_and(|f| matches!(f.field_type, FieldType::Text | FieldType::Email));
    if fits {
        Ok(())
    } else {
        Err(AppError::Validation(format!(
            "match_field must be id or a TEXT or EMAIL field of '{}'",
            object.name
        )))
    }
}

/// The match key of a value: an id as canonical text, an EMAIL trimmed and
/// lowercased, TEXT as it is.
pub(crate) fn match_key(object: &ObjectDef, field: &str, value: &Json) -> Option<String> {
    let text = value.as_str()?;
    if field == "id" {
        return Uuid::parse_str(text).ok().map(|id| id.to_string());
    }
    match object.field(field)?.field_type {
        FieldType::Email => Some(text.trim().to_lowercase()),
        _ => Some(text.to_owned()),
    }
}

/// Types every record; returns the pending ones and the failures.
pub(crate) fn prepare(
    object: &ObjectDef,
    kind: &BatchKind,
    records: &[Json],
) -> (Vec<Pending>, Vec<BatchResult>) {
    let (mut pending, mut failures) = (Vec::new(), Vec::new());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        let Some(map) = record.as_object() else {
            failures.push(failed(
                index,
                ErrorCode::ValidationError,
                "a record is a JSON object of field values",
            ));
            continue;
        };
        match one(object, kind, map, index, &mut seen) {
            Ok(action) => pending.push(Pending { index, action }),
            Err(e) => failures.push(failed(index, e.code(), e.to_string())),
        }
    }
    (pending, failures)
}

fn one(
    object: &ObjectDef,
    kind: &BatchKind,
    map: &Map<String, Json>,
    index: usize,
    seen: &mut HashMap<String, usize>,
) -> Result<Action, AppError> {
    let mut repeated = |key: String, what: &str| match seen.insert(key, index) {
        Some(first) => Err(AppError::Validation(format!(
            "{what} repeats the one of record {first}"
        ))),
        None => Ok(()),
    };
    match kind {
        BatchKind::Create => Ok(Action::Create(parse_values(
            object,
            &RecordFields(map.clone()),
            true,
        )?)),
        BatchKind::Update => {
            let id = map
                .get("id")
                .and_then(Json::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| {
                    AppError::Validation("each record of an update holds its id (a UUID)".into())
                })?;
            repeated(id.to_string(), "its id")?;
            let mut fields = map.clone();
            fields.remove("id");
            Ok(Action::Update(
                id,
                parse_values(object, &RecordFields(fields), false)?,
            ))
        }
        BatchKind::Upsert { match_field } => {
            let mut fields = map.clone();
            let key = match fields.get(match_field.as_str()) {
                None | Some(Json::Null) => None,
                Some(v) => Some(match_key(object, match_field, v).ok_or_else(|| {
                    AppError::Validation(format!(
                        "match_field '{match_field}' holds no valid value"
                    ))
                })?),
            };
            if match_field == "id" {
                fields.remove("id");
            }
            // Typed now so that a record that fits no way fails before the transaction.
            parse_values(object, &RecordFields(fields.clone()), false)?;
            match key {
                Some(key) => {
                    repeated(key.clone(), "its match value")?;
                    Ok(Action::Upsert(fields, key))
                }
                None => Ok(Action::Create(parse_values(
                    object,
                    &RecordFields(fields),
                    true,
                )?)),
            }
        }
    }
}
