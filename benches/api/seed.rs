//! Deterministic data: contacts with a chosen duplicate rate (duplicates
//! written differently: email case, phone format, name spacing), tags,
//! companies, opportunities. Rows are generated here from a fixed seed and
//! inserted in batches with `unnest`.

use kasar_server::demo::Rng;
use uuid::Uuid;

use crate::setup::Bench;

const FIRST: &[&str] = &[
    "Alice", "Bruno", "Chloe", "David", "Emma", "Farid", "Giulia", "Hugo", "Ines", "Jonas",
    "Karim", "Lea", "Marc", "Nora", "Oscar", "Paula",
];
const SYL: &[&str] = &[
    "mar", "tin", "ber", "nard", "du", "bois", "smi", "th", "mul", "ler", "gar", "cia", "ros",
    "si", "ngu", "yen", "kow", "al", "ska", "oka",
];

/// One generated contact.
struct Person {
    first: String,
    last: String,
    email: Option<String>,
    phone: Option<String>,
}

fn person(rng: &mut Rng, i: usize) -> Person {
    let first = rng.pick(FIRST).to_owned();
    let mut last = String::new();
    for _ in 0..3 {
        last.push_str(rng.pick(SYL));
    }
    let last = format!("{}{}", last[..1].to_uppercase(), &last[1..]);
    let n = 2_000_000 + i;
    Person {
        email: Some(format!(
            "{}.{}.{i}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        )),
        phone: Some(format!(
            "({}) {}-{:04}",
            200 + n / 10_000_000 % 800,
            200 + n / 10_000 % 800,
            n % 10_000
        )),
        first,
        last,
    }
}

fn variant(rng: &mut Rng, p: &Person) -> Person {
    let mut d = Person {
        first: p.first.clone(),
        last: p.last.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
    };
    match rng.below(3) {
        0 => d.email = d.email.map(|e| e.to_uppercase()),
        1 => {
            d.email = None;
            d.phone = d
                .phone
                .map(|ph| format!("+1 {}", ph.replace(['(', ')'], "").replace([' ', '-'], ".")));
        }
        _ => {
            d.email = None;
            d.phone = None;
            d.first = format!("  {} ", d.first.to_uppercase());
            d.last = format!("{}  ", d.last);
        }
    }
    d
}

/// Inserts `n` contacts, about `dup_rate` of them duplicates of earlier ones.
/// Returns the ids in insertion order.
pub(crate) async fn contacts(bench: &Bench, n: usize, dup_rate: f64, seed: u64) -> Vec<Uuid> {
    let mut rng = Rng::new(seed);
    let mut people: Vec<Person> = Vec::with_capacity(n);
    let threshold = (dup_rate * 1_000_000.0) as u64;
    for i in 0..n {
        let p = if i > 0 && rng.next_u64() % 1_000_000 < threshold {
            let j = rng.below(i);
            variant(&mut rng, &people[j])
        } else {
            person(&mut rng, i)
        };
        people.push(p);
    }
    let sql = format!(
        "INSERT INTO {} (first_name, last_name, email, phone, status) \
         SELECT f, l, e, p, 'new' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(f, l, e, p) RETURNING id",
        bench.table("contacts")
    );
    let stmt = bench.db.prepare(&sql).await.expect("prepare");
    let mut ids = Vec::with_capacity(n);
    for chunk in people.chunks(10_000) {
        let f: Vec<&str> = chunk.iter().map(|p| p.first.as_str()).collect();
        let l: Vec<&str> = chunk.iter().map(|p| p.last.as_str()).collect();
        let e: Vec<Option<&str>> = chunk.iter().map(|p| p.email.as_deref()).collect();
        let ph: Vec<Option<&str>> = chunk.iter().map(|p| p.phone.as_deref()).collect();
        let rows = bench
            .db
            .query(&stmt, &[&f, &l, &e, &ph])
            .await
            .expect("insert contacts");
        ids.extend(rows.iter().map(|r| r.get::<_, Uuid>(0)));
    }
    bench
        .db
        .batch_execute(&format!("ANALYZE {}", bench.table("contacts")))
        .await
        .expect("analyze");
    ids
}

/// Inserts `n` tags; returns their ids.
pub(crate) async fn tags(bench: &Bench, n: usize, prefix: &str) -> Vec<Uuid> {
    let sql = format!(
        "INSERT INTO {} (name) SELECT $1 || g FROM generate_series(1, $2::int) g RETURNING id",
        bench.table("tags")
    );
    let rows = bench
        .db
        .query(&sql, &[&prefix, &(n as i32)])
        .await
        .expect("tags");
    rows.iter().map(|r| r.get(0)).collect()
}
