//! `POST /api/v1/import/{object}`: records in, JSON or CSV, with a duplicate
//! check against the whole table and within the request (admins only).

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::Import;
use kasar_application::duplicates::Criteria;
use kasar_application::duplicates::{DetectMode, Threshold};
use kasar_application::import::{
    fuzzy_option, ImportBody, ImportCommand, ImportRecords, OnDuplicate,
};
use kasar_application::ErrorCode;
use kasar_domain::duplicates::Criterion;

use crate::auth::Auth;
use crate::body::{media_type, parse_json, raw_body};
use crate::dto::import::{ImportParams, ImportRequest, ImportResponse};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Imports records; each duplicate is handled by `on_duplicate`.
#[utoipa::path(post, path = "/api/v1/import/{object}", tag = "batches", operation_id = "import_records", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name"), ImportParams),
    request_body(content(
        (ImportRequest = "application/json"),
        (String = "text/csv"),
    ), description = "JSON, or CSV (RFC 4180): a header row of field names, one record per row; an empty cell is null, MANY_TO_MANY ids joined by `;`; `id`, `created_at` and `updated_at` columns are ignored"),
    responses((status = 200, body = ImportResponse, description = "Also when some or all records fail"), (status = 400, body = ErrorBody)))]
pub async fn import(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Import>()?;
    let object = path.into_inner();
    let command = match media_type(&req).as_deref() {
        Some("application/json") => {
            if !query.is_empty() {
                return Err(ApiError::validation(
                    "a JSON import carries its options in its body, not in the query",
                ));
            }
            let body: ImportBody = parse_json(&raw_body(&req, payload, state.body_limit).await?)?;
            let fuzzy = fuzzy_option(body.match_mode, body.threshold, body.fields.as_ref())
                .map_err(ApiError::validation)?;
            ImportCommand {
                object: object.clone(),
                records: ImportRecords::Json(body.records),
                on_duplicate: body.on_duplicate,
                fields: body.fields,
                fuzzy,
            }
        }
        Some("text/csv") => {
            let options = csv_options(query.into_inner())?;
            let body = raw_body(&req, payload, state.body_limit).await?;
            let (header, rows) = parse_csv(&body)?;
            ImportCommand {
                object: object.clone(),
                records: ImportRecords::Csv { header, rows },
                on_duplicate: options.on_duplicate,
                fields: options.fields,
                fuzzy: options.fuzzy,
            }
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "The body must be application/json or text/csv",
            ))
        }
    };
    let out = state.service.import_records(&auth, command).await?;
    state.metrics.imported.inc_by(out.created + out.updated);
    Ok(HttpResponse::Ok().json(ImportResponse::new(object, &out)))
}

/// The options of a CSV import.
#[derive(Debug)]
struct CsvOptions {
    on_duplicate: OnDuplicate,
    fields: Option<Criteria>,
    fuzzy: Option<f64>,
}

/// The options of a CSV import, from the query.
fn csv_options(pairs: Vec<(String, String)>) -> Result<CsvOptions, ApiError> {
    let (mut on_duplicate, mut fields) = (OnDuplicate::default(), None);
    let (mut mode, mut threshold) = (None, None);
    for (name, value) in pairs {
        match name.as_str() {
            "match" => {
                mode = Some(match value.as_str() {
                    "exact" => DetectMode::Exact,
                    "fuzzy" => DetectMode::Fuzzy,
                    _ => return Err(ApiError::validation("match is exact or fuzzy")),
                })
            }
            "threshold" => {
                threshold = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .and_then(Threshold::new)
                        .ok_or_else(|| {
                            ApiError::validation("threshold must be a number in (0, 1]")
                        })?,
                )
            }
            "on_duplicate" => {
                on_duplicate = OnDuplicate::parse(&value).ok_or_else(|| {
                    ApiError::validation("on_duplicate is skip, create, update or error")
                })?
            }
            "fields" => {
                let list = value
                    .split(',')
                    .map(|s| {
                        Criterion::parse(s.trim()).ok_or_else(|| {
                            ApiError::validation(format!(
                                "unknown match field '{}' (email, phone, linkedin, name)",
                                kasar_domain::id::shorten(s)
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                fields = Some(Criteria::new(list).map_err(ApiError::validation)?);
            }
            other => {
                return Err(ApiError::validation(format!(
                    "unknown query parameter '{}' (on_duplicate, fields, match, threshold)",
                    kasar_domain::id::shorten(other)
                )))
            }
        }
    }
    let fuzzy = fuzzy_option(mode, threshold, fields.as_ref()).map_err(ApiError::validation)?;
    Ok(CsvOptions {
        on_duplicate,
        fields,
        fuzzy,
    })
}

/// The header and rows of an RFC 4180 body (a leading byte-order mark is
/// ignored). Malformed CSV or text that is not UTF-8 is 400 for the request.
fn parse_csv(body: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), ApiError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(body);
    let bad = |e: csv::Error| ApiError::validation(format!("Invalid CSV body: {e}"));
    let header: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(ApiError::validation(
            "a CSV import starts with a header row of field names",
        ));
    }
    let mut names = header.clone();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w.first() == w.get(1)) {
        return Err(ApiError::validation(format!(
            "the header names '{}' twice",
            kasar_domain::id::shorten(w.first().map_or("", String::as_str))
        )));
    }
    let rows = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()))
        .collect::<Result<Vec<Vec<String>>, _>>()
        .map_err(bad)?;
    Ok((header, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_bodies_parse_with_quotes_crlf_and_a_bom() {
        let body =
            b"\xEF\xBB\xBFfirst_name,email\r\n\"Lee, Ann\",a@x.io\r\n\"say \"\"hi\"\"\",\r\n";
        let (header, rows) = parse_csv(body).unwrap();
        assert_eq!(header, ["first_name", "email"]);
        assert_eq!(rows, [vec!["Lee, Ann", "a@x.io"], vec!["say \"hi\"", ""]]);
        assert!(parse_csv(b"a,a\n1,2\n").is_err());
        assert!(parse_csv(b"").is_err());
        assert!(parse_csv(b"a\n\xff\n").is_err());
    }

    #[test]
    fn csv_options_come_from_the_query() {
        let pairs = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect::<Vec<_>>()
        };
        let options = csv_options(pairs(&[
            ("on_duplicate", "update"),
            ("fields", "email,phone"),
        ]))
        .unwrap();
        assert_eq!(options.on_duplicate, OnDuplicate::Update);
        assert_eq!(
            options.fields.unwrap().as_slice(),
            [Criterion::Email, Criterion::Phone]
        );
        assert_eq!(options.fuzzy, None);
        let fuzzy = csv_options(pairs(&[("match", "fuzzy"), ("threshold", "0.8")])).unwrap();
        assert_eq!(fuzzy.fuzzy, Some(0.8));
        let fuzzy = csv_options(pairs(&[("match", "fuzzy")])).unwrap();
        assert_eq!(fuzzy.fuzzy, Some(0.9));
        assert!(csv_options(pairs(&[("threshold", "0.8")])).is_err());
        assert!(csv_options(pairs(&[("match", "fuzzy"), ("fields", "email")])).is_err());
        assert!(csv_options(pairs(&[("match", "fuzzy"), ("threshold", "0")])).is_err());
        assert!(csv_options(pairs(&[("match", "loose")])).is_err());
        assert!(csv_options(pairs(&[("on_duplicate", "merge")])).is_err());
        assert!(csv_options(pairs(&[("fields", "mail")])).is_err());
        assert!(csv_options(pairs(&[("limit", "1")])).is_err());
    }
}
