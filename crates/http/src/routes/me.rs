//! `GET /api/v1/me`: the caller.

use actix_web::HttpResponse;

use crate::auth::Auth;
use crate::dto::common::{MeResponse, Profile};

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "caller", operation_id = "me", security(("bearer" = [])), responses(
    (status = 200, body = MeResponse, description = "The caller"),
))]
pub async fn me(Auth(caller): Auth) -> HttpResponse {
    HttpResponse::Ok().json(MeResponse {
        user_id: caller.user_id,
        organization_id: caller.organization_id,
        workspace_user_id: caller.workspace_user_id,
        is_admin: caller.is_admin(),
        scopes: caller
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        profile: Profile {
            full_name: caller.full_name,
            email: caller.email,
        },
    })
}
