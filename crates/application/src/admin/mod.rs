//! Operator use cases behind the `kasar` CLI: organizations, users, tokens.

mod organization;
mod token;
mod user;

pub use organization::{create_organization, find_organization};
pub use token::{create_token, revoke_token, CreatedToken, TokenRequest};
pub use user::add_user;
