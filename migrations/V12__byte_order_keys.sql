-- The key index compares its keys byte by byte (COLLATE "C"): a key is a
-- normalized string matched for equality and ordered only to be found, so a
-- linguistic collation buys nothing, and costs on every comparison of every
-- insert, lookup and delete in the key table's primary key (a strcoll call,
-- several times slower than a memcmp under en_US.UTF-8; under C.UTF-8, about
-- 15 % of a lookup). Keys were ordered by the database's collation, so the
-- indexes over them are rebuilt; the tables' rows are not rewritten.
-- New organizations get the same columns from their DDL
-- (crates/postgres/src/key_tables.rs).

DO $$
DECLARE
    o record;
    prefix text;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        FOREACH prefix IN ARRAY ARRAY['_keys_', '_groups_', '_dirty_'] LOOP
            EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN key TYPE text COLLATE "C"',
                o.schema_name, kasar.relation_name(prefix || o.name));
        END LOOP;
    END LOOP;
END
$$;
