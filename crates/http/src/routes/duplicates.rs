//! `POST /api/v1/duplicates`: detect and merge (admins only).

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::{Detect, Merge};
use kasar_application::duplicates::{DetectOutcome, DuplicatesCommand, MergeOutcome};
use serde_json::Value as Json;

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::common::RecordBody;
use crate::dto::duplicates::{
    DetectResponse, DuplicatesRequest, DuplicatesResponse, GroupBody, MergeResponse, PairBody,
};
use crate::dto::record_out::RecordOut;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// The actions that write.
const WRITES: [&str; 5] = ["merge", "unmerge", "auto_merge", "dismiss", "undismiss"];

/// The message of an unknown action.
const ACTIONS: &str =
    "action must be one of detect, merge, unmerge, auto_merge, dismiss, undismiss";

/// Detect or merge duplicates, or dismiss a set of records.
#[utoipa::path(post, path = "/api/v1/duplicates", tag = "duplicates", operation_id = "duplicates", security(("bearer" = [])),
    request_body = DuplicatesRequest,
    responses(
        (status = 200, body = DuplicatesResponse, description = "The groups found, or what the merge did"),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn duplicates(
    state: web::Data<HttpState>,
    caller: Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let detect = caller.may::<Detect>()?;
    let body: Json = json_body(&req, payload, state.body_limit).await?;
    // Every action but detect writes, and needs a write scope too: refused
    // before its fields are judged.
    let write = match body.get("action").and_then(Json::as_str) {
        Some("detect") => None,
        Some(a) if WRITES.contains(&a) => Some(caller.may::<Merge>()?),
        _ => return Err(ApiError::validation(ACTIONS)),
    };
    let command: DuplicatesCommand = serde_json::from_value(body)
        .map_err(|e| ApiError::validation(format!("Invalid request: {e}")))?;
    let (service, metrics) = (&state.service, &state.metrics);
    let response = match (command, write) {
        (DuplicatesCommand::Detect(c), _) => {
            let out = service.detect(&detect, c).await?;
            metrics.duplicates_found.inc_by(out.total_groups as u64);
            detected(out)
        }
        (DuplicatesCommand::Merge(c), Some(w)) => {
            let out = service.merge(&w, c).await?;
            if !out.dry_run {
                metrics.merged.inc_by(out.duplicates_deleted);
            }
            merged(out)
        }
        (DuplicatesCommand::AutoMerge(c), Some(w)) => {
            let out = service.auto_merge(&w, c).await?;
            if !out.dry_run {
                metrics.merged.inc_by(out.records_merged);
            }
            DuplicatesResponse::AutoMerge(out.into())
        }
        (DuplicatesCommand::Unmerge(c), Some(w)) => {
            let out = service.unmerge(&w, c).await?;
            metrics.unmerged.inc();
            DuplicatesResponse::Unmerge(out.into())
        }
        (DuplicatesCommand::Dismiss(c), Some(w)) => {
            DuplicatesResponse::Dismissal(service.dismiss(&w, c).await?.into())
        }
        (DuplicatesCommand::Undismiss(c), Some(w)) => {
            DuplicatesResponse::Dismissal(service.undismiss(&w, c).await?.into())
        }
        (_, None) => return Err(ApiError::validation(ACTIONS)),
    };
    Ok(HttpResponse::Ok().json(response))
}

fn detected(out: DetectOutcome) -> DuplicatesResponse {
    let object = Arc::new(out.object);
    DuplicatesResponse::Detect(DetectResponse {
        duplicate_groups: out
            .groups
            .into_iter()
            .map(|g| GroupBody {
                records: g
                    .records
                    .into_iter()
                    .map(|r| RecordOut::new(Arc::clone(&object), r))
                    .collect(),
                match_reason: g.match_reason,
                match_reasons: g.match_reasons,
                score: g.fuzzy.as_ref().map(|e| e.score),
                pairs: g.fuzzy.as_ref().map(|e| {
                    e.pairs
                        .iter()
                        .map(|p| PairBody {
                            record_ids: p.record_ids.to_vec(),
                            score: p.score,
                            levels: p
                                .levels
                                .iter()
                                .map(|(name, level)| (name.clone(), (*level).to_owned()))
                                .collect(),
                        })
                        .collect()
                }),
            })
            .collect(),
        total_groups: out.total_groups,
        records_scanned: out.records_scanned,
    })
}

fn merged(out: MergeOutcome) -> DuplicatesResponse {
    DuplicatesResponse::Merge(MergeResponse {
        master_id: out.master_id,
        duplicates_deleted: out.duplicates_deleted,
        strategy: out.strategy.as_str().to_owned(),
        dry_run: out.dry_run,
        references_relinked: out.relinked.references_moved,
        links_moved: out.relinked.links_moved,
        links_dropped: out.relinked.links_dropped,
        merge_id: out.merge_id,
        preview: out.preview.as_ref().map(|(o, r)| RecordBody::of(o, r)),
    })
}
