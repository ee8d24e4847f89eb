//! `POST /api/v1/bulk`: update_field, add_relation, remove_relation.

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::Write;
use kasar_application::bulk::BulkCommand;

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::bulk::{BulkError, BulkResponse};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Apply one change to many records, each judged on its own.
#[utoipa::path(post, path = "/api/v1/bulk", tag = "bulk", operation_id = "bulk", security(("bearer" = [])),
    request_body = crate::dto::bulk::BulkBody,
    responses(
        (status = 200, body = BulkResponse, description = "Also when some or all records fail"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn bulk(
    state: web::Data<HttpState>,
    caller: Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    type Counts = (Option<u64>, Option<u64>, Option<u64>);
    let auth = caller.may::<Write>()?;
    let command: BulkCommand = json_body(&req, payload, state.body_limit).await?;
    let place: fn(Option<u64>) -> Counts = match &command {
        BulkCommand::UpdateField(_) => |n| (n, None, None),
        BulkCommand::AddRelation(_) => |n| (None, n, None),
        BulkCommand::RemoveRelation(_) => |n| (None, None, n),
    };
    let out = state.service.bulk(&auth, command).await?;
    state.metrics.bulk_changed.inc_by(out.succeeded);
    let (updated, added, removed) = place(Some(out.succeeded));
    let errors = (!out.errors.is_empty()).then(|| {
        out.errors
            .iter()
            .map(|e| BulkError {
                record_id: e.record_id,
                code: e.code,
                message: e.message.to_owned(),
                merged_into: e.merged_into,
            })
            .collect()
    });
    Ok(HttpResponse::Ok().json(BulkResponse {
        action: out.action.to_owned(),
        updated,
        added,
        removed,
        failed: out.failed,
        errors,
        total: out.total,
    }))
}
