//! The tables of the key index of an object: `_keys_<object>` (every
//! record's keys) and `_groups_<object>` (per exact key, its holders summed
//! up), their names, and the statements creating them with their triggers.

use kasar_domain::catalog::relation_name;

use crate::sql::{ident, table};

/// The key table of `object` in `schema`. Catalog names start with a letter,
/// so no object or junction table can take this name.
pub(crate) fn keys_table(schema: &str, object: &str) -> String {
    table(schema, &keys_name(object))
}

/// The unqualified name of the key table of `object`.
pub(crate) fn keys_name(object: &str) -> String {
    relation_name(format!("_keys_{object}"))
}

/// The statements creating the key table of `object` and its groups: the
/// key table's primary key serves lookups by key; the second index serves
/// the refresh and the drop by record; the trigger on the object's table
/// (`kasar.drop_keys`, migration V3) drops the keys of deleted records; the
/// triggers on the key table (`kasar.count_keys_*`, migration V8) keep the
/// groups table, whose partial index holds the keys of two or more records.
/// No foreign key: its per-row check would double the cost of writing keys,
/// and keys are only written for records of the same transaction.
pub(crate) fn ddl(schema: &str, object: &str) -> Vec<String> {
    let k = keys_table(schema, object);
    let g = groups_table(schema, object);
    let t = table(schema, object);
    let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
    vec![
        format!(
            "CREATE TABLE {k} (\n    record_id uuid NOT NULL,\n    \
             criterion smallint NOT NULL,\n    key text NOT NULL,\n    PRIMARY KEY (criterion, key, record_id)\n)"
        ),
        format!(
            "CREATE INDEX {} ON {k} (record_id)",
            ident(&relation_name(format!("_keys_{object}_record")))
        ),
        format!(
            "CREATE TRIGGER {} AFTER DELETE ON {t} REFERENCING OLD TABLE AS gone \
             FOR EACH STATEMENT EXECUTE FUNCTION kasar.drop_keys({})",
            ident(&relation_name(format!("{object}_drop_keys"))),
            lit(&k)
        ),
        format!(
            "CREATE TABLE {g} (criterion smallint NOT NULL, key text NOT NULL, n integer NOT NULL, \
             fp1 bigint NOT NULL, fp2 bigint NOT NULL, oldest_at timestamptz, oldest_id uuid, \
             PRIMARY KEY (criterion, key))"
        ),
        format!(
            "CREATE INDEX {} ON {g} (criterion) INCLUDE (key, n, fp1, fp2, oldest_at, oldest_id) WHERE n >= 2",
            ident(&groups_index(object))
        ),
        format!(
            "CREATE TRIGGER count_added AFTER INSERT ON {k} REFERENCING NEW TABLE AS added \
             FOR EACH STATEMENT EXECUTE FUNCTION kasar.count_keys_added({}, {})",
            lit(&g),
            lit(&t)
        ),
        format!(
            "CREATE TRIGGER count_removed AFTER DELETE ON {k} REFERENCING OLD TABLE AS removed \
             FOR EACH STATEMENT EXECUTE FUNCTION kasar.count_keys_removed({}, {})",
            lit(&g),
            lit(&t)
        ),
        format!(
            "CREATE TRIGGER count_truncated AFTER TRUNCATE ON {k} \
             FOR EACH STATEMENT EXECUTE FUNCTION kasar.count_keys_truncated({})",
            lit(&g)
        ),
    ]
}

/// The groups table of `object` in `schema`: per exact key, its holders
/// summed up (see migration V8).
pub(crate) fn groups_table(schema: &str, object: &str) -> String {
    table(schema, &groups_name(object))
}

/// The unqualified name of the groups table of `object`.
pub(crate) fn groups_name(object: &str) -> String {
    relation_name(format!("_groups_{object}"))
}

/// The name of the partial index of the groups of two or more records.
pub(crate) fn groups_index(object: &str) -> String {
    relation_name(format!("_groups_{object}_shared"))
}

