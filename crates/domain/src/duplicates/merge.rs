//! Merge rules: which field values the master takes from its duplicates.

use std::collections::BTreeMap;

use crate::catalog::ObjectDef;
use crate::record::Record;
use crate::value::Value;

/// How field values are resolved when duplicates are merged into a master.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MergeStrategy {
    /// The master's values stay as they are.
    #[default]
    KeepMaster,
    /// Every blank field of the master takes the first non-blank value among
    /// the duplicates.
    FillBlanks,
}

impl MergeStrategy {
    /// Every strategy.
    pub const ALL: [MergeStrategy; 2] = [Self::KeepMaster, Self::FillBlanks];

    /// The API name: `keep_master` or `fill_blanks`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeepMaster => "keep_master",
            Self::FillBlanks => "fill_blanks",
        }
    }

    /// Parses an API name (exact, case-sensitive); `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Parsed during deserialization: an unknown name is an error whose message
/// lists the names (`unknown merge_strategy 'x' (keep_master, fill_blanks)`).
impl<'de> serde::Deserialize<'de> for MergeStrategy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown merge_strategy '{}' (keep_master, fill_blanks)",
                crate::id::shorten(&s)
            ))
        })
    }
}

/// The column values the master must take after the merge: only the fields
/// that change.
///
/// * `KeepMaster`: nothing changes, the map is empty.
/// * `FillBlanks`: for every column field of `object` (every field but
///   MANY_TO_MANY; BELONGS_TO_ONE and OWNER fields included) whose master value
///   is blank ([`Value::is_blank`]), the first non-blank value among
///   `duplicates`, in the given order, if any.
///
/// MANY_TO_MANY fields are never returned: links are united elsewhere.
pub fn resolve_fields(
    object: &ObjectDef,
    strategy: MergeStrategy,
    master: &Record,
    duplicates: &[&Record],
) -> BTreeMap<String, Value> {
    let mut changes = BTreeMap::new();
    if strategy == MergeStrategy::KeepMaster {
        return changes;
    }
    for field in object.column_fields() {
        if !master.get(&field.name).is_blank() {
            continue;
        }
        let filler = duplicates
            .iter()
            .map(|d| d.get(&field.name))
            .find(|v| !v.is_blank());
        if let Some(value) = filler {
            changes.insert(field.name.clone(), value.clone());
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{FieldDef, FieldType};
    use chrono::Utc;
    use uuid::Uuid;

    fn object() -> ObjectDef {
        let field = |name: &str, field_type| FieldDef {
            name: name.into(),
            field_type,
            required: false,
            options: vec![],
            default_value: None,
            target: None,
            label: None,
            custom: false,
        };
        ObjectDef {
            name: "contacts".into(),
            fields: vec![
                field("first_name", FieldType::Text),
                field("email", FieldType::Email),
                field("score", FieldType::Number),
                field("company", FieldType::BelongsToOne),
                field("owner", FieldType::Owner),
                field("tags", FieldType::ManyToMany),
                field("vip", FieldType::Boolean),
            ],
            ..Default::default()
        }
    }

    fn record(values: &[(&str, Value)]) -> Record {
        Record {
            id: Uuid::new_v4(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    #[test]
    fn strategies_round_trip() {
        let cases = [
            ("keep_master", Some(MergeStrategy::KeepMaster)),
            ("fill_blanks", Some(MergeStrategy::FillBlanks)),
            ("Keep_Master", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(MergeStrategy::parse(input), expected, "{input}");
            if let Some(s) = expected {
                assert_eq!(s.as_str(), input);
            }
        }
        assert_eq!(MergeStrategy::default(), MergeStrategy::KeepMaster);
    }

    #[test]
    fn fields_are_resolved() {
        let text = |s: &str| Value::Text(s.into());
        let company = Value::Id(Uuid::from_u128(7));
        let owner = Value::Id(Uuid::from_u128(8));
        let tags = Value::Ids(vec![Uuid::from_u128(9)]);
        let master = record(&[
            ("first_name", text("Alice")),
            ("email", text("  ")),
            ("score", Value::Null),
            ("tags", Value::Ids(vec![])),
            ("vip", Value::Bool(false)),
        ]);
        let first = record(&[
            ("email", Value::Null),
            ("score", Value::Number(0.0)),
            ("tags", tags.clone()),
        ]);
        let second = record(&[
            ("first_name", text("Bob")),
            ("email", text("b@x.io")),
            ("score", Value::Number(3.0)),
            ("company", company.clone()),
            ("owner", owner.clone()),
            ("vip", Value::Bool(true)),
        ]);
        let expected_fill: BTreeMap<String, Value> = [
            ("email", text("b@x.io")),
            ("score", Value::Number(0.0)),
            ("company", company),
            ("owner", owner),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let cases: Vec<(MergeStrategy, Vec<&Record>, BTreeMap<String, Value>)> = vec![
            (
                MergeStrategy::KeepMaster,
                vec![&first, &second],
                BTreeMap::new(),
            ),
            (
                MergeStrategy::FillBlanks,
                vec![&first, &second],
                expected_fill,
            ),
            (MergeStrategy::FillBlanks, vec![], BTreeMap::new()),
            (MergeStrategy::FillBlanks, vec![&master], BTreeMap::new()),
        ];
        for (strategy, duplicates, expected) in cases {
            let got = resolve_fields(&object(), strategy, &master, &duplicates);
            assert_eq!(
                got,
                expected,
                "{strategy:?} with {} duplicates",
                duplicates.len()
            );
        }
    }
}
