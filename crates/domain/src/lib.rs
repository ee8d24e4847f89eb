//! Kasar CRM domain: the catalog of objects and fields, records and their
//! values, callers and the record-level write rule, API tokens, and the rules
//! for finding and merging duplicates. Pure: no I/O.

pub mod access;
pub mod catalog;
pub mod duplicates;
pub mod fuzzy;
pub mod hex;
pub mod id;
pub mod record;
pub mod schema;
pub mod select;
pub mod standard;
pub mod token;
pub mod value;

pub use access::{owner_change, Caller, Role, Scope};
pub use catalog::{Catalog, FieldDef, FieldType, ObjectDef};
pub use id::{MalformedId, RecordId};
pub use record::{Record, RecordJson};
pub use value::{Value, ValueError};
