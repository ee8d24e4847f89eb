//! `GET /api/v1/openapi.json`: the OpenAPI 3 document, generated from the
//! handlers' annotations and the DTO types so it cannot drift from the code.

use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::dto::bulk::{BulkBody, BulkError, BulkResponse};
use crate::dto::common::{
    FieldSchema, ListResponse, MeResponse, ObjectName, ObjectSchema, Profile, RecordBody,
    RecordCreate, RecordInput, SchemaResponse, StatusResponse,
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
        ErrorBody, ErrorDetail, ObjectName, RecordBody, RecordCreate, RecordInput, ListResponse, ObjectSchema, FieldSchema, SchemaResponse, MeResponse, Profile,
        StatusResponse, DetectBody, MergeBody, DuplicatesRequest, DetectResponse, GroupBody, MergeResponse, DuplicatesResponse,
        BulkBody, BulkError, BulkResponse,
    )),
    modifiers(&BearerAuth, &Unavailable),
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

/// Every route behind a token reads the database to authenticate it, so each
/// may answer 503 UNAVAILABLE: documented here rather than on every annotation.
struct Unavailable;

impl Modify for Unavailable {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let unavailable = ResponseBuilder::new()
            .description("UNAVAILABLE: the database cannot be reached; retry later")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if operation.security.is_some() {
                    operation
                        .responses
                        .responses
                        .entry("503".into())
                        .or_insert_with(|| unavailable.clone().into());
                }
            }
        }
    }
}

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(secured, 11);
        assert!(paths["/api/v1/records/{object}/{id}"]["put"].is_object());
        assert_eq!(
            doc["components"]["schemas"]["ObjectName"]["enum"],
            serde_json::json!(["tags", "companies", "contacts", "opportunities"])
        );
    }
}
