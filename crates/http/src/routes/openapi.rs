//! `GET /api/v1/openapi.json`: the OpenAPI 3 document, generated from the
//! handlers' annotations and the DTO types so it cannot drift from the code.

use actix_web::{web, HttpResponse};
use kasar_application::{authorize, ErrorCode};
use utoipa::openapi::header::Header;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::openapi_bounds::document;
use crate::dto::auto_merge::{AutoMergeBody, AutoMergeResponse, AutoMergeResult};
use crate::dto::batch::{
    BatchBody, BatchDeleteBody, BatchResponse, BatchResultBody, BatchUpsertBody,
};
use crate::dto::bulk::{BulkBody, BulkError, BulkResponse, BulkWhere};
use crate::dto::common::{
    ComparisonSchema, FieldSchema, MatchingSchema, MeResponse, ObjectName, ObjectSchema, Profile,
    ProjectedRecord, RecordBody, RecordCreate, RecordInput, SchemaResponse, StatusResponse,
};
use crate::dto::dismissals::{DismissBody, DismissalBody, DismissalsResponse};
use crate::dto::duplicates::{
    DetectBody, DetectResponse, DuplicatesRequest, DuplicatesResponse, GroupBody, MergeBody,
    MergeResponse, PairBody,
};
use crate::dto::import::{ImportError, ImportRequest, ImportResponse, ImportResultBody};
use crate::dto::merges::{
    KeptField, MergeDetail, MergeItem, MergesResponse, UnmergeBody, UnmergeResponse,
};
use crate::dto::schema::{
    ComparatorName, ComparisonBody, FieldDefBody, FieldPatchBody, FieldTypeName, MatchingBody,
    NewObjectBody,
};
use crate::dto::select::{Format, ListResponse, SearchBody};
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::routes;
use crate::routes::records::matching::{MatchBody, MatchRequest};
use crate::state::HttpState;

/// The API document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Kasar-compatible CRM data API", description = "Records, duplicates and bulk operations over a multi-tenant CRM."),
    paths(
        routes::health::health,
        routes::health::ready,
        routes::me::me,
        routes::schema::list_schema,
        routes::schema::get_schema,
        routes::schema_changes::create_object,
        routes::schema_changes::delete_object,
        routes::schema_changes::add_field,
        routes::schema_changes::patch_field,
        routes::schema_changes::delete_field,
        routes::schema_changes::set_matching,
        routes::records::list::list,
        routes::records::list::search,
        routes::records::matching::match_record,
        routes::export::export,
        routes::export_pairs::export_pairs,
        routes::batch::create,
        routes::batch::update,
        routes::batch::upsert,
        routes::batch::delete,
        routes::import::import,
        routes::records::create::create,
        routes::records::get::get,
        routes::records::update::update,
        routes::records::update::put,
        routes::records::delete::delete,
        routes::duplicates::duplicates,
        routes::bulk::bulk,
        routes::merges::list,
        routes::merges::get,
        routes::dismissals::list,
        openapi,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, ObjectName, RecordBody, RecordCreate, RecordInput, ListResponse, ObjectSchema, FieldSchema, SchemaResponse, MeResponse, Profile,
        StatusResponse, DetectBody, MergeBody, DuplicatesRequest, DetectResponse, GroupBody, PairBody, MergeResponse, DuplicatesResponse,
        BulkBody, BulkWhere, BulkError, BulkResponse, SearchBody, Format, ProjectedRecord,
        BatchBody, BatchUpsertBody, BatchDeleteBody, BatchResponse, BatchResultBody,
        ImportRequest, ImportResponse, ImportResultBody, ImportError,
        AutoMergeBody, AutoMergeResponse, AutoMergeResult, MatchRequest, MatchBody,
        FieldDefBody, FieldTypeName, NewObjectBody, FieldPatchBody, MatchingBody, ComparisonBody, ComparatorName, MatchingSchema, ComparisonSchema,
        MergesResponse, MergeItem, MergeDetail, UnmergeBody, UnmergeResponse, KeptField, DismissBody, DismissalBody, DismissalsResponse,
    )),
    modifiers(&BearerAuth, &StandardErrors),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// The error responses every route shares, written once from the
/// [`ErrorCode`] table: 401, 403, 429 (with `Retry-After`) and 503 on every
/// route behind a token, 413 and 415 on every route with a body; and the
/// description of each error status a route declares, from the codes of
/// that status.
struct StandardErrors;

/// An error response whose description lists `codes`.
fn error_response(codes: &[ErrorCode], retry_after: bool) -> Response {
    let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    let mut builder = ResponseBuilder::new()
        .description(names.join(" or "))
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        );
    if retry_after {
        let seconds = ObjectBuilder::new().schema_type(Type::Integer);
        builder = builder.header("Retry-After", Header::new(seconds));
    }
    builder.build()
}

/// The codes answered with `status`, but the route fallback's.
fn codes_of(status: u16) -> Vec<ErrorCode> {
    ErrorCode::ALL
        .iter()
        .copied()
        .filter(|c| c.status() == status && *c != ErrorCode::NotFound)
        .collect()
}

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use ErrorCode::{
            PayloadTooLarge, PermissionDenied, RateLimited, Unauthenticated, Unavailable,
            UnsupportedMediaType,
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let mut shared = Vec::new();
                if operation.security.is_some() {
                    shared.push((Unauthenticated, false));
                    shared.push((PermissionDenied, false));
                    shared.push((RateLimited, true));
                    shared.push((Unavailable, true));
                }
                if operation.request_body.is_some() {
                    shared.push((PayloadTooLarge, false));
                    shared.push((UnsupportedMediaType, false));
                }
                let responses = &mut operation.responses.responses;
                for (code, retry) in shared {
                    responses
                        .entry(code.status().to_string())
                        .or_insert_with(|| error_response(&[code], retry).into());
                }
                for (status, response) in responses.iter_mut() {
                    let Ok(status) = status.parse::<u16>() else {
                        continue;
                    };
                    if let RefOr::T(r) = response {
                        if status >= 400 && r.description.is_empty() {
                            *r = error_response(&codes_of(status), status == 503);
                        }
                    }
                }
            }
        }
    }
}

/// The OpenAPI document of this API: without a token, the generic one; with
/// a token, the one of its organization (a schema per object, the object
/// routes written out per object).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", operation_id = "openapi", responses(
    (status = 200, description = "OpenAPI 3 document"),
    (status = 401, body = ErrorBody, description = "UNAUTHENTICATED: an Authorization header that names no valid token"),
))]
pub async fn openapi(
    state: web::Data<HttpState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let generic = document(&state.service.limits());
    if req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .is_none()
    {
        return Ok(HttpResponse::Ok().json(generic));
    }
    let caller = crate::auth::caller_of(req.headers(), &state).await?;
    let auth = authorize::authorize::<authorize::Read>(&caller)?;
    let catalog = state.service.catalog(&auth).await?;
    Ok(HttpResponse::Ok().json(super::openapi_org::organization_document(generic, &catalog)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_are_unique_and_every_response_is_described() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut ids = std::collections::BTreeSet::new();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                operations += 1;
                let id = op["operationId"].as_str().unwrap_or_default();
                assert!(
                    ids.insert(id.to_owned()),
                    "{method} {path}: operationId '{id}' repeats"
                );
                for (status, response) in op["responses"].as_object().unwrap() {
                    assert!(
                        response["description"].as_str().is_some(),
                        "{method} {path} {status}: no description"
                    );
                }
            }
        }
        assert_eq!(ids.len(), operations);
    }

    #[test]
    fn secured_operations_document_their_errors_and_ids_are_uuids() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let mut secured = 0;
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                if op.get("security").is_none() {
                    continue;
                }
                secured += 1;
                for status in ["401", "403", "503"] {
                    assert!(
                        op["responses"][status].is_object(),
                        "{method} {path}: {status}"
                    );
                }
                for param in op["parameters"].as_array().into_iter().flatten() {
                    if param["name"] == "id" {
                        assert_eq!(param["schema"]["format"], "uuid", "{method} {path}");
                    }
                }
            }
        }
        assert_eq!(secured, 29);
        assert!(paths["/api/v1/records/{object}/{id}"]["put"].is_object());
        assert_eq!(
            doc["components"]["schemas"]["ObjectName"]["enum"],
            serde_json::json!(["tags", "companies", "contacts", "opportunities"])
        );
    }
}
