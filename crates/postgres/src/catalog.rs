//! Reading an organization's catalog, at one version, in one statement (one
//! snapshot): objects, fields and the version that every committed change of
//! the catalog increments.

use kasar_application::StoreError;
use kasar_domain::fuzzy::profile_from_json;
use kasar_domain::{Catalog, FieldDef, FieldType, ObjectDef};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::conn::Conn;
use crate::error::db;

const LOAD: &str = "SELECT org.catalog_version, o.name, o.label, o.custom, \
     f.name, f.field_type, f.required, f.options, f.default_value, f.target_object, f.label, f.custom, mp.comparisons \
     FROM kasar.organizations org \
     LEFT JOIN kasar.objects o ON o.organization_id = org.id \
     LEFT JOIN kasar.match_profiles mp ON mp.organization_id = org.id AND mp.object_name = o.name \
     LEFT JOIN kasar.fields f ON f.object_id = o.id \
     WHERE org.id = $1 ORDER BY o.position, f.position";

/// The catalog of `organization_id` as `conn` sees it now.
pub(crate) async fn load(conn: &Conn, organization_id: Uuid) -> Result<Catalog, StoreError> {
    let rows = conn.query(LOAD, &[&organization_id]).await?;
    let mut catalog = Catalog::default();
    for row in &rows {
        catalog.version = row.try_get(0).map_err(db)?;
        let Some(object) = row.try_get::<_, Option<String>>(1).map_err(db)? else {
            continue;
        };
        if catalog.objects.last().is_none_or(|o| o.name != object) {
            let matching = row
                .try_get::<_, Option<serde_json::Value>>(12)
                .map_err(db)?
                .map(|json| profile_from_json(&json))
                .transpose()
                .map_err(|e| {
                    StoreError::Unexpected(anyhow::anyhow!("stored match profile: {e}"))
                })?;
            catalog.objects.push(ObjectDef {
                name: object,
                fields: Vec::new(),
                label: row.try_get(2).map_err(db)?,
                custom: row.try_get(3).map_err(db)?,
                matching,
            });
        }
        if let (Some(field), Some(o)) = (field(row)?, catalog.objects.last_mut()) {
            o.fields.push(field);
        }
    }
    if rows.is_empty() {
        return Err(StoreError::Unexpected(anyhow::anyhow!(
            "organization {organization_id} not found"
        )));
    }
    Ok(catalog)
}

fn field(row: &Row) -> Result<Option<FieldDef>, StoreError> {
    let Some(name) = row.try_get::<_, Option<String>>(4).map_err(db)? else {
        return Ok(None);
    };
    let type_name: String = row.try_get(5).map_err(db)?;
    let field_type = FieldType::parse(&type_name).ok_or_else(|| {
        StoreError::Unexpected(anyhow::anyhow!("unknown field type {type_name} in catalog"))
    })?;
    let mut field = FieldDef::new(name, field_type).with_required(row.try_get(6).map_err(db)?);
    field.options = row.try_get(7).map_err(db)?;
    field.default_value = row.try_get(8).map_err(db)?;
    field.target = row.try_get(9).map_err(db)?;
    field.label = row.try_get(10).map_err(db)?;
    field.custom = row.try_get(11).map_err(db)?;
    Ok(Some(field))
}
