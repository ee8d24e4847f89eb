-- The key table's triggers note each changed exact key once per statement
-- (`SELECT DISTINCT`), instead of once per key row: a bulk change that gives
-- ten thousand records one e-mail inserted ten thousand equal notes for the
-- new key and as many for the old one, each written, then deleted by the next
-- fold, which reads the distinct keys anyway (crates/postgres/src/key_groups_fold.rs).
-- The triggers call these functions by name: replacing them changes every
-- organization's key tables at once.

CREATE OR REPLACE FUNCTION kasar.note_keys_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO %s (criterion, key) SELECT DISTINCT criterion, key FROM added WHERE criterion < 4',
        TG_ARGV[0]);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION kasar.note_keys_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO %s (criterion, key) SELECT DISTINCT criterion, key FROM removed WHERE criterion < 4',
        TG_ARGV[0]);
    RETURN NULL;
END
$$;
