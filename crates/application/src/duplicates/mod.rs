//! Duplicate detection and merge use cases (`POST /api/v1/duplicates`).

mod auto_merge;
mod command;
mod detect;
mod exact;
mod export_pairs;
mod fuzzy;
mod match_one;
mod merge;
pub(crate) mod model;

pub use auto_merge::{
    auto_merge, AutoMergeCommand, AutoMergeOutcome, AutoMerged, MasterRule, MAX_AUTO_GROUPS,
};
pub use command::{
    Criteria, DetectCommand, DetectMode, DuplicatesCommand, MergeCommand, Threshold,
    DEFAULT_GROUPS, MAX_GROUPS,
};
pub use detect::{detect, DetectOutcome, FoundGroup};
pub use exact::digests_read;
pub use export_pairs::{export_pairs, ExportPairs, ExportedPair, PairExport};
pub use fuzzy::{Evidence, PairEvidence};
pub use match_one::{match_record, MatchCommand, Matched, DEFAULT_MATCHES, MAX_MATCHES};
pub(crate) use merge::MergeUnit;
pub use merge::{merge, MergeOutcome};
pub use model::{model_weights, weights_json};
