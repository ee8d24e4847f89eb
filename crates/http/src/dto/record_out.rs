//! A record written straight into a response (see `RecordJson`): detect
//! returns up to thousands of records, and building a JSON tree for each
//! before writing it cost more than writing it.

use std::sync::Arc;

use kasar_domain::{ObjectDef, Record, RecordJson};
use serde::{Serialize, Serializer};

/// A record of `object` in the JSON form of `RecordBody` (its schema).
#[derive(Debug)]
pub struct RecordOut {
    object: Arc<ObjectDef>,
    record: Record,
}

impl RecordOut {
    /// `record`, of `object`.
    pub fn new(object: Arc<ObjectDef>, record: Record) -> Self {
        Self { object, record }
    }
}

impl Serialize for RecordOut {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RecordJson {
            object: &self.object,
            record: &self.record,
        }
        .serialize(serializer)
    }
}
