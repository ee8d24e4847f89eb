//! Add a workspace user to an organization.

use kasar_domain::value::is_email;
use kasar_domain::Role;

use crate::error::AppError;
use crate::ports::WorkspaceUser;
use crate::Services;

/// Adds the user `email` to the organization `org` with `role`.
#[tracing::instrument(skip(services))]
pub async fn add_user(
    services: &Services,
    org: &str,
    email: &str,
    name: Option<&str>,
    role: Role,
) -> Result<WorkspaceUser, AppError> {
    let email = email.trim().to_lowercase();
    if !is_email(&email) {
        return Err(AppError::Validation(format!(
            "'{email}' is not an email address"
        )));
    }
    let tenant = services
        .directory
        .find_organization(org)
        .await?
        .ok_or_else(|| AppError::RecordNotFound(format!("no organization '{org}'")))?;
    let full_name = name.map_or_else(
        || email.split('@').next().unwrap_or_default().to_owned(),
        str::to_owned,
    );
    Ok(services
        .directory
        .add_user(tenant.organization_id, &email, &full_name, role)
        .await?)
}
