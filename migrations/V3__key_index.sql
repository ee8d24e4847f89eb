-- The key index: each record's normalized match keys, in a table per object
-- of the organization's schema (`_keys_<object>`), for organizations
-- provisioned before it; new organizations get the same from their DDL
-- (crates/postgres/src/keys.rs, ddl): the names must agree. The tables start
-- empty: `kasar.key_index` holds no row until the keys are built (by
-- `kasar reindex`, or by `serve` on its first start), and then records the
-- phone region they were built with.
CREATE TABLE kasar.key_index (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    phone_region text NOT NULL,
    built_at     timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE
    o record;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %I.%I (record_id uuid NOT NULL REFERENCES %I.%I (id) ON DELETE CASCADE, '
            'criterion smallint NOT NULL, key text NOT NULL, PRIMARY KEY (criterion, key, record_id))',
            o.schema_name, '_keys_' || o.name, o.schema_name, o.name);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (record_id)',
                       '_keys_' || o.name || '_record', o.schema_name, '_keys_' || o.name);
    END LOOP;
END
$$;
