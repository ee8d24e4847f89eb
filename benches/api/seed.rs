//! Deterministic data: contacts with a chosen duplicate rate (duplicates
//! written differently: email case, phone format, name spacing), tags,
//! companies, opportunities. Rows are generated here from a fixed seed and
//! inserted in batches with `unnest`.

use std::collections::BTreeMap;

use kasar_domain::duplicates::{stored_key, Criterion, MatchPlan, PhoneRegion};
use kasar_domain::fuzzy::BlockPlan;
use kasar_domain::{ObjectDef, Value};
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
pub(crate) struct Person {
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
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

/// `n` generated contacts, about `dup_rate` of them variants of earlier ones.
pub(crate) fn people(n: usize, dup_rate: f64, seed: u64) -> Vec<Person> {
    let mut rng = Rng::new(seed);
    let mut people: Vec<Person> = Vec::with_capacity(n);
    let threshold = (dup_rate * 1_000_000.0) as u64;
    for i in 0..n {
        let p = if i > 0 && rng.next_u64() % 1_000_000 < threshold {
            let j = rng.below(i);
            variant(&mut rng, &people[j])
        } else {
            person(&mut rng, i + seed as usize * 10_000_000)
        };
        people.push(p);
    }
    people
}

/// A variant of each person (a duplicate written differently).
pub(crate) fn variants(people: &[Person], seed: u64) -> Vec<Person> {
    let mut rng = Rng::new(seed);
    people.iter().map(|p| variant(&mut rng, p)).collect()
}

/// Inserts `n` contacts, about `dup_rate` of them duplicates of earlier ones.
/// Returns the ids in insertion order.
pub(crate) async fn contacts(bench: &Bench, n: usize, dup_rate: f64, seed: u64) -> Vec<Uuid> {
    contacts_in(bench, &bench.schema, n, dup_rate, seed).await
}

/// Like `contacts`, into the organization of `schema`.
pub(crate) async fn contacts_in(
    bench: &Bench,
    schema: &str,
    n: usize,
    dup_rate: f64,
    seed: u64,
) -> Vec<Uuid> {
    let people = people(n, dup_rate, seed);
    insert(bench, schema, &people).await
}

/// Inserts the people as contacts with their key rows; returns their ids.
pub(crate) async fn insert(bench: &Bench, schema: &str, people: &[Person]) -> Vec<Uuid> {
    let t = format!("\"{schema}\".\"contacts\"");
    let sql = format!(
        "INSERT INTO {t} (id, first_name, last_name, email, phone, status) \
         SELECT i, f, l, e, p, 'new' FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(i, f, l, e, p)"
    );
    let keys_sql = keys_insert(&format!("\"{schema}\""));
    let stmt = bench.db.prepare(&sql).await.expect("prepare");
    let keys_stmt = bench.db.prepare(&keys_sql).await.expect("prepare keys");
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(10_000) {
        let chunk_ids: Vec<Uuid> = chunk.iter().map(|_| Uuid::now_v7()).collect();
        let f: Vec<&str> = chunk.iter().map(|p| p.first.as_str()).collect();
        let l: Vec<&str> = chunk.iter().map(|p| p.last.as_str()).collect();
        let e: Vec<Option<&str>> = chunk.iter().map(|p| p.email.as_deref()).collect();
        let ph: Vec<Option<&str>> = chunk.iter().map(|p| p.phone.as_deref()).collect();
        bench
            .db
            .execute(&stmt, &[&chunk_ids, &f, &l, &e, &ph])
            .await
            .expect("insert contacts");
        let (k_ids, k_crit, k_keys) = keys(chunk, &chunk_ids);
        bench
            .db
            .execute(&keys_stmt, &[&k_ids, &k_crit, &k_keys])
            .await
            .expect("insert keys");
        ids.extend(chunk_ids);
    }
    digests(bench, schema).await;
    // The state autovacuum keeps a table in: statistics, and the visibility
    // map that lets index-only scans skip the heap (one statement each:
    // VACUUM runs outside a transaction block).
    for table in [
        t,
        format!("\"{schema}\".\"_keys_contacts\""),
        format!("\"{schema}\".\"_groups_contacts\""),
        format!("\"{schema}\".\"_digests_contacts\""),
    ] {
        bench
            .db
            .batch_execute(&format!("VACUUM ANALYZE {table}"))
            .await
            .expect("vacuum analyze");
    }
    ids
}

/// Adds the digest rows the server writes with the keys, from the key rows,
/// for the contacts of `schema` that have none.
pub(crate) async fn digests(bench: &Bench, schema: &str) {
    let q = |name: &str| format!("\"{schema}\".\"{name}\"");
    bench
        .db
        .execute(
            "SELECT kasar.build_digests($1, $2, $3)",
            &[
                &q("_digests_contacts"),
                &q("_keys_contacts"),
                &q("contacts"),
            ],
        )
        .await
        .expect("digests");
}

/// The insert of key rows given as three arrays (record, criterion, key),
/// each row with its record's creation time (the records are inserted
/// first), into the contacts' key table of `schema` (quoted).
pub(crate) fn keys_insert(schema: &str) -> String {
    format!(
        "INSERT INTO {schema}.\"_keys_contacts\" (record_id, criterion, key, created_at) \
         SELECT u.r, u.c, u.k, t.created_at FROM unnest($1::uuid[], $2::int2[], $3::text[]) AS u(r, c, k) \
         JOIN {schema}.\"contacts\" t ON t.id = u.r ON CONFLICT DO NOTHING"
    )
}

/// Key rows as the parallel arrays of an `unnest` insert.
pub(crate) type KeyCols = (Vec<Uuid>, Vec<i16>, Vec<String>);

/// The key rows of the people: what the server writes for them.
fn keys(people: &[Person], ids: &[Uuid]) -> KeyCols {
    let values: Vec<BTreeMap<String, Value>> = people
        .iter()
        .map(|p| {
            [
                ("first_name", Some(&p.first)),
                ("last_name", Some(&p.last)),
                ("email", p.email.as_ref()),
                ("phone", p.phone.as_ref()),
            ]
            .into_iter()
            .filter_map(|(f, v)| Some((f.to_owned(), Value::Text(v?.clone()))))
            .collect()
        })
        .collect();
    key_rows(&contacts_def(), ids, &values)
}

/// The standard contacts object.
pub(crate) fn contacts_def() -> ObjectDef {
    kasar_domain::standard::standard_objects()
        .into_iter()
        .find(|o| o.name == "contacts")
        .expect("contacts")
}

/// The key rows the server writes for records of `object` with these values
/// (the exact keys of every criterion, and the blocking keys of fuzzy
/// matching under criterion 8), computed by the domain's normalizers: rows
/// written by SQL bypass the server.
pub(crate) fn key_rows(
    object: &ObjectDef,
    ids: &[Uuid],
    values: &[BTreeMap<String, Value>],
) -> KeyCols {
    let plan = MatchPlan::new(object, &Criterion::ALL);
    let blocks = BlockPlan::new(object);
    let region = PhoneRegion::default();
    let mut out = KeyCols::default();
    for (id, v) in ids.iter().zip(values) {
        let exact = plan
            .value_keys(v, region)
            .into_iter()
            .map(|(c, k)| (c.code(), k));
        let block = blocks.value_keys(v, region).into_iter().map(|k| (8, k));
        let start = out.0.len();
        for (code, k) in exact.chain(block) {
            let k = stored_key(&k).into_owned();
            // Each (record, criterion, key) once, as the server writes them.
            if !(start..out.0.len()).any(|i| out.1[i] == code && out.2[i] == k) {
                out.0.push(*id);
                out.1.push(code);
                out.2.push(k);
            }
        }
    }
    out
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

/// Digest columns (c0 to c3) as the arrays of an `unnest` insert.
pub(crate) type DigestCols = [Vec<Option<Vec<u8>>>; 4];

/// The digest columns (c0 to c3) the server writes for records of `object`
/// with these values, as `key_rows` computes their keys.
pub(crate) fn digest_rows(object: &ObjectDef, values: &[BTreeMap<String, Value>]) -> DigestCols {
    let plan = MatchPlan::new(object, &Criterion::ALL);
    let mut out = DigestCols::default();
    for v in values {
        let digests =
            kasar_domain::duplicates::record_digests(&plan.value_keys(v, PhoneRegion::default()));
        for (column, d) in out.iter_mut().zip(digests) {
            column.push(d);
        }
    }
    out
}
