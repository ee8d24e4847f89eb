//! The blocking keys a write refreshes: every key of the prefixes it
//! touches, none of the others.

use super::*;
use crate::fuzzy::blocking::{key_prefix, keys};
use crate::fuzzy::{comparison, Comparator};

/// Texts for every comparator's fields, each giving keys.
fn texts(plan: &BlockPlan) -> Vec<Option<String>> {
    plan.columns()
        .iter()
        .map(|c| {
            Some(match c.as_str() {
                "first_name" => "Robert".to_owned(),
                "last_name" => "Smith".to_owned(),
                "email" => "bob.smith@example.com".to_owned(),
                "phone" => "+1 415 555 0100".to_owned(),
                "born" => "1980-04-05".to_owned(),
                "linkedin" => "linkedin.com/in/bobsmith".to_owned(),
                "code" => "5.0".to_owned(),
                _ => "Acme Corporation".to_owned(),
            })
        })
        .collect()
}

fn plan() -> BlockPlan {
    use Comparator::*;
    BlockPlan::of(vec![
        comparison("name", PersonName, &["first_name", "last_name"]),
        comparison("company", OrgName, &["company"]),
        comparison("title", Text, &["title"]),
        comparison("email", Email, &["email"]),
        comparison("phone", Phone, &["phone"]),
        comparison("born", Date, &["born"]),
        comparison("code", Code, &["code"]),
        comparison("linkedin", Linkedin, &["linkedin"]),
    ])
}

#[test]
fn every_key_of_a_comparator_starts_with_its_prefix() {
    let plan = plan();
    // One comparison per comparator: a new comparator joins the profile above.
    for c in Comparator::ALL {
        assert!(
            plan.profile().iter().any(|x| x.comparator == c),
            "{}",
            c.as_str()
        );
    }
    let texts = texts(&plan);
    for (c, values) in plan.profile().iter().zip(plan.values(&texts)) {
        let got = keys(c.comparator, &values, PhoneRegion::default());
        assert!(!got.is_empty(), "{}", c.name);
        for k in got {
            assert!(k.starts_with(key_prefix(c.comparator)), "{k}");
        }
    }
}

#[test]
fn a_refresh_recomputes_every_key_of_the_prefixes_written_and_no_other() {
    let plan = plan();
    let all = plan.keys(&texts(&plan), PhoneRegion::default());
    for (written, want) in [
        (&["email"][..], &["e:"][..]),
        (&["last_name"], &["n:"]),
        // A text and an organization's name share `o:`: both are recomputed.
        (&["title"], &["o:"]),
        (&["email", "phone", "extra"], &["e:", "p:"]),
    ] {
        let (sub, prefixes) = plan.refreshed(|f| written.contains(&f)).unwrap();
        assert_eq!(prefixes, want);
        let mut got = sub.keys(&texts(&sub), PhoneRegion::default());
        let mut expected: Vec<String> = all
            .iter()
            .filter(|k| prefixes.iter().any(|p| k.starts_with(p)))
            .cloned()
            .collect();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "{written:?}");
    }
    assert!(plan.refreshed(|f| f == "notes").is_none());
}
