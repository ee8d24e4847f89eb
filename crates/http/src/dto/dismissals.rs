//! Bodies of dismissals: the `dismiss` and `undismiss` actions of
//! `POST /duplicates`, and `GET /dismissals`.

use chrono::{DateTime, Utc};
use kasar_application::dismissals::Dismissal;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{uuid_schema, ObjectName};

/// `action: "dismiss"` or `"undismiss"`: these records are not duplicates of
/// each other (or are again candidates).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissBody {
    /// `dismiss` or `undismiss`
    #[schema(schema_with = dismiss_actions)]
    pub action: String,
    #[schema(value_type = ObjectName)]
    pub object_name: String,
    /// 2 to 100 distinct records of the object.
    #[schema(schema_with = record_ids)]
    pub record_ids: Vec<String>,
}

fn dismiss_actions() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["dismiss", "undismiss"]))
}

fn record_ids() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(uuid_schema())
        .min_items(Some(2))
        .max_items(Some(100))
        .unique_items(true)
}

/// A dismissed set.
#[derive(Debug, Serialize, ToSchema)]
pub struct DismissalBody {
    pub dismissal_id: Uuid,
    pub object_name: String,
    /// Sorted.
    pub record_ids: Vec<Uuid>,
    pub dismissed_at: DateTime<Utc>,
    /// The workspace user who dismissed them (null once removed).
    pub dismissed_by: Option<Uuid>,
}

impl From<Dismissal> for DismissalBody {
    fn from(d: Dismissal) -> Self {
        Self {
            dismissal_id: d.dismissal_id,
            object_name: d.object_name,
            record_ids: d.record_ids,
            dismissed_at: d.dismissed_at,
            dismissed_by: d.dismissed_by,
        }
    }
}

/// The query of `GET /dismissals`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DismissalsQuery {
    /// Only sets of this object.
    pub object_name: Option<String>,
}

/// The dismissed sets, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DismissalsResponse {
    pub data: Vec<DismissalBody>,
}
