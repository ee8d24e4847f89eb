//! The statements of one catalog change: the tables (columns, foreign keys,
//! junction tables, indexes, key tables), the catalog rows, and the key index
//! when the change alters which keys a record has. Identifiers come from the
//! judged change (catalog names); a default reaches the DDL, which takes no
//! parameters, as a literal PostgreSQL quoted itself from a parameter.

use kasar_application::StoreError;
use kasar_domain::catalog::relation_name;
use kasar_domain::fuzzy::{profile_to_json, Comparison};
use kasar_domain::schema::SchemaChange;
use kasar_domain::{Catalog, FieldDef, ObjectDef};

use super::fields::{add_field, delete_field, patch_field};
use crate::ddl::{index_name, junctions, object_tables};
use crate::error::db;
use crate::key_tables::{digests_name, groups_name, keys_name, notes_name};
use crate::sql::table;
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
        SchemaChange::SetMatching {
            object,
            comparisons,
        } => {
            set_matching(tx, object, comparisons.as_deref()).await?;
            let before = catalog.object(object);
            match before {
                Some(before) => {
                    let mut after = before.clone();
                    after.matching.clone_from(comparisons);
                    super::fields::refresh_keys(tx, Some(before), &after).await
                }
                None => Ok(()),
            }
        }
    }
}

/// Refuses names PostgreSQL already holds in the schema (a junction table
/// named like an object, an index named like a table): 409 CONFLICT.
pub(super) async fn check_free(tx: &PgTx, names: Vec<String>) -> Result<(), StoreError> {
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
pub(super) fn field_relations(object: &str, field: &FieldDef) -> Vec<String> {
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

pub(super) async fn run_all(tx: &PgTx, statements: &[String]) -> Result<(), StoreError> {
    for s in statements {
        tx.exec(s, &[]).await?;
    }
    Ok(())
}

async fn create_object(tx: &PgTx, o: &ObjectDef) -> Result<(), StoreError> {
    let mut names = vec![
        o.name.clone(),
        keys_name(&o.name),
        groups_name(&o.name),
        notes_name(&o.name),
        digests_name(&o.name),
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

pub(super) async fn insert_field(
    tx: &PgTx,
    object_id: uuid::Uuid,
    f: &FieldDef,
) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO kasar.fields (object_id, name, field_type, required, options, default_value, target_object, position, label, custom) \
         SELECT $1, $2, $3, $4, $5, $6, $7, COALESCE(max(position) + 1, 0), $8, true FROM kasar.fields WHERE object_id = $1",
        &[&object_id, &f.name, &f.field_type.as_str(), &f.required, &f.options, &f.default_value, &f.target, &f.label],
    )
    .await?;
    Ok(())
}

/// Stores the profile of `object` (`None`: the default, no row).
pub(super) async fn set_matching(
    tx: &PgTx,
    object: &str,
    comparisons: Option<&[Comparison]>,
) -> Result<(), StoreError> {
    let org = &tx.tenant.organization_id;
    match comparisons {
        Some(c) => {
            tx.exec(
                "INSERT INTO kasar.match_profiles (organization_id, object_name, comparisons) VALUES ($1, $2, $3) \
                 ON CONFLICT (organization_id, object_name) DO UPDATE SET comparisons = EXCLUDED.comparisons, updated_at = now()",
                &[org, &object, &profile_to_json(c)],
            )
            .await?
        }
        None => {
            tx.exec(
                "DELETE FROM kasar.match_profiles WHERE organization_id = $1 AND object_name = $2",
                &[org, &object],
            )
            .await?
        }
    };
    Ok(())
}

async fn delete_object(tx: &PgTx, o: &ObjectDef) -> Result<(), StoreError> {
    let schema = &tx.tenant.schema;
    let mut drops: Vec<String> = o
        .many_to_many_fields()
        .map(|f| format!("DROP TABLE {}", table(schema, &f.junction_table(&o.name))))
        .collect();
    drops.push(format!("DROP TABLE {}", table(schema, &keys_name(&o.name))));
    drops.push(format!(
        "DROP TABLE {}",
        table(schema, &groups_name(&o.name))
    ));
    drops.push(format!(
        "DROP TABLE {}",
        table(schema, &notes_name(&o.name))
    ));
    drops.push(format!(
        "DROP TABLE {}",
        table(schema, &digests_name(&o.name))
    ));
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
    set_matching(tx, &o.name, None).await?;
    Ok(())
}
