//! What to read from a record to compute its match keys, derived from the
//! catalog, and the computation of those keys.

use std::collections::BTreeMap;

use crate::catalog::{FieldType, ObjectDef};
use crate::value::Value;

use super::criterion::Criterion;
use super::email::normalize_email;
use super::linkedin::normalize_linkedin;
use super::name::normalize_name;
use super::phone::normalize_phone;
use super::region::PhoneRegion;

/// Where the name key of a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameSource {
    /// The object has no name key.
    None,
    /// Columns of `first_name` and `last_name`.
    FirstLast(usize, usize),
    /// Column of `name`.
    Single(usize),
}

/// The columns to read for the requested criteria and how each criterion
/// turns them into keys. Derived from the catalog, never from object names:
///
/// * email: every EMAIL field; phone: every PHONE field; linkedin: every
///   LINKEDIN field (catalog order);
/// * name: when the object has TEXT fields `first_name` and `last_name`, both
///   joined by one space, only when both are non-blank; otherwise its TEXT
///   field `name`; otherwise no name key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchPlan {
    columns: Vec<String>,
    /// Column indexes per criterion, for email, phone and linkedin.
    sources: [Vec<usize>; 3],
    name: NameSource,
}

impl MatchPlan {
    /// The plan for `criteria` (any order, repeats ignored) on `object`.
    pub fn new(object: &ObjectDef, criteria: &[Criterion]) -> MatchPlan {
        let mut plan = MatchPlan {
            columns: Vec::new(),
            sources: [Vec::new(), Vec::new(), Vec::new()],
            name: NameSource::None,
        };
        for criterion in Criterion::ALL {
            if !criteria.contains(&criterion) {
                continue;
            }
            let field_type = match criterion {
                Criterion::Email => FieldType::Email,
                Criterion::Phone => FieldType::Phone,
                Criterion::Linkedin => FieldType::Linkedin,
                Criterion::Name => {
                    plan.name = plan.name_source(object);
                    continue;
                }
            };
            for field in object.fields_of(field_type) {
                let column = plan.column(&field.name);
                if let Some(sources) = plan.sources.get_mut(criterion.index()) {
                    sources.push(column);
                }
            }
        }
        plan
    }

    /// Distinct field names to read, in a stable order (criterion order, then
    /// catalog order); these are the only columns a scan needs.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The keys of one record, in criterion order; `texts[i]` is the value of
    /// `columns()[i]` (`None` for SQL null; missing entries count as null).
    /// Keys are never blank and a (criterion, key) pair appears at most once.
    pub fn keys<S: AsRef<str>>(
        &self,
        texts: &[Option<S>],
        region: PhoneRegion,
    ) -> Vec<(Criterion, String)> {
        let text = |i: usize| texts.get(i).and_then(|t| t.as_ref().map(AsRef::as_ref));
        let mut keys: Vec<(Criterion, String)> = Vec::new();
        let mut push = |criterion: Criterion, key: Option<String>| {
            if let Some(key) = key {
                if !keys.iter().any(|(c, k)| *c == criterion && *k == key) {
                    keys.push((criterion, key));
                }
            }
        };
        for (criterion, columns) in Criterion::ALL.into_iter().zip(&self.sources) {
            for raw in columns.iter().filter_map(|&i| text(i)) {
                let key = match criterion {
                    Criterion::Email => normalize_email(raw),
                    Criterion::Phone => normalize_phone(raw, region),
                    Criterion::Linkedin => normalize_linkedin(raw),
                    Criterion::Name => None,
                };
                push(criterion, key);
            }
        }
        let name = match self.name {
            NameSource::None => None,
            NameSource::Single(i) => text(i).and_then(normalize_name),
            NameSource::FirstLast(first, last) => {
                match (
                    text(first).and_then(normalize_name),
                    text(last).and_then(normalize_name),
                ) {
                    (Some(first), Some(last)) => Some(format!("{first} {last}")),
                    _ => None,
                }
            }
        };
        push(Criterion::Name, name);
        keys
    }

    /// The keys of a record given by its values (a field absent or not text
    /// counts as null), as [`MatchPlan::keys`] gives them.
    pub fn value_keys(
        &self,
        values: &BTreeMap<String, Value>,
        region: PhoneRegion,
    ) -> Vec<(Criterion, String)> {
        let texts: Vec<Option<&str>> = self
            .columns
            .iter()
            .map(|c| match values.get(c) {
                Some(Value::Text(t)) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        self.keys(&texts, region)
    }

    /// The criteria whose keys on `object` read one of the fields `touched`
    /// says were written, in criterion order: the keys a write can change.
    pub fn criteria_reading(object: &ObjectDef, touched: impl Fn(&str) -> bool) -> Vec<Criterion> {
        Criterion::ALL
            .into_iter()
            .filter(|c| {
                MatchPlan::new(object, &[*c])
                    .columns()
                    .iter()
                    .any(|col| touched(col))
            })
            .collect()
    }

    /// The name source of `object`, registering its columns.
    fn name_source(&mut self, object: &ObjectDef) -> NameSource {
        let text_field = |name: &str| {
            object
                .field(name)
                .is_some_and(|f| f.field_type == FieldType::Text)
        };
        if text_field("first_name") && text_field("last_name") {
            NameSource::FirstLast(self.column("first_name"), self.column("last_name"))
        } else if text_field("name") {
            NameSource::Single(self.column("name"))
        } else {
            NameSource::None
        }
    }

    /// The index of column `name`, added when new.
    fn column(&mut self, name: &str) -> usize {
        if let Some(i) = self.columns.iter().position(|c| c == name) {
            return i;
        }
        self.columns.push(name.to_owned());
        self.columns.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::FieldDef;

    fn object(fields: &[(&str, FieldType)]) -> ObjectDef {
        ObjectDef {
            name: "people".into(),
            fields: fields
                .iter()
                .map(|&(name, field_type)| FieldDef {
                    name: name.into(),
                    field_type,
                    required: false,
                    options: vec![],
                    default_value: None,
                    target: None,
                    label: None,
                    custom: false,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn contact() -> ObjectDef {
        object(&[
            ("first_name", FieldType::Text),
            ("last_name", FieldType::Text),
            ("name", FieldType::Text),
            ("email", FieldType::Email),
            ("phone", FieldType::Phone),
            ("work_email", FieldType::Email),
            ("mobile", FieldType::Phone),
            ("linkedin", FieldType::Linkedin),
            ("owner", FieldType::Owner),
        ])
    }

    #[test]
    fn columns_follow_the_catalog() {
        use Criterion::*;
        let company = object(&[("name", FieldType::Text), ("website", FieldType::Text)]);
        let select_name = object(&[("name", FieldType::Select), ("email", FieldType::Email)]);
        let half_name = object(&[
            ("first_name", FieldType::Text),
            ("last_name", FieldType::Number),
            ("name", FieldType::Text),
        ]);
        let first_only = object(&[("first_name", FieldType::Text)]);
        let cases: Vec<(ObjectDef, Vec<Criterion>, Vec<&str>)> = vec![
            (
                contact(),
                Criterion::ALL.to_vec(),
                vec![
                    "email",
                    "work_email",
                    "phone",
                    "mobile",
                    "linkedin",
                    "first_name",
                    "last_name",
                ],
            ),
            (contact(), vec![Name], vec!["first_name", "last_name"]),
            (
                contact(),
                vec![Name, Email],
                vec!["email", "work_email", "first_name", "last_name"],
            ),
            (contact(), vec![Phone, Phone], vec!["phone", "mobile"]),
            (contact(), vec![], vec![]),
            (company.clone(), Criterion::ALL.to_vec(), vec!["name"]),
            (company, vec![Email], vec![]),
            (select_name, Criterion::ALL.to_vec(), vec!["email"]),
            (half_name, vec![Name], vec!["name"]),
            (first_only, vec![Name], vec![]),
        ];
        for (object, criteria, expected) in cases {
            let plan = MatchPlan::new(&object, &criteria);
            assert_eq!(plan.columns(), expected, "{criteria:?} {:?}", object.fields);
        }
    }

    #[test]
    fn keys_are_normalized_and_distinct() {
        use Criterion::*;
        type Case = (Vec<Option<String>>, Vec<(Criterion, &'static str)>);
        let plan = MatchPlan::new(&contact(), &Criterion::ALL);
        let s = |v: &str| Some(v.to_owned());
        // Columns: email, work_email, phone, mobile, linkedin, first_name, last_name.
        let cases: Vec<Case> = vec![
            (
                vec![
                    s(" Alice@Example.COM"),
                    s("alice@work.io"),
                    s("+1 (555) 123-4567"),
                    s("555.123.4567"),
                    s("https://www.linkedin.com/in/Alice-Martin/"),
                    s("Alice"),
                    s(" Martin "),
                ],
                vec![
                    (Email, "alice@example.com"),
                    (Email, "alice@work.io"),
                    (Phone, "+15551234567"),
                    (Linkedin, "alice-martin"),
                    (Name, "alice martin"),
                ],
            ),
            (
                vec![
                    s("a@b.c"),
                    s("A@B.C"),
                    None,
                    s("  "),
                    s(""),
                    s("Alice"),
                    None,
                ],
                vec![(Email, "a@b.c")],
            ),
            (
                vec![None, None, None, None, None, s("  "), s("Martin")],
                vec![],
            ),
            (
                vec![None, None, None, None, None, s("Jean  Paul"), s("Sartre")],
                vec![(Name, "jean paul sartre")],
            ),
            (vec![s("x@y.z")], vec![(Email, "x@y.z")]),
            (vec![], vec![]),
        ];
        for (texts, expected) in cases {
            let keys = plan.keys(&texts, PhoneRegion::default());
            let keys: Vec<(Criterion, &str)> = keys.iter().map(|(c, k)| (*c, k.as_str())).collect();
            assert_eq!(keys, expected, "{texts:?}");
        }
    }

    #[test]
    fn keys_use_the_region_and_the_requested_criteria() {
        let region = PhoneRegion::parse("FR").unwrap();
        let plan = MatchPlan::new(&contact(), &[Criterion::Phone]);
        let texts = [
            Some("01 23 45 67 89".to_owned()),
            Some("+33 1 23 45 67 89".to_owned()),
        ];
        let keys = plan.keys(&texts, region);
        assert_eq!(keys, vec![(Criterion::Phone, "+33123456789".to_owned())]);

        let company = object(&[("name", FieldType::Text)]);
        let plan = MatchPlan::new(&company, &[Criterion::Name, Criterion::Email]);
        let keys = plan.keys(&[Some("  ACME\tCorp ".to_owned())], region);
        assert_eq!(keys, vec![(Criterion::Name, "acme corp".to_owned())]);
    }
}
