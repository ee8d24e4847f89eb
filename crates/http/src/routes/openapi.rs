//! `GET /api/v1/openapi.json`: the OpenAPI 3 document, generated from the
//! handlers' annotations and the DTO types so it cannot drift from the code.

use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto::bulk::{BulkBody, BulkError, BulkResponse};
use crate::dto::common::{
    FieldSchema, ListResponse, MeResponse, ObjectSchema, Profile, RecordBody, SchemaResponse,
    StatusResponse,
};
use crate::dto::duplicates::{
    DetectBody, DetectResponse, DuplicatesRequest, DuplicatesResponse, GroupBody, MergeBody,
    MergeResponse,
};
use crate::error::{ErrorBody, ErrorDetail};
use crate::routes;

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
        routes::records::list::list,
        routes::records::create::create,
        routes::records::get::get,
        routes::records::update::update,
        routes::records::delete::delete,
        routes::duplicates::duplicates,
        routes::bulk::bulk,
        openapi,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, RecordBody, ListResponse, ObjectSchema, FieldSchema, SchemaResponse, MeResponse, Profile,
        StatusResponse, DetectBody, MergeBody, DuplicatesRequest, DetectResponse, GroupBody, MergeResponse, DuplicatesResponse,
        BulkBody, BulkError, BulkResponse,
    )),
    modifiers(&BearerAuth),
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

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
