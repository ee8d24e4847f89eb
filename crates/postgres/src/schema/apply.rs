//! The statements of one catalog change: the tables (columns, foreign keys,
//! junction tables, indexes, key tables), the catalog rows, and the key index
//! when the change alters which keys a record has. Identifiers come from the
//! judged change (catalog names); a default reaches the DDL, which takes no
//! parameters, as a literal PostgreSQL quoted itself from a parameter.

use kasar_application::StoreError;
use kasar_domain::catalog::relation_name;
use kasar_domain::duplicates::{Criterion, MatchPlan};
use kasar_domain::schema::SchemaChange;
use kasar_domain::{Catalog, FieldDef, ObjectDef, Value};

use crate::ddl::{column, field_indexes, index_name, junction, junctions, object_tables};
use crate::error::db;
use crate::keys::keys_name;
use crate::sql::{column_type, ident, table};
use crate::tx::PgTx;

/// Applies `change` to the tables and catalog rows of `tx`'s organization;
/// `catalog` is the catalog before it.
pub(super) async fn apply(
    tx: &PgTx,
    catalog: &Catalog,
    change: &SchemaChange,
) -> Result<(), StoreError> {
    match change {
        SchemaChange::CreateObject(o) => create_object(tx, o).await,
        SchemaChange::DeleteObject(o) => delete_object(tx, o).await,
        SchemaChange::AddField { object, field } => add_field(tx, catalog, object, field).await,
        SchemaChange::PatchField {
            object,
            before,
            after,
        } => patch_field(tx, object, before, after).await,
        SchemaChange::DeleteField { object, field } => {
            delete_field(tx, catalog, object, field).await
        }
    }
}

/// Refuses names PostgreSQL already holds in the schema (a junction table
/// named like an object, an index named like a table): 409 CONFLICT.
async fn check_free(tx: &PgTx, names: Vec<String>) -> Result<(), StoreError> {
    let rows = tx
        .rows(
            "SELECT relname::text FROM pg_class WHERE relnamespace = $1::text::regnamespace AND relname::text = ANY($2::text[]) LIMIT 1",
            &[&tx.tenant.schema, &names],
        )
        .await?;
    match rows.first() {
        Some(row) => {
            let name: String = row.try_get(0).map_err(db)?;
            Err(StoreError::NameTaken(format!(
                "the name '{name}' is taken by another table or index of the organization"
            )))
        }
        None => Ok(()),
    }
}

/// The relation names the tables of `field` of `object` take.
fn field_relations(object: &str, field: &FieldDef) -> Vec<String> {
    if field.is_column() {
        vec![
            index_name(object, &field.name, ""),
            index_name(object, &field.name, "_trgm"),
        ]
    } else {
        let j = field.junction_table(object);
        vec![relation_name(format!("{j}_target")), j]
    }
}

async fn run_all(tx: &PgTx, statements: &[String]) -> Result<(), StoreError> {
    for s in statements {
        tx.exec(s, &[]).await?;
    }
    Ok(())
}

async fn create_object(tx: &PgTx, o: &ObjectDef) -> Result<(), StoreError> {
    let mut names = vec![
        o.name.clone(),
        keys_name(&o.name),
        relation_name(format!("{}_newest", o.name)),
        relation_name(format!("{}_updated", o.name)),
        relation_name(format!("_keys_{}_record", o.name)),
    ];
    names.extend(o.fields.iter().flat_map(|f| field_relations(&o.name, f)));
    check_free(tx, names).await?;
    let schema = &tx.tenant.schema;
    run_all(tx, &object_tables(schema, o)).await?;
    run_all(tx, &junctions(schema, o)).await?;
    let rows = tx
        .rows(
            "INSERT INTO kasar.objects (organization_id, name, position, label, custom) \
             SELECT $1, $2, COALESCE(max(position) + 1, 0), $3, true FROM kasar.objects WHERE organization_id = $1 \
             RETURNING id",
            &[&tx.tenant.organization_id, &o.name, &o.label],
        )
        .await?;
    let object_id: uuid::Uuid = rows
        .first()
        .map(|r| r.try_get(0))
        .transpose()
        .map_err(db)?
        .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("no id for the new object")))?;
    for f in &o.fields {
        insert_field(tx, object_id, f).await?;
    }
    Ok(())
}

async fn insert_field(tx: &PgTx, object_id: uuid::Uuid, f: &FieldDef) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO kasar.fields (object_id, name, field_type, required, options, default_value, target_object, position, label, custom) \
         SELECT $1, $2, $3, $4, $5, $6, $7, COALESCE(max(position) + 1, 0), $8, true FROM kasar.fields WHERE object_id = $1",
        &[&object_id, &f.name, &f.field_type.as_str(), &f.required, &f.options, &f.default_value, &f.target, &f.label],
    )
    .await?;
    Ok(())
}

async fn delete_object(tx: &PgTx, o: &ObjectDef) -> Result<(), StoreError> {
    let schema = &tx.tenant.schema;
    let mut drops: Vec<String> = o
        .many_to_many_fields()
        .map(|f| format!("DROP TABLE {}", table(schema, &f.junction_table(&o.name))))
        .collect();
    drops.push(format!("DROP TABLE {}", table(schema, &keys_name(&o.name))));
    drops.push(format!("DROP TABLE {}", table(schema, &o.name)));
    run_all(tx, &drops).await?;
    let org = &tx.tenant.organization_id;
    tx.exec(
        "DELETE FROM kasar.objects WHERE organization_id = $1 AND name = $2",
        &[org, &o.name],
    )
    .await?;
    tx.exec(
        "DELETE FROM kasar.merges WHERE organization_id = $1 AND object_name = $2",
        &[org, &o.name],
    )
    .await?;
    tx.exec(
        "DELETE FROM kasar.dismissals WHERE organization_id = $1 AND object_name = $2",
        &[org, &o.name],
    )
    .await?;
    Ok(())
}

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

async fn add_field(
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

async fn patch_field(
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

async fn delete_field(
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
    refresh_keys(tx, before, &after).await
}

/// Rebuilds the keys of `after`'s records when its match plan differs from
/// `before`'s.
async fn refresh_keys(
    tx: &PgTx,
    before: Option<&ObjectDef>,
    after: &ObjectDef,
) -> Result<(), StoreError> {
    let plan = |o: &ObjectDef| MatchPlan::new(o, &Criterion::ALL);
    if before.map(plan).as_ref() == Some(&plan(after)) {
        return Ok(());
    }
    crate::reindex::rebuild_object(tx, after).await.map(|_| ())
}
