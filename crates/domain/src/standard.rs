//! The catalog seed: the four standard objects every organization starts with
//! (see docs/api.md). This is the only place that names them.

use crate::catalog::{FieldDef, FieldType, ObjectDef};

fn field(name: &str, field_type: FieldType) -> FieldDef {
    FieldDef::new(name, field_type)
}

fn required(f: FieldDef) -> FieldDef {
    f.with_required(true)
}

fn relation(name: &str, field_type: FieldType, target: &str) -> FieldDef {
    FieldDef::new(name, field_type).with_target(target)
}

fn select(name: &str, options: &[&str], default: &str) -> FieldDef {
    let options = options.iter().map(|o| (*o).to_owned()).collect();
    FieldDef::new(name, FieldType::Select).with_options(options, Some(default.to_owned()))
}

fn object(name: &str, fields: Vec<FieldDef>) -> ObjectDef {
    ObjectDef::new(name, fields)
}

/// The default match profile the contract gives a standard object (contacts
/// and companies), if any.
pub fn standard_profile(object: &str) -> Option<Vec<crate::fuzzy::Comparison>> {
    use crate::fuzzy::{comparison, Comparator::*};
    match object {
        "contacts" => Some(vec![
            comparison("name", PersonName, &["first_name", "last_name"]),
            comparison("email", Email, &["email", "secondary_email"]),
            comparison("phone", Phone, &["phone", "mobile_phone"]),
            comparison("linkedin", Linkedin, &["linkedin"]),
            comparison("company", Code, &["company"]),
        ]),
        "companies" => Some(vec![
            comparison("name", OrgName, &["name"]),
            comparison("domain", Code, &["domain"]),
            comparison("email", Email, &["email"]),
            comparison("phone", Phone, &["phone"]),
            comparison("linkedin", Linkedin, &["linkedin"]),
        ]),
        _ => None,
    }
}

/// The standard objects, in dependency order (an object comes after every
/// object its BELONGS_TO_ONE and MANY_TO_MANY fields target).
pub fn standard_objects() -> Vec<ObjectDef> {
    use FieldType::*;
    vec![
        object(
            "tags",
            vec![required(field("name", Text)), field("color", Text)],
        ),
        object(
            "companies",
            vec![
                required(field("name", Text)),
                field("domain", Text),
                field("email", Email),
                field("phone", Phone),
                field("linkedin", Linkedin),
                field("industry", Text),
                field("employees", Number),
                field("owner", Owner),
                relation("tags", ManyToMany, "tags"),
            ],
        ),
        object(
            "contacts",
            vec![
                field("first_name", Text),
                field("last_name", Text),
                field("email", Email),
                field("secondary_email", Email),
                field("phone", Phone),
                field("mobile_phone", Phone),
                field("linkedin", Linkedin),
                field("job_title", Text),
                select(
                    "status",
                    &["new", "contacted", "qualified", "customer", "lost"],
                    "new",
                ),
                field("owner", Owner),
                relation("company", BelongsToOne, "companies"),
                relation("tags", ManyToMany, "tags"),
            ],
        ),
        object(
            "opportunities",
            vec![
                required(field("name", Text)),
                field("amount", Number),
                select(
                    "stage",
                    &[
                        "lead",
                        "qualified",
                        "proposal",
                        "negotiation",
                        "won",
                        "lost",
                    ],
                    "lead",
                ),
                field("close_date", Date),
                field("owner", Owner),
                relation("company", BelongsToOne, "companies"),
                relation("contact", BelongsToOne, "contacts"),
                relation("tags", ManyToMany, "tags"),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{is_catalog_name, Catalog, InboundRelation, JunctionSide};

    #[test]
    fn every_name_is_a_safe_identifier_and_targets_come_first() {
        let objects = standard_objects();
        for (i, o) in objects.iter().enumerate() {
            assert!(is_catalog_name(&o.name));
            for f in &o.fields {
                assert!(is_catalog_name(&f.name), "{}", f.name);
                if let Some(t) = &f.target {
                    assert!(
                        objects[..=i].iter().any(|x| &x.name == t),
                        "{t} before {}",
                        o.name
                    );
                }
            }
        }
    }

    #[test]
    fn inbound_relations_match_objects_md() {
        let catalog = Catalog {
            objects: standard_objects(),
            version: 1,
        };
        let companies = catalog.inbound_relations("companies");
        assert!(companies.contains(&InboundRelation::Column {
            source_object: "contacts".into(),
            field: "company".into()
        }));
        assert!(companies.contains(&InboundRelation::Column {
            source_object: "opportunities".into(),
            field: "company".into()
        }));
        assert!(companies.contains(&InboundRelation::Junction {
            table: "companies_tags".into(),
            column: JunctionSide::Source
        }));
        assert_eq!(companies.len(), 3);
        let tags = catalog.inbound_relations("tags");
        assert_eq!(tags.len(), 3);
        assert!(tags.iter().all(|r| matches!(
            r,
            InboundRelation::Junction {
                column: JunctionSide::Target,
                ..
            }
        )));
        let contacts = catalog.inbound_relations("contacts");
        assert_eq!(contacts.len(), 2);
    }

    #[test]
    fn crafted_names_are_not_catalog_names() {
        for bad in [
            "",
            "Contacts",
            "a;drop",
            "a\"b",
            "public.x",
            "a\0",
            &"a".repeat(300),
            "1a",
        ] {
            assert!(!is_catalog_name(bad), "{bad:?}");
        }
    }
}
