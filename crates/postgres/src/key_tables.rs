//! The tables of the key index of an object: `_keys_<object>` (every
//! record's keys) and `_groups_<object>` (per exact key, its holders summed
//! up) and `_dirty_<object>` (keys changed since the groups were folded) and
//! `_digests_<object>` (each record's exact keys as digests, for detect over
//! the newest records), their names, and the statements creating them with
//! their triggers.

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

/// The statements creating the key table of `object`, its groups and its
/// notes: keys compare byte by byte (`COLLATE "C"`, whatever the database's
/// collation: see migration V12); the key table's primary key serves lookups by key, each key's
/// holders in the order of their records' creation (`created_at`, the
/// record's, copied); the second
/// index serves the refresh and the drop by record; the trigger on the
/// object's table (`kasar.drop_keys`, migration V3) drops the keys of deleted
/// records, and a row trigger (`kasar.carry_created_at`, migration V9)
/// carries a `created_at` changed by hand (the API never does) to the
/// record's key rows; the triggers on the key table (`kasar.note_keys_*`, migration V8)
/// note the exact keys each statement changes, which detect folds into the
/// groups. No foreign key: its per-row check would double the cost of writing
/// keys, and keys are only written for records of the same transaction.
pub(crate) fn ddl(schema: &str, object: &str) -> Vec<String> {
    let k = keys_table(schema, object);
    let g = groups_table(schema, object);
    let d = notes_table(schema, object);
    let dg = digests_table(schema, object);
    let t = table(schema, object);
    let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
    vec![
        format!(
            "CREATE TABLE {k} (\n    record_id uuid NOT NULL,\n    \
             criterion smallint NOT NULL,\n    key text COLLATE \"C\" NOT NULL,\n    created_at timestamptz NOT NULL,\n    \
             PRIMARY KEY (criterion, key, created_at, record_id)\n)"
        ),
        format!(
            "CREATE INDEX {} ON {k} (record_id)",
            ident(&relation_name(format!("_keys_{object}_record")))
        ),
        after_delete(
            &ident(&relation_name(format!("{object}_drop_keys"))),
            &t,
            &format!("kasar.drop_keys({})", lit(&k)),
        ),
        after_created_at(
            "carry_created_at",
            &t,
            &format!("kasar.carry_created_at({}, {})", lit(&k), lit(&d)),
        ),
        format!(
            "CREATE TABLE {g} (criterion smallint NOT NULL, key text COLLATE \"C\" NOT NULL, n integer NOT NULL, \
             fp1 bigint NOT NULL, fp2 bigint NOT NULL, oldest_at timestamptz NOT NULL, oldest_id uuid NOT NULL, \
             PRIMARY KEY (criterion, key))"
        ),
        format!("CREATE TABLE {d} (criterion smallint NOT NULL, key text COLLATE \"C\" NOT NULL)"),
        // One row per record, written with its keys; its primary key read
        // backwards lists the newest records first. Room is left on each page
        // so that an update of a record's digests (no indexed column) stays on
        // its page (a HOT update).
        format!(
            "CREATE TABLE {dg} (created_at timestamptz NOT NULL, record_id uuid NOT NULL, \
             c0 bytea, c1 bytea, c2 bytea, c3 bytea, {DIGEST_RECORD}, \
             PRIMARY KEY (created_at, record_id)) WITH (fillfactor = 80)"
        ),
        after_delete(
            &ident(&relation_name(format!("{object}_drop_digests"))),
            &t,
            &format!("kasar.drop_digests({})", lit(&dg)),
        ),
        after_created_at(
            "carry_digest_created_at",
            &t,
            &format!("kasar.carry_digest_created_at({})", lit(&dg)),
        ),
        format!(
            "CREATE TRIGGER note_added AFTER INSERT ON {k} REFERENCING NEW TABLE AS added \
             FOR EACH STATEMENT EXECUTE FUNCTION kasar.note_keys_added({})",
            lit(&d)
        ),
        format!(
            "CREATE TRIGGER note_removed AFTER DELETE ON {k} REFERENCING OLD TABLE AS removed \
             FOR EACH STATEMENT EXECUTE FUNCTION kasar.note_keys_removed({})",
            lit(&d)
        ),
        format!(
            "CREATE TRIGGER note_truncated AFTER TRUNCATE ON {k} \
             FOR EACH STATEMENT EXECUTE FUNCTION kasar.note_keys_truncated({}, {})",
            lit(&g),
            lit(&d)
        ),
    ]
}

/// A statement-level trigger `name` on `t` calling `call` after every
/// DELETE, the rows it removed named `gone`.
fn after_delete(name: &str, t: &str, call: &str) -> String {
    format!(
        "CREATE TRIGGER {name} AFTER DELETE ON {t} REFERENCING OLD TABLE AS gone \
         FOR EACH STATEMENT EXECUTE FUNCTION {call}"
    )
}

/// A row trigger `name` on `t` calling `call` after an UPDATE that changes
/// the row's `created_at`.
fn after_created_at(name: &str, t: &str, call: &str) -> String {
    format!(
        "CREATE TRIGGER {name} AFTER UPDATE OF created_at ON {t} FOR EACH ROW \
         WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION {call}"
    )
}

/// The groups table of `object` in `schema`: per exact key of two or more
/// records, its holders summed up (see migration V8).
pub(crate) fn groups_table(schema: &str, object: &str) -> String {
    table(schema, &groups_name(object))
}

/// The unqualified name of the groups table of `object`.
pub(crate) fn groups_name(object: &str) -> String {
    relation_name(format!("_groups_{object}"))
}

/// The notes table of `object`: the exact keys changed since the groups
/// were last folded.
pub(crate) fn notes_table(schema: &str, object: &str) -> String {
    table(schema, &notes_name(object))
}

/// The unqualified name of the notes table of `object`.
pub(crate) fn notes_name(object: &str) -> String {
    relation_name(format!("_dirty_{object}"))
}

/// The digests table's column `d`: the record as detect reads it, computed by
/// PostgreSQL from the others whenever they change (its layout is read by
/// `digests::DigestRecord::parse`): the id (16 bytes), `created_at` (8,
/// microseconds since 2000 as `timestamptz_send` gives them), per criterion
/// code the number of its digests (2, big-endian), then the digests of each
/// criterion in that order. One column read per record costs about half as
/// much as the same values read as six columns.
pub(crate) const DIGEST_RECORD: &str = "d bytea GENERATED ALWAYS AS (uuid_send(record_id) || timestamptz_send(created_at) \
     || int2send((coalesce(octet_length(c0), 0) / 16)::int2) || int2send((coalesce(octet_length(c1), 0) / 16)::int2) \
     || int2send((coalesce(octet_length(c2), 0) / 16)::int2) || int2send((coalesce(octet_length(c3), 0) / 16)::int2) \
     || coalesce(c0, '') || coalesce(c1, '') || coalesce(c2, '') || coalesce(c3, '')) STORED";

/// The digests table of `object`: per record, the digests of its exact keys
/// (see migration V10).
pub(crate) fn digests_table(schema: &str, object: &str) -> String {
    table(schema, &digests_name(object))
}

/// The unqualified name of the digests table of `object`.
pub(crate) fn digests_name(object: &str) -> String {
    relation_name(format!("_digests_{object}"))
}
