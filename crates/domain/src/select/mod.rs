//! Selecting records: filters, search, sort and projection, parsed from what
//! a client sends and checked against the object's catalog. The PostgreSQL
//! adapter turns a [`Selection`] into SQL in one place.

mod column;
mod cursor;
mod filter;
mod sort;

pub use column::{Column, Kind, Scalar};
pub use cursor::After;
pub use filter::{Condition, Filter, Op, Operand, MAX_CONDITIONS, MAX_DEPTH, MAX_VALUES};
pub use sort::{SortKey, MAX_SORT_KEYS};

use serde_json::Value as Json;

use crate::catalog::ObjectDef;

/// A selection that breaks a rule: 400 VALIDATION_ERROR with this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectError(pub String);

impl SelectError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Longest `search`, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// What a client asks for, as sent (query string or JSON body).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelectionInput {
    pub filter_field: Option<String>,
    pub filter_operator: Option<String>,
    pub filter_value: Option<String>,
    /// A FilterGroup.
    pub filters: Option<Json>,
    pub search: Option<String>,
    pub sort_by: Option<String>,
    pub sort_dir: Option<String>,
    /// `[{"field", "direction"}]`.
    pub sort: Option<Json>,
    pub fields: Option<Vec<String>>,
}

/// A checked selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The object selected from.
    pub object: String,
    pub filter: Option<Filter>,
    /// A case-insensitive substring of any TEXT, EMAIL, PHONE or LINKEDIN field.
    pub search: Option<String>,
    /// Never empty.
    pub sort: Vec<SortKey>,
    /// The fields to return besides `id` (`None`: all).
    pub fields: Option<Vec<String>>,
}

impl Selection {
    /// Every record of `object`, newest first, whole.
    pub fn everything(object: &str) -> Self {
        Self {
            object: object.to_owned(),
            filter: None,
            search: None,
            sort: SortKey::newest_first(),
            fields: None,
        }
    }

    /// Checks `input` against `object`.
    pub fn parse(object: &ObjectDef, input: &SelectionInput) -> Result<Self, SelectError> {
        Ok(Self {
            object: object.name.clone(),
            filter: parse_filter(object, input)?,
            search: parse_search(input)?,
            sort: parse_sort(object, input)?,
            fields: parse_fields(object, input.fields.as_deref())?,
        })
    }
}

fn parse_filter(object: &ObjectDef, input: &SelectionInput) -> Result<Option<Filter>, SelectError> {
    let simple = [
        &input.filter_field,
        &input.filter_operator,
        &input.filter_value,
    ];
    let given = simple.iter().filter(|p| p.is_some()).count();
    if given > 0 && input.filters.is_some() {
        return Err(SelectError::new(
            "filters excludes filter_field, filter_operator and filter_value",
        ));
    }
    if input.filters.is_some() && input.search.is_some() {
        return Err(SelectError::new("search excludes filters"));
    }
    if let Some(json) = &input.filters {
        return Filter::parse(object, json).map(Some);
    }
    match (&input.filter_field, &input.filter_operator) {
        (None, None) if input.filter_value.is_none() => Ok(None),
        (Some(field), Some(op)) => {
            Filter::simple(object, field, op, input.filter_value.as_deref()).map(Some)
        }
        _ => Err(SelectError::new(
            "filter_field and filter_operator go together (with filter_value)",
        )),
    }
}

fn parse_search(input: &SelectionInput) -> Result<Option<String>, SelectError> {
    match input.search.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.contains('\0') => Err(SelectError::new(
            "search must not contain the NUL character (U+0000)",
        )),
        Some(s) if s.chars().count() > MAX_SEARCH_CHARS => Err(SelectError::new(format!(
            "search holds at most {MAX_SEARCH_CHARS} characters"
        ))),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

fn parse_sort(object: &ObjectDef, input: &SelectionInput) -> Result<Vec<SortKey>, SelectError> {
    // An empty list is no sort given.
    let sort = input
        .sort
        .as_ref()
        .filter(|s| s.as_array().is_none_or(|a| !a.is_empty()));
    match (sort, &input.sort_by) {
        (Some(_), Some(_)) => Err(SelectError::new("sort excludes sort_by")),
        (Some(json), None) => {
            if input.sort_dir.is_some() {
                return Err(SelectError::new("sort_dir goes with sort_by"));
            }
            SortKey::parse_list(object, json)
        }
        (None, Some(field)) => Ok(vec![SortKey::parse(
            object,
            field,
            input.sort_dir.as_deref(),
        )?]),
        (None, None) => match input.sort_dir.as_deref() {
            None => Ok(SortKey::newest_first()),
            Some(dir) => Ok(vec![SortKey::parse(object, "created_at", Some(dir))?]),
        },
    }
}

fn parse_fields(
    object: &ObjectDef,
    fields: Option<&[String]>,
) -> Result<Option<Vec<String>>, SelectError> {
    let Some(fields) = fields else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(fields.len());
    for name in fields.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        let column = Column::resolve(object, name)?;
        if !out.iter().any(|n: &String| n == column.name()) {
            out.push(column.name().to_owned());
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests;
