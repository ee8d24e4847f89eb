//! The digests table of the key index: one row per record, the digests of
//! its exact keys per criterion (`c0` to `c3`, by criterion code), written
//! with its keys. Inserts add the rows of new records; an update rewrites the
//! columns of the criteria whose keys it refreshed, in place (no indexed
//! column changes, so the row stays on its page). Triggers drop the rows of
//! deleted records and carry a `created_at` changed by hand (migration V10).

use chrono::{DateTime, Utc};
use kasar_application::StoreError;
use kasar_domain::duplicates::{record_digests, Criterion, KEY_DIGEST_BYTES};
use kasar_domain::ObjectDef;
use uuid::Uuid;

use crate::key_rows::Holder;
use crate::key_tables::{digests_table, keys_table};
use crate::sql::table;
use crate::tx::PgTx;

/// Digest rows as the parallel arrays an `unnest` takes.
#[derive(Debug, Default)]
pub(crate) struct DigestRows {
    created: Vec<DateTime<Utc>>,
    ids: Vec<Uuid>,
    /// Per criterion code, each record's digests (null: no key).
    columns: [Vec<Option<Vec<u8>>>; 4],
}

impl DigestRows {
    /// Adds one record's digests from its exact keys (normalized).
    pub(crate) fn push(&mut self, holder: Holder, keys: &[(Criterion, String)]) {
        self.created.push(holder.created_at);
        self.ids.push(holder.id);
        for (column, digests) in self.columns.iter_mut().zip(record_digests(keys)) {
            column.push(digests);
        }
    }
}

/// Inserts the digest rows of records just inserted.
pub(crate) async fn insert(
    tx: &PgTx,
    object: &ObjectDef,
    rows: &DigestRows,
) -> Result<(), StoreError> {
    if rows.ids.is_empty() {
        return Ok(());
    }
    let [c0, c1, c2, c3] = &rows.columns;
    tx.exec(
        &format!(
            "INSERT INTO {} (created_at, record_id, c0, c1, c2, c3) \
             SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::bytea[], $4::bytea[], $5::bytea[], $6::bytea[])",
            digests_table(&tx.tenant.schema, &object.name)
        ),
        &[&rows.created, &rows.ids, c0, c1, c2, c3],
    )
    .await
    .map(|_| ())
}

/// Rewrites the digests of `criteria` of the records in `rows` (their other
/// criteria are left as they are).
pub(crate) async fn update(
    tx: &PgTx,
    object: &ObjectDef,
    criteria: &[Criterion],
    rows: &DigestRows,
) -> Result<(), StoreError> {
    if rows.ids.is_empty() || criteria.is_empty() {
        return Ok(());
    }
    let codes: Vec<usize> = criteria
        .iter()
        .filter_map(|c| usize::try_from(c.code()).ok())
        .filter(|i| *i < rows.columns.len())
        .collect();
    let set: Vec<String> = codes.iter().map(|i| format!("c{i} = u.c{i}")).collect();
    let params: Vec<String> = (0..codes.len())
        .map(|n| format!("${}::bytea[]", n + 3))
        .collect();
    let names: Vec<String> = codes.iter().map(|i| format!("c{i}")).collect();
    let sql = format!(
        "UPDATE {} d SET {} FROM unnest($1::timestamptz[], $2::uuid[], {}) AS u(at, id, {}) \
         WHERE d.created_at = u.at AND d.record_id = u.id",
        digests_table(&tx.tenant.schema, &object.name),
        set.join(", "),
        params.join(", "),
        names.join(", ")
    );
    let mut values: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
        vec![&rows.created, &rows.ids];
    for i in &codes {
        if let Some(column) = rows.columns.get(*i) {
            values.push(column);
        }
    }
    tx.exec(&sql, &values).await.map(|_| ())
}

/// Rebuilds the digests of `object` from its records and their key rows
/// (`kasar.build_digests`, migration V10), after its keys were rebuilt.
pub(crate) async fn rebuild(tx: &PgTx, object: &ObjectDef) -> Result<(), StoreError> {
    let schema = &tx.tenant.schema;
    let dg = digests_table(schema, &object.name);
    tx.exec(&format!("TRUNCATE {dg}"), &[]).await?;
    tx.exec(
        "SELECT kasar.build_digests($1, $2, $3)",
        &[
            &dg,
            &keys_table(schema, &object.name),
            &table(schema, &object.name),
        ],
    )
    .await
    .map(|_| ())
}

/// One record as the digests table's column `d` lays it out.
pub(crate) struct DigestRecord<'a> {
    pub(crate) id: Uuid,
    pub(crate) created_at: DateTime<Utc>,
    /// Per criterion code, its digests concatenated (empty: none).
    pub(crate) digests: [&'a [u8]; 4],
}

/// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

impl<'a> DigestRecord<'a> {
    /// Reads one `d` value, which must hold exactly one record.
    pub(crate) fn parse(d: &'a [u8]) -> Result<Self, StoreError> {
        let mut rest = d;
        let mut take = |n: usize| -> Option<&'a [u8]> {
            let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
            rest = tail;
            Some(head)
        };
        let mut read = || -> Option<DigestRecord<'a>> {
            let id = Uuid::from_slice(take(16)?).ok()?;
            let micros = i64::from_be_bytes(take(8)?.try_into().ok()?);
            let created_at = DateTime::from_timestamp_micros(micros.checked_add(PG_EPOCH_MICROS)?)?;
            let mut counts = [0usize; 4];
            for count in &mut counts {
                *count = usize::from(u16::from_be_bytes(take(2)?.try_into().ok()?));
            }
            let mut digests: [&[u8]; 4] = [&[]; 4];
            for (slot, count) in digests.iter_mut().zip(counts) {
                *slot = take(count.checked_mul(KEY_DIGEST_BYTES)?)?;
            }
            Some(DigestRecord {
                id,
                created_at,
                digests,
            })
        };
        let record = read();
        match record {
            Some(record) if rest.is_empty() => Ok(record),
            _ => Err(StoreError::Unexpected(anyhow::anyhow!(
                "a malformed record of a digests table"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `d` as PostgreSQL lays it out for a record with two e-mail digests and
    /// one name digest.
    fn laid_out(id: Uuid, micros: i64, email: &[u8], name: &[u8]) -> Vec<u8> {
        let mut d = id.as_bytes().to_vec();
        d.extend_from_slice(&micros.to_be_bytes());
        for n in [email.len() / 16, 0, 0, name.len() / 16] {
            d.extend_from_slice(&u16::try_from(n).unwrap().to_be_bytes());
        }
        d.extend_from_slice(email);
        d.extend_from_slice(name);
        d
    }

    #[test]
    fn a_record_is_read_back_and_a_cut_or_longer_one_is_an_error() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let first = laid_out(a, 0, &[1; 32], &[2; 16]);
        let second = laid_out(b, 1_000_000, &[], &[]);
        let (one, two) = (
            DigestRecord::parse(&first).unwrap(),
            DigestRecord::parse(&second).unwrap(),
        );
        assert_eq!((one.id, two.id), (a, b));
        assert_eq!(one.created_at.timestamp(), 946_684_800);
        assert_eq!(two.created_at.timestamp(), 946_684_801);
        assert_eq!(one.digests, [&[1u8; 32][..], &[], &[], &[2u8; 16][..]]);
        assert!(two.digests.iter().all(|d| d.is_empty()));
        assert!(DigestRecord::parse(&first[..first.len() - 1]).is_err());
        let both = [first, second].concat();
        assert!(DigestRecord::parse(&both).is_err());
    }
}
