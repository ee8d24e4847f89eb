//! The judgement of each change against the held catalog and the data: the
//! rules of the domain's `schema` module, plus what needs counting (records
//! of an object, nulls of a field, records holding an option).

use kasar_domain::id::shorten;
use kasar_domain::schema::{check_name, field_def, inbound_fields, patched, FieldPatch, FieldSpec};
use kasar_domain::schema::{SchemaChange, SchemaError};
use kasar_domain::{FieldDef, FieldType, ObjectDef};

use crate::error::AppError;
use crate::ports::SchemaTx;
use crate::Limits;

impl From<SchemaError> for AppError {
    fn from(e: SchemaError) -> Self {
        match e {
            SchemaError::Invalid(m) => Self::Validation(m),
            SchemaError::Conflict(m) => Self::Conflict(m),
        }
    }
}

fn object<'a>(tx: &'a dyn SchemaTx, name: &str) -> Result<&'a ObjectDef, AppError> {
    tx.catalog()
        .object(name)
        .ok_or_else(|| AppError::InvalidObject(shorten(name)))
}

fn field<'a>(object: &'a ObjectDef, name: &str) -> Result<&'a FieldDef, AppError> {
    object.field(name).ok_or_else(|| {
        AppError::Validation(format!(
            "object '{}' has no field '{}'",
            object.name,
            shorten(name)
        ))
    })
}

/// A new custom object with its fields.
pub(crate) fn create_object(
    tx: &dyn SchemaTx,
    limits: &Limits,
    name: &str,
    label: Option<String>,
    fields: &[FieldSpec],
) -> Result<SchemaChange, AppError> {
    check_name("object", name)?;
    let catalog = tx.catalog();
    if catalog.objects.iter().filter(|o| o.custom).count() >= limits.max_objects {
        return Err(AppError::Validation(format!(
            "an organization has at most {} custom objects",
            limits.max_objects
        )));
    }
    if fields.len() > limits.max_fields {
        return Err(AppError::Validation(format!(
            "an object has at most {} fields",
            limits.max_fields
        )));
    }
    let mut object = ObjectDef::new(name, Vec::new());
    object.label = label;
    object.custom = true;
    kasar_domain::schema::check_label(object.label.as_deref())?;
    for spec in fields {
        let field = field_def(catalog, Some(name), spec)?;
        if object.field(&field.name).is_some() {
            return Err(AppError::Validation(format!(
                "field '{}' appears twice",
                field.name
            )));
        }
        object.fields.push(field);
    }
    if catalog.object(name).is_some() {
        return Err(AppError::Conflict(format!(
            "object '{name}' already exists"
        )));
    }
    Ok(SchemaChange::CreateObject(object))
}

/// A custom object going, and with `force` the relation fields of other
/// objects that target it (first). Without `force`, records or such fields
/// are a conflict.
pub(crate) async fn delete_object(
    tx: &mut dyn SchemaTx,
    name: &str,
    force: bool,
) -> Result<Vec<SchemaChange>, AppError> {
    let target = object(tx, name)?.clone();
    if !target.custom {
        return Err(AppError::Validation(format!(
            "'{name}' is a standard object and cannot be deleted"
        )));
    }
    let inbound: Vec<SchemaChange> = inbound_fields(tx.catalog(), name)
        .into_iter()
        .map(|(object, field)| SchemaChange::DeleteField {
            object: object.to_owned(),
            field: field.clone(),
        })
        .collect();
    if !force {
        let records = tx.count_records(name).await?;
        if records > 0 {
            return Err(AppError::Conflict(format!(
                "object '{name}' has {records} records; delete them first or pass force=true"
            )));
        }
        if let Some(SchemaChange::DeleteField { object, field }) = inbound.first() {
            return Err(AppError::Conflict(format!(
                "field '{object}.{}' targets '{name}'; delete it first or pass force=true",
                field.name
            )));
        }
    }
    let mut out = inbound;
    out.push(SchemaChange::DeleteObject(target));
    Ok(out)
}

/// A new field of an existing object.
pub(crate) async fn add_field(
    tx: &mut dyn SchemaTx,
    limits: &Limits,
    object_name: &str,
    spec: &FieldSpec,
) -> Result<SchemaChange, AppError> {
    let target = object(tx, object_name)?;
    if target.fields.len() >= limits.max_fields {
        return Err(AppError::Validation(format!(
            "an object has at most {} fields",
            limits.max_fields
        )));
    }
    let field = field_def(tx.catalog(), None, spec)?;
    if target.field(&field.name).is_some() {
        return Err(AppError::Conflict(format!(
            "object '{object_name}' already has a field '{}'",
            field.name
        )));
    }
    if field.required && field.default_value.is_none() {
        let records = tx.count_records(object_name).await?;
        if records > 0 {
            return Err(AppError::Conflict(format!(
                "a required field needs a default: '{object_name}' has {records} records"
            )));
        }
    }
    Ok(SchemaChange::AddField {
        object: object_name.to_owned(),
        field,
    })
}

/// New label, required flag, default or options of a field.
pub(crate) async fn patch_field(
    tx: &mut dyn SchemaTx,
    object_name: &str,
    field_name: &str,
    patch: &FieldPatch,
) -> Result<SchemaChange, AppError> {
    let before = field(object(tx, object_name)?, field_name)?.clone();
    let after = patched(&before, patch)?;
    if after.required && !before.required && before.is_column() {
        let nulls = tx.count_nulls(object_name, field_name).await?;
        if nulls > 0 {
            return Err(AppError::Conflict(format!(
                "{nulls} records of '{object_name}' hold no value in '{field_name}'"
            )));
        }
    }
    if before.field_type == FieldType::Select {
        let removed: Vec<String> = before
            .options
            .iter()
            .filter(|o| !after.options.contains(o))
            .cloned()
            .collect();
        if !removed.is_empty() {
            let holding = tx.count_values(object_name, field_name, &removed).await?;
            if holding > 0 {
                return Err(AppError::Conflict(format!(
                    "{holding} records of '{object_name}' hold an option being removed ({})",
                    removed.join(", ")
                )));
            }
        }
    }
    Ok(SchemaChange::PatchField {
        object: object_name.to_owned(),
        before,
        after,
    })
}

/// A custom field going.
pub(crate) fn delete_field(
    tx: &dyn SchemaTx,
    object_name: &str,
    field_name: &str,
) -> Result<SchemaChange, AppError> {
    let found = field(object(tx, object_name)?, field_name)?;
    if !found.custom {
        return Err(AppError::Validation(format!(
            "'{object_name}.{field_name}' is a standard field and cannot be deleted"
        )));
    }
    Ok(SchemaChange::DeleteField {
        object: object_name.to_owned(),
        field: found.clone(),
    })
}
