//! The answer of a batch: counts and one result per record, in request order.

use uuid::Uuid;

use crate::error_code::ErrorCode;

/// What happened to one record.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchResult {
    Done {
        index: usize,
        id: Uuid,
        /// `created`, `updated` or `deleted`.
        status: &'static str,
    },
    Failed {
        index: usize,
        code: ErrorCode,
        message: String,
    },
}

/// The counts and results of a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchOutcome {
    pub created: u64,
    pub updated: u64,
    pub deleted: u64,
    pub failed: u64,
    pub results: Vec<BatchResult>,
}

impl BatchOutcome {
    /// The outcome of these results (sorted into request order).
    pub fn of(mut results: Vec<BatchResult>) -> Self {
        results.sort_by_key(|r| match r {
            BatchResult::Done { index, .. } | BatchResult::Failed { index, .. } => *index,
        });
        let mut out = Self::default();
        for r in &results {
            match r {
                BatchResult::Done {
                    status: "created", ..
                } => out.created += 1,
                BatchResult::Done {
                    status: "updated", ..
                } => out.updated += 1,
                BatchResult::Done { .. } => out.deleted += 1,
                BatchResult::Failed { .. } => out.failed += 1,
            }
        }
        out.results = results;
        out
    }

    /// Every record of the request.
    pub fn total(&self) -> u64 {
        self.results.len() as u64
    }
}

/// A failure of one record.
pub(crate) fn failed(index: usize, code: ErrorCode, message: impl Into<String>) -> BatchResult {
    BatchResult::Failed {
        index,
        code,
        message: message.into(),
    }
}
