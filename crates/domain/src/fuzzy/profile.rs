//! Match profiles: the comparisons fuzzy detection runs on an object, each
//! a name, a comparator and the fields it reads. The defaults of the
//! contract, and the rules a profile an admin sets must follow.

use super::Comparator;
use crate::catalog::{FieldType, ObjectDef};
use crate::schema::check_name;

/// One comparison of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub name: String,
    pub comparator: Comparator,
    pub fields: Vec<String>,
}

/// Most comparisons in a profile.
pub const MAX_COMPARISONS: usize = 20;

/// A comparison of `comparator` named `name` over `fields`.
pub fn comparison(name: &str, comparator: Comparator, fields: &[&str]) -> Comparison {
    Comparison {
        name: name.to_owned(),
        comparator,
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
    }
}

/// The field types a comparator reads, and how many fields it takes.
fn suits(comparator: Comparator, types: &[FieldType]) -> bool {
    use FieldType::*;
    let all = |ok: &[FieldType]| !types.is_empty() && types.iter().all(|t| ok.contains(t));
    match comparator {
        Comparator::PersonName => matches!(types, [Text] | [Text, Text]),
        Comparator::OrgName => matches!(types, [Text]),
        Comparator::Text => all(&[Text]),
        Comparator::Email => all(&[Email]),
        Comparator::Phone => all(&[Phone]),
        Comparator::Date => all(&[Date, Text]),
        Comparator::Code => all(&[Text, Number, Select, BelongsToOne, Owner]),
        Comparator::Linkedin => all(&[Linkedin]),
    }
}

/// The default profile of `object`: the contract's for the standard objects
/// that have one (`standard::standard_profile`); for any other object, `text` on a TEXT `name` and one
/// comparison per set of EMAIL, PHONE, LINKEDIN and DATE fields. Fields the
/// object lacks are left out (a comparison left with none goes).
pub fn default_profile(object: &ObjectDef) -> Vec<Comparison> {
    use Comparator::*;
    let wanted = match crate::standard::standard_profile(&object.name) {
        Some(wanted) => wanted,
        None => {
            let of = |t: FieldType| {
                object
                    .fields_of(t)
                    .map(|f| f.name.clone())
                    .collect::<Vec<_>>()
            };
            let mut out = Vec::new();
            if object
                .field("name")
                .is_some_and(|f| f.field_type == FieldType::Text)
            {
                out.push(comparison("name", Text, &["name"]));
            }
            for (name, c, t) in [
                ("email", Email, FieldType::Email),
                ("phone", Phone, FieldType::Phone),
                ("linkedin", Linkedin, FieldType::Linkedin),
                ("date", Date, FieldType::Date),
            ] {
                let fields = of(t);
                if !fields.is_empty() && out.len() < MAX_COMPARISONS {
                    out.push(Comparison {
                        name: name.to_owned(),
                        comparator: c,
                        fields,
                    });
                }
            }
            return out;
        }
    };
    wanted
        .into_iter()
        .filter_map(|mut c| {
            c.fields.retain(|f| object.field(f).is_some());
            let types: Vec<FieldType> = c
                .fields
                .iter()
                .filter_map(|f| object.field(f))
                .map(|f| f.field_type)
                .collect();
            (suits(c.comparator, &types)).then_some(c)
        })
        .collect()
}

/// Checks a profile against `object`: 1 to 20 comparisons, names unique and
/// valid, fields that exist, appear once and suit the comparator.
pub fn check_profile(object: &ObjectDef, profile: &[Comparison]) -> Result<(), String> {
    if profile.is_empty() || profile.len() > MAX_COMPARISONS {
        return Err(format!("a profile has 1 to {MAX_COMPARISONS} comparisons"));
    }
    for (i, c) in profile.iter().enumerate() {
        check_name("comparison", &c.name).map_err(|e| e.to_string())?;
        if profile.iter().take(i).any(|x| x.name == c.name) {
            return Err(format!("comparison '{}' appears twice", c.name));
        }
        let mut types = Vec::new();
        for (j, f) in c.fields.iter().enumerate() {
            let field = object.field(f).ok_or_else(|| {
                format!(
                    "comparison '{}': '{}' is not a field of '{}'",
                    c.name,
                    crate::id::shorten(f),
                    object.name
                )
            })?;
            if c.fields.iter().take(j).any(|x| x == f) {
                return Err(format!("comparison '{}' names '{f}' twice", c.name));
            }
            types.push(field.field_type);
        }
        if !suits(c.comparator, &types) {
            return Err(format!(
                "comparison '{}': {} does not take these fields ({})",
                c.name,
                c.comparator.as_str(),
                types
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}

/// A profile as JSON: `[{"name", "comparator", "fields"}, ...]`.
pub fn profile_to_json(profile: &[Comparison]) -> serde_json::Value {
    serde_json::Value::Array(
        profile
            .iter()
            .map(|c| serde_json::json!({"name": c.name, "comparator": c.comparator.as_str(), "fields": c.fields}))
            .collect(),
    )
}

/// A profile from JSON, or why not (unknown comparator, wrong shapes).
pub fn profile_from_json(json: &serde_json::Value) -> Result<Vec<Comparison>, String> {
    let items = json.as_array().ok_or("'comparisons' must be an array")?;
    items
        .iter()
        .map(|c| {
            let m = c.as_object().ok_or("a comparison must be an object")?;
            if let Some(k) = m
                .keys()
                .find(|k| !["name", "comparator", "fields"].contains(&k.as_str()))
            {
                return Err(format!(
                    "unknown property '{}' in a comparison",
                    crate::id::shorten(k)
                ));
            }
            let name = m
                .get("name")
                .and_then(|v| v.as_str())
                .ok_or("a comparison needs a 'name'")?;
            let comparator = m
                .get("comparator")
                .and_then(|v| v.as_str())
                .ok_or("a comparison needs a 'comparator'")?;
            let comparator = Comparator::parse(comparator).ok_or_else(|| {
                format!("unknown comparator '{}'", crate::id::shorten(comparator))
            })?;
            let fields = m
                .get("fields")
                .and_then(|v| v.as_array())
                .ok_or("a comparison needs 'fields', an array of field names")?
                .iter()
                .map(|f| {
                    f.as_str()
                        .map(str::to_owned)
                        .ok_or("field names are strings")
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Comparison {
                name: name.to_owned(),
                comparator,
                fields,
            })
        })
        .collect()
}

/// The profile after `field` of `object` is deleted: the field leaves its
/// comparisons, and a comparison left unsuited goes; `None` when nothing is
/// left (the default applies again).
pub fn without_field(
    object: &ObjectDef,
    profile: &[Comparison],
    field: &str,
) -> Option<Vec<Comparison>> {
    let kept: Vec<Comparison> = profile
        .iter()
        .cloned()
        .filter_map(|mut c| {
            c.fields.retain(|f| f != field);
            let types: Vec<FieldType> = c
                .fields
                .iter()
                .filter_map(|f| object.field(f))
                .map(|f| f.field_type)
                .collect();
            suits(c.comparator, &types).then_some(c)
        })
        .collect();
    (!kept.is_empty()).then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standard::standard_objects;

    fn object(name: &str) -> ObjectDef {
        standard_objects()
            .into_iter()
            .find(|o| o.name == name)
            .unwrap()
    }

    #[test]
    fn defaults_follow_the_contract() {
        let contacts = default_profile(&object("contacts"));
        let names: Vec<&str> = contacts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["name", "email", "phone", "linkedin", "company"]);
        assert!(check_profile(&object("contacts"), &contacts).is_ok());
        let companies = default_profile(&object("companies"));
        assert_eq!(companies[0].comparator, Comparator::OrgName);
        assert!(check_profile(&object("companies"), &companies).is_ok());
        let tags = default_profile(&object("tags"));
        assert_eq!(tags, vec![comparison("name", Comparator::Text, &["name"])]);
    }

    #[test]
    fn profiles_are_judged_against_the_object() {
        let o = object("contacts");
        let ok = vec![comparison(
            "who",
            Comparator::PersonName,
            &["first_name", "last_name"],
        )];
        assert!(check_profile(&o, &ok).is_ok());
        for bad in [
            vec![],
            vec![comparison("Who", Comparator::Text, &["first_name"])],
            vec![comparison("who", Comparator::Email, &["first_name"])],
            vec![comparison("who", Comparator::Text, &["nothing"])],
            vec![comparison(
                "who",
                Comparator::Text,
                &["first_name", "first_name"],
            )],
            vec![
                comparison("a", Comparator::Text, &["first_name"]),
                comparison("a", Comparator::Text, &["last_name"]),
            ],
            vec![comparison(
                "who",
                Comparator::OrgName,
                &["first_name", "last_name"],
            )],
        ] {
            assert!(check_profile(&o, &bad).is_err(), "{bad:?}");
        }
    }
}
