//! 404 for unknown routes and 405 for known routes with another method, in
//! the error envelope.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::header::{HeaderValue, ALLOW};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use utoipa::openapi::path::PathItem;
use utoipa::OpenApi;

use kasar_application::ErrorCode;

use crate::error::ApiError;
use crate::routes::openapi::ApiDoc;

/// No such route.
pub async fn not_found() -> HttpResponse {
    ApiError::new(ErrorCode::NotFound, "No such route").error_response()
}

/// The route exists, the method does not: 405 with the `Allow` header
/// (RFC 9110) listing the methods the OpenAPI document gives the route.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let mut response = ApiError::new(
        ErrorCode::MethodNotAllowed,
        "This route does not accept this method",
    )
    .error_response();
    let allow = req
        .match_pattern()
        .and_then(|pattern| allowed_methods().get(&pattern))
        .and_then(|methods| HeaderValue::from_str(methods).ok());
    if let Some(allow) = allow {
        response.headers_mut().insert(ALLOW, allow);
    }
    response
}

/// Route pattern to `Allow` value, from the document (computed once).
fn allowed_methods() -> &'static HashMap<String, String> {
    static ALLOWED: OnceLock<HashMap<String, String>> = OnceLock::new();
    ALLOWED.get_or_init(|| {
        ApiDoc::openapi()
            .paths
            .paths
            .iter()
            .map(|(path, item)| (path.clone(), methods(item).join(", ")))
            .collect()
    })
}

fn methods(item: &PathItem) -> Vec<&'static str> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
        ("HEAD", &item.head),
        ("OPTIONS", &item.options),
        ("TRACE", &item.trace),
    ]
    .into_iter()
    .filter(|(_, op)| op.is_some())
    .map(|(m, _)| m)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{test, web, App};

    #[actix_web::test]
    async fn a_405_lists_the_documented_methods_in_allow() {
        let app = test::init_service(
            App::new().service(
                web::resource("/api/v1/records/{object}/{id}")
                    .route(web::get().to(HttpResponse::Ok))
                    .default_service(web::to(method_not_allowed)),
            ),
        )
        .await;
        let req = test::TestRequest::post()
            .uri("/api/v1/records/contacts/x")
            .to_request();
        let resp = test::call_service(&app, req).await;
        assert_eq!(resp.status().as_u16(), 405);
        assert_eq!(
            resp.headers().get(ALLOW).and_then(|v| v.to_str().ok()),
            Some("GET, PUT, PATCH, DELETE")
        );
    }
}
