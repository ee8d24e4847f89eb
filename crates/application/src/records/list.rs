//! List records, newest first, with cursor pagination.

use kasar_domain::ObjectDef;

use super::command::{ListRecords, PageSize, DEFAULT_PAGE};
use crate::authorize::{Authorized, Read};
use crate::error::AppError;
use crate::ports::{Page, Tenant};
use crate::Services;

/// A page of records of the object.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn list(
    services: &Services,
    auth: &Authorized<Read>,
    query: ListRecords,
) -> Result<(ObjectDef, Page), AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &query.object).await?;
    let limit = query.limit.map_or(DEFAULT_PAGE, PageSize::get);
    let page = services
        .store
        .list(&tenant, &object, limit, query.cursor)
        .await?;
    Ok((object, page))
}
