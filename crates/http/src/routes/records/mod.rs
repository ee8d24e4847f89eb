//! Records CRUD: `/api/v1/records/{object}` and `/api/v1/records/{object}/{id}`.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod update;
