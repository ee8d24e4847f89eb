//! `GET /api/v1/records/{object}`: a page of records, newest first.

use actix_web::{web, HttpResponse};
use kasar_application::authorize::Read;
use kasar_application::records::{ListRecords, PageSize};

use crate::auth::Auth;
use crate::dto::common::{decode_cursor, encode_cursor, ListParams, ListResponse, RecordBody};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// A page of records, newest first.
#[utoipa::path(get, path = "/api/v1/records/{object}", tag = "records", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), ListParams),
    responses(
        (status = 200, body = ListResponse, description = "A page of records"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn list(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    query: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Read>()?;
    let query = query.into_inner();
    let cursor = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = query
        .limit
        .map(|n| PageSize::new(i64::from(n)))
        .transpose()
        .map_err(ApiError::validation)?;
    let command = ListRecords {
        object: path.into_inner(),
        limit,
        cursor,
    };
    let (object, page) = state.service.list_records(&auth, command).await?;
    Ok(HttpResponse::Ok().json(ListResponse {
        data: page
            .records
            .iter()
            .map(|r| RecordBody::of(&object, r))
            .collect(),
        total: page.total,
        next_cursor: page.next.as_ref().map(encode_cursor),
    }))
}
