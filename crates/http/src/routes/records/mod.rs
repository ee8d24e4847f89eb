//! Records CRUD: `/api/v1/records/{object}` and `/api/v1/records/{object}/{id}`.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod matching;
pub mod update;

use actix_web::web;
use kasar_application::authorize::Read;
use kasar_application::AppError;
use kasar_domain::RecordId;

use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::HttpState;

/// The record id of a path. A malformed one names no record: 404, after the
/// object is checked (so an unknown object is still 400 INVALID_OBJECT).
async fn record_id(
    state: &web::Data<HttpState>,
    caller: &Auth,
    object: &str,
    raw: &str,
) -> Result<RecordId, ApiError> {
    match RecordId::parse(raw) {
        Ok(id) => Ok(id),
        Err(malformed) => {
            let auth = caller.may::<Read>()?;
            let object = state.service.object(&auth, object).await?;
            Err(AppError::not_found(&object.name, malformed.0).into())
        }
    }
}
