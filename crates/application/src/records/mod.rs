//! Records CRUD use cases.

mod command;
mod create;
mod delete;
mod get;
mod input;
mod list;
mod update;

pub use command::{
    CreateRecord, ListRecords, PageSize, RecordRef, UpdateRecord, DEFAULT_PAGE, MAX_PAGE,
};
pub use create::create;
pub use delete::delete;
pub use get::get;
pub(crate) use input::check_references;
pub use input::parse_values;
pub use list::list;
pub use update::update;
