//! List records, newest first, with cursor pagination.

use kasar_domain::Caller;

use crate::error::AppError;
use crate::ports::{Cursor, Page, Tenant};
use crate::Services;

/// Query of a list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub limit: Option<u32>,
    pub cursor: Option<Cursor>,
}

/// Default and maximum page sizes.
pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// A page of records of `object`.
#[tracing::instrument(skip(services, caller), fields(org = %caller.organization_id))]
pub async fn list(
    services: &Services,
    caller: &Caller,
    object: &str,
    query: ListQuery,
) -> Result<(kasar_domain::ObjectDef, Page), AppError> {
    let (_, object) = services.object(caller, object).await?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::Validation(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let page = services
        .store
        .list(&Tenant::from(caller), &object, limit, query.cursor)
        .await?;
    Ok((object, page))
}
