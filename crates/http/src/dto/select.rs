//! Selecting records: the query parameters of a list and an export, the body
//! of a search, the page they answer with, and projections.

use kasar_application::records::PageSize;
use kasar_domain::select::SelectionInput;
use kasar_domain::{ObjectDef, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::{IntoParams, ToSchema};

use super::common::RecordBody;
use crate::error::ApiError;

/// Filters, search, sort and projection of a list or an export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SelectParams {
    /// One condition: the field (with `filter_operator` and `filter_value`).
    pub filter_field: Option<String>,
    /// `equals`, `not_equals`, `in`, `not_in`, `contains`, `not_contains`,
    /// `starts_with`, `greater_than`, `greater_equal`, `less_than`,
    /// `less_equal`, `is_null`, `is_not_null`, `has_any`, `has_none`.
    pub filter_operator: Option<String>,
    /// The value; comma-separated for `in`, `not_in`, `has_any`, `has_none`.
    pub filter_value: Option<String>,
    /// A FilterGroup as JSON: `{"type":"AND"|"OR","conditions":[{"field","operator","value"} | FilterGroup]}`
    /// (at most 5 levels and 50 conditions); excludes the `filter_*` form and `search`.
    pub filters: Option<String>,
    /// Case-insensitive substring of any TEXT, EMAIL, PHONE or LINKEDIN field (at most 200 characters).
    pub search: Option<String>,
    /// One sort key (default `created_at`); not a MANY_TO_MANY field.
    pub sort_by: Option<String>,
    /// `asc` or `desc` (default `desc`).
    pub sort_dir: Option<String>,
    /// Several keys as JSON: `[{"field":"...","direction":"asc"|"desc"}]` (at most 8); excludes `sort_by`.
    pub sort: Option<String>,
    /// Comma-separated fields to return; `id` always comes back.
    pub fields: Option<String>,
}

impl SelectParams {
    /// Splits query pairs into the selection and the `extra` keys a route
    /// also takes (`limit`, `cursor`, `format`); anything else, or a key given
    /// twice, is 400.
    pub fn from_pairs(
        pairs: Vec<(String, String)>,
        extra: &[&str],
    ) -> Result<(Self, Vec<(String, String)>), ApiError> {
        let mut params = Self::default();
        let mut rest: Vec<(String, String)> = Vec::new();
        for (key, value) in pairs {
            // An empty selection parameter is an absent one (forms send
            // them), but for a filter value, where "" is a value.
            if value.is_empty() && key != "filter_value" && !extra.contains(&key.as_str()) {
                continue;
            }
            let slot = match key.as_str() {
                "filter_field" => &mut params.filter_field,
                "filter_operator" => &mut params.filter_operator,
                "filter_value" => &mut params.filter_value,
                "filters" => &mut params.filters,
                "search" => &mut params.search,
                "sort_by" => &mut params.sort_by,
                "sort_dir" => &mut params.sort_dir,
                "sort" => &mut params.sort,
                "fields" => &mut params.fields,
                k if extra.contains(&k) => {
                    if rest.iter().any(|(r, _)| *r == key) {
                        return Err(ApiError::validation(format!(
                            "parameter '{key}' is given twice"
                        )));
                    }
                    rest.push((key, value));
                    continue;
                }
                _ => {
                    return Err(ApiError::validation(format!(
                        "unknown parameter '{}'",
                        kasar_domain::id::shorten(&key)
                    )))
                }
            };
            if slot.replace(value).is_some() {
                return Err(ApiError::validation(format!(
                    "parameter '{key}' is given twice"
                )));
            }
        }
        Ok((params, rest))
    }

    /// The selection as the application takes it; JSON parameters must parse.
    pub fn input(self) -> Result<SelectionInput, ApiError> {
        let json = |name: &str, text: Option<String>| {
            text.map(|t| {
                serde_json::from_str::<Json>(&t)
                    .map_err(|e| ApiError::validation(format!("{name} is not valid JSON: {e}")))
            })
            .transpose()
        };
        Ok(SelectionInput {
            filter_field: self.filter_field,
            filter_operator: self.filter_operator,
            filter_value: self.filter_value,
            filters: json("filters", self.filters)?,
            search: self.search,
            sort_by: self.sort_by,
            sort_dir: self.sort_dir,
            sort: json("sort", self.sort)?,
            fields: self
                .fields
                .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect()),
        })
    }
}

/// Paging parameters of a list (besides the selection).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page of the same selection.
    pub cursor: Option<String>,
}

/// Body of `POST /records/{object}/search`: the list's parameters as JSON.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    /// A FilterGroup (see the list's `filters`).
    #[schema(value_type = Option<Object>)]
    pub filters: Option<Json>,
    pub search: Option<String>,
    /// `[{"field": "...", "direction": "asc"|"desc"}]`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub sort: Option<Json>,
    /// Fields to return besides `id`.
    pub fields: Option<Vec<String>>,
    /// 1 to 100 (default 20).
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<PageSize>,
    pub cursor: Option<String>,
}

impl SearchBody {
    /// The selection of the body.
    pub fn input(&self) -> SelectionInput {
        SelectionInput {
            filters: self.filters.clone(),
            search: self.search.clone(),
            sort: self.sort.clone(),
            fields: self.fields.clone(),
            ..SelectionInput::default()
        }
    }
}

/// A page of records.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse {
    #[schema(value_type = Vec<super::common::ProjectedRecord>)]
    pub data: Vec<RecordBody>,
    /// Every record that matches the selection.
    pub total: i64,
    /// Pass as `cursor` (with the same selection) for the next page; null on the last page.
    #[serde(rename = "nextCursor")]
    pub next_cursor: Option<String>,
}

/// Export format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Csv,
    Json,
}

/// Query of an export: the format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParam {
    /// `csv` (default) or `json`.
    pub format: Option<Format>,
}

/// A record as JSON, with only `id` and `fields` when a projection is given.
pub fn projected(object: &ObjectDef, record: &Record, fields: Option<&[String]>) -> RecordBody {
    let mut json = record.to_json(object);
    if let (Some(fields), Some(map)) = (fields, json.as_object_mut()) {
        map.retain(|k, _| k == "id" || fields.iter().any(|f| f == k));
    }
    RecordBody(json)
}
