//! The typed command of `POST /import/{object}`. Records stay JSON (or CSV
//! cells) until the use case types them against the catalog: a record that
//! does not fit fails on its own.

use serde::Deserialize;
use serde_json::Value as Json;

use crate::duplicates::Criteria;

/// What an import does with a record that duplicates another.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Not created; counted under `duplicates`.
    #[default]
    Skip,
    /// Created anyway.
    Create,
    /// Fills the blank fields of the record it duplicates.
    Update,
    /// Fails with `DUPLICATE`.
    Error,
}

impl OnDuplicate {
    /// Parses a query parameter value (`skip`, `create`, `update`, `error`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "skip" => Some(Self::Skip),
            "create" => Some(Self::Create),
            "update" => Some(Self::Update),
            "error" => Some(Self::Error),
            _ => None,
        }
    }
}

/// The records of an import, as they came.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportRecords {
    /// JSON objects of field values.
    Json(Vec<Json>),
    /// A CSV body: the header's field names and each row's cells (a row may
    /// hold another number of cells than the header: it then fails).
    Csv {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

impl ImportRecords {
    /// How many records the request holds.
    pub fn len(&self) -> usize {
        match self {
            Self::Json(records) => records.len(),
            Self::Csv { rows, .. } => rows.len(),
        }
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `POST /import/{object}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportCommand {
    pub object: String,
    pub records: ImportRecords,
    pub on_duplicate: OnDuplicate,
    /// The match criteria; `None`: all of them.
    pub fields: Option<Criteria>,
}

/// The JSON body of an import.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    pub records: Vec<Json>,
    #[serde(default)]
    pub on_duplicate: OnDuplicate,
    #[serde(default)]
    pub fields: Option<Criteria>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_body_parses_policies_and_criteria() {
        let body: ImportBody = serde_json::from_value(
            json!({"records": [], "on_duplicate": "update", "fields": ["phone", "email"]}),
        )
        .unwrap();
        assert_eq!(body.on_duplicate, OnDuplicate::Update);
        assert_eq!(body.fields.unwrap().as_slice().len(), 2);
        let body: ImportBody = serde_json::from_value(json!({"records": []})).unwrap();
        assert_eq!(body.on_duplicate, OnDuplicate::Skip);
        assert!(serde_json::from_value::<ImportBody>(
            json!({"records": [], "on_duplicate": "merge"})
        )
        .is_err());
        assert!(
            serde_json::from_value::<ImportBody>(json!({"records": [], "fields": []})).is_err()
        );
        assert_eq!(OnDuplicate::parse("error"), Some(OnDuplicate::Error));
        assert_eq!(OnDuplicate::parse("Skip"), None);
    }
}
