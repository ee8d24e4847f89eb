//! SQL text built from the catalog: identifiers come only from catalog names
//! (checked by `is_catalog_name` when provisioned) and are quoted by `ident`;
//! values are always parameters, typed by their field's type.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use kasar_domain::{FieldDef, FieldType, ObjectDef, Record, Value};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::Row;
use uuid::Uuid;

/// A boxed query parameter.
pub(crate) type Param = Box<dyn ToSql + Sync + Send>;

/// Quotes an identifier (doubling any `"`, though catalog names never hold one).
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `"schema"."table"`.
pub(crate) fn table(schema: &str, name: &str) -> String {
    format!("{}.{}", ident(schema), ident(name))
}

/// The SQL column type of a field stored as a column.
pub(crate) fn column_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Number => "double precision",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::Owner | FieldType::BelongsToOne | FieldType::ManyToMany => "uuid",
        _ => "text",
    }
}

/// The select list of a whole record, the table aliased `t`: system columns,
/// every column field, and every MANY_TO_MANY field as a sorted id array.
pub(crate) fn select_list(schema: &str, object: &ObjectDef) -> String {
    record_columns(object, |_, f| {
        format!(
            "ARRAY(SELECT j.target_id FROM {} j WHERE j.source_id = t.id ORDER BY j.target_id)",
            table(schema, &f.junction_table(&object.name))
        )
    })
}

/// The system columns and every column field of `t`, and each MANY_TO_MANY
/// field as `links` writes it (given the field's position and the field).
fn record_columns(object: &ObjectDef, mut links: impl FnMut(usize, &FieldDef) -> String) -> String {
    let mut cols = vec![
        "t.id".to_owned(),
        "t.created_at".to_owned(),
        "t.updated_at".to_owned(),
    ];
    for (i, f) in object.fields.iter().enumerate() {
        if f.is_column() {
            cols.push(format!("t.{}", ident(&f.name)));
        } else {
            cols.push(links(i, f));
        }
    }
    cols.join(", ")
}

/// The one record SELECT: every column of `object` (and its links) from its
/// table aliased `t`, followed by `tail` (`WHERE …`, `ORDER BY …`).
pub(crate) fn select_records(schema: &str, object: &ObjectDef, tail: &str) -> String {
    format!(
        "SELECT {} FROM {} t {tail}",
        select_list(schema, object),
        table(schema, &object.name)
    )
}

/// The records of the ids in `$1` (a `uuid[]`), as `select_records` lays
/// them out: the links of each MANY_TO_MANY field aggregated once for all of
/// them and joined, instead of a subquery per record (half the time for the
/// 150 records of a detect's 50 groups).
pub(crate) fn select_records_by_ids(schema: &str, object: &ObjectDef) -> String {
    let mut joins = String::new();
    let cols = record_columns(object, |i, f| {
        joins.push_str(&format!(
            " LEFT JOIN (SELECT source_id, array_agg(target_id ORDER BY target_id) AS ids \
             FROM {} WHERE source_id = ANY($1) GROUP BY source_id) l{i} ON l{i}.source_id = t.id",
            table(schema, &f.junction_table(&object.name))
        ));
        format!("coalesce(l{i}.ids, '{{}}'::uuid[])")
    });
    format!(
        "SELECT {cols} FROM {} t{joins} WHERE t.id = ANY($1)",
        table(schema, &object.name)
    )
}

/// The one junction INSERT: links every id of `$1` to every target of `$2`
/// through junction table `j`, leaving existing links alone.
pub(crate) fn insert_links(j: &str) -> String {
    format!(
        "INSERT INTO {j} (source_id, target_id) \
         SELECT s, g FROM unnest($1::uuid[]) s CROSS JOIN unnest($2::uuid[]) g \
         ON CONFLICT DO NOTHING"
    )
}

/// Decodes a row selected with `select_list`.
pub(crate) fn decode_record(
    object: &ObjectDef,
    row: &Row,
) -> Result<Record, tokio_postgres::Error> {
    let mut values = BTreeMap::new();
    for (i, f) in object.fields.iter().enumerate() {
        let idx = i + 3;
        let value = match f.field_type {
            FieldType::Number => row
                .try_get::<_, Option<f64>>(idx)?
                .map_or(Value::Null, Value::Number),
            FieldType::Boolean => row
                .try_get::<_, Option<bool>>(idx)?
                .map_or(Value::Null, Value::Bool),
            FieldType::Date => row
                .try_get::<_, Option<NaiveDate>>(idx)?
                .map_or(Value::Null, Value::Date),
            FieldType::Owner | FieldType::BelongsToOne => row
                .try_get::<_, Option<Uuid>>(idx)?
                .map_or(Value::Null, Value::Id),
            FieldType::ManyToMany => Value::Ids(row.try_get::<_, Vec<Uuid>>(idx)?),
            _ => row
                .try_get::<_, Option<String>>(idx)?
                .map_or(Value::Null, Value::Text),
        };
        values.insert(f.name.clone(), value);
    }
    Ok(Record {
        id: row.try_get(0)?,
        created_at: row.try_get::<_, DateTime<Utc>>(1)?,
        updated_at: row.try_get::<_, DateTime<Utc>>(2)?,
        values,
    })
}

/// A value as a parameter of its field's column type (nulls typed too, so
/// the driver accepts them for any column).
pub(crate) fn param(field: &FieldDef, value: &Value) -> Param {
    match (field.field_type, value) {
        (_, Value::Text(s)) => Box::new(s.clone()),
        (_, Value::Number(n)) => Box::new(*n),
        (_, Value::Bool(b)) => Box::new(*b),
        (_, Value::Date(d)) => Box::new(*d),
        (_, Value::Id(id)) => Box::new(*id),
        (_, Value::Ids(ids)) => Box::new(ids.clone()),
        (FieldType::Number, Value::Null) => Box::new(None::<f64>),
        (FieldType::Boolean, Value::Null) => Box::new(None::<bool>),
        (FieldType::Date, Value::Null) => Box::new(None::<NaiveDate>),
        (FieldType::Owner | FieldType::BelongsToOne | FieldType::ManyToMany, Value::Null) => {
            Box::new(None::<Uuid>)
        }
        (_, Value::Null) => Box::new(None::<String>),
    }
}

/// The values of one field type as an array parameter (null where a value
/// is `None`, null or of another kind) and the array's SQL type: for
/// `= ANY(...)` and for `unnest(...)` of many rows.
pub(crate) fn array_param<'a>(
    t: FieldType,
    values: impl Iterator<Item = Option<&'a Value>>,
) -> (Param, Type) {
    fn each<'a, T: ToSql + Sync + Send + 'static>(
        values: impl Iterator<Item = Option<&'a Value>>,
        f: impl Fn(&Value) -> Option<T>,
    ) -> Param {
        Box::new(values.map(|v| v.and_then(&f)).collect::<Vec<Option<T>>>())
    }
    match t {
        FieldType::Number => (
            each(values, |v| match v {
                Value::Number(n) => Some(*n),
                _ => None,
            }),
            Type::FLOAT8_ARRAY,
        ),
        FieldType::Boolean => (
            each(values, |v| match v {
                Value::Bool(b) => Some(*b),
                _ => None,
            }),
            Type::BOOL_ARRAY,
        ),
        FieldType::Date => (
            each(values, |v| match v {
                Value::Date(d) => Some(*d),
                _ => None,
            }),
            Type::DATE_ARRAY,
        ),
        FieldType::Owner | FieldType::BelongsToOne | FieldType::ManyToMany => (
            each(values, |v| match v {
                Value::Id(id) => Some(*id),
                _ => None,
            }),
            Type::UUID_ARRAY,
        ),
        _ => (
            each(values, |v| match v {
                Value::Text(s) => Some(s.clone()),
                _ => None,
            }),
            Type::TEXT_ARRAY,
        ),
    }
}

/// Borrowed parameter slice for the driver.
pub(crate) fn refs(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(ident("contacts"), "\"contacts\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(table("org_a", "tags"), "\"org_a\".\"tags\"");
    }
}
