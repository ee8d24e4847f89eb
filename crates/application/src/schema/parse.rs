//! Parsing the schema routes' bodies and the documents of `kasar schema
//! apply`: one parser, so the API and the CLI judge definitions alike.

use kasar_domain::id::shorten;
use kasar_domain::schema::{FieldPatch, FieldSpec};
use serde_json::{Map, Value as Json};

use super::operations::NewObject;
use crate::error::AppError;

/// A 400 VALIDATION_ERROR with `message`.
pub(super) fn bad(message: impl Into<String>) -> AppError {
    AppError::Validation(message.into())
}

fn object_of<'a>(
    json: &'a Json,
    what: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Json>, AppError> {
    let m = json
        .as_object()
        .ok_or_else(|| bad(format!("{what} must be a JSON object")))?;
    if let Some(key) = m.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad(format!(
            "unknown property '{}' in {what}",
            shorten(key)
        )));
    }
    Ok(m)
}

fn text(m: &Map<String, Json>, key: &str) -> Result<Option<String>, AppError> {
    match m.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("'{key}' must be a string"))),
    }
}

fn options(m: &Map<String, Json>) -> Result<Option<Vec<String>>, AppError> {
    match m.get("options") {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Array(items)) => items
            .iter()
            .map(|o| {
                o.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad("options must be strings"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad("'options' must be an array of strings")),
    }
}

fn boolean(m: &Map<String, Json>, key: &str) -> Result<Option<bool>, AppError> {
    match m.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad(format!("'{key}' must be a boolean"))),
    }
}

/// A FieldDef of the API, or VALIDATION_ERROR naming what is wrong.
pub fn field_spec(json: &Json) -> Result<FieldSpec, AppError> {
    let m = object_of(
        json,
        "a field definition",
        &[
            "name", "type", "label", "required", "options", "default", "target",
        ],
    )?;
    Ok(FieldSpec {
        name: text(m, "name")?.ok_or_else(|| bad("a field needs a 'name'"))?,
        field_type: text(m, "type")?.ok_or_else(|| bad("a field needs a 'type'"))?,
        label: text(m, "label")?,
        required: boolean(m, "required")?.unwrap_or(false),
        options: options(m)?,
        default: m.get("default").filter(|d| !d.is_null()).cloned(),
        target: text(m, "target")?,
    })
}

/// The body of `POST /schema`.
pub fn new_object(json: &Json) -> Result<NewObject, AppError> {
    let m = object_of(json, "an object definition", &["name", "label", "fields"])?;
    let fields = match m.get("fields") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(f)) => f.iter().map(field_spec).collect::<Result<_, _>>()?,
        Some(_) => return Err(bad("'fields' must be an array")),
    };
    Ok(NewObject {
        name: text(m, "name")?.ok_or_else(|| bad("an object needs a 'name'"))?,
        label: text(m, "label")?,
        fields,
    })
}

/// The body of `PATCH /schema/{object}/fields/{field}`: `label`, `required`,
/// `default`, `options`; a `type` is refused (no type changes).
pub fn field_patch(json: &Json) -> Result<FieldPatch, AppError> {
    let m = object_of(
        json,
        "a field patch",
        &["label", "required", "default", "options", "type"],
    )?;
    if m.contains_key("type") {
        return Err(bad(
            "a field's type cannot change: add a new field, copy with bulk, delete the old one",
        ));
    }
    Ok(FieldPatch {
        label: m
            .contains_key("label")
            .then(|| text(m, "label"))
            .transpose()?,
        required: boolean(m, "required")?,
        default: m.get("default").map(|d| (!d.is_null()).then(|| d.clone())),
        options: options(m)?,
    })
}

/// The body of `PUT /schema/{object}/matching`: `{"comparisons": [...]}`.
pub fn matching_body(json: &Json) -> Result<Vec<kasar_domain::fuzzy::Comparison>, AppError> {
    let m = object_of(json, "a match profile", &["comparisons"])?;
    let comparisons = m
        .get("comparisons")
        .ok_or_else(|| bad("a match profile needs 'comparisons'"))?;
    kasar_domain::fuzzy::profile_from_json(comparisons).map_err(AppError::Validation)
}
