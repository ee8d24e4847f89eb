//! Custom objects and fields: an admin changes the organization's catalog.
//! Each operation judges the request against the catalog its change
//! transaction holds (so two changes never judge the same stale catalog),
//! counts what the data forbids, then applies the change to the tables and
//! the catalog together. `apply` turns a whole desired catalog (the
//! `kasar schema` file) into a plan of changes run in one transaction.

mod apply;
mod judge;
mod operations;
mod parse;

pub use apply::{export_json, Plan};
pub use operations::{FieldChange, NewObject};
pub use parse::{field_patch, field_spec, matching_body, new_object};
