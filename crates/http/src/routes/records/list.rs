//! `GET /api/v1/records/{object}` and `POST /api/v1/records/{object}/search`:
//! a page of the records a selection picks.

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::Read;
use kasar_application::records::{ListRecords, Page, PageSize};

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::select::{projected, ListResponse, PageParams, SearchBody, SelectParams};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// A page of records: filtered, searched, sorted and projected.
#[utoipa::path(get, path = "/api/v1/records/{object}", tag = "records", operation_id = "list_records", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), SelectParams, PageParams),
    responses(
        (status = 200, body = ListResponse, description = "A page of records"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn list(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Read>()?;
    let (params, paging) = SelectParams::from_pairs(query.into_inner(), &["limit", "cursor"])?;
    let mut limit = None;
    let mut cursor = None;
    for (key, value) in paging {
        if key == "limit" {
            let n = value
                .parse::<i64>()
                .map_err(|_| ApiError::validation("limit must be an integer between 1 and 100"))?;
            limit = Some(PageSize::new(n).map_err(ApiError::validation)?);
        } else {
            cursor = Some(value);
        }
    }
    let command = ListRecords {
        object: path.into_inner(),
        selection: params.input()?,
        limit,
        cursor,
    };
    let page = state.service.list_records(&auth, command).await?;
    Ok(HttpResponse::Ok().json(response(&page)))
}

/// The same selection in a JSON body.
#[utoipa::path(post, path = "/api/v1/records/{object}/search", tag = "records", operation_id = "search_records", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    request_body = SearchBody,
    responses(
        (status = 200, body = ListResponse, description = "A page of records"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn search(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Read>()?;
    let body: SearchBody = json_body(&req, payload, state.body_limit).await?;
    let command = ListRecords {
        object: path.into_inner(),
        selection: body.input(),
        limit: body.limit,
        cursor: body.cursor,
    };
    let page = state.service.list_records(&auth, command).await?;
    Ok(HttpResponse::Ok().json(response(&page)))
}

fn response(page: &Page) -> ListResponse {
    ListResponse {
        data: page
            .records
            .iter()
            .map(|r| projected(&page.object, r, page.fields.as_deref()))
            .collect(),
        total: page.total,
        next_cursor: page.next.clone(),
    }
}
