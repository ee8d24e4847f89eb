//! Turning a JSON body into field values, and checking that the ids it names
//! exist in the organization.

use std::collections::BTreeMap;

use kasar_domain::id::shorten;
use kasar_domain::{Caller, Catalog, ObjectDef, Record, Value};
use uuid::Uuid;

use super::references::missing_references;
use crate::command::RecordFields;
use crate::error::{AppError, NO_PERMISSION_ON_RECORD};
use crate::ports::Tx;

const SYSTEM_FIELDS: [&str; 3] = ["id", "created_at", "updated_at"];

/// Parses a record body: field name to JSON value. Unknown fields,
/// system fields, wrong types and bad values are VALIDATION_ERROR. On create,
/// required fields must be present and SELECT defaults are filled in.
pub fn parse_values(
    object: &ObjectDef,
    body: &RecordFields,
    creating: bool,
) -> Result<BTreeMap<String, Value>, AppError> {
    let map = &body.0;
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
            if let Some(default) = &field.default_value {
                let value = Value::from_json(field, default)
                    .map_err(|e| AppError::Validation(e.to_string()))?;
                values.insert(field.name.clone(), value);
            } else if field.required {
                return Err(AppError::Validation(format!(
                    "field '{}' is required",
                    field.name
                )));
            }
        }
    }
    Ok(values)
}

/// Checks that every BELONGS_TO_ONE and MANY_TO_MANY id names a record of the
/// target object and every OWNER id a user of the organization.
pub(crate) async fn check_references(
    tx: &mut dyn Tx,
    catalog: &Catalog,
    object: &ObjectDef,
    values: &BTreeMap<String, Value>,
) -> Result<(), AppError> {
    match missing_references(tx, catalog, object, &[values])
        .await?
        .pop()
        .flatten()
    {
        Some(message) => Err(AppError::Validation(message)),
        None => Ok(()),
    }
}

/// Locks one record and applies the record-level write rule to it: 404 when it
/// does not exist, 403 when the caller may not change it (or give it `new_owner`).
pub(crate) async fn lock_one(
    tx: &mut dyn Tx,
    caller: &Caller,
    object: &ObjectDef,
    id: Uuid,
    new_owner: Option<Option<Uuid>>,
) -> Result<(), AppError> {
    let owners = tx.lock_owners(object, &[id]).await?;
    let Some((_, owner)) = owners.first() else {
        return Err(AppError::not_found(&object.name, id));
    };
    if caller.may_change(*owner, new_owner) {
        Ok(())
    } else {
        Err(AppError::PermissionDenied(NO_PERMISSION_ON_RECORD.into()))
    }
}

/// A record just written, as it stands inside the transaction.
pub(crate) async fn read_back(
    tx: &mut dyn Tx,
    object: &ObjectDef,
    id: Uuid,
) -> Result<Record, AppError> {
    tx.get(object, id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("record {id} written but not readable")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kasar_domain::standard::standard_objects;
    use serde_json::json;

    fn body(v: serde_json::Value) -> RecordFields {
        match v {
            serde_json::Value::Object(m) => RecordFields(m),
            _ => panic!("not an object"),
        }
    }

    fn contacts() -> ObjectDef {
        crate::test_support::standard("contacts")
    }

    #[test]
    fn create_fills_select_defaults() {
        let v = parse_values(&contacts(), &body(json!({"first_name": "A"})), true).unwrap();
        assert_eq!(v.get("status"), Some(&Value::Text("new".into())));
    }

    #[test]
    fn bad_bodies_are_validation_errors() {
        for raw in [
            json!({"nope": 1}),
            json!({"id": "x"}),
            json!({"status": "won"}),
            json!({"email": "x"}),
        ] {
            assert!(
                matches!(
                    parse_values(&contacts(), &body(raw.clone()), false),
                    Err(AppError::Validation(_))
                ),
                "{raw}"
            );
        }
    }

    #[test]
    fn required_fields_are_required_on_create_only() {
        let tags = standard_objects()
            .into_iter()
            .find(|o| o.name == "tags")
            .unwrap();
        assert!(parse_values(&tags, &body(json!({"color": "red"})), true).is_err());
        assert!(parse_values(&tags, &body(json!({"color": "red"})), false).is_ok());
    }
}
