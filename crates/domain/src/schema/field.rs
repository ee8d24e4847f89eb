//! One field definition from a request, judged against the catalog, and the
//! changes a patch may make to an existing field.

use serde_json::Value as Json;

use super::{SchemaError, MAX_LABEL, MAX_OPTIONS, RESERVED};
use crate::catalog::{is_catalog_name, Catalog, FieldDef, FieldType};
use crate::value::Value;

/// A field as an admin defines it (the FieldDef of the API).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldSpec {
    pub name: String,
    pub field_type: String,
    pub label: Option<String>,
    pub required: bool,
    pub options: Option<Vec<String>>,
    pub default: Option<Json>,
    pub target: Option<String>,
}

/// What a patch of a field changes; `None` leaves a property as it is, and
/// `Some(None)` clears the label or the default.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldPatch {
    pub label: Option<Option<String>>,
    pub required: Option<bool>,
    pub default: Option<Option<Json>>,
    pub options: Option<Vec<String>>,
}

fn invalid(message: String) -> SchemaError {
    SchemaError::Invalid(message)
}

/// Checks an object or field name: `^[a-z][a-z0-9_]{0,62}$`, not reserved,
/// not beginning with `pg_`.
pub fn check_name(what: &str, name: &str) -> Result<(), SchemaError> {
    if !is_catalog_name(name) {
        return Err(invalid(format!(
            "{what} name '{}' must match ^[a-z][a-z0-9_]{{0,62}}$",
            crate::id::shorten(name)
        )));
    }
    if RESERVED.contains(&name) || name.starts_with("pg_") {
        return Err(invalid(format!("{what} name '{name}' is reserved")));
    }
    Ok(())
}

/// Checks a label: not blank, at most [`MAX_LABEL`] characters.
pub fn check_label(label: Option<&str>) -> Result<(), SchemaError> {
    match label {
        Some(l) if l.trim().is_empty() => Err(invalid("label cannot be blank".into())),
        Some(l) if l.chars().count() > MAX_LABEL => Err(invalid(format!(
            "label is longer than {MAX_LABEL} characters"
        ))),
        _ => Ok(()),
    }
}

fn check_options(field: &str, options: &[String]) -> Result<(), SchemaError> {
    if options.is_empty() || options.len() > MAX_OPTIONS {
        return Err(invalid(format!(
            "field '{field}' needs 1 to {MAX_OPTIONS} options"
        )));
    }
    for (i, o) in options.iter().enumerate() {
        if o.trim().is_empty() {
            return Err(invalid(format!("field '{field}' has a blank option")));
        }
        if options.iter().take(i).any(|x| x == o) {
            return Err(invalid(format!("field '{field}' repeats option '{o}'")));
        }
    }
    Ok(())
}

/// Checks a default against the field it belongs to: a valid, non-null value
/// of a column field that is not a relation.
fn check_default(field: &FieldDef, default: &Json) -> Result<(), SchemaError> {
    if matches!(
        field.field_type,
        FieldType::Owner | FieldType::BelongsToOne | FieldType::ManyToMany
    ) {
        return Err(invalid(format!(
            "field '{}': {} fields take no default",
            field.name,
            field.field_type.as_str()
        )));
    }
    let probe = FieldDef {
        required: true,
        ..field.clone()
    };
    Value::from_json(&probe, default)
        .map(|_| ())
        .map_err(|e| invalid(format!("default of {e}")))
}

/// The field `spec` defines on `object` of `catalog`. `own` is the name of an
/// object being created in the same request, which relations may target.
pub fn field_def(
    catalog: &Catalog,
    own: Option<&str>,
    spec: &FieldSpec,
) -> Result<FieldDef, SchemaError> {
    check_name("field", &spec.name)?;
    check_label(spec.label.as_deref())?;
    let field_type = FieldType::parse(&spec.field_type).ok_or_else(|| {
        invalid(format!(
            "field '{}': unknown type '{}'",
            spec.name,
            crate::id::shorten(&spec.field_type)
        ))
    })?;
    let mut field = FieldDef::new(spec.name.clone(), field_type).with_required(spec.required);
    field.label = spec.label.clone();
    field.custom = true;
    match (&spec.options, field_type) {
        (Some(options), FieldType::Select) => {
            check_options(&spec.name, options)?;
            field.options = options.clone();
        }
        (None, FieldType::Select) => check_options(&spec.name, &[])?,
        (Some(_), _) => {
            return Err(invalid(format!(
                "field '{}': only SELECT fields have options",
                spec.name
            )))
        }
        (None, _) => {}
    }
    let relation = matches!(field_type, FieldType::BelongsToOne | FieldType::ManyToMany);
    match (&spec.target, relation) {
        (Some(t), true) if catalog.object(t).is_some() || own == Some(t.as_str()) => {
            field.target = Some(t.clone());
        }
        (Some(t), true) => {
            return Err(invalid(format!(
                "field '{}': target '{}' is not an object of the catalog",
                spec.name,
                crate::id::shorten(t)
            )))
        }
        (None, true) => {
            return Err(invalid(format!(
                "field '{}': a {} field needs a target",
                spec.name, spec.field_type
            )))
        }
        (Some(_), false) => {
            return Err(invalid(format!(
                "field '{}': only relations have a target",
                spec.name
            )))
        }
        (None, false) => {}
    }
    if field_type == FieldType::ManyToMany && spec.required {
        return Err(invalid(format!(
            "field '{}': a MANY_TO_MANY field cannot be required",
            spec.name
        )));
    }
    if let Some(default) = &spec.default {
        if !default.is_null() {
            check_default(&field, default)?;
            field.default_value = Some(default.clone());
        }
    }
    Ok(field)
}

/// `field` with `patch` applied. A standard SELECT field's options may only
/// grow; whether records hold a removed option is the adapter's to count.
pub fn patched(field: &FieldDef, patch: &FieldPatch) -> Result<FieldDef, SchemaError> {
    let mut out = field.clone();
    if let Some(label) = &patch.label {
        check_label(label.as_deref())?;
        out.label = label.clone();
    }
    if let Some(required) = patch.required {
        if required && field.field_type == FieldType::ManyToMany {
            return Err(invalid(format!(
                "field '{}': a MANY_TO_MANY field cannot be required",
                field.name
            )));
        }
        out.required = required;
    }
    if let Some(options) = &patch.options {
        if field.field_type != FieldType::Select {
            return Err(invalid(format!(
                "field '{}': only SELECT fields have options",
                field.name
            )));
        }
        check_options(&field.name, options)?;
        if !field.custom {
            if let Some(gone) = field.options.iter().find(|o| !options.contains(o)) {
                return Err(invalid(format!(
                    "field '{}' is standard: its options can grow but '{gone}' cannot be removed",
                    field.name
                )));
            }
        }
        out.options = options.clone();
    }
    match &patch.default {
        Some(Some(default)) if !default.is_null() => {
            check_default(&out, default)?;
            out.default_value = Some(default.clone());
        }
        Some(_) => out.default_value = None,
        None => {
            // A kept default must still be an option of the new list.
            if let Some(default) = &out.default_value {
                check_default(&out, default)?;
            }
        }
    }
    Ok(out)
}
