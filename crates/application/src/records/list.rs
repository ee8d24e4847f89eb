//! Select records: filters, search, sort, projection, keyset pages.

use kasar_domain::select::{Selection, SelectionInput};
use kasar_domain::{ObjectDef, Record};

use super::command::{ListRecords, PageSize, DEFAULT_PAGE};
use crate::authorize::{Authorized, Read};
use crate::error::AppError;
use crate::ports::Tenant;
use crate::Services;

/// One page of a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub object: ObjectDef,
    pub records: Vec<Record>,
    /// Every record that matches.
    pub total: i64,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// The fields to return besides `id` (`None`: all).
    pub fields: Option<Vec<String>>,
}

/// A page of the records `query` selects.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn list(
    services: &Services,
    auth: &Authorized<Read>,
    query: ListRecords,
) -> Result<Page, AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &query.object).await?;
    let selection = selection(&object, &query.selection)?;
    let after = query
        .cursor
        .as_deref()
        .map(|c| selection.read_cursor(c))
        .transpose()
        .map_err(|e| AppError::Validation(e.to_string()))?;
    let limit = query.limit.map_or(DEFAULT_PAGE, PageSize::get);
    let found = services
        .store
        .select(&tenant, &object, &selection, after, limit)
        .await?;
    let next = found
        .more
        .then(|| found.records.last().map(|r| selection.cursor_after(r)))
        .flatten();
    Ok(Page {
        object,
        records: found.records,
        total: found.total,
        next,
        fields: selection.fields,
    })
}

/// The selection of `input` against `object`, or 400.
pub(crate) fn selection(object: &ObjectDef, input: &SelectionInput) -> Result<Selection, AppError> {
    Selection::parse(object, input).map_err(|e| AppError::Validation(e.to_string()))
}
