//! The checks of a bulk command that need the catalog but no transaction.

use kasar_domain::id::shorten;
use kasar_domain::select::{Selection, SelectionInput};
use kasar_domain::{Catalog, FieldType, ObjectDef, RecordId, Value};
use uuid::Uuid;

use super::command::BulkCommand;
use crate::error::AppError;
use crate::Limits;

/// A command that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Checked {
    Update {
        field: String,
        value: Value,
    },
    Links {
        field: String,
        target: ObjectDef,
        targets: Vec<Uuid>,
        add: bool,
    },
}

/// Distinct ids in request order, first occurrence kept.
fn distinct(ids: &[RecordId]) -> Vec<Uuid> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.iter()
        .map(|id| id.uuid())
        .filter(|id| seen.insert(*id))
        .collect()
}

/// Distinct ids of a list that must hold 1 to `max` of them.
fn bounded(what: &str, ids: &[RecordId], max: usize) -> Result<Vec<Uuid>, AppError> {
    if ids.is_empty() {
        return Err(AppError::Validation(format!("{what} must not be empty")));
    }
    let ids = distinct(ids);
    if ids.len() > max {
        return Err(AppError::Validation(format!(
            "{what} holds more than {max} ids"
        )));
    }
    Ok(ids)
}

/// Which records a command names.
pub(crate) enum Targets {
    /// Listed: distinct, in request order.
    Listed(Vec<Uuid>),
    /// Selected by a filter or a search.
    Selected(Box<Selection>),
}

/// The records of the command: `record_ids` (non-empty, at most the limit once
/// repeats are dropped) or `where` (a FilterGroup or `{"search": "..."}`).
pub(crate) fn check_targets(
    limits: &Limits,
    object: &ObjectDef,
    command: &BulkCommand,
) -> Result<Targets, AppError> {
    match (command.record_ids(), command.selector()) {
        (Some(ids), None) => Ok(Targets::Listed(bounded(
            "record_ids",
            ids,
            limits.bulk_records,
        )?)),
        (None, Some(selector)) => {
            let input = match selector.get("search") {
                Some(search) if selector.as_object().is_some_and(|m| m.len() == 1) => {
                    SelectionInput {
                        search: Some(search.as_str().map(str::to_owned).ok_or_else(|| {
                            AppError::Validation("where.search is a string".into())
                        })?),
                        ..SelectionInput::default()
                    }
                }
                _ => SelectionInput {
                    filters: Some(selector.clone()),
                    ..SelectionInput::default()
                },
            };
            let selection = crate::records::selection(object, &input)?;
            if selection.filter.is_none() && selection.search.is_none() {
                return Err(AppError::Validation(
                    "where selects nothing: give a filter or a search".into(),
                ));
            }
            Ok(Targets::Selected(Box::new(selection)))
        }
        (Some(_), Some(_)) => Err(AppError::Validation(
            "record_ids and where exclude each other".into(),
        )),
        (None, None) => Err(AppError::Validation(
            "record_ids (or where) is required".into(),
        )),
    }
}

/// Checks the action against the object's catalog.
pub(crate) fn check_action(
    limits: &Limits,
    catalog: &Catalog,
    object: &ObjectDef,
    command: &BulkCommand,
) -> Result<Checked, AppError> {
    let change = match command {
        BulkCommand::UpdateField(u) => {
            let field = object.field(&u.field_name).ok_or_else(|| {
                AppError::Validation(format!(
                    "'{}' is not a writable field of '{}'",
                    shorten(&u.field_name),
                    object.name
                ))
            })?;
            if field.field_type == FieldType::ManyToMany {
                return Err(AppError::Validation(format!(
                    "'{}' is a MANY_TO_MANY field; use add_relation or remove_relation",
                    field.name
                )));
            }
            let value = Value::from_json(field, &u.field_value)
                .map_err(|e| AppError::Validation(e.to_string()))?;
            return Ok(Checked::Update {
                field: field.name.clone(),
                value,
            });
        }
        BulkCommand::AddRelation(r) | BulkCommand::RemoveRelation(r) => r,
    };
    let field = object
        .field(&change.relation_field)
        .filter(|f| f.field_type == FieldType::ManyToMany)
        .ok_or_else(|| {
            AppError::Validation(format!(
                "'{}' is not a MANY_TO_MANY field of '{}'",
                shorten(&change.relation_field),
                object.name
            ))
        })?;
    let targets = bounded("target_ids", &change.target_ids, limits.bulk_targets)?;
    let target = field
        .target
        .as_deref()
        .and_then(|t| catalog.object(t))
        .cloned()
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "relation {} has no target object",
                field.name
            ))
        })?;
    Ok(Checked::Links {
        field: field.name.clone(),
        target,
        targets,
        add: matches!(command, BulkCommand::AddRelation(_)),
    })
}
