//! Mint and revoke API tokens. The clear token exists only in the value
//! returned to the operator; the store keeps its SHA-256 digest.

use chrono::{Duration, Utc};
use kasar_domain::token::{digest, display_prefix, encode_token, SECRET_BYTES};
use kasar_domain::Scope;
use uuid::Uuid;

use crate::error::AppError;
use crate::ports::{NewToken, RevokeError};
use crate::Services;

/// What `token create` asks for.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub org: String,
    pub email: String,
    pub scopes: Vec<String>,
    pub name: Option<String>,
    pub expires_in_days: Option<u32>,
}

/// A freshly minted token: shown once.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub id: Uuid,
    pub token: String,
}

/// Mints a token for a workspace user. Scopes default to `mcp`.
#[tracing::instrument(skip(services, request), fields(org = %request.org))]
pub async fn create_token(
    services: &Services,
    request: &TokenRequest,
) -> Result<CreatedToken, AppError> {
    let mut scopes = Vec::new();
    for s in &request.scopes {
        let scope = Scope::parse(s).ok_or_else(|| {
            AppError::Validation(format!(
                "unknown scope '{s}' (mcp, records:write, records:read)"
            ))
        })?;
        if !scopes.contains(&scope.as_str().to_owned()) {
            scopes.push(scope.as_str().to_owned());
        }
    }
    if scopes.is_empty() {
        scopes.push(Scope::Mcp.as_str().to_owned());
    }
    let tenant = services
        .directory
        .find_organization(&request.org)
        .await?
        .ok_or_else(|| AppError::RecordNotFound(format!("no organization '{}'", request.org)))?;
    let email = request.email.trim().to_lowercase();
    let user = services
        .directory
        .find_user(tenant.organization_id, &email)
        .await?
        .ok_or_else(|| {
            AppError::RecordNotFound(format!("no user '{email}' in '{}'", request.org))
        })?;
    let secret: [u8; SECRET_BYTES] = rand::random();
    let token = encode_token(&secret);
    let new = NewToken {
        workspace_user_id: user.id,
        name: request.name.clone().unwrap_or_else(|| "api".into()),
        prefix: display_prefix(&token),
        digest: digest(&token),
        scopes,
        expires_at: request
            .expires_in_days
            .map(|d| Utc::now() + Duration::days(i64::from(d))),
    };
    let id = services.directory.create_token(&new).await?;
    Ok(CreatedToken { id, token })
}

/// Revokes a token by id or display prefix.
#[tracing::instrument(skip(services))]
pub async fn revoke_token(services: &Services, id_or_prefix: &str) -> Result<Uuid, AppError> {
    services
        .directory
        .revoke_token(id_or_prefix)
        .await
        .map_err(|e| match e {
            RevokeError::Store(s) => s.into(),
            other => AppError::RecordNotFound(other.to_string()),
        })
}
