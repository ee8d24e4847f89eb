//! Changes an admin makes to an organization's catalog: the rules a new
//! object or field obeys (names, reserved names, types, options, targets,
//! defaults), what a field's patch may change, and the catalog a change
//! leaves. Pure: counts of records and the tables themselves are the
//! adapter's; this module only says what is allowed and what follows.

mod change;
mod field;

pub use change::{inbound_fields, SchemaChange};
pub use field::{check_label, check_name, field_def, patched, FieldPatch, FieldSpec};

/// Why a change of the catalog is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The request breaks a rule (400 VALIDATION_ERROR).
    #[error("{0}")]
    Invalid(String),
    /// The name is taken, or the data forbids the change (409 CONFLICT).
    #[error("{0}")]
    Conflict(String),
}

/// Names no object or field may take: the system columns, and PostgreSQL's
/// own prefix.
pub const RESERVED: [&str; 4] = ["id", "created_at", "updated_at", "merged_into"];

/// Most options of a SELECT field.
pub const MAX_OPTIONS: usize = 200;

/// Longest label, in characters.
pub const MAX_LABEL: usize = 200;
