//! The answer of an import: counts that partition the records, the failures,
//! and one result per record in request order.

use uuid::Uuid;

use crate::error_code::ErrorCode;

/// What happened to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Created,
    /// A duplicate, not created (`on_duplicate: skip`).
    Duplicate,
    /// The record it duplicates was filled from it (`on_duplicate: update`).
    Updated,
    Failed,
}

impl ImportStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Duplicate => "duplicate",
            Self::Updated => "updated",
            Self::Failed => "failed",
        }
    }
}

/// One record's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportResult {
    pub index: usize,
    pub status: ImportStatus,
    /// The record created or updated.
    pub id: Option<Uuid>,
    /// The record it duplicates, and the first criterion (in criterion
    /// order) by which it does, or the comparison that weighed most (fuzzy).
    pub duplicate_of: Option<Uuid>,
    pub match_reason: Option<String>,
    /// Fuzzy matching: the match probability of the duplicate.
    pub score: Option<f64>,
    /// Why it failed.
    pub error: Option<(ErrorCode, String)>,
}

impl ImportResult {
    /// A failure with no duplicate.
    pub(crate) fn failed(index: usize, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            index,
            status: ImportStatus::Failed,
            id: None,
            duplicate_of: None,
            match_reason: None,
            score: None,
            error: Some((code, message.into())),
        }
    }
}

/// The counts and results of an import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOutcome {
    pub created: u64,
    pub duplicates: u64,
    pub updated: u64,
    pub failed: u64,
    pub results: Vec<ImportResult>,
}

impl ImportOutcome {
    /// The outcome of these results (sorted into request order).
    pub fn of(mut results: Vec<ImportResult>) -> Self {
        results.sort_by_key(|r| r.index);
        let mut out = Self::default();
        for r in &results {
            match r.status {
                ImportStatus::Created => out.created += 1,
                ImportStatus::Duplicate => out.duplicates += 1,
                ImportStatus::Updated => out.updated += 1,
                ImportStatus::Failed => out.failed += 1,
            }
        }
        out.results = results;
        out
    }
}
