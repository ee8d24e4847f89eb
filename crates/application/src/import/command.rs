//! The typed command of `POST /import/{object}`. Records stay JSON (or CSV
//! cells) until the use case types them against the catalog: a record that
//! does not fit fails on its own.

use serde::Deserialize;
use serde_json::Value as Json;

use crate::duplicates::{Criteria, DetectMode, Threshold};

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
    /// `Some(threshold)`: duplicates are found by fuzzy matching (`"match":
    /// "fuzzy"`), at or above the threshold.
    pub fuzzy: Option<f64>,
}

/// The fuzzy threshold of an import's options, or why they do not fit:
/// `threshold` and `fuzzy` go together, `fields` goes with exact matching.
pub fn fuzzy_option(
    mode: Option<DetectMode>,
    threshold: Option<Threshold>,
    fields: Option<&Criteria>,
) -> Result<Option<f64>, &'static str> {
    match mode {
        Some(DetectMode::Fuzzy) if fields.is_some() => {
            Err("fields names exact criteria; fuzzy matching compares the object's match profile")
        }
        Some(DetectMode::Fuzzy) => Ok(Some(threshold.map_or(Threshold::DEFAULT, Threshold::get))),
        _ if threshold.is_some() => Err("threshold goes with \"match\": \"fuzzy\""),
        _ => Ok(None),
    }
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
    /// `exact` (default) or `fuzzy`.
    #[serde(default, rename = "match")]
    pub match_mode: Option<DetectMode>,
    /// Fuzzy: the score from which a record is a duplicate; default 0.9.
    #[serde(default)]
    pub threshold: Option<Threshold>,
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
