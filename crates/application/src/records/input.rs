//! Turning a JSON body into field values, and checking that the ids it names
//! exist in the organization.

use std::collections::BTreeMap;

use kasar_domain::{Catalog, FieldType, ObjectDef, Value};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::error::{AppError, StoreError};
use crate::ports::Tx;
use crate::services::shorten;

const SYSTEM_FIELDS: [&str; 3] = ["id", "created_at", "updated_at"];

/// Parses a record body: a JSON object of field name to value. Unknown fields,
/// system fields, wrong types and bad values are VALIDATION_ERROR. On create,
/// required fields must be present and SELECT defaults are filled in.
pub fn parse_values(
    object: &ObjectDef,
    body: &Json,
    creating: bool,
) -> Result<BTreeMap<String, Value>, AppError> {
    let map = body.as_object().ok_or_else(|| {
        AppError::Validation("the body must be a JSON object of field values".into())
    })?;
    let mut values = BTreeMap::new();
    for (key, json) in map {
        if SYSTEM_FIELDS.contains(&key.as_str()) {
            return Err(AppError::Validation(format!(
                "field '{key}' is set by the server"
            )));
        }
        let field = object.field(key).ok_or_else(|| {
            AppError::Validation(format!(
                "unknown field '{}' for object '{}'",
                shorten(key),
                object.name
            ))
        })?;
        let value =
            Value::from_json(field, json).map_err(|e| AppError::Validation(e.to_string()))?;
        values.insert(field.name.clone(), value);
    }
    if creating {
        for field in &object.fields {
            if values.contains_key(&field.name) {
                continue;
            }
            if field.required {
                return Err(AppError::Validation(format!(
                    "field '{}' is required",
                    field.name
                )));
            }
            if let Some(default) = &field.default_value {
                values.insert(field.name.clone(), Value::Text(default.clone()));
            }
        }
    }
    Ok(values)
}

/// Checks that every BELONGS_TO_ONE and MANY_TO_MANY id names a record of the
/// target object and every OWNER id a user of the organization.
pub async fn check_references(
    tx: &mut dyn Tx,
    catalog: &Catalog,
    object: &ObjectDef,
    values: &BTreeMap<String, Value>,
) -> Result<(), AppError> {
    for (name, value) in values {
        let Some(field) = object.field(name) else {
            continue;
        };
        let ids: Vec<Uuid> = match value {
            Value::Id(id) => vec![*id],
            Value::Ids(ids) => ids.clone(),
            _ => continue,
        };
        if ids.is_empty() {
            continue;
        }
        let missing = match field.field_type {
            FieldType::Owner => tx.missing_users(&ids).await?,
            FieldType::BelongsToOne | FieldType::ManyToMany => {
                let target = field
                    .target
                    .as_deref()
                    .and_then(|t| catalog.object(t))
                    .ok_or_else(|| {
                        StoreError::Unexpected(anyhow::anyhow!("field {name} has no target"))
                    })?;
                tx.missing_records(target, &ids).await?
            }
            _ => continue,
        };
        if let Some(id) = missing.first() {
            let what = if field.field_type == FieldType::Owner {
                "workspace user"
            } else {
                "record"
            };
            return Err(AppError::Validation(format!(
                "field '{name}': {what} {id} does not exist"
            )));
        }
    }
    Ok(())
}

/// The new owner a write sets, if it sets one.
pub(crate) fn new_owner(values: &BTreeMap<String, Value>) -> Option<Option<Uuid>> {
    values.get("owner").map(|v| match v {
        Value::Id(id) => Some(*id),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kasar_domain::standard::standard_objects;
    use serde_json::json;

    fn contacts() -> ObjectDef {
        standard_objects()
            .into_iter()
            .find(|o| o.name == "contacts")
            .unwrap()
    }

    #[test]
    fn create_fills_select_defaults() {
        let v = parse_values(&contacts(), &json!({"first_name": "A"}), true).unwrap();
        assert_eq!(v.get("status"), Some(&Value::Text("new".into())));
    }

    #[test]
    fn bad_bodies_are_validation_errors() {
        for body in [
            json!([]),
            json!({"nope": 1}),
            json!({"id": "x"}),
            json!({"status": "won"}),
            json!({"email": "x"}),
        ] {
            assert!(
                matches!(
                    parse_values(&contacts(), &body, false),
                    Err(AppError::Validation(_))
                ),
                "{body}"
            );
        }
    }

    #[test]
    fn required_fields_are_required_on_create_only() {
        let tags = standard_objects()
            .into_iter()
            .find(|o| o.name == "tags")
            .unwrap();
        assert!(parse_values(&tags, &json!({"color": "red"}), true).is_err());
        assert!(parse_values(&tags, &json!({"color": "red"}), false).is_ok());
    }
}
