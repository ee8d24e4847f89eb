//! `POST /api/v1/bulk`: update_field, add_relation, remove_relation.

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::bulk::{self, BulkAction, BulkRequest};

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::bulk::{BulkBody, BulkError, BulkResponse};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Apply one change to many records, each judged on its own.
#[utoipa::path(post, path = "/api/v1/bulk", tag = "bulk", security(("bearer" = [])),
    request_body = BulkBody,
    responses(
        (status = 200, body = BulkResponse, description = "Also when some or all records fail"),
        (status = 400, body = ErrorBody, description = "VALIDATION_ERROR or INVALID_OBJECT"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "read-only token"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "RATE_LIMITED", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn bulk(
    state: web::Data<HttpState>,
    Auth(caller): Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    kasar_application::require_write(&caller)?;
    let body: BulkBody = json_body(&req, payload, state.body_limit).await?;
    let request = to_request(body)?;
    let out = bulk::run(&state.services, &caller, &request).await?;
    let count = Some(out.succeeded);
    let (updated, added, removed) = match request.action {
        BulkAction::UpdateField { .. } => (count, None, None),
        BulkAction::AddRelation { .. } => (None, count, None),
        BulkAction::RemoveRelation { .. } => (None, None, count),
    };
    let errors = (!out.errors.is_empty()).then(|| {
        out.errors
            .iter()
            .map(|e| BulkError {
                record_id: e.record_id,
                code: e.code.to_owned(),
                message: e.message.to_owned(),
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

/// Checks which fields the action needs and that no other action's fields are present.
fn to_request(b: BulkBody) -> Result<BulkRequest, ApiError> {
    let missing = |f: &str| ApiError::validation(format!("{f} is required"));
    let unexpected = |f: &str, a: &str| ApiError::validation(format!("{f} is not a field of {a}"));
    let action_name = b.action.ok_or_else(|| missing("action"))?;
    let action = match action_name.as_str() {
        "update_field" => {
            if b.relation_field.is_some() || b.target_ids.is_some() {
                return Err(unexpected("relation_field/target_ids", "update_field"));
            }
            BulkAction::UpdateField {
                field_name: b.field_name.ok_or_else(|| missing("field_name"))?,
                field_value: b.field_value.ok_or_else(|| missing("field_value"))?,
            }
        }
        "add_relation" | "remove_relation" => {
            if b.field_name.is_some() || b.field_value.is_some() {
                return Err(unexpected("field_name/field_value", &action_name));
            }
            let relation_field = b.relation_field.ok_or_else(|| missing("relation_field"))?;
            let target_ids = b.target_ids.ok_or_else(|| missing("target_ids"))?;
            if action_name == "add_relation" {
                BulkAction::AddRelation {
                    relation_field,
                    target_ids,
                }
            } else {
                BulkAction::RemoveRelation {
                    relation_field,
                    target_ids,
                }
            }
        }
        _ => {
            return Err(ApiError::validation(
                "action must be one of update_field, add_relation, remove_relation",
            ))
        }
    };
    Ok(BulkRequest {
        object: b.object_name.ok_or_else(|| missing("object_name"))?,
        record_ids: b.record_ids.ok_or_else(|| missing("record_ids"))?,
        action,
    })
}
