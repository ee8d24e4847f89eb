//! Labeled data for fuzzy matching: contacts and companies, each with the id
//! of the real-world entity it describes (`entity`), so that precision and
//! recall of a duplicate finder can be measured. A fraction of the entities
//! get 1 to 4 extra records, each corrupted as CRM data is: typos
//! (substitution, insertion, deletion, transposition), nicknames and
//! initials, first and last name swapped, missing values, phones reformatted
//! or without their country code, e-mails with another case, `+tags`, Gmail
//! dots, a typo or another domain, company legal suffixes. Everything
//! follows from the seed: the same seed gives the same records.

mod corrupt;
mod vocabulary;

pub use kasar_domain::fuzzy::Rng;

use serde_json::{json, Value as Json};

/// One generated record and the entity it describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Labeled {
    pub entity: u64,
    /// The record's fields, as the API takes them.
    pub fields: Json,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// Records in all.
    pub records: usize,
    /// Share of the records that are duplicates of another (0.1 to 0.2 in
    /// the benchmarks).
    pub duplicate_share: f64,
    pub seed: u64,
}

/// Contacts: `first_name`, `last_name`, `email`, `phone` (E.164 or national
/// forms), `job_title`; duplicates corrupted.
pub fn contacts(spec: Spec) -> Vec<Labeled> {
    generate(
        spec,
        |rng, entity| {
            let (first, last) = (vocabulary::first_name(rng), vocabulary::last_name(rng));
            let domain = vocabulary::email_domain(rng);
            let ascii = |s: &str| -> String {
                s.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_lowercase()
            };
            let email = format!("{}.{}{entity}@{domain}", ascii(&first), ascii(&last));
            json!({
                "first_name": first,
                "last_name": last,
                "email": email,
                "phone": vocabulary::phone(rng),
                "job_title": vocabulary::job_title(rng),
            })
        },
        corrupt::contact,
    )
}

/// Companies: `name` (with or without a legal suffix), `domain`, `email`,
/// `phone`; duplicates corrupted.
pub fn companies(spec: Spec) -> Vec<Labeled> {
    generate(
        spec,
        |rng, entity| {
            let name = vocabulary::company_name(entity);
            let domain = format!("{}.com", name.to_lowercase().replace(' ', ""));
            json!({
                "name": format!("{name}{}", vocabulary::legal_suffix(rng)),
                "domain": domain,
                "email": format!("info@{domain}"),
                "phone": vocabulary::phone(rng),
            })
        },
        corrupt::company,
    )
}

/// Entities, each with its original record, then the duplicates of a
/// share of them (groups of 2 to 5 records), shuffled.
fn generate(
    spec: Spec,
    original: impl Fn(&mut Rng, u64) -> Json,
    duplicate: fn(&mut Rng, &Json) -> Json,
) -> Vec<Labeled> {
    let mut rng = Rng::new(spec.seed);
    let wanted_duplicates = (spec.records as f64 * spec.duplicate_share).round() as usize;
    let mut out: Vec<Labeled> = Vec::with_capacity(spec.records);
    let mut duplicates = 0usize;
    let mut entity = 0u64;
    while out.len() < spec.records {
        entity += 1;
        let record = original(&mut rng, entity);
        let left = spec.records - out.len() - 1;
        let extra = if duplicates < wanted_duplicates {
            (1 + rng.below(4) as usize)
                .min(wanted_duplicates - duplicates)
                .min(left)
        } else {
            0
        };
        for _ in 0..extra {
            out.push(Labeled {
                entity,
                fields: duplicate(&mut rng, &record),
            });
        }
        duplicates += extra;
        out.push(Labeled {
            entity,
            fields: record,
        });
    }
    rng.shuffle(&mut out);
    out
}

/// The true duplicate pairs of `records` (indexes, each pair once).
pub fn true_pairs(records: &[Labeled]) -> std::collections::HashSet<(usize, usize)> {
    let mut by_entity: std::collections::HashMap<u64, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, r) in records.iter().enumerate() {
        by_entity.entry(r.entity).or_default().push(i);
    }
    let mut out = std::collections::HashSet::new();
    for members in by_entity.values() {
        for (k, a) in members.iter().enumerate() {
            for b in members.iter().skip(k + 1) {
                out.insert(((*a).min(*b), (*a).max(*b)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_records_and_the_share_of_duplicates_holds() {
        let spec = Spec {
            records: 10_000,
            duplicate_share: 0.15,
            seed: 7,
        };
        let a = contacts(spec);
        assert_eq!(a, contacts(spec));
        assert_eq!(a.len(), 10_000);
        let entities: std::collections::HashSet<u64> = a.iter().map(|r| r.entity).collect();
        let share = 1.0 - entities.len() as f64 / a.len() as f64;
        assert!((0.14..=0.16).contains(&share), "{share}");
        let mut sizes: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
        for r in &a {
            *sizes.entry(r.entity).or_default() += 1;
        }
        assert!(sizes.values().all(|n| (1..=5).contains(n)));
        assert_ne!(contacts(Spec { seed: 8, ..spec }), a);
        assert!(!true_pairs(&a).is_empty());
        let c = companies(Spec {
            records: 1_000,
            duplicate_share: 0.2,
            seed: 1,
        });
        assert_eq!(c.len(), 1_000);
    }

    #[test]
    fn duplicates_are_corrupted_not_copied() {
        let records = contacts(Spec {
            records: 2_000,
            duplicate_share: 0.2,
            seed: 3,
        });
        let mut by_entity: std::collections::HashMap<u64, Vec<&Json>> =
            std::collections::HashMap::new();
        for r in &records {
            by_entity.entry(r.entity).or_default().push(&r.fields);
        }
        let groups: Vec<&Vec<&Json>> = by_entity.values().filter(|g| g.len() > 1).collect();
        let identical = groups
            .iter()
            .filter(|g| g.iter().all(|r| *r == g[0]))
            .count();
        assert!(
            identical * 20 < groups.len(),
            "{identical} of {} groups unchanged",
            groups.len()
        );
    }
}

#[cfg(test)]
mod comparator_tests {
    //! The comparators against the generated truth: nearly every true pair
    //! reaches a level above `other` on some comparison, nearly no random
    //! pair does on the name.

    use super::*;
    use kasar_domain::duplicates::PhoneRegion;
    use kasar_domain::fuzzy::{Comparator, MISSING, OTHER};

    fn levels(a: &Json, b: &Json) -> [&'static str; 3] {
        let get = |r: &Json, k: &str| r.get(k).and_then(Json::as_str).map(str::to_owned);
        let region = PhoneRegion::default();
        let (a_first, a_last, b_first, b_last) = (
            get(a, "first_name"),
            get(a, "last_name"),
            get(b, "first_name"),
            get(b, "last_name"),
        );
        let name = Comparator::PersonName.compare(
            &[a_first.as_deref(), a_last.as_deref()],
            &[b_first.as_deref(), b_last.as_deref()],
            region,
        );
        let (ae, be) = (get(a, "email"), get(b, "email"));
        let email = Comparator::Email.compare(&[ae.as_deref()], &[be.as_deref()], region);
        let (ap, bp) = (get(a, "phone"), get(b, "phone"));
        let phone = Comparator::Phone.compare(&[ap.as_deref()], &[bp.as_deref()], region);
        [name, email, phone]
    }

    #[test]
    fn true_pairs_reach_levels_random_pairs_do_not() {
        let records = contacts(Spec {
            records: 5_000,
            duplicate_share: 0.15,
            seed: 11,
        });
        let truth = true_pairs(&records);
        let found = truth
            .iter()
            .filter(|(a, b)| {
                levels(&records[*a].fields, &records[*b].fields)
                    .iter()
                    .any(|l| *l != OTHER && *l != MISSING)
            })
            .count();
        assert!(
            found as f64 >= 0.97 * truth.len() as f64,
            "{found} of {}",
            truth.len()
        );
        let mut rng = Rng::new(5);
        let mut named = 0;
        for _ in 0..5_000 {
            let (a, b) = (rng.below(5_000) as usize, rng.below(5_000) as usize);
            if a != b && !truth.contains(&(a.min(b), a.max(b))) {
                let [name, ..] = levels(&records[a].fields, &records[b].fields);
                if !matches!(name, "other" | "missing" | "family_only") {
                    named += 1;
                }
            }
        }
        assert!(named < 50, "{named} random pairs matched on the name");
    }
}

#[cfg(test)]
mod quality_tests {
    //! The quality floor of fuzzy detection on generated contacts: pairwise
    //! precision and recall at the default threshold (0.9), pairs counted
    //! within the groups found.

    use super::*;
    use kasar_domain::duplicates::PhoneRegion;
    use kasar_domain::fuzzy::detect::{detect, prepare_many};
    use kasar_domain::fuzzy::{comparison, Comparator, Comparison};

    /// Pairwise precision and recall of fuzzy detect at 0.9 on `records`.
    fn quality(records: &[Labeled], profile: &[Comparison]) -> (f64, f64) {
        let values: Vec<Vec<Vec<Option<&str>>>> = records
            .iter()
            .map(|r| {
                profile
                    .iter()
                    .map(|c| {
                        c.fields
                            .iter()
                            .map(|f| r.fields.get(f).and_then(Json::as_str))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let prepared = prepare_many(profile, &values, PhoneRegion::default());
        let found = detect(profile, &prepared, 0.9, 1, None);
        let truth = true_pairs(records);
        let mut predicted = std::collections::HashSet::new();
        for g in &found.groups {
            for (k, a) in g.members.iter().enumerate() {
                for b in g.members.iter().skip(k + 1) {
                    predicted.insert((*a as usize, *b as usize));
                }
            }
        }
        let tp = predicted.intersection(&truth).count() as f64;
        let precision = tp / predicted.len().max(1) as f64;
        let recall = tp / truth.len().max(1) as f64;
        eprintln!("precision {precision:.4} recall {recall:.4}");
        (precision, recall)
    }

    fn f1((p, r): (f64, f64)) -> f64 {
        2.0 * p * r / (p + r).max(1e-9)
    }

    #[test]
    fn fuzzy_detect_finds_the_generated_duplicates_with_high_precision() {
        let spec = Spec {
            records: 10_000,
            duplicate_share: 0.15,
            seed: 21,
        };
        let people = vec![
            comparison("name", Comparator::PersonName, &["first_name", "last_name"]),
            comparison("email", Comparator::Email, &["email"]),
            comparison("phone", Comparator::Phone, &["phone"]),
        ];
        let q = quality(&contacts(spec), &people);
        assert!(q.0 >= 0.98 && f1(q) >= 0.95, "contacts {q:?}");
        let orgs = vec![
            comparison("name", Comparator::OrgName, &["name"]),
            comparison("domain", Comparator::Code, &["domain"]),
            comparison("email", Comparator::Email, &["email"]),
            comparison("phone", Comparator::Phone, &["phone"]),
        ];
        let q = quality(&companies(spec), &orgs);
        assert!(q.0 >= 0.98 && f1(q) >= 0.9, "companies {q:?}");
    }
}
