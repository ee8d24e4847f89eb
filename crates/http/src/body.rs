//! Reading a JSON body: media type (415), size limit (413), then syntax and
//! shape (400). Handlers call it after authorization, so the order of checks
//! is 401, 403, then the body.

use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use kasar_application::ErrorCode;

use crate::error::ApiError;

/// The media type of the request, lowercased, without parameters.
pub(crate) fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
}

/// Reads and parses the body as `T`.
pub(crate) async fn json_body<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
    if media_type(req).as_deref() != Some("application/json") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "The body must be application/json",
        ));
    }
    let body = raw_body(req, payload, limit).await?;
    parse_json(&body)
}

/// Parses JSON bytes as `T` (400 with the parser's message).
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::validation(format!("Invalid JSON body: {e}")))
}

/// Reads the whole body, refusing more than `limit` bytes (413).
pub(crate) async fn raw_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("The body is larger than {limit} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::validation("The body could not be read"))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
