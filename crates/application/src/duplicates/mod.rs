//! Duplicate detection and merge use cases (`POST /api/v1/duplicates`).

mod auto_merge;
mod command;
mod detect;
mod fuzzy;
mod merge;

pub use auto_merge::{
    auto_merge, AutoMergeCommand, AutoMergeOutcome, AutoMerged, MasterRule, MAX_AUTO_GROUPS,
};
pub use command::{
    Criteria, DetectCommand, DuplicatesCommand, MergeCommand, DEFAULT_GROUPS, MAX_GROUPS,
};
pub use detect::{detect, DetectOutcome, FoundGroup};
pub use fuzzy::{Evidence, PairEvidence};
pub(crate) use merge::MergeUnit;
pub use merge::{merge, MergeOutcome};
