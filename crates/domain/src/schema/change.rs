//! A change of the catalog, as the adapter applies it to the tables, and the
//! catalog it leaves.

use crate::catalog::{Catalog, FieldDef, FieldType, ObjectDef};

/// One change, already judged. Changes of one request apply in order, each
/// to the catalog the previous one left.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaChange {
    /// A new custom object with its fields.
    CreateObject(ObjectDef),
    /// A custom object goes, with its records, junctions and keys.
    DeleteObject(ObjectDef),
    /// A new field of an existing object.
    AddField { object: String, field: FieldDef },
    /// New label, required flag, default or options of a field.
    PatchField {
        object: String,
        before: FieldDef,
        after: FieldDef,
    },
    /// A custom field goes, with its values.
    DeleteField { object: String, field: FieldDef },
    /// A new match profile (`None`: back to the default).
    SetMatching {
        object: String,
        comparisons: Option<Vec<crate::fuzzy::Comparison>>,
    },
}

impl SchemaChange {
    /// The object the change is about.
    pub fn object(&self) -> &str {
        match self {
            Self::CreateObject(o) | Self::DeleteObject(o) => &o.name,
            Self::AddField { object, .. }
            | Self::PatchField { object, .. }
            | Self::DeleteField { object, .. }
            | Self::SetMatching { object, .. } => object,
        }
    }

    /// One line saying what the change does (plans, logs).
    pub fn describe(&self) -> String {
        match self {
            Self::CreateObject(o) => format!("add object {} ({} fields)", o.name, o.fields.len()),
            Self::DeleteObject(o) => format!("delete object {}", o.name),
            Self::AddField { object, field } => format!(
                "add field {object}.{} {}",
                field.name,
                field.field_type.as_str()
            ),
            Self::PatchField { object, after, .. } => {
                format!("change field {object}.{}", after.name)
            }
            Self::DeleteField { object, field } => format!("delete field {object}.{}", field.name),
            Self::SetMatching { object, .. } => format!("set the match profile of {object}"),
        }
    }
}

/// The relation fields of other objects that target `object` (its own
/// relations to itself are not counted: they go with it).
pub fn inbound_fields<'a>(catalog: &'a Catalog, object: &str) -> Vec<(&'a str, &'a FieldDef)> {
    catalog
        .objects
        .iter()
        .filter(|o| o.name != object)
        .flat_map(|o| o.fields.iter().map(move |f| (o.name.as_str(), f)))
        .filter(|(_, f)| {
            matches!(
                f.field_type,
                FieldType::BelongsToOne | FieldType::ManyToMany
            ) && f.target.as_deref() == Some(object)
        })
        .collect()
}

impl Catalog {
    /// The catalog after `change`.
    pub fn apply(&mut self, change: &SchemaChange) {
        match change {
            SchemaChange::CreateObject(o) => self.objects.push(o.clone()),
            SchemaChange::DeleteObject(o) => self.objects.retain(|x| x.name != o.name),
            SchemaChange::AddField { object, field } => {
                if let Some(o) = self.objects.iter_mut().find(|o| &o.name == object) {
                    o.fields.push(field.clone());
                }
            }
            SchemaChange::PatchField { object, after, .. } => {
                if let Some(f) = self
                    .objects
                    .iter_mut()
                    .find(|o| &o.name == object)
                    .and_then(|o| o.fields.iter_mut().find(|f| f.name == after.name))
                {
                    *f = after.clone();
                }
            }
            SchemaChange::DeleteField { object, field } => {
                if let Some(o) = self.objects.iter_mut().find(|o| &o.name == object) {
                    o.fields.retain(|f| f.name != field.name);
                    if let Some(profile) = o.matching.take() {
                        o.matching = crate::fuzzy::without_field(o, &profile, &field.name);
                    }
                }
            }
            SchemaChange::SetMatching {
                object,
                comparisons,
            } => {
                if let Some(o) = self.objects.iter_mut().find(|o| &o.name == object) {
                    o.matching = comparisons.clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{check_name, field_def, patched, FieldPatch, FieldSpec, SchemaError};
    use crate::standard::standard_objects;
    use serde_json::json;

    fn catalog() -> Catalog {
        Catalog {
            objects: standard_objects(),
            version: 1,
        }
    }

    fn spec(name: &str, t: &str) -> FieldSpec {
        FieldSpec {
            name: name.into(),
            field_type: t.into(),
            ..Default::default()
        }
    }

    fn refused(r: Result<FieldDef, SchemaError>) -> String {
        match r {
            Err(SchemaError::Invalid(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn names_follow_the_pattern_and_avoid_reserved_words() {
        assert!(check_name("field", "customer_number").is_ok());
        assert!(check_name("field", &format!("a{}", "b".repeat(62))).is_ok());
        for bad in [
            "",
            "Name",
            "1a",
            "a-b",
            "id",
            "created_at",
            "updated_at",
            "merged_into",
            "pg_x",
        ] {
            assert!(check_name("field", bad).is_err(), "{bad}");
        }
        assert!(check_name("field", &format!("a{}", "b".repeat(63))).is_err());
    }

    #[test]
    fn types_options_targets_and_defaults_are_judged() {
        let c = catalog();
        assert!(refused(field_def(&c, None, &spec("x", "STRING"))).contains("unknown type"));
        assert!(refused(field_def(&c, None, &spec("x", "SELECT"))).contains("options"));
        let mut s = spec("x", "SELECT");
        s.options = Some(vec!["a".into(), "a".into()]);
        assert!(refused(field_def(&c, None, &s)).contains("repeats"));
        s.options = Some(vec!["a".into(), "b".into()]);
        s.default = Some(json!("c"));
        assert!(field_def(&c, None, &s).is_err());
        s.default = Some(json!("b"));
        assert_eq!(
            field_def(&c, None, &s).unwrap().default_value,
            Some(json!("b"))
        );
        let mut r = spec("partner", "BELONGS_TO_ONE");
        assert!(refused(field_def(&c, None, &r)).contains("needs a target"));
        r.target = Some("nothing".into());
        assert!(field_def(&c, None, &r).is_err());
        r.target = Some("partners".into());
        assert!(field_def(&c, Some("partners"), &r).is_ok());
        let mut n = spec("score", "NUMBER");
        n.default = Some(json!("ten"));
        assert!(field_def(&c, None, &n).is_err());
        n.default = Some(json!(10));
        n.required = true;
        assert!(field_def(&c, None, &n).unwrap().required);
        let mut m = spec("links", "MANY_TO_MANY");
        m.target = Some("tags".into());
        m.required = true;
        assert!(field_def(&c, None, &m).is_err());
    }

    #[test]
    fn standard_select_options_only_grow() {
        let c = catalog();
        let status = c.object("contacts").unwrap().field("status").unwrap();
        let mut grow = status.options.clone();
        grow.push("vip".into());
        let p = FieldPatch {
            options: Some(grow),
            ..Default::default()
        };
        assert_eq!(patched(status, &p).unwrap().options.len(), 6);
        let shrink = FieldPatch {
            options: Some(vec!["new".into()]),
            ..Default::default()
        };
        assert!(patched(status, &shrink).is_err());
    }

    #[test]
    fn applying_changes_gives_the_catalog_they_describe() {
        let mut c = catalog();
        let f = field_def(&c, None, &spec("customer_number", "TEXT")).unwrap();
        c.apply(&SchemaChange::AddField {
            object: "contacts".into(),
            field: f.clone(),
        });
        assert!(c
            .object("contacts")
            .unwrap()
            .field("customer_number")
            .is_some());
        assert_eq!(inbound_fields(&c, "companies").len(), 2);
        c.apply(&SchemaChange::DeleteField {
            object: "contacts".into(),
            field: f,
        });
        assert!(c
            .object("contacts")
            .unwrap()
            .field("customer_number")
            .is_none());
    }
}
