//! The merge journal and what it serves: the history of merges
//! (`GET /merges`, `GET /merges/{id}`) and the surviving record of an id
//! merged away.

mod history;
pub mod journal;
mod unmerge;

pub use history::{get_merge, list_merges, ListMerges, MergePage, MAX_MERGES};
pub use journal::{MergeEntry, MergeFilter, MergeSummary, MovedLink, MovedReference, Relinked};
pub use unmerge::{unmerge, UnmergeCommand, UnmergeOutcome};
