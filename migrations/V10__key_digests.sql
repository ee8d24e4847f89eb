-- Each record's exact keys as digests, one row per record in
-- `_digests_<object>`: per criterion (c0 e-mail, c1 phone, c2 LinkedIn,
-- c3 name), the 16-byte digests of the record's keys concatenated, the
-- digest of a key being the first half of the SHA-256 of its stored form
-- (crates/domain/src/duplicates/digest.rs). A generated column `d` lays the
-- record out as detect reads it (id, creation time, the number of digests of
-- each criterion, then the digests). Detect over the newest records reads
-- that column, newest first along the primary key, and groups equal
-- digests, instead of reading the records' columns and normalizing them
-- again. Writes keep them with the keys (inserts add a row, updates rewrite
-- the criteria they change); a trigger drops the rows of deleted
-- records and another carries a created_at changed by hand. New
-- organizations get the same table from their DDL
-- (crates/postgres/src/key_tables.rs).

-- TG_ARGV: the quoted digests table.
CREATE FUNCTION kasar.drop_digests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %s d USING gone g WHERE d.created_at = g.created_at AND d.record_id = g.id',
        TG_ARGV[0]);
    RETURN NULL;
END
$$;

-- TG_ARGV: the quoted digests table.
CREATE FUNCTION kasar.carry_digest_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE %s SET created_at = $1 WHERE created_at = $2 AND record_id = $3', TG_ARGV[0])
        USING NEW.created_at, OLD.created_at, NEW.id;
    RETURN NULL;
END
$$;

-- Adds the digest rows of the object's records that have none, each from
-- its exact key rows (the migration below, `kasar reindex` after emptying
-- the table, and the benchmarks' seeds).
CREATE FUNCTION kasar.build_digests(digests text, keys text, records text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'INSERT INTO %1$s (created_at, record_id, c0, c1, c2, c3) '
        'SELECT t.created_at, t.id, k.c0, k.c1, k.c2, k.c3 FROM %2$s t CROSS JOIN LATERAL ('
        '  SELECT '
        '    string_agg(substr(sha256(convert_to(key, ''UTF8'')), 1, 16), ''''::bytea) FILTER (WHERE criterion = 0) AS c0, '
        '    string_agg(substr(sha256(convert_to(key, ''UTF8'')), 1, 16), ''''::bytea) FILTER (WHERE criterion = 1) AS c1, '
        '    string_agg(substr(sha256(convert_to(key, ''UTF8'')), 1, 16), ''''::bytea) FILTER (WHERE criterion = 2) AS c2, '
        '    string_agg(substr(sha256(convert_to(key, ''UTF8'')), 1, 16), ''''::bytea) FILTER (WHERE criterion = 3) AS c3 '
        '  FROM %3$s WHERE record_id = t.id AND criterion < 4) k '
        'WHERE NOT EXISTS (SELECT 1 FROM %1$s d WHERE d.created_at = t.created_at AND d.record_id = t.id) '
        'ORDER BY t.created_at, t.id',
        digests, records, keys);
END
$$;

DO $$
DECLARE
    o record;
    k text;
    t text;
    dg text;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        k := format('%I.%I', o.schema_name, kasar.relation_name('_keys_' || o.name));
        t := format('%I.%I', o.schema_name, o.name);
        dg := format('%I.%I', o.schema_name, kasar.relation_name('_digests_' || o.name));
        EXECUTE format(
            'CREATE TABLE %s (created_at timestamptz NOT NULL, record_id uuid NOT NULL, '
            'c0 bytea, c1 bytea, c2 bytea, c3 bytea, '
            'd bytea GENERATED ALWAYS AS (uuid_send(record_id) || timestamptz_send(created_at) '
            '|| int2send((coalesce(octet_length(c0), 0) / 16)::int2) || int2send((coalesce(octet_length(c1), 0) / 16)::int2) '
            '|| int2send((coalesce(octet_length(c2), 0) / 16)::int2) || int2send((coalesce(octet_length(c3), 0) / 16)::int2) '
            '|| coalesce(c0, %L) || coalesce(c1, %L) || coalesce(c2, %L) || coalesce(c3, %L)) STORED, '
            'PRIMARY KEY (created_at, record_id)) WITH (fillfactor = 80)', dg, '', '', '', '');
        PERFORM kasar.build_digests(dg, k, t);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS gone '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.drop_digests(%L)',
            kasar.relation_name(o.name || '_drop_digests'), t, dg);
        EXECUTE format(
            'CREATE TRIGGER carry_digest_created_at AFTER UPDATE OF created_at ON %s FOR EACH ROW '
            'WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) '
            'EXECUTE FUNCTION kasar.carry_digest_created_at(%L)', t, dg);
    END LOOP;
END
$$;
