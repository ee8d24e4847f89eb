-- The groups of the key index: for every exact key (criteria 0 to 3) its
-- holders summed up in `_groups_<object>` (one row per distinct key): how
-- many records hold it, two 64-bit fingerprints of the set of holders (XOR of
-- a hash of each holder's id: two keys with the same holders have the same
-- fingerprints), and its oldest holder (created_at, id). Detect over a whole
-- table reads the rows of keys held by two or more records instead of every
-- record. Statement-level triggers on the key table keep them: whatever
-- writes or deletes keys (every write path, the drop of deleted records'
-- keys, `kasar reindex`) updates the sums in the same statement. Sums are
-- applied as deltas to the locked row, so concurrent writers of one key
-- compose; the oldest holder of a key that loses it is read again from the
-- key table while the row is locked. New organizations get the same from
-- their DDL (crates/postgres/src/keys.rs): the names must agree.

-- Adds the keys a statement inserted; TG_ARGV[0] is the quoted groups table,
-- TG_ARGV[1] the quoted object table (for the holders' created_at).
CREATE FUNCTION kasar.count_keys_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        WITH a AS (
            SELECT k.criterion, k.key, k.record_id, t.created_at
            FROM added k JOIN %2$s t ON t.id = k.record_id
            WHERE k.criterion < 4
        ), oldest AS (
            SELECT DISTINCT ON (criterion, key) criterion, key, created_at, record_id
            FROM a ORDER BY criterion, key, created_at, record_id
        ), sums AS (
            SELECT criterion, key, count(*)::int AS n,
                   bit_xor(uuid_hash_extended(record_id, 1)) AS fp1,
                   bit_xor(uuid_hash_extended(record_id, 2)) AS fp2
            FROM a GROUP BY criterion, key
        )
        INSERT INTO %1$s AS g (criterion, key, n, fp1, fp2, oldest_at, oldest_id)
        SELECT s.criterion, s.key, s.n, s.fp1, s.fp2, o.created_at, o.record_id
        FROM sums s JOIN oldest o ON o.criterion = s.criterion AND o.key = s.key
        ORDER BY s.criterion, s.key
        ON CONFLICT (criterion, key) DO UPDATE SET
            n = g.n + EXCLUDED.n,
            fp1 = g.fp1 # EXCLUDED.fp1,
            fp2 = g.fp2 # EXCLUDED.fp2,
            oldest_at = CASE WHEN g.oldest_id IS NULL
                OR (EXCLUDED.oldest_at, EXCLUDED.oldest_id) < (g.oldest_at, g.oldest_id)
                THEN EXCLUDED.oldest_at ELSE g.oldest_at END,
            oldest_id = CASE WHEN g.oldest_id IS NULL
                OR (EXCLUDED.oldest_at, EXCLUDED.oldest_id) < (g.oldest_at, g.oldest_id)
                THEN EXCLUDED.oldest_id ELSE g.oldest_id END
    $q$, TG_ARGV[0], TG_ARGV[1]);
    RETURN NULL;
END
$$;

-- Takes out the keys a statement deleted: the sums first (the rows, locked
-- in key order, stay locked to the end of the transaction), then the rows no record holds any
-- more, then the oldest holder of the keys that lost theirs, read from the
-- key table (the trigger's own table) and the object table.
CREATE FUNCTION kasar.count_keys_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text := format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME);
BEGIN
    -- The rows are locked in key order first: two statements taking out
    -- keys they share then never wait for each other in a cycle.
    EXECUTE format($q$
        SELECT 1 FROM %1$s g
        WHERE (g.criterion, g.key) IN (SELECT criterion, key FROM removed WHERE criterion < 4)
        ORDER BY g.criterion, g.key FOR UPDATE
    $q$, TG_ARGV[0]);
    EXECUTE format($q$
        UPDATE %1$s g SET
            n = g.n - r.n,
            fp1 = g.fp1 # r.fp1,
            fp2 = g.fp2 # r.fp2,
            oldest_at = CASE WHEN g.oldest_id = ANY (r.ids) THEN NULL ELSE g.oldest_at END,
            oldest_id = CASE WHEN g.oldest_id = ANY (r.ids) THEN NULL ELSE g.oldest_id END
        FROM (
            SELECT criterion, key, count(*)::int AS n,
                   bit_xor(uuid_hash_extended(record_id, 1)) AS fp1,
                   bit_xor(uuid_hash_extended(record_id, 2)) AS fp2,
                   array_agg(record_id) AS ids
            FROM removed WHERE criterion < 4 GROUP BY criterion, key
        ) r
        WHERE g.criterion = r.criterion AND g.key = r.key
    $q$, TG_ARGV[0]);
    EXECUTE format($q$
        DELETE FROM %1$s g USING (SELECT DISTINCT criterion, key FROM removed WHERE criterion < 4) r
        WHERE g.criterion = r.criterion AND g.key = r.key AND g.n <= 0
    $q$, TG_ARGV[0]);
    EXECUTE format($q$
        UPDATE %1$s g SET oldest_at = o.created_at, oldest_id = o.id
        FROM (
            SELECT DISTINCT ON (k.criterion, k.key) k.criterion, k.key, t.created_at, t.id
            FROM (SELECT DISTINCT criterion, key FROM removed WHERE criterion < 4) r
            JOIN %1$s lost ON lost.criterion = r.criterion AND lost.key = r.key
                AND lost.oldest_id IS NULL
            JOIN %3$s k ON k.criterion = r.criterion AND k.key = r.key
            JOIN %2$s t ON t.id = k.record_id
            ORDER BY k.criterion, k.key, t.created_at, t.id
        ) o
        WHERE g.criterion = o.criterion AND g.key = o.key
    $q$, TG_ARGV[0], TG_ARGV[1], k);
    RETURN NULL;
END
$$;

-- A TRUNCATE of the key table empties the groups too.
CREATE FUNCTION kasar.count_keys_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('TRUNCATE %s', TG_ARGV[0]);
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
    t text;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        k := format('%I.%I', o.schema_name, kasar.relation_name('_keys_' || o.name));
        g := format('%I.%I', o.schema_name, kasar.relation_name('_groups_' || o.name));
        t := format('%I.%I', o.schema_name, o.name);
        EXECUTE format(
            'CREATE TABLE %s (criterion smallint NOT NULL, key text NOT NULL, n integer NOT NULL, '
            'fp1 bigint NOT NULL, fp2 bigint NOT NULL, oldest_at timestamptz, oldest_id uuid, '
            'PRIMARY KEY (criterion, key))', g);
        EXECUTE format('CREATE INDEX %I ON %s (criterion) INCLUDE (key, n, fp1, fp2, oldest_at, oldest_id) WHERE n >= 2',
            kasar.relation_name('_groups_' || o.name || '_shared'), g);
        EXECUTE format(
            'CREATE TRIGGER count_added AFTER INSERT ON %s REFERENCING NEW TABLE AS added '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.count_keys_added(%L, %L)', k, g, t);
        EXECUTE format(
            'CREATE TRIGGER count_removed AFTER DELETE ON %s REFERENCING OLD TABLE AS removed '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.count_keys_removed(%L, %L)', k, g, t);
        EXECUTE format(
            'CREATE TRIGGER count_truncated AFTER TRUNCATE ON %s '
            'FOR EACH STATEMENT EXECUTE FUNCTION kasar.count_keys_truncated(%L)', k, g);
    END LOOP;
END
$$;

-- The groups start empty: the key index counts as never built, so `serve`
-- rebuilds it (keys and groups) on its next start, or `kasar reindex` does.
DELETE FROM kasar.key_index;
