//! Create an organization: its row in the control plane and its own schema
//! with the standard objects, generated from the catalog seed.

use kasar_domain::standard::standard_objects;

use crate::error::{AppError, StoreError};
use crate::ports::Tenant;
use crate::Services;
use kasar_domain::catalog::is_slug;

/// Creates the organization `slug` and provisions its schema.
#[tracing::instrument(skip(services))]
pub async fn create_organization(
    services: &Services,
    slug: &str,
    name: Option<&str>,
) -> Result<Tenant, AppError> {
    if !is_slug(slug) {
        return Err(AppError::Validation(
            "the slug must start with a lowercase letter and hold only lowercase letters, digits and '_' (at most 40)".into(),
        ));
    }
    let name = name.unwrap_or(slug);
    services
        .directory
        .create_organization(slug, name, &standard_objects())
        .await
        .map_err(|e| match e {
            StoreError::Constraint(_) => {
                AppError::Conflict(format!("organization '{slug}' already exists"))
            }
            other => other.into(),
        })
}

/// The organization `slug`, if it exists.
pub async fn find_organization(
    services: &Services,
    slug: &str,
) -> Result<Option<Tenant>, AppError> {
    Ok(services.directory.find_organization(slug).await?)
}
