//! Demo data for `make run`: the `demo` organization, its admin token, and a
//! few hundred records with realistic duplicates, generated from a fixed seed
//! through the application's own use cases.

// Demo bodies are `json!` objects built here and digit strings of a fixed
// width: indexing them cannot fail.
#![allow(clippy::indexing_slicing)]

use std::path::Path;

use kasar_application::admin::{self, TokenRequest};
use kasar_application::authorize::{authorize, Read, Write};
use kasar_application::command::RecordFields;
use kasar_application::records::{CreateRecord, ListRecords, PageSize};
use kasar_application::{AppError, Authorized, Crm, Services};
use kasar_domain::select::SelectionInput;
use kasar_domain::standard::standard_objects;
use kasar_domain::Role;
use serde_json::{json, Value as Json};

const ORG: &str = "demo";
const ADMIN: &str = "admin@demo.kasar.dev";

/// Ensures the demo organization, a working admin token (reused from
/// `token_file` when still valid) and the demo data; returns the token.
pub async fn ensure(services: &Services, token_file: &Path) -> Result<String, AppError> {
    if admin::find_organization(services, ORG).await?.is_none() {
        admin::create_organization(services, ORG, Some("Demo Inc.")).await?;
    }
    admin::add_user(services, ORG, ADMIN, Some("Demo Admin"), Role::Admin).await?;
    let saved = std::fs::read_to_string(token_file)
        .ok()
        .map(|s| s.trim().to_owned());
    let mut caller = None;
    if let Some(t) = &saved {
        caller = services.authenticate(t).await?;
    }
    let token = match (saved, caller.is_some()) {
        (Some(t), true) => t,
        _ => {
            let request = TokenRequest {
                org: ORG.into(),
                email: ADMIN.into(),
                scopes: vec!["mcp".into()],
                name: Some("demo".into()),
                expires_in_days: None,
            };
            let created = admin::create_token(services, &request).await?;
            std::fs::write(token_file, format!("{}\n", created.token))
                .map_err(|e| AppError::Internal(e.into()))?;
            caller = services.authenticate(&created.token).await?;
            created.token
        }
    };
    let caller = caller.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("fresh demo token does not authenticate"))
    })?;
    let query = ListRecords {
        object: "contacts".into(),
        selection: SelectionInput::default(),
        limit: PageSize::new(1).ok(),
        cursor: None,
    };
    let page = services
        .list_records(&authorize::<Read>(&caller)?, query)
        .await?;
    if page.total == 0 {
        seed(services, &authorize::<Write>(&caller)?, 250, 42).await?;
    }
    Ok(token)
}

/// The domain's deterministic generator (SplitMix64) with the helpers the
/// demo data and the benchmarks' seeding use, so every seed gives the same data.
pub struct Rng(kasar_domain::fuzzy::Rng);

impl Rng {
    /// A generator from a seed. The demo's sequences start from the seed
    /// itself (the domain's generator mixes it first; mixing twice undoes it).
    pub fn new(seed: u64) -> Self {
        Self(kasar_domain::fuzzy::Rng::new(seed ^ 0x9E37_79B9_7F4A_7C15))
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % (n.max(1) as u64)).unwrap_or(0)
    }

    /// One item of a slice (empty when the slice is).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).copied().unwrap_or_default()
    }

    /// One item of a list of strings (empty when the list is).
    pub fn pick_owned<'a>(&mut self, items: &'a [String]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).map_or("", String::as_str)
    }
}

const FIRST: &[&str] = &[
    "Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Giulia", "Hugo", "Inès", "Jonas",
    "Karim", "Léa", "Marc", "Nora", "Oscar", "Paula",
];
const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Smith",
    "Müller",
    "García",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Okafor",
    "Silva",
    "Johansson",
];
const COMPANY: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
];
const SUFFIX: &[&str] = &["Corp", "Labs", "Group", "Systems", "Partners"];
const INDUSTRY: &[&str] = &["Software", "Retail", "Finance", "Health", "Energy"];
const TAGS: &[&str] = &[
    "vip",
    "newsletter",
    "partner",
    "churn-risk",
    "event-2025",
    "inbound",
    "outbound",
    "trial",
];

/// The options of a SELECT field of the standard catalog.
fn options(object: &str, field: &str) -> Vec<String> {
    standard_objects()
        .into_iter()
        .find(|o| o.name == object)
        .and_then(|o| o.field(field).map(|f| f.options.clone()))
        .unwrap_or_default()
}

async fn create(
    services: &dyn Crm,
    auth: &Authorized<Write>,
    object: &str,
    body: Json,
) -> Result<String, AppError> {
    let Json::Object(fields) = body else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "demo body is not an object"
        )));
    };
    let command = CreateRecord {
        object: object.into(),
        fields: RecordFields(fields),
    };
    let (_, record) = services.create_record(auth, command).await?;
    Ok(record.id.to_string())
}

/// Seeds tags, companies, `contacts` contacts (about 10% of them duplicates
/// written differently: email case, phone format, name spacing, LinkedIn URL
/// form) and opportunities.
pub async fn seed(
    services: &dyn Crm,
    caller: &Authorized<Write>,
    contacts: usize,
    seed: u64,
) -> Result<(), AppError> {
    let mut rng = Rng::new(seed);
    let status = options("contacts", "status");
    let stage = options("opportunities", "stage");
    let mut tags = Vec::new();
    for t in TAGS {
        tags.push(
            create(
                services,
                caller,
                "tags",
                json!({"name": t, "color": "#336699"}),
            )
            .await?,
        );
    }
    let mut companies = Vec::new();
    for i in 0..(contacts / 6).max(4) {
        let name = format!("{} {} {}", rng.pick(COMPANY), rng.pick(SUFFIX), i);
        let domain = format!("{}.example", name.to_lowercase().replace(' ', "-"));
        let name = if i % 10 == 9 {
            format!("  {}  ", name.to_uppercase())
        } else {
            name
        };
        let body = json!({"name": name, "domain": domain, "industry": rng.pick(INDUSTRY), "employees": rng.below(5000),
                          "phone": format!("+1 415 555 {:04}", rng.below(10_000)), "tags": [tags[rng.below(tags.len())]]});
        companies.push(create(services, caller, "companies", body).await?);
    }
    let mut people = Vec::new();
    for i in 0..contacts {
        let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
        let digits = format!("{:03}{:04}", 200 + rng.below(700), rng.below(10_000));
        let body = json!({
            "first_name": first, "last_name": last,
            "email": format!("{}.{}{}@example.com", first.to_lowercase(), last.to_lowercase(), i),
            "phone": format!("(415) {}-{}", &digits[..3], &digits[3..]),
            "linkedin": format!("https://www.linkedin.com/in/{}-{}-{i}/", first.to_lowercase(), last.to_lowercase()),
            "job_title": "Buyer", "status": rng.pick_owned(&status),
            "company": companies[rng.below(companies.len())], "tags": [tags[rng.below(tags.len())]],
        });
        people.push(create(services, caller, "contacts", body.clone()).await?);
        if i % 10 == 3 {
            let mut dup = body;
            let variant = rng.below(4);
            if variant == 0 {
                dup["email"] = json!(dup["email"].as_str().unwrap_or_default().to_uppercase());
            } else if variant == 1 {
                dup["email"] = Json::Null;
                dup["phone"] = json!(format!("+1 415.{}.{}", &digits[..3], &digits[3..]));
            } else if variant == 2 {
                dup["email"] = json!(format!("other{i}@example.org"));
                dup["phone"] = Json::Null;
                dup["linkedin"] = Json::Null;
                dup["first_name"] = json!(format!("  {first} "));
                dup["last_name"] = json!(last.to_uppercase());
            } else {
                dup["email"] = Json::Null;
                dup["linkedin"] = json!(format!(
                    "{}-{}-{i}",
                    first.to_lowercase(),
                    last.to_lowercase()
                ));
            }
            create(services, caller, "contacts", dup).await?;
        }
    }
    for i in 0..(contacts / 4).max(2) {
        let contact = &people[rng.below(people.len())];
        let body = json!({"name": format!("Deal {i}"), "amount": 1000 * (1 + rng.below(100)), "stage": rng.pick_owned(&stage),
                          "contact": contact, "company": companies[rng.below(companies.len())], "tags": [tags[rng.below(tags.len())]]});
        create(services, caller, "opportunities", body).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_sequence_starts_from_the_seed_itself() {
        // SplitMix64's reference outputs for the state 0.
        let mut rng = super::Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
