//! Records CRUD use cases.

mod create;
mod delete;
mod get;
mod input;
mod list;
mod update;

pub use create::create;
pub use delete::delete;
pub use get::get;
pub use input::{check_references, parse_values};
pub use list::{list, ListQuery};
pub use update::update;
