//! What a selection can name: the system columns and the catalog's fields,
//! and the values compared with them.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value as Json;
use uuid::Uuid;

use super::SelectError;
use crate::catalog::{FieldDef, FieldType, ObjectDef};
use crate::value::Value;

/// A column of a selection.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Id,
    CreatedAt,
    UpdatedAt,
    Field(FieldDef),
}

/// What kind of values a column holds, for the operators it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// TEXT, EMAIL, PHONE, LINKEDIN: substring operators apply.
    Textual,
    /// SELECT: text compared whole.
    Choice,
    Number,
    Boolean,
    Date,
    /// `created_at`, `updated_at`.
    Instant,
    /// `id`, OWNER, BELONGS_TO_ONE.
    Reference,
    /// MANY_TO_MANY.
    Links,
}

impl Column {
    /// The column of `object` called `name`, or a validation error.
    pub fn resolve(object: &ObjectDef, name: &str) -> Result<Self, SelectError> {
        match name {
            "id" => Ok(Self::Id),
            "created_at" => Ok(Self::CreatedAt),
            "updated_at" => Ok(Self::UpdatedAt),
            _ => object.field(name).cloned().map(Self::Field).ok_or_else(|| {
                SelectError::new(format!(
                    "unknown field '{}' for object '{}'",
                    crate::id::shorten(name),
                    object.name
                ))
            }),
        }
    }

    /// The name clients use.
    pub fn name(&self) -> &str {
        match self {
            Self::Id => "id",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
            Self::Field(f) => &f.name,
        }
    }

    /// The kind of its values.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Id => Kind::Reference,
            Self::CreatedAt | Self::UpdatedAt => Kind::Instant,
            Self::Field(f) => match f.field_type {
                FieldType::Text | FieldType::Email | FieldType::Phone | FieldType::Linkedin => {
                    Kind::Textual
                }
                FieldType::Select => Kind::Choice,
                FieldType::Number => Kind::Number,
                FieldType::Boolean => Kind::Boolean,
                FieldType::Date => Kind::Date,
                FieldType::Owner | FieldType::BelongsToOne => Kind::Reference,
                FieldType::ManyToMany => Kind::Links,
            },
        }
    }

    /// A value of this column from JSON (a filter value or a cursor).
    pub fn scalar(&self, json: &Json) -> Result<Scalar, SelectError> {
        let expected =
            |what: &str| SelectError::new(format!("'{}' compares with {what}", self.name()));
        match self {
            Self::Id => json
                .as_str()
                .and_then(|s| Uuid::parse_str(s).ok())
                .map(Scalar::Uuid)
                .ok_or_else(|| expected("a UUID")),
            Self::CreatedAt | Self::UpdatedAt => json
                .as_str()
                .and_then(instant)
                .map(Scalar::Instant)
                .ok_or_else(|| expected("an RFC 3339 timestamp or a YYYY-MM-DD date")),
            Self::Field(f) => {
                let optional = f.clone().with_required(false);
                match Value::from_json(&optional, json) {
                    Ok(Value::Null) => Err(expected("a value (use is_null for null)")),
                    Ok(v) => Ok(Scalar::Value(v)),
                    Err(e) => Err(SelectError::new(e.to_string())),
                }
            }
        }
    }
}

/// A timestamp (RFC 3339) or a date (midnight UTC).
fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

/// One value compared with a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A value of a catalog field (never `Null`).
    Value(Value),
    /// A creation or update time.
    Instant(DateTime<Utc>),
    /// A record id.
    Uuid(Uuid),
}

impl Scalar {
    /// The JSON form (for cursors), read back by [`Column::scalar`].
    pub fn to_json(&self) -> Json {
        match self {
            Self::Value(v) => v.to_json(),
            Self::Instant(t) => Json::String(crate::record::timestamp(*t)),
            Self::Uuid(id) => Json::String(id.to_string()),
        }
    }
}
