//! Keyset cursors: the sort values and id of the last record of a page, and
//! a fingerprint of the selection they belong to. Opaque to clients (hex of a
//! small JSON document).

use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::column::{Column, Scalar};
use super::{SelectError, Selection};
use crate::record::Record;

/// Where the next page starts: after the record with these sort values
/// (`None` for null) and this id.
#[derive(Debug, Clone, PartialEq)]
pub struct After {
    pub values: Vec<Option<Scalar>>,
    pub id: Uuid,
}

impl Selection {
    /// A fingerprint of what decides the order and the matches.
    pub(super) fn fingerprint(&self) -> String {
        let described = format!(
            "{}|{:?}|{:?}|{:?}",
            self.object, self.filter, self.search, self.sort
        );
        let digest = Sha256::digest(described.as_bytes());
        crate::hex::encode(digest.get(..8).unwrap_or_default())
    }

    /// The cursor of the page that ends with `record`.
    pub fn cursor_after(&self, record: &Record) -> String {
        let values: Vec<Json> = self
            .sort
            .iter()
            .map(|k| value_of(&k.column, record).map_or(Json::Null, |s| s.to_json()))
            .collect();
        let doc = json!({ "f": self.fingerprint(), "v": values, "id": record.id });
        crate::hex::encode(doc.to_string().as_bytes())
    }

    /// Reads a cursor of this selection; 400 for anything else (another
    /// sort, filter or search, or not a cursor at all).
    pub fn read_cursor(&self, cursor: &str) -> Result<After, SelectError> {
        let bad = || {
            SelectError::new(
                "cursor is not a cursor of this selection (same filters, search and sort)",
            )
        };
        // A cursor holds the sort values of one record: at most a few fields
        // of 100,000 characters, hex-encoded.
        let bytes = crate::hex::decode(cursor, 4_000_000).ok_or_else(bad)?;
        let doc: Json = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if doc.get("f").and_then(Json::as_str) != Some(self.fingerprint().as_str()) {
            return Err(bad());
        }
        let id = doc
            .get("id")
            .and_then(Json::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(bad)?;
        let raw = doc
            .get("v")
            .and_then(Json::as_array)
            .filter(|v| v.len() == self.sort.len())
            .ok_or_else(bad)?;
        let values = self
            .sort
            .iter()
            .zip(raw)
            .map(|(k, v)| match v {
                Json::Null => Ok(None),
                v => k.column.scalar(v).map(Some).map_err(|_| bad()),
            })
            .collect::<Result<_, _>>()?;
        Ok(After { values, id })
    }
}

/// The value of `column` in `record` (`None` when null).
fn value_of(column: &Column, record: &Record) -> Option<Scalar> {
    match column {
        Column::Id => Some(Scalar::Uuid(record.id)),
        Column::CreatedAt => Some(Scalar::Instant(record.created_at)),
        Column::UpdatedAt => Some(Scalar::Instant(record.updated_at)),
        Column::Field(f) => match record.get(&f.name) {
            crate::value::Value::Null => None,
            v => Some(Scalar::Value(v.clone())),
        },
    }
}
