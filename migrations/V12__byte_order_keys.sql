-- The key index compares its keys byte by byte (COLLATE "C"): a key is a
-- normalized string matched for equality and ordered only to be found, so a
-- linguistic collation buys nothing, and costs on every comparison of every
-- insert, lookup and delete in the key table's primary key (a strcoll call,
-- several times slower than a memcmp under en_US.UTF-8; under C.UTF-8, about
-- 15 % of a lookup). Keys were ordered by the database's collation, so the
-- indexes over them are rebuilt; the tables' rows are not rewritten.
-- New organizations get the same columns from their DDL
-- (crates/postgres/src/key_tables.rs).

-- Every key, groups and notes table of every organization's objects, each
-- converted by one statement.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN
        SELECT format('%I.%I', org.schema_name, kasar.relation_name(p.prefix || obj.name))
        FROM kasar.objects obj
        JOIN kasar.organizations org ON org.id = obj.organization_id
        CROSS JOIN unnest(ARRAY['_keys_', '_groups_', '_dirty_']) AS p(prefix)
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN key TYPE text COLLATE "C"', t);
    END LOOP;
END
$$;
