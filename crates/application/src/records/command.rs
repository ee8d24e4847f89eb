//! The typed commands of the records routes.

use kasar_domain::select::SelectionInput;
use kasar_domain::RecordId;

use crate::command::{Limit, RecordFields};

/// Largest page of a list.
pub const MAX_PAGE: u32 = 100;
/// Page size when none is asked for.
pub const DEFAULT_PAGE: u32 = 20;

/// A page size, 1 to [`MAX_PAGE`].
pub type PageSize = Limit<MAX_PAGE>;

/// `GET /records/{object}` and `POST /records/{object}/search`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRecords {
    pub object: String,
    /// Filters, search, sort and projection, checked against the catalog.
    pub selection: SelectionInput,
    /// `None`: [`DEFAULT_PAGE`].
    pub limit: Option<PageSize>,
    /// A `nextCursor` of the same selection.
    pub cursor: Option<String>,
}

/// `GET /export/{object}`: every record of a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRecords {
    pub object: String,
    pub selection: SelectionInput,
}

/// One record of an object, by id (get, delete).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRef {
    pub object: String,
    pub id: RecordId,
}

/// `POST /records/{object}`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRecord {
    pub object: String,
    pub fields: RecordFields,
}

/// `PATCH /records/{object}/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRecord {
    pub object: String,
    pub id: RecordId,
    pub fields: RecordFields,
}
