//! Each comparator, level by level, with the hard cases of real CRM data.

use super::*;

fn level(c: Comparator, a: &[Option<&str>], b: &[Option<&str>]) -> &'static str {
    c.compare(a, b, PhoneRegion::default())
}

fn blank(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn person(a: (&str, &str), b: (&str, &str)) -> &'static str {
    let (a, b) = ([blank(a.0), blank(a.1)], [blank(b.0), blank(b.1)]);
    level(Comparator::PersonName, &a, &b)
}

#[test]
fn person_names_level_by_level() {
    assert_eq!(person(("Ann", "Lee"), ("ANN ", " lee")), "exact");
    assert_eq!(
        person(("Ann", "García-López"), ("ann", "garcía lópez")),
        "exact"
    );
    assert_eq!(person(("Lee", "Ann"), ("Ann", "Lee")), "swapped");
    assert_eq!(person(("Bob", "Smith"), ("Robert", "Smith")), "nickname");
    assert_eq!(person(("Bill", "Jones"), ("William", "Jones")), "nickname");
    assert_eq!(person(("J.", "Smith"), ("John", "Smith")), "nickname");
    assert_eq!(person(("Jon", "Smtih"), ("John", "Smith")), "similar");
    assert_eq!(person(("José", "Núñez"), ("Jose", "Nunez")), "similar");
    assert_eq!(person(("Mark", "Smith"), ("Anne", "Smith")), "family_only");
    assert_eq!(person(("", "Smith"), ("Anne", "Smith")), "family_only");
    assert_eq!(person(("Mark", "Smith"), ("Anne", "Brown")), "other");
    assert_eq!(person(("", ""), ("Anne", "Brown")), "missing");
    // One full-name field: split at its first space (multi-part family names).
    let full = |s: &'static str| vec![Some(s)];
    assert_eq!(
        level(
            Comparator::PersonName,
            &full("Ludwig van Beethoven"),
            &full("ludwig Van-Beethoven")
        ),
        "exact"
    );
    assert_eq!(
        level(
            Comparator::PersonName,
            &full("Bob Smith"),
            &full("Robert Smith")
        ),
        "nickname"
    );
}

#[test]
fn organization_names_drop_legal_suffixes_and_punctuation() {
    let org = |a: &'static str, b: &'static str| level(Comparator::OrgName, &[Some(a)], &[Some(b)]);
    assert_eq!(org("Acme, Inc.", "ACME"), "exact");
    assert_eq!(org("Initech GmbH", "initech"), "exact");
    assert_eq!(org("Acme Widgets LLC", "Widgets Acme"), "tokens");
    assert_eq!(org("Acme Widgtes", "Acme Widgets"), "similar");
    assert_eq!(org("Acme", "Globex"), "other");
    assert_eq!(
        level(Comparator::OrgName, &[None], &[Some("Acme")]),
        "missing"
    );
}

#[test]
fn emails_by_key_mailbox_typo_and_local_part() {
    let email = |a: &'static str, b: &'static str| level(Comparator::Email, &[Some(a)], &[Some(b)]);
    assert_eq!(email("Ann@X.io ", "ann@x.io"), "exact");
    assert_eq!(email("ann+crm@x.io", "ann@x.io"), "mailbox");
    assert_eq!(email("a.n.n@gmail.com", "ann@googlemail.com"), "mailbox");
    assert_eq!(email("a.nn@x.io", "ann@x.io"), "typo");
    assert_eq!(email("anne@x.io", "ann@x.io"), "typo");
    assert_eq!(email("ann@x.io", "ann@y.io"), "local");
    assert_eq!(email("bob@x.io", "ann@y.io"), "other");
    // Any address of one record against any of the other.
    assert_eq!(
        level(
            Comparator::Email,
            &[Some("a@b.io"), Some("ann@x.io")],
            &[None, Some("ANN@x.io")]
        ),
        "exact"
    );
    assert_eq!(
        level(Comparator::Email, &[None, None], &[Some("ann@x.io")]),
        "missing"
    );
}

#[test]
fn phones_by_key_national_number_and_suffix() {
    let phone = |a: &'static str, b: &'static str| level(Comparator::Phone, &[Some(a)], &[Some(b)]);
    assert_eq!(phone("+44 20 7946 0000", "+442079460000"), "exact");
    assert_eq!(phone("+44 20 7946 0000", "020 7946 0000"), "national");
    assert_eq!(phone("+33 1 23 45 67 89", "+41 1 23 45 67 89"), "national");
    assert_eq!(phone("+1 415 555 0100", "+1 650 555 0100"), "suffix");
    assert_eq!(phone("+1 415 555 0100", "+1 415 555 0199"), "other");
}

#[test]
fn dates_exact_swapped_typo_year() {
    let date = |a: &'static str, b: &'static str| level(Comparator::Date, &[Some(a)], &[Some(b)]);
    assert_eq!(date("1990-04-05", "19900405"), "exact");
    assert_eq!(date("1990-04-05", "1990-05-04"), "swapped");
    assert_eq!(date("1990-04-05", "1990-04-06"), "typo");
    assert_eq!(date("1990-04-05", "1990-12-31"), "year");
    assert_eq!(date("1990-04-05", "1991-12-31"), "other");
    assert_eq!(date("1990-04-05", "not a date"), "missing");
}

#[test]
fn codes_and_texts_and_linkedin() {
    let code = |a: &'static str, b: &'static str| level(Comparator::Code, &[Some(a)], &[Some(b)]);
    assert_eq!(code(" AB123", "ab123"), "exact");
    assert_eq!(code("ab123", "ab124"), "typo");
    assert_eq!(code("ab123", "ab213"), "typo");
    assert_eq!(code("ab123", "ba321"), "other");
    let text = |a: &'static str, b: &'static str| level(Comparator::Text, &[Some(a)], &[Some(b)]);
    assert_eq!(text("Blue  Widget", "blue widget"), "exact");
    assert_eq!(text("Blue Widget", "Blue Widgets"), "similar");
    assert_eq!(text("Blue Widget", "Blue Gadget"), "close");
    assert_eq!(text("Blue Widget", "Red Sprocket"), "other");
    let li = |a: &'static str, b: &'static str| level(Comparator::Linkedin, &[Some(a)], &[Some(b)]);
    assert_eq!(
        li("https://www.linkedin.com/in/ann-lee/", "ann-lee"),
        "exact"
    );
    assert_eq!(li("ann-lee", "bob"), "other");
}

#[test]
fn every_comparator_lists_its_levels_then_other_and_missing() {
    for c in Comparator::ALL {
        let levels = c.levels();
        assert_eq!(levels.first(), Some(&"exact"), "{}", c.as_str());
        assert_eq!(&levels[levels.len() - 2..], &[OTHER, MISSING]);
        assert_eq!(Comparator::parse(c.as_str()), Some(c));
        for (i, l) in levels.iter().enumerate() {
            let want = (*l != MISSING).then(|| u8::try_from(i).unwrap());
            assert_eq!(c.level_index(l), want, "{} {l}", c.as_str());
        }
        assert_eq!(c.level_index("no such level"), None);
    }
    assert!(are_nicknames("bob", "robert") && are_nicknames("robert", "bob"));
    assert!(are_nicknames("bob", "rob"), "two diminutives of one name");
    assert!(!are_nicknames("bob", "ann"));
}
