//! What records are made of: given names (the nickname table's, and some
//! with accents), family names (hyphenated and multi-part ones included),
//! e-mail domains, job titles, phone numbers in several countries, company
//! names and legal suffixes.

use std::sync::OnceLock;

use crate::Rng;

const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Núñez",
    "García-López",
    "Fernández",
    "O'Brien",
    "O'Connor",
    "van der Berg",
    "de Vries",
    "Kowalski",
    "Nowak",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Silva",
    "Santos",
    "Oliveira",
    "Pereira",
    "Kim",
    "Park",
    "Chen",
    "Wang",
    "Zhang",
    "Liu",
    "Singh",
    "Kumar",
    "Patel",
    "Sharma",
    "Cohen",
    "Levy",
    "Novak",
    "Horvat",
    "Jensen",
    "Nielsen",
    "Hansen",
    "Larsen",
    "Andersson",
    "Johansson",
    "Karlsson",
    "Eriksson",
    "Virtanen",
    "Korhonen",
    "Smith-Jones",
    "Ó Súilleabháin",
    "MacDonald",
    "McCarthy",
    "Fitzgerald",
];

const ACCENTED: &[&str] = &[
    "José", "Zoë", "Renée", "André", "Chloé", "Søren", "Björn", "Łukasz", "Ana", "João",
];

const DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "proton.me",
    "acme.io",
    "example.org",
    "mail.de",
    "orange.fr",
    "icloud.com",
];

const TITLES: &[&str] = &[
    "CEO",
    "CTO",
    "Sales Manager",
    "Account Executive",
    "Engineer",
    "Designer",
    "Buyer",
    "Office Manager",
    "Consultant",
    "Director of Operations",
];

const WORDS: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Wonka",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Aperture",
    "Massive",
    "Dynamic",
    "Blue",
    "Red",
    "North",
    "South",
    "Pacific",
    "Atlantic",
    "Summit",
    "Pioneer",
    "Vertex",
    "Quantum",
    "Nimbus",
    "Zenith",
    "Apex",
    "Crescent",
    "Harbor",
    "Granite",
    "Maple",
    "Cedar",
    "Falcon",
    "Orion",
    "Polar",
];

const KINDS: &[&str] = &[
    "Industries",
    "Systems",
    "Labs",
    "Foods",
    "Logistics",
    "Software",
    "Consulting",
    "Partners",
    "Holdings",
    "Media",
    "Energy",
    "Robotics",
    "Analytics",
    "Networks",
    "Supplies",
];

/// Legal suffixes a company name may carry (with their leading separator).
pub(crate) const LEGAL: &[&str] = &[
    "", "", "", " Inc", " Inc.", ", Inc.", " LLC", " Ltd", " Ltd.", " GmbH", " AG", " SA", " SARL",
    " BV", " Corp", " Co.",
];

fn given() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(kasar_domain::fuzzy::given_names)
}

/// `s` with its first letter upper case.
pub(crate) fn title_case(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub(crate) fn first_name(rng: &mut Rng) -> String {
    if rng.chance(0.05) {
        return (*rng.pick(ACCENTED).unwrap_or(&"Ana")).to_owned();
    }
    title_case(rng.pick(given()).copied().unwrap_or("ann"))
}

pub(crate) fn last_name(rng: &mut Rng) -> String {
    (*rng.pick(FAMILY).unwrap_or(&"Smith")).to_owned()
}

pub(crate) fn email_domain(rng: &mut Rng) -> String {
    (*rng.pick(DOMAINS).unwrap_or(&"example.org")).to_owned()
}

pub(crate) fn job_title(rng: &mut Rng) -> String {
    (*rng.pick(TITLES).unwrap_or(&"CEO")).to_owned()
}

/// A phone number in E.164 form, in one of a few countries.
pub(crate) fn phone(rng: &mut Rng) -> String {
    let n = rng.below(10_000_000);
    match rng.below(4) {
        0 => format!("+1{}{:07}", 201 + rng.below(700), n),
        1 => format!("+4420{:08}", 70_000_000 + rng.below(9_999_999)),
        2 => format!("+336{:08}", rng.below(100_000_000)),
        _ => format!("+4915{:09}", rng.below(1_000_000_000)),
    }
}

/// Second words of company names.
const PLACES: &[&str] = &[
    "Harbor", "Summit", "River", "Pine", "Cedar", "Falcon", "North", "Silver", "Granite", "Maple",
    "Orchid", "Atlas", "Beacon", "Crest", "Delta", "Ember", "Frontier", "Harvest", "Ivory",
    "Juniper",
];

/// A company name that no other entity has, made of words only (a name
/// that differs from another by a digit would be a duplicate to any
/// matcher): the words follow from the entity number, every combination
/// once, then again with a fourth word.
pub(crate) fn company_name(entity: u64) -> String {
    let (w, p, k) = (WORDS.len() as u64, PLACES.len() as u64, KINDS.len() as u64);
    let word = |list: &[&'static str], i: u64| list.get(i as usize).copied().unwrap_or("Acme");
    let a = word(WORDS, entity % w);
    let b = word(PLACES, entity / w % p);
    let c = word(KINDS, entity / (w * p) % k);
    match entity / (w * p * k) {
        0 => format!("{a} {b} {c}"),
        round => format!("{a} {b} {c} {}", word(PLACES, (round - 1) % p)),
    }
}

pub(crate) fn legal_suffix(rng: &mut Rng) -> String {
    (*rng.pick(LEGAL).unwrap_or(&"")).to_owned()
}
