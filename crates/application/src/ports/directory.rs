//! The driven port of the control plane (`Directory`): organizations,
//! users, tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kasar_domain::{Caller, ObjectDef, Role};
use uuid::Uuid;

use super::Tenant;
use crate::error::StoreError;

/// A workspace user as the operator CLI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceUser {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
}

/// A new API token to store (only its digest and display prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub workspace_user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub digest: Vec<u8>,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Why a token could not be revoked.
#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    #[error("no token matches '{0}'")]
    NotFound(String),
    #[error("'{0}' matches more than one token; use the token id")]
    Ambiguous(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The control plane: organizations, users, tokens.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Directory: Send + Sync {
    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The caller a token digest belongs to, if the token exists, is not
    /// revoked and has not expired.
    async fn authenticate(&self, digest: &[u8]) -> Result<Option<Caller>, StoreError>;

    /// Creates an organization with its own schema holding `objects`, all in one
    /// transaction. `StoreError::Constraint` when the slug is taken.
    async fn create_organization(
        &self,
        slug: &str,
        name: &str,
        objects: &[ObjectDef],
    ) -> Result<Tenant, StoreError>;

    /// An organization by slug.
    async fn find_organization(&self, slug: &str) -> Result<Option<Tenant>, StoreError>;

    /// Adds (or finds) the user by email and makes them a workspace user of the
    /// organization with `role`. Returns the workspace user.
    async fn add_user(
        &self,
        organization_id: Uuid,
        email: &str,
        full_name: &str,
        role: Role,
    ) -> Result<WorkspaceUser, StoreError>;

    /// A workspace user of an organization by email.
    async fn find_user(
        &self,
        organization_id: Uuid,
        email: &str,
    ) -> Result<Option<WorkspaceUser>, StoreError>;

    /// Stores a token; returns its id.
    async fn create_token(&self, token: &NewToken) -> Result<Uuid, StoreError>;

    /// Revokes a token by id or display prefix.
    async fn revoke_token(&self, id_or_prefix: &str) -> Result<Uuid, RevokeError>;
}
