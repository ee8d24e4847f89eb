//! DDL of an organization's schema, generated from its catalog: one table per
//! object with typed columns, real foreign keys for BELONGS_TO_ONE and OWNER,
//! junction tables for MANY_TO_MANY, and the indexes the API's queries use.

use kasar_domain::catalog::{is_catalog_name, relation_name};
use kasar_domain::{FieldDef, FieldType, ObjectDef};

use crate::sql::{column_type, ident, table};

/// Why a catalog cannot be turned into tables.
#[derive(Debug, thiserror::Error)]
#[error("catalog name '{0}' is not a safe identifier")]
pub(crate) struct UnsafeName(pub String);

/// Every statement creating the schema `schema` with `objects` (which come in
/// dependency order: targets before the objects pointing at them).
pub(crate) fn provision(schema: &str, objects: &[ObjectDef]) -> Result<Vec<String>, UnsafeName> {
    check_names(schema, objects)?;
    let mut out = vec![format!("CREATE SCHEMA {}", ident(schema))];
    for o in objects {
        out.extend(object_tables(schema, o));
    }
    for o in objects {
        out.extend(junctions(schema, o));
    }
    Ok(out)
}

fn check_names(schema: &str, objects: &[ObjectDef]) -> Result<(), UnsafeName> {
    let names = std::iter::once(schema)
        .chain(objects.iter().map(|o| o.name.as_str()))
        .chain(
            objects
                .iter()
                .flat_map(|o| o.fields.iter().map(|f| f.name.as_str())),
        )
        .chain(
            objects
                .iter()
                .flat_map(|o| o.fields.iter().filter_map(|f| f.target.as_deref())),
        );
    for n in names {
        if !is_catalog_name(n) {
            return Err(UnsafeName(n.to_owned()));
        }
    }
    Ok(())
}

/// The table of `o` with its columns' constraints and indexes, and its key
/// table.
pub(crate) fn object_tables(schema: &str, o: &ObjectDef) -> Vec<String> {
    let t = table(schema, &o.name);
    let mut cols = vec![
        "id uuid PRIMARY KEY DEFAULT gen_random_uuid()".to_owned(),
        "created_at timestamptz NOT NULL DEFAULT clock_timestamp()".to_owned(),
        "updated_at timestamptz NOT NULL DEFAULT clock_timestamp()".to_owned(),
    ];
    let mut indexes = vec![
        format!(
            "CREATE INDEX {} ON {t} (created_at DESC, id DESC)",
            ident(&relation_name(format!("{}_newest", o.name)))
        ),
        format!(
            "CREATE INDEX {} ON {t} (updated_at DESC, id DESC)",
            ident(&relation_name(format!("{}_updated", o.name)))
        ),
    ];
    for f in o.column_fields() {
        indexes.extend(field_indexes(&t, &o.name, &f.name, f.field_type));
        cols.push(column(schema, f, None));
    }
    let mut out = vec![format!(
        "CREATE TABLE {t} (\n    {}\n)",
        cols.join(",\n    ")
    )];
    out.extend(indexes);
    out.extend(crate::key_tables::ddl(schema, &o.name));
    out
}

/// The definition of the column of `f`: type, NOT NULL, the default
/// (`default`, an SQL literal), and the foreign key of OWNER and
/// BELONGS_TO_ONE (`ON DELETE SET NULL`).
pub(crate) fn column(schema: &str, f: &FieldDef, default: Option<&str>) -> String {
    let mut col = format!("{} {}", ident(&f.name), column_type(f.field_type));
    if f.required {
        col.push_str(" NOT NULL");
    }
    if let Some(default) = default {
        col.push_str(&format!(" DEFAULT {default}"));
    }
    match (f.field_type, f.target.as_deref()) {
        (FieldType::Owner, _) => {
            col.push_str(" REFERENCES kasar.workspace_users (id) ON DELETE SET NULL")
        }
        (FieldType::BelongsToOne, Some(target)) => {
            col.push_str(&format!(
                " REFERENCES {} (id) ON DELETE SET NULL",
                table(schema, target)
            ));
        }
        _ => {}
    }
    col
}

/// The indexes of one column: equality and `in` on EMAIL, PHONE, SELECT,
/// OWNER and BELONGS_TO_ONE (`<object>_<field>`); substrings (`search`,
/// `contains`) through a trigram index on TEXT, EMAIL, PHONE and LINKEDIN
/// (`<object>_<field>_trgm`). Migration V2 creates the same for organizations
/// provisioned before it.
pub(crate) fn field_indexes(
    t: &str,
    object: &str,
    field: &str,
    field_type: FieldType,
) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(
        field_type,
        FieldType::Email
            | FieldType::Phone
            | FieldType::Select
            | FieldType::Owner
            | FieldType::BelongsToOne
    ) {
        out.push(format!(
            "CREATE INDEX {} ON {t} ({})",
            ident(&index_name(object, field, "")),
            ident(field)
        ));
    }
    if matches!(
        field_type,
        FieldType::Text | FieldType::Email | FieldType::Phone | FieldType::Linkedin
    ) {
        out.push(format!(
            "CREATE INDEX {} ON {t} USING gin ({} gin_trgm_ops)",
            ident(&index_name(object, field, "_trgm")),
            ident(field)
        ));
    }
    out
}

/// The name of an index of a field's column.
pub(crate) fn index_name(object: &str, field: &str, suffix: &str) -> String {
    relation_name(format!("{object}_{field}{suffix}"))
}

/// The junction tables of the MANY_TO_MANY fields of `o`.
pub(crate) fn junctions(schema: &str, o: &ObjectDef) -> Vec<String> {
    o.many_to_many_fields()
        .flat_map(|f| junction(schema, &o.name, f))
        .collect()
}

/// The junction table of one MANY_TO_MANY field of `object`, with the index
/// on its target side.
pub(crate) fn junction(schema: &str, object: &str, f: &FieldDef) -> Vec<String> {
    let Some(target) = f.target.as_deref() else {
        return Vec::new();
    };
    let name = f.junction_table(object);
    let j = table(schema, &name);
    vec![
        format!(
            "CREATE TABLE {j} (\n    source_id uuid NOT NULL REFERENCES {} (id) ON DELETE CASCADE,\n    \
             target_id uuid NOT NULL REFERENCES {} (id) ON DELETE CASCADE,\n    \
             created_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n    PRIMARY KEY (source_id, target_id)\n)",
            table(schema, object),
            table(schema, target)
        ),
        format!(
            "CREATE INDEX {} ON {j} (target_id)",
            ident(&relation_name(format!("{name}_target")))
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use kasar_domain::standard::standard_objects;

    #[test]
    fn standard_objects_give_tables_junctions_and_indexes() {
        let sql = provision("org_acme", &standard_objects())
            .unwrap()
            .join(";\n");
        assert!(sql.contains("CREATE TABLE \"org_acme\".\"contacts\""));
        assert!(sql.contains(
            "\"company\" uuid REFERENCES \"org_acme\".\"companies\" (id) ON DELETE SET NULL"
        ));
        assert!(sql.contains("CREATE TABLE \"org_acme\".\"contacts_tags\""));
        assert!(sql.contains("\"name\" text NOT NULL"));
        assert!(sql.contains("ON \"org_acme\".\"contacts\" (created_at DESC, id DESC)"));
    }

    #[test]
    fn unsafe_names_are_refused() {
        let mut objects = standard_objects();
        objects[0].name = "tags\"; DROP SCHEMA kasar; --".into();
        assert!(provision("org_acme", &objects).is_err());
        assert!(provision("org acme", &standard_objects()).is_err());
    }
}
