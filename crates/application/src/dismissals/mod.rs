//! Dismissals ("not a duplicate"): sets of records an admin said are not
//! duplicates of each other. Detect and auto-merge leave out every group
//! whose records all lie in one dismissed set.

mod command;
mod dismiss;
mod filter;

pub use command::DismissCommand;
pub use dismiss::{dismiss, list_dismissals, undismiss, Dismissal};
pub(crate) use filter::Dismissed;
