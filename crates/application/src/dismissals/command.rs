//! The commands `dismiss` and `undismiss` of `POST /duplicates`.

use kasar_domain::RecordId;
use serde::Deserialize;

/// Fewest and most records in one dismissed set.
pub(crate) const MIN_DISMISSED: usize = 2;
pub(crate) const MAX_DISMISSED: usize = 100;

/// Records that are not duplicates of each other.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DismissCommand {
    pub object_name: String,
    pub record_ids: Vec<RecordId>,
}
