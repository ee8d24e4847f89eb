//! The typed command of `POST /bulk`, told apart by `action`.

use kasar_domain::RecordId;
use serde::Deserialize;
use serde_json::Value as Json;

use crate::command::{present, Absent};

/// One change applied to many records.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkCommand {
    UpdateField(UpdateField),
    AddRelation(RelationChange),
    RemoveRelation(RelationChange),
}

/// Set one field of every record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateField {
    pub object_name: String,
    #[serde(default)]
    pub record_ids: Option<Vec<RecordId>>,
    /// Instead of `record_ids`: the records a filter or search selects.
    #[serde(default, rename = "where")]
    pub selector: Option<Json>,
    pub field_name: String,
    /// The value; null clears the field.
    #[serde(deserialize_with = "present")]
    pub field_value: Json,
    #[serde(default)]
    pub relation_field: Absent,
    #[serde(default)]
    pub target_ids: Absent,
}

/// Link every record to the targets, or unlink it from them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationChange {
    pub object_name: String,
    #[serde(default)]
    pub record_ids: Option<Vec<RecordId>>,
    /// Instead of `record_ids`: the records a filter or search selects.
    #[serde(default, rename = "where")]
    pub selector: Option<Json>,
    pub relation_field: String,
    pub target_ids: Vec<RecordId>,
    #[serde(default)]
    pub field_name: Absent,
    #[serde(default)]
    pub field_value: Absent,
}

impl BulkCommand {
    /// The action's name in requests and responses.
    pub fn action(&self) -> &'static str {
        match self {
            Self::UpdateField(_) => "update_field",
            Self::AddRelation(_) => "add_relation",
            Self::RemoveRelation(_) => "remove_relation",
        }
    }

    /// The object the records belong to.
    pub fn object_name(&self) -> &str {
        match self {
            Self::UpdateField(u) => &u.object_name,
            Self::AddRelation(r) | Self::RemoveRelation(r) => &r.object_name,
        }
    }

    /// The records to change, as listed.
    pub fn record_ids(&self) -> Option<&[RecordId]> {
        match self {
            Self::UpdateField(u) => u.record_ids.as_deref(),
            Self::AddRelation(r) | Self::RemoveRelation(r) => r.record_ids.as_deref(),
        }
    }

    /// The selector of the records to change (`where`).
    pub fn selector(&self) -> Option<&Json> {
        match self {
            Self::UpdateField(u) => u.selector.as_ref(),
            Self::AddRelation(r) | Self::RemoveRelation(r) => r.selector.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_action_takes_its_own_fields() {
        let id = uuid::Uuid::new_v4().to_string();
        let parse = |v: Json| serde_json::from_value::<BulkCommand>(v).map_err(|e| e.to_string());
        let ok = parse(
            json!({"action": "update_field", "object_name": "c", "record_ids": [id], "field_name": "f", "field_value": null, "target_ids": null}),
        );
        assert!(
            matches!(ok, Ok(BulkCommand::UpdateField(ref u)) if u.field_value.is_null()),
            "{ok:?}"
        );
        assert!(parse(json!({"action": "update_field", "object_name": "c", "record_ids": [id], "field_name": "f"})).is_err());
        assert!(parse(json!({"action": "update_field", "object_name": "c", "record_ids": [id], "field_name": "f", "field_value": 1, "target_ids": [id]})).is_err());
        assert!(parse(json!({"action": "add_relation", "object_name": "c", "record_ids": ["x"], "relation_field": "t", "target_ids": [id]})).unwrap_err().contains("'x' is not a UUID"));
        assert!(
            parse(json!({"action": "archive", "object_name": "c", "record_ids": [id]})).is_err()
        );
    }
}
