//! A [`Selection`] as SQL, in one place: the WHERE clause of its filter and
//! search (and of a keyset cursor), and its ORDER BY. Column names come from
//! the catalog through `ident`; every value is a parameter.

use chrono::{DateTime, Utc};
use kasar_domain::select::{
    After, Column, Condition, Filter, Kind, Op, Operand, Scalar, Selection, SortKey,
};
use kasar_domain::{FieldType, ObjectDef};
use uuid::Uuid;

use tokio_postgres::types::Type;

use crate::sql::{self, ident, param, table, Param};

/// A parameter with its SQL type (so a statement needs no prepare round trip).
pub(crate) type Typed = (Param, Type);

/// A WHERE clause (`TRUE` when nothing is filtered) and its parameters,
/// numbered from the `first` given.
pub(crate) struct Clause {
    pub(crate) sql: String,
    pub(crate) params: Vec<Typed>,
}

/// Builds clauses, numbering parameters as it goes.
struct Builder<'a> {
    schema: &'a str,
    object: &'a ObjectDef,
    params: Vec<Typed>,
    first: usize,
}

impl Builder<'_> {
    /// Adds a parameter; returns its placeholder.
    fn bind(&mut self, p: Typed) -> String {
        self.params.push(p);
        format!("${}", self.first + self.params.len() - 1)
    }
}

/// The WHERE clause of `selection`'s filter and search, and of the rows
/// after `after` in its order.
pub(crate) fn clause(
    schema: &str,
    object: &ObjectDef,
    selection: &Selection,
    after: Option<&After>,
    first: usize,
) -> Clause {
    let mut b = Builder {
        schema,
        object,
        params: Vec::new(),
        first,
    };
    let mut parts = Vec::new();
    if let Some(filter) = &selection.filter {
        parts.push(filter_sql(&mut b, filter));
    }
    if let Some(term) = &selection.search {
        parts.push(search_sql(&mut b, term));
    }
    if let Some(after) = after {
        parts.push(keyset_sql(&mut b, &selection.sort, after));
    }
    let sql = if parts.is_empty() {
        "TRUE".to_owned()
    } else {
        parts.join(" AND ")
    };
    Clause {
        sql,
        params: b.params,
    }
}

/// `ORDER BY` of the sort keys, then `id` in the last key's direction.
pub(crate) fn order_by(sort: &[SortKey]) -> String {
    let mut keys: Vec<String> = sort
        .iter()
        .map(|k| {
            let dir = if k.descending {
                "DESC NULLS FIRST"
            } else {
                "ASC NULLS LAST"
            };
            format!("{} {dir}", column_sql(&k.column))
        })
        .collect();
    let last_desc = sort.last().is_some_and(|k| k.descending);
    keys.push(format!("t.id {}", if last_desc { "DESC" } else { "ASC" }));
    format!("ORDER BY {}", keys.join(", "))
}

/// The column of the table aliased `t`.
fn column_sql(column: &Column) -> String {
    match column {
        Column::Id => "t.id".to_owned(),
        Column::CreatedAt => "t.created_at".to_owned(),
        Column::UpdatedAt => "t.updated_at".to_owned(),
        Column::Field(f) => format!("t.{}", ident(&f.name)),
    }
}

fn filter_sql(b: &mut Builder<'_>, filter: &Filter) -> String {
    match filter {
        Filter::Condition(c) => condition_sql(b, c),
        Filter::All(items) => join(b, items, " AND "),
        Filter::Any(items) => join(b, items, " OR "),
    }
}

fn join(b: &mut Builder<'_>, items: &[Filter], with: &str) -> String {
    let parts: Vec<String> = items.iter().map(|f| filter_sql(b, f)).collect();
    format!("({})", parts.join(with))
}

fn condition_sql(b: &mut Builder<'_>, c: &Condition) -> String {
    if c.column.kind() == Kind::Links {
        return links_sql(b, c);
    }
    let col = column_sql(&c.column);
    match (&c.operand, c.op) {
        (Operand::Nothing, Op::IsNull) => format!("{col} IS NULL"),
        (Operand::Nothing, _) => format!("{col} IS NOT NULL"),
        (Operand::One(v), op) => {
            let p = b.bind(scalar_param(&c.column, v));
            match op {
                Op::NotEquals => format!("{col} IS DISTINCT FROM {p}"),
                Op::GreaterThan => format!("{col} > {p}"),
                Op::GreaterEqual => format!("{col} >= {p}"),
                Op::LessThan => format!("{col} < {p}"),
                Op::LessEqual => format!("{col} <= {p}"),
                _ => format!("{col} = {p}"),
            }
        }
        (Operand::Many(values), op) => {
            let p = b.bind(array_param(&c.column, values));
            if op == Op::NotIn {
                format!("({col} IS NULL OR NOT ({col} = ANY({p})))")
            } else {
                format!("{col} = ANY({p})")
            }
        }
        (Operand::Text(text), op) => {
            let escaped = like_escape(text);
            let pattern = if op == Op::StartsWith {
                format!("{escaped}%")
            } else {
                format!("%{escaped}%")
            };
            let p = b.bind((Box::new(pattern), Type::TEXT));
            if op == Op::NotContains {
                format!("({col} IS NULL OR {col} NOT ILIKE {p})")
            } else {
                format!("{col} ILIKE {p}")
            }
        }
        (Operand::Targets(_), _) => "FALSE".to_owned(),
    }
}

/// Conditions on a MANY_TO_MANY field, through its junction table.
fn links_sql(b: &mut Builder<'_>, c: &Condition) -> String {
    let Column::Field(f) = &c.column else {
        return "FALSE".to_owned();
    };
    let j = table(b.schema, &f.junction_table(&b.object.name));
    let exists =
        |extra: &str| format!("EXISTS (SELECT 1 FROM {j} j WHERE j.source_id = t.id{extra})");
    match (&c.operand, c.op) {
        (Operand::Nothing, Op::IsNull) => format!("NOT {}", exists("")),
        (Operand::Nothing, _) => exists(""),
        (Operand::Targets(ids), op) => {
            let p = b.bind((Box::new(ids.clone()), Type::UUID_ARRAY));
            let any = exists(&format!(" AND j.target_id = ANY({p})"));
            if op == Op::HasNone {
                format!("NOT {any}")
            } else {
                any
            }
        }
        _ => "FALSE".to_owned(),
    }
}

/// Any TEXT, EMAIL, PHONE or LINKEDIN field holds `term`, case-insensitively.
fn search_sql(b: &mut Builder<'_>, term: &str) -> String {
    let textual: Vec<String> = b
        .object
        .fields
        .iter()
        .filter(|f| Column::Field((*f).clone()).kind() == Kind::Textual)
        .map(|f| format!("t.{}", ident(&f.name)))
        .collect();
    if textual.is_empty() {
        return "FALSE".to_owned();
    }
    let p = b.bind((Box::new(format!("%{}%", like_escape(term))), Type::TEXT));
    let parts: Vec<String> = textual.iter().map(|c| format!("{c} ILIKE {p}")).collect();
    format!("({})", parts.join(" OR "))
}

/// The rows after `after` in the order of `sort` then `id`: for each key, the
/// earlier keys tie and this one comes later.
fn keyset_sql(b: &mut Builder<'_>, sort: &[SortKey], after: &After) -> String {
    let mut ors = Vec::new();
    let mut ties: Vec<String> = Vec::new();
    for (key, value) in sort.iter().zip(&after.values) {
        let col = column_sql(&key.column);
        let p = value.as_ref().map(|v| b.bind(scalar_param(&key.column, v)));
        let later = match (&p, key.descending) {
            (Some(p), false) => Some(format!("({col} > {p} OR {col} IS NULL)")),
            (None, false) => None,
            (Some(p), true) => Some(format!("{col} < {p}")),
            (None, true) => Some(format!("{col} IS NOT NULL")),
        };
        if let Some(later) = later {
            ors.push(with_ties(&ties, &later));
        }
        ties.push(match &p {
            Some(p) => format!("{col} = {p}"),
            None => format!("{col} IS NULL"),
        });
    }
    let id = b.bind((Box::new(after.id), Type::UUID));
    let cmp = if sort.last().is_some_and(|k| k.descending) {
        "<"
    } else {
        ">"
    };
    ors.push(with_ties(&ties, &format!("t.id {cmp} {id}")));
    format!("({})", ors.join(" OR "))
}

fn with_ties(ties: &[String], last: &str) -> String {
    let mut all: Vec<&str> = ties.iter().map(String::as_str).collect();
    all.push(last);
    format!("({})", all.join(" AND "))
}

/// Escapes `\`, `%` and `_` for ILIKE (whose escape character is `\`).
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn scalar_param(column: &Column, v: &Scalar) -> Typed {
    match (column, v) {
        (_, Scalar::Instant(t)) => (Box::new(*t), Type::TIMESTAMPTZ),
        (_, Scalar::Uuid(id)) => (Box::new(*id), Type::UUID),
        (Column::Field(f), Scalar::Value(v)) => (param(f, v), sql_type(f.field_type)),
        (_, Scalar::Value(v)) => (Box::new(format!("{v:?}")), Type::TEXT),
    }
}

/// The SQL type of a column field's values.
fn sql_type(t: FieldType) -> Type {
    match t {
        FieldType::Number => Type::FLOAT8,
        FieldType::Boolean => Type::BOOL,
        FieldType::Date => Type::DATE,
        FieldType::Owner | FieldType::BelongsToOne | FieldType::ManyToMany => Type::UUID,
        _ => Type::TEXT,
    }
}

/// A typed array parameter for `= ANY(...)`.
fn array_param(column: &Column, values: &[Scalar]) -> Typed {
    match column {
        Column::Id => {
            let ids: Vec<Uuid> = values
                .iter()
                .filter_map(|s| match s {
                    Scalar::Uuid(id) => Some(*id),
                    _ => None,
                })
                .collect();
            (Box::new(ids), Type::UUID_ARRAY)
        }
        Column::CreatedAt | Column::UpdatedAt => {
            let times: Vec<DateTime<Utc>> = values
                .iter()
                .filter_map(|s| match s {
                    Scalar::Instant(t) => Some(*t),
                    _ => None,
                })
                .collect();
            (Box::new(times), Type::TIMESTAMPTZ_ARRAY)
        }
        Column::Field(f) => sql::array_param(
            f.field_type,
            values.iter().map(|s| match s {
                Scalar::Value(v) => Some(v),
                _ => None,
            }),
        ),
    }
}
