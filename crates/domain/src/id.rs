//! Record ids as the API receives them: a UUID, parsed once at the edge.

use std::fmt;

use serde::{Deserialize, Deserializer};
use uuid::Uuid;

/// The id of a record. Parsing is the only way to get one from text, so a
/// command holding a `RecordId` holds a well-formed UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(Uuid);

/// Text that is not a UUID, cut for an error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a UUID")]
pub struct MalformedId(pub String);

impl RecordId {
    /// Parses a UUID in any of its textual forms.
    pub fn parse(s: &str) -> Result<Self, MalformedId> {
        Uuid::parse_str(s)
            .map(Self)
            .map_err(|_| MalformedId(shorten(s)))
    }

    /// The UUID.
    pub fn uuid(self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for RecordId {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

impl From<RecordId> for Uuid {
    fn from(id: RecordId) -> Self {
        id.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Text from a request, without control characters and cut to 64 characters
/// (with `…`), for an error message.
pub fn shorten(text: &str) -> String {
    let mut s: String = text.chars().filter(|c| !c.is_control()).take(64).collect();
    if text.chars().count() > 64 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_uuids_and_rejects_the_rest() {
        let id = Uuid::new_v4();
        assert_eq!(RecordId::parse(&id.to_string()).map(RecordId::uuid), Ok(id));
        assert_eq!(
            RecordId::parse("nope").unwrap_err().to_string(),
            "'nope' is not a UUID"
        );
        let long = "x".repeat(100);
        assert!(RecordId::parse(&long).unwrap_err().0.ends_with('…'));
    }

    #[test]
    fn deserializes_from_a_json_string() {
        let id = Uuid::new_v4();
        let parsed: RecordId = serde_json::from_value(serde_json::json!(id.to_string())).unwrap();
        assert_eq!(parsed.uuid(), id);
        assert!(serde_json::from_value::<RecordId>(serde_json::json!("x")).is_err());
        assert!(serde_json::from_value::<RecordId>(serde_json::json!(1)).is_err());
    }
}
