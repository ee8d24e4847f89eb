//! The statements of a change of one field: a column (with its default as a
//! literal PostgreSQL quoted from a parameter, since DDL takes none) or a
//! junction table, its catalog row, and the key index when the field
//! changes which keys the object's records have.

use kasar_application::StoreError;
use kasar_domain::duplicates::{Criterion, MatchPlan};
use kasar_domain::fuzzy::{without_field, BlockPlan};
use kasar_domain::{Catalog, FieldDef, ObjectDef, Value};

use super::apply::{check_free, field_relations, insert_field, run_all, set_matching};
use crate::ddl::{column, field_indexes, junction};
use crate::error::db;
use crate::sql::{column_type, ident, table};
use crate::tx::PgTx;

/// The SQL literal of a field's default, quoted by PostgreSQL from a
/// parameter and cast to the column's type.
async fn default_literal(tx: &PgTx, f: &FieldDef) -> Result<Option<String>, StoreError> {
    let Some(json) = &f.default_value else {
        return Ok(None);
    };
    let text = match Value::from_json(f, json).map_err(|e| StoreError::Constraint(e.to_string()))? {
        Value::Text(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Id(id) => id.to_string(),
        Value::Null | Value::Ids(_) => return Ok(None),
    };
    let rows = tx.rows("SELECT quote_literal($1::text)", &[&text]).await?;
    let quoted: String = rows
        .first()
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(db)?
        .unwrap_or_default();
    Ok(Some(format!("{quoted}::{}", column_type(f.field_type))))
}

async fn object_id(tx: &PgTx, object: &str) -> Result<uuid::Uuid, StoreError> {
    let rows = tx
        .rows(
            "SELECT id FROM kasar.objects WHERE organization_id = $1 AND name = $2",
            &[&tx.tenant.organization_id, &object],
        )
        .await?;
    rows.first()
        .map(|r| r.try_get(0).map_err(db))
        .transpose()?
        .ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!("object {object} has no catalog row"))
        })
}

pub(super) async fn add_field(
    tx: &PgTx,
    catalog: &Catalog,
    object: &str,
    f: &FieldDef,
) -> Result<(), StoreError> {
    check_free(tx, field_relations(object, f)).await?;
    let schema = &tx.tenant.schema;
    if f.is_column() {
        let t = table(schema, object);
        let default = default_literal(tx, f).await?;
        tx.exec(
            &format!(
                "ALTER TABLE {t} ADD COLUMN {}",
                column(schema, f, default.as_deref())
            ),
            &[],
        )
        .await?;
        run_all(tx, &field_indexes(&t, object, &f.name, f.field_type)).await?;
    } else {
        run_all(tx, &junction(schema, object, f)).await?;
    }
    insert_field(tx, object_id(tx, object).await?, f).await?;
    let before = catalog.object(object);
    let mut after = before.cloned().unwrap_or_default();
    after.fields.push(f.clone());
    // A new field holds its default (or null) in every record: keys change
    // only when the default is a key, or the field changes the name key.
    let names_change = ["first_name", "last_name", "name"].contains(&f.name.as_str());
    if f.default_value.is_some() || names_change {
        refresh_keys(tx, before, &after).await?;
    }
    Ok(())
}

pub(super) async fn patch_field(
    tx: &PgTx,
    object: &str,
    before: &FieldDef,
    after: &FieldDef,
) -> Result<(), StoreError> {
    let t = table(&tx.tenant.schema, object);
    let col = ident(&after.name);
    if after.is_column() && before.required != after.required {
        let action = if after.required { "SET" } else { "DROP" };
        tx.exec(
            &format!("ALTER TABLE {t} ALTER COLUMN {col} {action} NOT NULL"),
            &[],
        )
        .await?;
    }
    if after.is_column() && before.default_value != after.default_value {
        let sql = match default_literal(tx, after).await? {
            Some(lit) => format!("ALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {lit}"),
            None => format!("ALTER TABLE {t} ALTER COLUMN {col} DROP DEFAULT"),
        };
        tx.exec(&sql, &[]).await?;
    }
    tx.exec(
        "UPDATE kasar.fields SET label = $3, required = $4, options = $5, default_value = $6 \
         WHERE object_id = $1 AND name = $2",
        &[
            &object_id(tx, object).await?,
            &after.name,
            &after.label,
            &after.required,
            &after.options,
            &after.default_value,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn delete_field(
    tx: &PgTx,
    catalog: &Catalog,
    object: &str,
    f: &FieldDef,
) -> Result<(), StoreError> {
    let schema = &tx.tenant.schema;
    let sql = if f.is_column() {
        format!(
            "ALTER TABLE {} DROP COLUMN {}",
            table(schema, object),
            ident(&f.name)
        )
    } else {
        format!("DROP TABLE {}", table(schema, &f.junction_table(object)))
    };
    tx.exec(&sql, &[]).await?;
    tx.exec(
        "DELETE FROM kasar.fields WHERE object_id = $1 AND name = $2",
        &[&object_id(tx, object).await?, &f.name],
    )
    .await?;
    let before = catalog.object(object);
    let mut after = before.cloned().unwrap_or_default();
    after.fields.retain(|x| x.name != f.name);
    if let Some(profile) = before.and_then(|o| o.matching.as_deref()) {
        let kept = without_field(&after, profile, &f.name);
        set_matching(tx, object, kept.as_deref()).await?;
    }
    refresh_keys(tx, before, &after).await
}

/// Rebuilds the keys of `after`'s records when its match plan differs from
/// `before`'s.
pub(super) async fn refresh_keys(
    tx: &PgTx,
    before: Option<&ObjectDef>,
    after: &ObjectDef,
) -> Result<(), StoreError> {
    let plan = |o: &ObjectDef| (MatchPlan::new(o, &Criterion::ALL), BlockPlan::new(o));
    if before.map(plan).as_ref() == Some(&plan(after)) {
        return Ok(());
    }
    crate::reindex::rebuild_object(tx, after).await.map(|_| ())
}
