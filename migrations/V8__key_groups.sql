-- The groups of the key index: for every exact key (criteria 0 to 3) held by
-- two or more records, those holders summed up in `_groups_<object>`: how
-- many they are, two 64-bit fingerprints of the set (XOR of a hash of each
-- holder's id: two keys with the same holders have the same fingerprints),
-- and the oldest of them (created_at, id). Detect over a whole table reads
-- these rows instead of every record.
--
-- Writes do not touch the groups: statement-level triggers on the key table
-- note the keys a statement inserted or deleted in `_dirty_<object>` (a plain
-- append, no index, no lock shared with other writers), whatever the path
-- (every write route, the drop of deleted records' keys, `kasar reindex`).
-- Before reading the groups, detect folds the noted keys in: in one statement
-- (one snapshot) it takes the notes out and recomputes those keys' groups
-- from the key table, under a lock that serializes folds of one object
-- (crates/postgres/src/key_groups.rs). New organizations get the same tables
-- from their DDL (crates/postgres/src/key_tables.rs): the names must agree.

-- Notes the keys a statement inserted (TG_ARGV[0]: the quoted notes table).
CREATE FUNCTION kasar.note_keys_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO %s (criterion, key) SELECT criterion, key FROM added WHERE criterion < 4',
        TG_ARGV[0]);
    RETURN NULL;
END
$$;

-- Notes the keys a statement deleted.
CREATE FUNCTION kasar.note_keys_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO %s (criterion, key) SELECT criterion, key FROM removed WHERE criterion < 4',
        TG_ARGV[0]);
    RETURN NULL;
END
$$;

-- A TRUNCATE of the key table empties the groups and the notes too
-- (TG_ARGV[0]: the groups table, TG_ARGV[1]: the notes table).
CREATE FUNCTION kasar.note_keys_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('TRUNCATE %s, %s', TG_ARGV[0], TG_ARGV[1]);
    RETURN NULL;
END
$$;

-- The relation name the service gives a name made from catalog names
-- (crates/domain/src/catalog.rs, relation_name): itself when it fits in 63
-- bytes, else its first 50 bytes, '_' and 12 hex digits of its SHA-256.
CREATE FUNCTION kasar.relation_name(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN octet_length(name) <= 63 THEN name
        ELSE left(name, 50) || '_' || left(encode(sha256(convert_to(name, 'UTF8')), 'hex'), 12) END
$$;

DO $$
DECLARE
    o record;
    k text;
    g text;
    d text;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        k := format('%I.%I', o.schema_name, kasar.relation_name('_keys_' || o.name));
        g := format('%I.%I', o.schema_name, kasar.relation_name('_groups_' || o.name));
        d := format('%I.%I', o.schema_name, kasar.relation_name('_dirty_' || o.name));
        EXECUTE format(
            'CREATE TABLE %s (criterion smallint NOT NULL, key text NOT NULL, n integer NOT NULL, '
            'fp1 bigint NOT NULL, fp2 bigint NOT NULL, oldest_at timestamptz NOT NULL, oldest_id uuid NOT NULL, '
            'PRIMARY KEY (criterion, key))', g);
        EXECUTE format('CREATE TABLE %s (criterion smallint NOT NULL, key text NOT NULL)', d);
        EXECUTE format(
            'CREATE TRIGGER note_added AFTER INSERT ON %s REFERENCING NEW TABLE AS added '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.note_keys_added(%L)', k, d);
        EXECUTE format(
            'CREATE TRIGGER note_removed AFTER DELETE ON %s REFERENCING OLD TABLE AS removed '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.note_keys_removed(%L)', k, d);
        EXECUTE format(
            'CREATE TRIGGER note_truncated AFTER TRUNCATE ON %s '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.note_keys_truncated(%L, %L)', k, g, d);
        -- Every existing key is noted: the first detect folds them all in.
        EXECUTE format('INSERT INTO %s (criterion, key) SELECT criterion, key FROM %s WHERE criterion < 4', d, k);
    END LOOP;
END
$$;

-- A person's blocking keys are now one per unordered pair of names instead of
-- one per order: keys built before are stale, so the index counts as never
-- built and `serve` rebuilds it on its next start (or `kasar reindex` does).
DELETE FROM kasar.key_index;
