//! `GET /api/v1/schema` and `GET /api/v1/schema/{object}`: the catalog.

use actix_web::{web, HttpResponse};
use kasar_application::authorize::Read;
use kasar_domain::ObjectDef;
use serde_json::Value as Json;

use crate::auth::Auth;
use crate::dto::common::{ObjectSchema, SchemaResponse};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Every object with its fields.
#[utoipa::path(get, path = "/api/v1/schema", tag = "schema", operation_id = "list_schema", security(("bearer" = [])), responses(
    (status = 200, body = SchemaResponse, description = "The catalog"),
))]
pub async fn list_schema(
    state: web::Data<HttpState>,
    caller: Auth,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Read>()?;
    let catalog = state.service.catalog(&auth).await?;
    let weights = state.service.model_weights(&auth, None).await?;
    Ok(HttpResponse::Ok().json(SchemaResponse {
        objects: catalog
            .objects
            .iter()
            .map(|o| with_weights(o, &weights))
            .collect(),
    }))
}

/// One object with its fields.
#[utoipa::path(get, path = "/api/v1/schema/{object}", tag = "schema", operation_id = "get_schema", security(("bearer" = [])),
    params(("object" = crate::dto::common::ObjectName, Path, description = "Object name")),
    responses(
        (status = 200, body = ObjectSchema, description = "The object"),
        (status = 400, body = ErrorBody),
    ))]
pub async fn get_schema(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<Read>()?;
    let object = state.service.object(&auth, &path).await?;
    let weights = state
        .service
        .model_weights(&auth, Some(object.name.clone()))
        .await?;
    Ok(HttpResponse::Ok().json(with_weights(&object, &weights)))
}

/// The object's schema with the weights of its model in force, if any.
fn with_weights(object: &ObjectDef, weights: &[(String, Json)]) -> ObjectSchema {
    let mut schema = ObjectSchema::from(object);
    schema.matching.weights = weights
        .iter()
        .find(|(name, _)| *name == object.name)
        .map(|(_, w)| w.clone());
    schema
}
