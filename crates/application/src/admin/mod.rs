//! Operator use cases behind the `kasar` CLI: organizations, users, tokens.

mod organization;
mod token;
mod user;

pub use organization::{create_organization, find_organization};
pub use token::{create_token, revoke_token, CreatedToken, TokenRequest};
pub use user::add_user;

/// Whether an organization slug is acceptable: it becomes part of a schema name.
pub fn is_valid_slug(slug: &str) -> bool {
    let mut bytes = slug.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && slug.len() <= 40
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}
