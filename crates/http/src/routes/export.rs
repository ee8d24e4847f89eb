//! `GET /api/v1/export/{object}`: every record a selection picks, as CSV or
//! JSON, streamed batch by batch (admins only).

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use futures_util::{stream, StreamExt};
use kasar_application::authorize::Export;
use kasar_application::records::{ExportRecords, Exported};
use kasar_domain::record::timestamp;
use kasar_domain::{ObjectDef, Record, Value};
use serde_json::Value as Json;

use crate::auth::Auth;
use crate::dto::select::{projected, Format, FormatParam, SelectParams};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Every matching record, as CSV (RFC 4180) or a JSON array.
#[utoipa::path(get, path = "/api/v1/export/{object}", tag = "records", operation_id = "export_records", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), SelectParams, FormatParam),
    responses(
        (status = 200, description = "The records: CSV with a header of field names (MANY_TO_MANY ids joined by `;`), or a JSON array of records",
            content((String = "text/csv"), (Vec<crate::dto::common::ProjectedRecord> = "application/json"))),
        (status = 400, body = ErrorBody),
    ))]
pub async fn export(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Export>()?;
    let (params, extra) = SelectParams::from_pairs(query.into_inner(), &["format"])?;
    let format = match extra.first().map(|(_, v)| v.as_str()) {
        None | Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        Some(_) => return Err(ApiError::validation("format is csv or json")),
    };
    let command = ExportRecords {
        object: path.into_inner(),
        selection: params.input()?,
    };
    let exported = state.service.export_records(&auth, command).await?;
    let name = exported.object.name.clone();
    let body = match format {
        Format::Csv => csv_body(exported),
        Format::Json => json_body(exported),
    };
    Ok(attachment(&name, format, body))
}

/// A streamed body.
pub(crate) type Body = stream::LocalBoxStream<'static, Result<Bytes, actix_web::Error>>;

/// A download: `body` streamed as `<stem>.csv` or `<stem>.json`, with the
/// format's content type.
pub(crate) fn attachment(stem: &str, format: Format, body: Body) -> HttpResponse {
    let (extension, content_type) = match format {
        Format::Csv => ("csv", "text/csv; charset=utf-8"),
        Format::Json => ("json", "application/json"),
    };
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(format!("{stem}.{extension}"))],
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition)
        .streaming(body)
}

/// The columns of the export: `id`, the fields (all, or the projection's, in
/// catalog order), `created_at`, `updated_at`.
fn columns(object: &ObjectDef, fields: Option<&[String]>) -> Vec<String> {
    let mut out = vec!["id".to_owned()];
    out.extend(
        object
            .fields
            .iter()
            .filter(|f| fields.is_none_or(|list| list.contains(&f.name)))
            .map(|f| f.name.clone()),
    );
    for system in ["created_at", "updated_at"] {
        if fields.is_none_or(|list| list.iter().any(|f| f == system)) {
            out.push(system.to_owned());
        }
    }
    out
}

fn csv_body(exported: Exported) -> Body {
    let Exported {
        object,
        fields,
        batches,
    } = exported;
    let columns = columns(&object, fields.as_deref());
    let header = csv_rows(std::iter::once(columns.clone()));
    let rows = batches.map(move |batch| {
        let batch = batch.map_err(failed)?;
        let rows = batch
            .iter()
            .map(|record| columns.iter().map(|c| cell(record, c)).collect::<Vec<_>>());
        csv_rows(rows)
    });
    stream::once(async move { header })
        .chain(rows)
        .boxed_local()
}

/// Rows as RFC 4180 CSV (CRLF line ends).
pub(crate) fn csv_rows<R>(rows: impl Iterator<Item = R>) -> Result<Bytes, actix_web::Error>
where
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    csv_bytes(rows).map(Bytes::from).map_err(failed)
}

/// Rows as RFC 4180 CSV (CRLF line ends), as bytes (what a blocking task
/// can hand back).
pub(crate) fn csv_bytes<R>(rows: impl Iterator<Item = R>) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row)?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// One CSV cell of `record`: what its JSON form holds, text as it is, ids of
/// a MANY_TO_MANY field joined by `;`, null as an empty cell.
fn cell(record: &Record, column: &str) -> String {
    match column {
        "id" => record.id.to_string(),
        "created_at" => timestamp(record.created_at),
        "updated_at" => timestamp(record.updated_at),
        field => match record.get(field) {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Ids(ids) => ids
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(";"),
            other => match other.to_json() {
                Json::String(s) => s,
                json => json.to_string(),
            },
        },
    }
}

fn json_body(exported: Exported) -> Body {
    let Exported {
        object,
        fields,
        batches,
    } = exported;
    let mut first = true;
    let items = batches.map(move |batch| {
        let batch: Vec<Record> = batch.map_err(failed)?;
        let mut out = Vec::new();
        for record in &batch {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            let body = projected(&object, record, fields.as_deref());
            serde_json::to_writer(&mut out, &body.0).map_err(failed)?;
        }
        Ok(Bytes::from(out))
    });
    stream::once(async { Ok(Bytes::from_static(b"[")) })
        .chain(items)
        .chain(stream::once(async { Ok(Bytes::from_static(b"]")) }))
        .boxed_local()
}

/// An error in the middle of a stream: the status is sent already, so the
/// response is cut short (and the cause logged).
pub(crate) fn failed(e: impl std::fmt::Display) -> actix_web::Error {
    tracing::error!(error = %e, "export failed midway");
    actix_web::error::ErrorInternalServerError("export failed")
}
