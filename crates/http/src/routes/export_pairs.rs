//! `GET /api/v1/export/duplicates/{object}`: every pair detect would score at
//! or above the threshold, each once, streamed as CSV or a JSON array while
//! the pairs are produced (admins only).

use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use futures_util::{stream, StreamExt};
use kasar_application::authorize::Export;
use kasar_application::duplicates::{ExportPairs, ExportedPair, PairExport};
use serde_json::{json, Map, Value as Json};

use super::export::{attachment, csv_bytes, csv_rows, failed, Body};
use crate::auth::Auth;
use crate::dto::select::Format;
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Pairs written per chunk of the response.
const CHUNK: usize = 5_000;

/// The query parameters of the pairs export.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query; the handler reads it as pairs
pub struct PairsParams {
    /// `exact` (default: pairs sharing a key, score 1) or `fuzzy`.
    #[param(inline)]
    mode: Option<PairsMode>,
    /// Fuzzy: the score from which a pair is exported, in (0, 1]; default 0.9.
    #[param(exclusive_minimum = 0.0, maximum = 1.0)]
    threshold: Option<f64>,
    /// Comma-separated criteria (exact) or comparisons (fuzzy); default all.
    #[param(min_length = 1)]
    fields: Option<String>,
    /// Newest records to read; default the configured scan limit.
    #[param(minimum = 1)]
    scan_limit: Option<u32>,
    /// Also export pairs inside a dismissed set.
    include_dismissed: Option<bool>,
    /// `csv` (default) or `json`.
    format: Option<crate::dto::select::Format>,
}

/// How pairs are found.
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)] // documents the query
#[schema(rename_all = "lowercase")]
pub enum PairsMode {
    Exact,
    Fuzzy,
}

/// Every pair, as CSV (`record_id_a,record_id_b,score,match_reason`, then one
/// column per comparison with its level) or a JSON array.
#[utoipa::path(get, path = "/api/v1/export/duplicates/{object}", tag = "duplicates", operation_id = "export_duplicate_pairs", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), PairsParams),
    responses(
        (status = 200, description = "The pairs: CSV, or a JSON array of {record_ids, score, match_reason, levels}",
            content((String = "text/csv"), (Vec<Object> = "application/json"))),
        (status = 400, body = ErrorBody),
    ))]
pub async fn export_pairs(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Export>()?;
    let (mut command, format) = parse(query.into_inner())?;
    command.object = path.into_inner();
    let export = state.service.export_pairs(&auth, command).await?;
    let stem = format!("{}-duplicates", export.object.name);
    Ok(attachment(&stem, format, body(export, format)))
}

/// The command and the format, from the query.
fn parse(pairs: Vec<(String, String)>) -> Result<(ExportPairs, Format), ApiError> {
    let mut body = Map::new();
    let mut format = Format::Csv;
    for (key, value) in pairs {
        let v = match key.as_str() {
            "format" => {
                format = match value.as_str() {
                    "csv" => Format::Csv,
                    "json" => Format::Json,
                    _ => return Err(ApiError::validation("format is csv or json")),
                };
                continue;
            }
            "mode" => Json::String(value),
            "threshold" => value
                .parse::<f64>()
                .ok()
                .filter(|t| t.is_finite())
                .map(Json::from)
                .ok_or_else(|| ApiError::validation("threshold must be a number in (0, 1]"))?,
            "scan_limit" => value
                .parse::<u64>()
                .map(Json::from)
                .map_err(|_| ApiError::validation("scan_limit must be a positive integer"))?,
            "include_dismissed" => match value.as_str() {
                "true" => Json::Bool(true),
                "false" => Json::Bool(false),
                _ => return Err(ApiError::validation("include_dismissed is true or false")),
            },
            "fields" => Json::from(value.split(',').map(str::trim).collect::<Vec<_>>()),
            other => {
                return Err(ApiError::validation(format!(
                    "unknown parameter '{}' (mode, threshold, fields, scan_limit, include_dismissed, format)",
                    kasar_domain::id::shorten(other)
                )))
            }
        };
        body.insert(key, v);
    }
    let command = serde_json::from_value(Json::Object(body))
        .map_err(|e| ApiError::validation(e.to_string()))?;
    Ok((command, format))
}

/// The response: the header (CSV) or `[`, then chunks of pairs produced on
/// the blocking pool (comparing is CPU work), then `]` (JSON).
fn body(export: PairExport, format: Format) -> Body {
    let PairExport {
        comparisons, pairs, ..
    } = export;
    let csv = format == Format::Csv;
    let head = if csv {
        let mut h = vec!["record_id_a", "record_id_b", "score", "match_reason"];
        h.extend(comparisons.iter().map(String::as_str));
        csv_rows(std::iter::once(h))
    } else {
        Ok(Bytes::from_static(b"["))
    };
    let state = Some((pairs, comparisons, true));
    let chunks = stream::unfold(state, move |state| async move {
        let (mut pairs, comparisons, first) = state?;
        let made = web::block(move || {
            let chunk: Vec<ExportedPair> = pairs.by_ref().take(CHUNK).collect();
            let out = if csv {
                csv_bytes(chunk.iter().map(csv_cells))
            } else {
                Ok(json_items(&chunk, &comparisons, first))
            };
            (pairs, comparisons, out, chunk.len())
        })
        .await;
        match made {
            Ok((pairs, comparisons, out, n)) if n > 0 => Some((
                out.map(Bytes::from).map_err(failed),
                Some((pairs, comparisons, false)).filter(|_| n == CHUNK),
            )),
            Ok(_) => None,
            Err(e) => Some((Err(failed(e)), None)),
        }
    });
    let tail: &'static [u8] = if csv { b"" } else { b"]" };
    stream::once(async move { head })
        .chain(chunks)
        .chain(stream::once(async move { Ok(Bytes::from_static(tail)) }))
        .boxed_local()
}

/// The CSV cells of a pair: ids, score, reason, then a level per comparison.
fn csv_cells(p: &ExportedPair) -> Vec<String> {
    let [a, b] = p.record_ids;
    let mut cells = vec![
        a.to_string(),
        b.to_string(),
        p.score.to_string(),
        p.match_reason.clone(),
    ];
    cells.extend(p.levels.iter().map(|l| (*l).to_owned()));
    cells
}

/// Pairs as JSON array items, comma-separated (a leading comma unless the
/// chunk is the first).
fn json_items(chunk: &[ExportedPair], comparisons: &[String], first: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (n, p) in chunk.iter().enumerate() {
        if !(first && n == 0) {
            out.push(b',');
        }
        let levels: Map<String, Json> = comparisons
            .iter()
            .zip(&p.levels)
            .map(|(c, l)| (c.clone(), Json::from(*l)))
            .collect();
        let [a, b] = p.record_ids;
        let item = json!({"record_ids": [a, b], "score": p.score, "match_reason": p.match_reason, "levels": levels});
        out.extend(item.to_string().into_bytes());
    }
    out
}
