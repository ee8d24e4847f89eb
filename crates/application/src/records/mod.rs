//! Records use cases: select, export, CRUD.

mod command;
mod create;
mod delete;
mod export;
mod get;
mod input;
mod list;
mod references;
mod update;

pub use command::{
    CreateRecord, ExportRecords, ListRecords, PageSize, RecordRef, UpdateRecord, DEFAULT_PAGE,
    MAX_PAGE,
};
pub use create::create;
pub use delete::delete;
pub use export::{export, Exported};
pub use get::get;
pub(crate) use input::check_references;
pub use input::parse_values;
pub(crate) use list::selection;
pub use list::{list, Page};
pub(crate) use references::missing_references;
pub use update::update;
