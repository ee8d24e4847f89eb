//! Set-based writes of batches: many records created, or each changed in its
//! own fields, with a fixed number of statements whatever their count (one per
//! table touched: the object's, and each MANY_TO_MANY junction).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use kasar_application::StoreError;
use kasar_domain::duplicates::{normalize_email, Criterion};
use kasar_domain::{FieldDef, FieldType, ObjectDef, Record, Value};
use uuid::Uuid;

use crate::keys::{self, Holder, Refresh};
use crate::sql::{array_param, column_type, ident, Param};
use crate::tx::PgTx;

/// One column's values across the rows, as a typed array parameter
/// (null where a row has null or no value), and the SQL type to cast it to.
fn column(field: &FieldDef, rows: &[&BTreeMap<String, Value>]) -> (Param, String) {
    let (param, _) = array_param(field.field_type, rows.iter().map(|r| r.get(&field.name)));
    (param, format!("{}[]", column_type(field.field_type)))
}

/// Inserts `rows` with the given `ids`: one INSERT for the table, one per
/// MANY_TO_MANY field for the links.
pub(crate) async fn insert_many(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    rows: &[&BTreeMap<String, Value>],
) -> Result<(), StoreError> {
    insert_rows(tx, object, ids, rows, None).await
}

/// Inserts records as they were: ids, `created_at`, `updated_at`, column
/// values (links are restored apart).
pub(crate) async fn restore_many(
    tx: &PgTx,
    object: &ObjectDef,
    records: &[Record],
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = records.iter().map(|r| r.id).collect();
    let created: Vec<DateTime<Utc>> = records.iter().map(|r| r.created_at).collect();
    let updated: Vec<DateTime<Utc>> = records.iter().map(|r| r.updated_at).collect();
    let columns: Vec<BTreeMap<String, Value>> = records
        .iter()
        .map(|r| {
            r.values
                .iter()
                .filter(|(k, _)| {
                    object
                        .field(k)
                        .is_some_and(|f| f.field_type != FieldType::ManyToMany)
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .collect();
    let rows: Vec<&BTreeMap<String, Value>> = columns.iter().collect();
    insert_rows(tx, object, &ids, &rows, Some((created, updated))).await
}

/// `created_at` and `updated_at` of each row.
type Times = (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>);

/// The INSERT of `insert_many`, with given times when `times` is set.
async fn insert_rows(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    rows: &[&BTreeMap<String, Value>],
    times: Option<Times>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut params: Vec<Param> = vec![Box::new(ids.to_vec())];
    let mut cols = vec!["id".to_owned()];
    let mut unnest = vec!["$1::uuid[]".to_owned()];
    if let Some((created, updated)) = times {
        for (name, at) in [("created_at", created), ("updated_at", updated)] {
            params.push(Box::new(at));
            cols.push(name.to_owned());
            unnest.push(format!("${}::timestamptz[]", params.len()));
        }
    }
    for f in object.column_fields() {
        let (p, ty) = column(f, rows);
        params.push(p);
        cols.push(ident(&f.name));
        unnest.push(format!("${}::{ty}", params.len()));
    }
    let sql = format!(
        "INSERT INTO {} ({}) SELECT * FROM unnest({}) RETURNING id, created_at",
        tx.t(&object.name),
        cols.join(", "),
        unnest.join(", ")
    );
    let inserted = tx.rows(&sql, &crate::sql::refs(&params)).await?;
    let holders = Holder::of_inserted(ids, &inserted)?;
    keys::for_inserted(tx, object, &holders, rows).await?;
    for f in object.many_to_many_fields() {
        let (sources, targets) = pairs(f, ids, rows);
        if !sources.is_empty() {
            let j = tx.t(&f.junction_table(&object.name));
            let sql = format!(
                "INSERT INTO {j} (source_id, target_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING"
            );
            tx.exec(&sql, &[&sources, &targets]).await?;
        }
    }
    Ok(())
}

/// The (record, target) pairs of a MANY_TO_MANY field over the rows.
fn pairs(
    field: &FieldDef,
    ids: &[Uuid],
    rows: &[&BTreeMap<String, Value>],
) -> (Vec<Uuid>, Vec<Uuid>) {
    let (mut sources, mut targets) = (Vec::new(), Vec::new());
    for (id, row) in ids.iter().zip(rows) {
        if let Some(Value::Ids(linked)) = row.get(&field.name) {
            for t in linked {
                sources.push(*id);
                targets.push(*t);
            }
        }
    }
    (sources, targets)
}

/// Sets, for each record, its own given fields (others left alone) and
/// replaces the MANY_TO_MANY fields it gives. A record gets a new `updated_at`
/// when a value really changes or its links are given, as a single update does.
pub(crate) async fn update_many(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    rows: &[&BTreeMap<String, Value>],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut params: Vec<Param> = vec![Box::new(ids.to_vec())];
    let mut names = vec!["id".to_owned()];
    let mut unnest = vec!["$1::uuid[]".to_owned()];
    let (mut sets, mut changed) = (Vec::new(), Vec::new());
    for (i, f) in object.column_fields().enumerate() {
        let given: Vec<bool> = rows.iter().map(|r| r.contains_key(&f.name)).collect();
        if !given.contains(&true) {
            continue;
        }
        let (p, ty) = column(f, rows);
        params.push(Box::new(given));
        unnest.push(format!("${}::bool[]", params.len()));
        params.push(p);
        unnest.push(format!("${}::{ty}", params.len()));
        let (g, v, col) = (format!("g{i}"), format!("v{i}"), ident(&f.name));
        names.push(g.clone());
        names.push(v.clone());
        sets.push(format!(
            "{col} = CASE WHEN u.{g} THEN u.{v} ELSE t.{col} END"
        ));
        changed.push(format!("(u.{g} AND u.{v} IS DISTINCT FROM t.{col})"));
    }
    let links: Vec<bool> = rows
        .iter()
        .map(|r| {
            object
                .many_to_many_fields()
                .any(|f| r.contains_key(&f.name))
        })
        .collect();
    params.push(Box::new(links));
    unnest.push(format!("${}::bool[]", params.len()));
    names.push("links".to_owned());
    changed.push("u.links".to_owned());
    sets.push(format!(
        "updated_at = CASE WHEN {} THEN clock_timestamp() ELSE t.updated_at END",
        changed.join(" OR ")
    ));
    let refresh = Refresh::of(object, |f| rows.iter().any(|r| r.contains_key(f)));
    let sql = format!(
        "UPDATE {} t SET {} FROM unnest({}) AS u({}) WHERE t.id = u.id{}",
        tx.t(&object.name),
        sets.join(", "),
        unnest.join(", "),
        names.join(", "),
        refresh
            .as_ref()
            .map(|r| r.returning("t"))
            .unwrap_or_default()
    );
    match refresh {
        Some(refresh) => {
            let changed = tx.rows(&sql, &crate::sql::refs(&params)).await?;
            refresh.apply(tx, object, &changed).await?;
        }
        None => {
            tx.exec(&sql, &crate::sql::refs(&params)).await?;
        }
    }
    replace_links(tx, object, ids, rows).await
}

/// For each MANY_TO_MANY field given by some records: their links become
/// exactly the given ones (one DELETE and one INSERT per field).
async fn replace_links(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    rows: &[&BTreeMap<String, Value>],
) -> Result<(), StoreError> {
    for f in object.many_to_many_fields() {
        let replaced: Vec<Uuid> = ids
            .iter()
            .zip(rows)
            .filter(|(_, r)| r.contains_key(&f.name))
            .map(|(id, _)| *id)
            .collect();
        if replaced.is_empty() {
            continue;
        }
        let (sources, targets) = pairs(f, ids, rows);
        let j = tx.t(&f.junction_table(&object.name));
        let delete = format!(
            "DELETE FROM {j} j WHERE j.source_id = ANY($1) AND NOT EXISTS \
             (SELECT 1 FROM unnest($2::uuid[], $3::uuid[]) AS k(s, g) WHERE k.s = j.source_id AND k.g = j.target_id)"
        );
        tx.exec(&delete, &[&replaced, &sources, &targets]).await?;
        let insert = format!(
            "INSERT INTO {j} (source_id, target_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING"
        );
        tx.exec(&insert, &[&sources, &targets]).await?;
    }
    Ok(())
}

/// Records whose EMAIL `field`, trimmed and lowercased, is one of `keys`:
/// the key index finds the records holding the key in any EMAIL field (one
/// lookup per key), and the field itself is then compared.
async fn find_by_email(
    tx: &PgTx,
    object: &ObjectDef,
    field: &str,
    keys: &[String],
) -> Result<Vec<(String, Uuid)>, StoreError> {
    let sql = format!(
        "SELECT k.key, k.record_id, t.{} FROM {} k JOIN {} t ON t.id = k.record_id \
         WHERE k.criterion = $1 AND k.key = ANY($2)",
        ident(field),
        keys::keys_table(&tx.tenant.schema, &object.name),
        tx.t(&object.name)
    );
    let rows = tx.rows(&sql, &[&Criterion::Email.code(), &keys]).await?;
    Ok(rows
        .iter()
        .filter(|r| {
            let own: Option<&str> = r.get(2);
            own.and_then(normalize_email).as_deref() == Some(r.get::<_, &str>(0))
        })
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Records whose `field` matches one of `keys`: the id itself for `id`, an
/// EMAIL trimmed and lowercased (the keys must be so too), TEXT exactly.
/// Returns (key, record id) pairs, several per key when several match.
pub(crate) async fn find_by(
    tx: &PgTx,
    object: &ObjectDef,
    field: &str,
    keys: &[String],
) -> Result<Vec<(String, Uuid)>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let t = tx.t(&object.name);
    if field == "id" {
        let ids: Vec<Uuid> = keys
            .iter()
            .filter_map(|k| Uuid::parse_str(k).ok())
            .collect();
        let rows = tx
            .rows(
                &format!("SELECT t.id FROM {t} t WHERE t.id = ANY($1)"),
                &[&ids],
            )
            .await?;
        return Ok(rows
            .iter()
            .map(|r| {
                let id: Uuid = r.get(0);
                (id.to_string(), id)
            })
            .collect());
    }
    let sql = match object.field(field).map(|f| f.field_type) {
        Some(FieldType::Email) => return find_by_email(tx, object, field, keys).await,
        Some(FieldType::Text) => {
            let c = ident(field);
            format!("SELECT t.{c}, t.id FROM {t} t WHERE t.{c} = ANY($1)")
        }
        _ => {
            return Err(StoreError::Unexpected(anyhow::anyhow!(
                "cannot match on {field}"
            )))
        }
    };
    let rows = tx.rows(&sql, &[&keys]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}
