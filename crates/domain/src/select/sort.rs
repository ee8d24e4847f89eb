//! Sort keys: `sort_by` and `sort_dir`, or a JSON list of them.

use serde_json::Value as Json;

use super::column::{Column, Kind};
use super::SelectError;
use crate::catalog::ObjectDef;

/// Most keys of one sort.
pub const MAX_SORT_KEYS: usize = 8;

/// One sort key. Ascending keys put nulls last, descending ones first (so a
/// descending sort is the exact reverse of an ascending one).
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub column: Column,
    pub descending: bool,
}

impl SortKey {
    /// The default order: newest first.
    pub fn newest_first() -> Vec<SortKey> {
        vec![SortKey {
            column: Column::CreatedAt,
            descending: true,
        }]
    }

    /// One key from a field name and `asc` / `desc` (default `desc`, as the
    /// default order is).
    pub fn parse(
        object: &ObjectDef,
        field: &str,
        direction: Option<&str>,
    ) -> Result<Self, SelectError> {
        let column = Column::resolve(object, field)?;
        if column.kind() == Kind::Links {
            return Err(SelectError::new(format!(
                "'{}' is a MANY_TO_MANY field and cannot be sorted on",
                column.name()
            )));
        }
        let descending = match direction {
            Some("asc") => false,
            None | Some("desc") => true,
            Some(other) => {
                return Err(SelectError::new(format!(
                    "sort direction '{}' is not asc or desc",
                    crate::id::shorten(other)
                )))
            }
        };
        Ok(Self { column, descending })
    }

    /// Keys from `[{"field": "...", "direction": "asc"|"desc"}]`.
    pub fn parse_list(object: &ObjectDef, json: &Json) -> Result<Vec<Self>, SelectError> {
        let items = json
            .as_array()
            .filter(|a| !a.is_empty() && a.len() <= MAX_SORT_KEYS)
            .ok_or_else(|| {
                SelectError::new(format!(
                    "sort is an array of 1 to {MAX_SORT_KEYS} {{field, direction}} objects"
                ))
            })?;
        let mut keys: Vec<SortKey> = Vec::with_capacity(items.len());
        for item in items {
            let map = item.as_object().ok_or_else(|| {
                SelectError::new("a sort key is an object with field and direction")
            })?;
            if let Some(k) = map
                .keys()
                .find(|k| !matches!(k.as_str(), "field" | "direction"))
            {
                return Err(SelectError::new(format!(
                    "unknown key '{}' in a sort key",
                    crate::id::shorten(k)
                )));
            }
            let field = map
                .get("field")
                .and_then(Json::as_str)
                .ok_or_else(|| SelectError::new("a sort key needs a string field"))?;
            let direction = match map.get("direction") {
                None | Some(Json::Null) => None,
                Some(Json::String(s)) => Some(s.as_str()),
                Some(_) => return Err(SelectError::new("a sort direction is asc or desc")),
            };
            let key = Self::parse(object, field, direction)?;
            // A column named again cannot change the order (the first key
            // on it already decided every tie): ignored, as SQL does.
            if keys.iter().any(|k| k.column.name() == key.column.name()) {
                continue;
            }
            keys.push(key);
        }
        Ok(keys)
    }
}
