//! Filters: a FilterGroup parsed from JSON and checked against the catalog,
//! or the simple one-condition form of a query string.

use serde_json::Value as Json;
use uuid::Uuid;

use super::column::{Column, Kind, Scalar};
use super::SelectError;
use crate::catalog::ObjectDef;

/// Deepest nesting of groups.
pub const MAX_DEPTH: usize = 5;
/// Most conditions in one filter.
pub const MAX_CONDITIONS: usize = 50;
/// Most values of one `in`, `not_in`, `has_any` or `has_none`.
pub const MAX_VALUES: usize = 1000;

/// An operator of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    NotEquals,
    In,
    NotIn,
    Contains,
    NotContains,
    StartsWith,
    GreaterThan,
    GreaterEqual,
    LessThan,
    LessEqual,
    IsNull,
    IsNotNull,
    HasAny,
    HasNone,
}

impl Op {
    /// Every operator with its name.
    pub const ALL: [(Op, &'static str); 15] = [
        (Op::Equals, "equals"),
        (Op::NotEquals, "not_equals"),
        (Op::In, "in"),
        (Op::NotIn, "not_in"),
        (Op::Contains, "contains"),
        (Op::NotContains, "not_contains"),
        (Op::StartsWith, "starts_with"),
        (Op::GreaterThan, "greater_than"),
        (Op::GreaterEqual, "greater_equal"),
        (Op::LessThan, "less_than"),
        (Op::LessEqual, "less_equal"),
        (Op::IsNull, "is_null"),
        (Op::IsNotNull, "is_not_null"),
        (Op::HasAny, "has_any"),
        (Op::HasNone, "has_none"),
    ];

    /// Parses an operator name.
    pub fn parse(s: &str) -> Result<Self, SelectError> {
        Self::ALL
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(op, _)| *op)
            .ok_or_else(|| {
                SelectError::new(format!("unknown operator '{}'", crate::id::shorten(s)))
            })
    }

    /// The operator's name.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(op, _)| *op == self)
            .map_or("", |(_, name)| name)
    }

    /// Whether the operator applies to a column of `kind`.
    fn applies_to(self, kind: Kind) -> bool {
        use Kind::{Date, Instant, Links, Number, Textual};
        match self {
            Op::IsNull | Op::IsNotNull => true,
            Op::HasAny | Op::HasNone => kind == Links,
            Op::Contains | Op::NotContains | Op::StartsWith => kind == Textual,
            Op::GreaterThan | Op::GreaterEqual | Op::LessThan | Op::LessEqual => {
                matches!(kind, Number | Date | Instant)
            }
            Op::Equals | Op::NotEquals | Op::In | Op::NotIn => kind != Links,
        }
    }
}

/// What a condition compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `is_null`, `is_not_null`.
    Nothing,
    One(Scalar),
    Many(Vec<Scalar>),
    /// A substring (`contains`, `not_contains`, `starts_with`), as given.
    Text(String),
    /// Target ids (`has_any`, `has_none`).
    Targets(Vec<Uuid>),
}

/// One condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub column: Column,
    pub op: Op,
    pub operand: Operand,
}

/// A filter: a condition, or a group of filters joined by AND or OR.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Condition(Condition),
    All(Vec<Filter>),
    Any(Vec<Filter>),
}

impl Filter {
    /// A FilterGroup `{"type": "AND"|"OR", "conditions": [...]}` of `object`.
    pub fn parse(object: &ObjectDef, json: &Json) -> Result<Self, SelectError> {
        let mut count = 0;
        group(object, json, 1, &mut count)
    }

    /// The simple form: one field, operator and value (comma-separated for
    /// the operators that take a list).
    pub fn simple(
        object: &ObjectDef,
        field: &str,
        op: &str,
        value: Option<&str>,
    ) -> Result<Self, SelectError> {
        let column = Column::resolve(object, field)?;
        let op = Op::parse(op)?;
        let json = match (op, value) {
            (Op::IsNull | Op::IsNotNull, _) => Json::Null,
            (_, None) => {
                return Err(SelectError::new(format!(
                    "filter_value is required for {}",
                    op.as_str()
                )))
            }
            (Op::In | Op::NotIn | Op::HasAny | Op::HasNone, Some(v)) => {
                Json::Array(v.split(',').map(|p| typed(&column, p.trim())).collect())
            }
            (_, Some(v)) => typed(&column, v),
        };
        condition(column, op, &json).map(Filter::Condition)
    }
}

/// A query-string value as the JSON its column expects.
fn typed(column: &Column, text: &str) -> Json {
    match column.kind() {
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Json::String(text.to_owned()), Json::Number),
        Kind::Boolean => match text {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            _ => Json::String(text.to_owned()),
        },
        _ => Json::String(text.to_owned()),
    }
}

fn group(
    object: &ObjectDef,
    json: &Json,
    depth: usize,
    count: &mut usize,
) -> Result<Filter, SelectError> {
    if depth > MAX_DEPTH {
        return Err(SelectError::new(format!(
            "filters nest at most {MAX_DEPTH} groups deep"
        )));
    }
    let map = json
        .as_object()
        .ok_or_else(|| SelectError::new("a filter group is an object with type and conditions"))?;
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "type" | "conditions"))
    {
        return Err(SelectError::new(format!(
            "unknown key '{}' in a filter group",
            crate::id::shorten(key)
        )));
    }
    let all = match map.get("type").and_then(Json::as_str) {
        Some("AND") => true,
        Some("OR") => false,
        _ => return Err(SelectError::new("a filter group's type is AND or OR")),
    };
    let items = map
        .get("conditions")
        .and_then(Json::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| SelectError::new("a filter group needs a non-empty conditions array"))?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if item.get("type").is_some() {
            out.push(group(object, item, depth + 1, count)?);
        } else {
            *count += 1;
            if *count > MAX_CONDITIONS {
                return Err(SelectError::new(format!(
                    "a filter holds at most {MAX_CONDITIONS} conditions"
                )));
            }
            out.push(Filter::Condition(parse_condition(object, item)?));
        }
    }
    Ok(if all {
        Filter::All(out)
    } else {
        Filter::Any(out)
    })
}

fn parse_condition(object: &ObjectDef, json: &Json) -> Result<Condition, SelectError> {
    let map = json.as_object().ok_or_else(|| {
        SelectError::new("a condition is an object with field, operator and value")
    })?;
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "field" | "operator" | "value"))
    {
        return Err(SelectError::new(format!(
            "unknown key '{}' in a condition",
            crate::id::shorten(key)
        )));
    }
    let text = |key: &str| {
        map.get(key)
            .and_then(Json::as_str)
            .ok_or_else(|| SelectError::new(format!("a condition needs a string '{key}'")))
    };
    let column = Column::resolve(object, text("field")?)?;
    let op = Op::parse(text("operator")?)?;
    condition(column, op, map.get("value").unwrap_or(&Json::Null))
}

/// Checks the operator against the column and types the value.
fn condition(column: Column, op: Op, value: &Json) -> Result<Condition, SelectError> {
    if !op.applies_to(column.kind()) {
        return Err(SelectError::new(format!(
            "operator {} does not apply to '{}'",
            op.as_str(),
            column.name()
        )));
    }
    let operand = match op {
        Op::IsNull | Op::IsNotNull => Operand::Nothing,
        Op::Contains | Op::NotContains | Op::StartsWith => match value.as_str() {
            Some(s) if s.contains('\0') => {
                return Err(SelectError::new(format!(
                    "{} takes no NUL character (U+0000)",
                    op.as_str()
                )))
            }
            Some(s) if !s.is_empty() => Operand::Text(s.to_owned()),
            _ => {
                return Err(SelectError::new(format!(
                    "{} takes a non-empty string",
                    op.as_str()
                )))
            }
        },
        Op::In | Op::NotIn => Operand::Many(
            list(op, value)?
                .iter()
                .map(|v| column.scalar(v))
                .collect::<Result<_, _>>()?,
        ),
        Op::HasAny | Op::HasNone => Operand::Targets(
            list(op, value)?
                .iter()
                .map(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok()))
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    SelectError::new(format!("{} takes an array of ids", op.as_str()))
                })?,
        ),
        _ => Operand::One(column.scalar(value)?),
    };
    Ok(Condition {
        column,
        op,
        operand,
    })
}

/// The array value of a list operator: 1 to [`MAX_VALUES`] items.
fn list(op: Op, value: &Json) -> Result<&Vec<Json>, SelectError> {
    let items = value
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| SelectError::new(format!("{} takes a non-empty array", op.as_str())))?;
    if items.len() > MAX_VALUES {
        return Err(SelectError::new(format!(
            "{} takes at most {MAX_VALUES} values",
            op.as_str()
        )));
    }
    Ok(items)
}
