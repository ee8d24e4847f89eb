//! Selecting and exporting over 1,000,000 contacts, beside the same SQL run
//! directly: a filtered and sorted page, a 5-letter substring search, and a
//! CSV export against `COPY ... TO STDOUT WITH CSV` (with the server's memory
//! sampled while it streams).

use std::time::{Duration, Instant};

use futures_util::{pin_mut, StreamExt, TryStreamExt};
use serde_json::json;
use uuid::Uuid;

use crate::report::{time, Report};
use crate::setup::Bench;

const SIZE: i64 = 1_000_000;

/// Brings the contacts to 1,000,000 (statuses spread, 1,000 companies).
async fn seed(bench: &Bench) -> Uuid {
    let contacts = bench.table("contacts");
    let companies = bench.table("companies");
    let have: i64 = bench
        .db
        .query_one(&format!("SELECT count(*) FROM {contacts}"), &[])
        .await
        .expect("count")
        .get(0);
    bench
        .db
        .batch_execute(&format!(
            "INSERT INTO {companies} (name) SELECT 'Company ' || g FROM generate_series(1, 1000) g;
             INSERT INTO {contacts} (first_name, last_name, email, status, company)
               SELECT 'F' || md5(g::text), 'L' || (g % 9973), 'user' || g || '@example.com',
                      (ARRAY['new','contacted','qualified','customer','lost'])[1 + g % 5],
                      c.ids[1 + g % 1000]
               FROM generate_series(1, {n}) g,
                    (SELECT array_agg(id ORDER BY id) AS ids FROM {companies}) c",
            n = (SIZE - have).max(0)
        ))
        .await
        .expect("seed");
    // VACUUM cannot run in the implicit transaction of a batch: on its own.
    bench
        .db
        .batch_execute(&format!("VACUUM ANALYZE {contacts}"))
        .await
        .expect("vacuum");
    bench
        .db
        .query_one(&format!("SELECT company FROM {contacts} WHERE company IS NOT NULL AND status = 'qualified' LIMIT 1"), &[])
        .await
        .expect("a company")
        .get(0)
}

/// The page query the service runs (select list of contacts, filter, order,
/// limit) and its count.
fn page_sql(bench: &Bench, condition: &str) -> (String, String) {
    let t = bench.table("contacts");
    let tags = bench.table("contacts_tags");
    let columns = "t.id, t.created_at, t.updated_at, t.first_name, t.last_name, t.email, t.secondary_email, t.phone, \
                   t.mobile_phone, t.linkedin, t.job_title, t.status, t.owner, t.company";
    (
        format!(
            "SELECT {columns}, ARRAY(SELECT j.target_id FROM {tags} j WHERE j.source_id = t.id ORDER BY j.target_id) \
             FROM {t} t WHERE {condition} ORDER BY t.updated_at DESC NULLS FIRST, t.id DESC LIMIT 51"
        ),
        format!("SELECT count(*) FROM {t} t WHERE {condition}"),
    )
}

/// The three figures.
pub(crate) async fn run(bench: &Bench, report: &mut Report) {
    let company = seed(bench).await;
    let filters = json!({"type": "AND", "conditions": [
        {"field": "status", "operator": "equals", "value": "qualified"},
        {"field": "company", "operator": "equals", "value": company}]});
    let path = format!(
        "/api/v1/records/contacts?limit=50&sort_by=updated_at&filters={}",
        urlencode(&filters.to_string())
    );
    let http = time(30, |_| {
        let path = path.clone();
        async move {
            let (status, page) = bench.send("GET", &path, None).await;
            assert_eq!(status, 200, "{page}");
        }
    })
    .await;
    let (rows, count) = page_sql(bench, "(t.status = $1 AND t.company = $2)");
    let raw = time(30, |_| {
        let (rows, count) = (rows.clone(), count.clone());
        async move {
            bench
                .db
                .query(&rows, &[&"qualified", &company])
                .await
                .expect("rows");
            bench
                .db
                .query(&count, &[&"qualified", &company])
                .await
                .expect("count");
        }
    })
    .await;
    report.add(
        "list: status + company, by updated_at",
        50,
        &http,
        Some(&raw),
        Some(1.5),
    );

    let path = "/api/v1/records/contacts?limit=50&sort_by=updated_at&search=a3f9c".to_owned();
    let http = time(20, |_| {
        let path = path.clone();
        async move {
            let (status, page) = bench.send("GET", &path, None).await;
            assert_eq!(status, 200, "{page}");
        }
    })
    .await;
    let textual = [
        "first_name",
        "last_name",
        "email",
        "secondary_email",
        "phone",
        "mobile_phone",
        "linkedin",
        "job_title",
    ];
    let condition = format!(
        "({})",
        textual.map(|c| format!("t.{c} ILIKE $1")).join(" OR ")
    );
    let (rows, count) = page_sql(bench, &condition);
    let raw = time(20, |_| {
        let (rows, count) = (rows.clone(), count.clone());
        async move {
            bench.db.query(&rows, &[&"%a3f9c%"]).await.expect("rows");
            bench.db.query(&count, &[&"%a3f9c%"]).await.expect("count");
        }
    })
    .await;
    report.add(
        "list: search of 5 letters",
        50,
        &http,
        Some(&raw),
        Some(1.5),
    );

    export(bench, report).await;
}

/// A CSV export of every contact, against COPY; samples the server's RSS.
async fn export(bench: &Bench, report: &mut Report) {
    let (mut http, mut raw) = (Vec::new(), Vec::new());
    let mut peak_rss: f64 = 0.0;
    // The same rows the export reads (every column and the tags of each
    // record, newest first), written by PostgreSQL itself.
    let (rows, _) = page_sql(bench, "TRUE");
    let select = rows.replace(
        "ORDER BY t.updated_at DESC NULLS FIRST, t.id DESC LIMIT 51",
        "ORDER BY t.created_at DESC, t.id DESC",
    );
    let copy = format!("COPY ({select}) TO STDOUT WITH CSV HEADER");
    for _ in 0..3 {
        let start = Instant::now();
        let mut resp = bench
            .http
            .get(format!(
                "{}/api/v1/export/contacts?format=csv",
                bench.address
            ))
            .insert_header(("Authorization", format!("Bearer {}", bench.token)))
            .send()
            .await
            .expect("export");
        assert_eq!(resp.status().as_u16(), 200);
        let mut bytes = 0usize;
        let mut last_sample = Instant::now();
        while let Some(chunk) = resp.next().await {
            bytes += chunk.expect("chunk").len();
            if last_sample.elapsed() > Duration::from_millis(50) {
                peak_rss = peak_rss.max(bench.rss_mib());
                last_sample = Instant::now();
            }
        }
        http.push(start.elapsed());
        assert!(bytes > 50_000_000, "{bytes} bytes");

        let start = Instant::now();
        let stream = bench.db.copy_out(&copy).await.expect("copy");
        pin_mut!(stream);
        let mut copied = 0usize;
        while let Some(chunk) = stream.try_next().await.expect("copy chunk") {
            copied += chunk.len();
        }
        raw.push(start.elapsed());
        assert!(copied > 50_000_000);
    }
    http.sort();
    raw.sort();
    report.add("export CSV", SIZE as usize, &http, Some(&raw), Some(1.5));
    report.note(format!(
        "export CSV of {SIZE} contacts: server resident memory at most {peak_rss:.0} MiB while streaming (target < 100 MiB)"
    ));
}

/// Percent-encodes a query value.
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
