//! The bulk request and its checks that need no database.

use kasar_domain::{Catalog, FieldType, ObjectDef, Value};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::duplicates::parse_ids;
use crate::error::AppError;
use crate::services::shorten;
use crate::Limits;

/// What to do to every record.
#[derive(Debug, Clone, PartialEq)]
pub enum BulkAction {
    UpdateField {
        field_name: String,
        field_value: Json,
    },
    AddRelation {
        relation_field: String,
        target_ids: Vec<String>,
    },
    RemoveRelation {
        relation_field: String,
        target_ids: Vec<String>,
    },
}

impl BulkAction {
    /// The action's name in requests and responses.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::UpdateField { .. } => "update_field",
            Self::AddRelation { .. } => "add_relation",
            Self::RemoveRelation { .. } => "remove_relation",
        }
    }
}

/// A bulk request, as typed by the HTTP adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRequest {
    pub object: String,
    pub record_ids: Vec<String>,
    pub action: BulkAction,
}

/// A request that passed every check: distinct ids in request order.
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

/// Distinct ids, first occurrence kept.
pub(crate) fn distinct(ids: Vec<Uuid>) -> Vec<Uuid> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

/// Checks record ids: non-empty, UUIDs, at most the limit once repeats are dropped.
pub(crate) fn check_ids(limits: &Limits, raw: &[String]) -> Result<Vec<Uuid>, AppError> {
    if raw.is_empty() {
        return Err(AppError::Validation("record_ids must not be empty".into()));
    }
    let ids = distinct(parse_ids("record_ids", raw)?);
    if ids.len() > limits.bulk_records {
        return Err(AppError::Validation(format!(
            "record_ids holds more than {} ids",
            limits.bulk_records
        )));
    }
    Ok(ids)
}

/// Checks the action against the object's catalog.
pub(crate) fn check_action(
    limits: &Limits,
    catalog: &Catalog,
    object: &ObjectDef,
    action: &BulkAction,
) -> Result<Checked, AppError> {
    match action {
        BulkAction::UpdateField {
            field_name,
            field_value,
        } => {
            let field = object.field(field_name).ok_or_else(|| {
                AppError::Validation(format!(
                    "'{}' is not a writable field of '{}'",
                    shorten(field_name),
                    object.name
                ))
            })?;
            if field.field_type == FieldType::ManyToMany {
                return Err(AppError::Validation(format!(
                    "'{field_name}' is a MANY_TO_MANY field; use add_relation or remove_relation"
                )));
            }
            let value = Value::from_json(field, field_value)
                .map_err(|e| AppError::Validation(e.to_string()))?;
            Ok(Checked::Update {
                field: field.name.clone(),
                value,
            })
        }
        BulkAction::AddRelation {
            relation_field,
            target_ids,
        }
        | BulkAction::RemoveRelation {
            relation_field,
            target_ids,
        } => {
            let field = object
                .field(relation_field)
                .filter(|f| f.field_type == FieldType::ManyToMany)
                .ok_or_else(|| {
                    AppError::Validation(format!(
                        "'{}' is not a MANY_TO_MANY field of '{}'",
                        shorten(relation_field),
                        object.name
                    ))
                })?;
            if target_ids.is_empty() {
                return Err(AppError::Validation("target_ids must not be empty".into()));
            }
            let targets = distinct(parse_ids("target_ids", target_ids)?);
            if targets.len() > limits.bulk_targets {
                return Err(AppError::Validation(format!(
                    "target_ids holds more than {} ids",
                    limits.bulk_targets
                )));
            }
            let target = field
                .target
                .as_deref()
                .and_then(|t| catalog.object(t))
                .cloned()
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "relation {relation_field} has no target object"
                    ))
                })?;
            Ok(Checked::Links {
                field: field.name.clone(),
                target,
                targets,
                add: matches!(action, BulkAction::AddRelation { .. }),
            })
        }
    }
}
