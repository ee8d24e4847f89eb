//! The routes that change the catalog (admins with the `mcp` scope):
//! objects and fields added, changed and deleted. Authorization comes before
//! the body is read.

use actix_web::{web, HttpRequest, HttpResponse};
use kasar_application::authorize::ChangeSchema;
use kasar_application::schema::{field_patch, field_spec, matching_body, new_object, FieldChange};
use serde_json::Value as Json;

use crate::auth::Auth;
use crate::body::json_body;
use crate::dto::common::{FieldSchema, ObjectSchema};
use crate::dto::schema::{
    DeleteObjectParams, FieldDefBody, FieldPatchBody, MatchingBody, NewObjectBody,
};
use crate::error::{ApiError, ErrorBody};
use crate::state::HttpState;

/// Creates a custom object.
#[utoipa::path(post, path = "/api/v1/schema", tag = "schema", operation_id = "create_object", security(("bearer" = [])),
    request_body = NewObjectBody,
    responses(
        (status = 201, body = ObjectSchema, description = "The new object"),
        (status = 400, body = ErrorBody, description = "A rule is broken"),
        (status = 403, body = ErrorBody, description = "Not an admin with the mcp scope"),
        (status = 409, body = ErrorBody, description = "The name is taken"),
        (status = 503, body = ErrorBody, description = "Busy: a lock was not granted in time"),
    ))]
pub async fn create_object(
    state: web::Data<HttpState>,
    caller: Auth,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<ChangeSchema>()?;
    let body: Json = json_body(&req, payload, state.body_limit).await?;
    let object = state
        .service
        .create_object(&auth, new_object(&body)?)
        .await?;
    Ok(HttpResponse::Created().json(ObjectSchema::from(&object)))
}

/// Deletes a custom object.
#[utoipa::path(delete, path = "/api/v1/schema/{object}", tag = "schema", operation_id = "delete_object", security(("bearer" = [])),
    params(("object" = String, Path, description = "Object name"), DeleteObjectParams),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, body = ErrorBody, description = "Unknown or standard object"),
        (status = 403, body = ErrorBody, description = "Not an admin with the mcp scope"),
        (status = 409, body = ErrorBody, description = "It has records, or relations target it (without force)"),
        (status = 503, body = ErrorBody, description = "Busy: a lock was not granted in time"),
    ))]
pub async fn delete_object(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    query: web::Query<DeleteObjectParams>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<ChangeSchema>()?;
    let force = query.force.unwrap_or(false);
    state.service.delete_object(&auth, &path, force).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a field to an object.
#[utoipa::path(post, path = "/api/v1/schema/{object}/fields", tag = "schema", operation_id = "add_field", security(("bearer" = [])),
    params(("object" = String, Path, description = "Object name")),
    request_body = FieldDefBody,
    responses(
        (status = 201, body = FieldSchema, description = "The new field"),
        (status = 400, body = ErrorBody, description = "A rule is broken"),
        (status = 403, body = ErrorBody, description = "Not an admin with the mcp scope"),
        (status = 409, body = ErrorBody, description = "The name is taken, or a required field without default on an object with records"),
        (status = 503, body = ErrorBody, description = "Busy: a lock was not granted in time"),
    ))]
pub async fn add_field(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<ChangeSchema>()?;
    let body: Json = json_body(&req, payload, state.body_limit).await?;
    let field = state
        .service
        .add_field(&auth, &path, field_spec(&body)?)
        .await?;
    Ok(HttpResponse::Created().json(FieldSchema::from(&field)))
}

/// Changes a field's label, required flag, default or options.
#[utoipa::path(patch, path = "/api/v1/schema/{object}/fields/{field}", tag = "schema", operation_id = "patch_field", security(("bearer" = [])),
    params(("object" = String, Path, description = "Object name"), ("field" = String, Path, description = "Field name")),
    request_body = FieldPatchBody,
    responses(
        (status = 200, body = FieldSchema, description = "The field after the change"),
        (status = 400, body = ErrorBody, description = "A rule is broken"),
        (status = 403, body = ErrorBody, description = "Not an admin with the mcp scope"),
        (status = 409, body = ErrorBody, description = "Records hold null, or an option being removed"),
        (status = 503, body = ErrorBody, description = "Busy: a lock was not granted in time"),
    ))]
pub async fn patch_field(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<ChangeSchema>()?;
    let body: Json = json_body(&req, payload, state.body_limit).await?;
    let (object, field) = path.into_inner();
    let change = FieldChange {
        object,
        field,
        patch: field_patch(&body)?,
    };
    let field = state.service.patch_field(&auth, change).await?;
    Ok(HttpResponse::Ok().json(FieldSchema::from(&field)))
}

/// Deletes a custom field and its values.
#[utoipa::path(delete, path = "/api/v1/schema/{object}/fields/{field}", tag = "schema", operation_id = "delete_field", security(("bearer" = [])),
    params(("object" = String, Path, description = "Object name"), ("field" = String, Path, description = "Field name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, body = ErrorBody, description = "Unknown object or field, or a standard field"),
        (status = 403, body = ErrorBody, description = "Not an admin with the mcp scope"),
        (status = 503, body = ErrorBody, description = "Busy: a lock was not granted in time"),
    ))]
pub async fn delete_field(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<ChangeSchema>()?;
    let (object, field) = path.into_inner();
    state.service.delete_field(&auth, &object, &field).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces an object's match profile (fuzzy detection).
#[utoipa::path(put, path = "/api/v1/schema/{object}/matching", tag = "schema", operation_id = "set_matching", security(("bearer" = [])),
    params(("object" = String, Path, description = "Object name")),
    request_body = MatchingBody,
    responses(
        (status = 200, body = ObjectSchema, description = "The object with its new profile"),
        (status = 400, body = ErrorBody, description = "Unknown object, or a comparison breaks a rule"),
        (status = 403, body = ErrorBody, description = "Not an admin with the mcp scope"),
        (status = 503, body = ErrorBody, description = "Busy: a lock was not granted in time"),
    ))]
pub async fn set_matching(
    state: web::Data<HttpState>,
    caller: Auth,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let auth = caller.may::<ChangeSchema>()?;
    let body: Json = json_body(&req, payload, state.body_limit).await?;
    let object = state
        .service
        .set_matching(&auth, &path, matching_body(&body)?)
        .await?;
    Ok(HttpResponse::Ok().json(ObjectSchema::from(&object)))
}
