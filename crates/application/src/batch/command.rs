//! The typed commands of the batch routes. Records stay JSON until the use
//! case types them against the catalog: a record that does not fit fails on
//! its own, the others are written.

use serde::Deserialize;
use serde_json::Value as Json;

/// What a batch does with its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchKind {
    Create,
    /// Each record holds its `id`.
    Update,
    /// A record whose `match_field` value equals an existing record's updates
    /// it; otherwise it is created.
    Upsert {
        match_field: String,
    },
}

/// `POST /records/{object}/batch/{create|update|upsert}`.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchWrite {
    pub object: String,
    pub kind: BatchKind,
    pub records: Vec<Json>,
}

/// `DELETE /records/{object}`.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDelete {
    pub object: String,
    pub record_ids: Vec<Json>,
}

/// The body of a create or update batch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordsBody {
    pub records: Vec<Json>,
}

/// The body of an upsert batch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpsertBody {
    pub records: Vec<Json>,
    pub match_field: String,
}

/// The body of a batch delete.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteBody {
    pub record_ids: Vec<Json>,
}
