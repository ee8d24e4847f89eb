-- The key index: each record's normalized match keys, in a table per object
-- of the organization's schema (`_keys_<object>`), for organizations
-- provisioned before it; new organizations get the same from their DDL
-- (crates/postgres/src/keys.rs, ddl): the names must agree. A statement-level
-- trigger drops the keys of deleted records. The tables start empty:
-- `kasar.key_index` holds no row until the keys are built (by
-- `kasar reindex`, or by `serve` on its first start), and then records the
-- phone region they were built with.
CREATE TABLE kasar.key_index (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    phone_region text NOT NULL,
    built_at     timestamptz NOT NULL DEFAULT now()
);

-- Drops the keys of the rows a DELETE removed; TG_ARGV[0] is the quoted
-- key table, written by the DDL from catalog names.
CREATE FUNCTION kasar.drop_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %s k USING gone g WHERE k.record_id = g.id', TG_ARGV[0]);
    RETURN NULL;
END
$$;

DO $$
DECLARE
    o record;
    k text;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        k := format('%I.%I', o.schema_name, '_keys_' || o.name);
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %s (record_id uuid NOT NULL, criterion smallint NOT NULL, '
            'key text NOT NULL, PRIMARY KEY (criterion, key, record_id))', k);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s (record_id)', '_keys_' || o.name || '_record', k);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER DELETE ON %I.%I REFERENCING OLD TABLE AS gone '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.drop_keys(%L)',
            o.name || '_drop_keys', o.schema_name, o.name, k);
    END LOOP;
END
$$;
