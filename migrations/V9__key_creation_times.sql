-- Every key row carries its record's creation time, and the key table's
-- primary key orders a key's holders by it: (criterion, key, created_at,
-- record_id). The oldest record holding a key (an import's `duplicate_of`)
-- is then the key's first entry in the index, read without reading any
-- record; before, every holder's record was read to compare their ages,
-- which grew with the table (a common name has more holders in a larger
-- one). New organizations get the same table from their DDL
-- (crates/postgres/src/key_tables.rs).
--
-- The API never changes a record's created_at; should it be changed by hand,
-- a row trigger carries the new time to the record's key rows and notes its
-- exact keys, so that the groups' oldest holders are folded again.

-- TG_ARGV: the quoted key table, then the quoted notes table.
CREATE FUNCTION kasar.carry_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE %s SET created_at = $1 WHERE record_id = $2', TG_ARGV[0])
        USING NEW.created_at, NEW.id;
    EXECUTE format('INSERT INTO %s (criterion, key) SELECT criterion, key FROM %s '
        'WHERE record_id = $1 AND criterion < 4', TG_ARGV[1], TG_ARGV[0])
        USING NEW.id;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    o record;
    k text;
    t text;
    d text;
    pk text;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        k := format('%I.%I', o.schema_name, kasar.relation_name('_keys_' || o.name));
        t := format('%I.%I', o.schema_name, o.name);
        d := format('%I.%I', o.schema_name, kasar.relation_name('_dirty_' || o.name));
        EXECUTE format('ALTER TABLE %s ADD COLUMN created_at timestamptz', k);
        EXECUTE format('UPDATE %s k SET created_at = t.created_at FROM %s t WHERE t.id = k.record_id', k, t);
        -- Keys of no record cannot exist (a trigger drops the keys of deleted
        -- records in the same statement); should one, it would have no age.
        EXECUTE format('DELETE FROM %s WHERE created_at IS NULL', k);
        EXECUTE format('ALTER TABLE %s ALTER COLUMN created_at SET NOT NULL', k);
        SELECT c.conname INTO pk FROM pg_constraint c
        WHERE c.conrelid = k::regclass AND c.contype = 'p';
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD PRIMARY KEY (criterion, key, created_at, record_id)',
            k, pk);
        EXECUTE format(
            'CREATE TRIGGER carry_created_at AFTER UPDATE OF created_at ON %s FOR EACH ROW '
            'WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) '
            'EXECUTE FUNCTION kasar.carry_created_at(%L, %L)', t, k, d);
    END LOOP;
END
$$;
