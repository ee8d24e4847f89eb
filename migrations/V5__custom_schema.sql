-- Custom objects and fields: the catalog records what an admin added
-- (`custom`), display labels and typed defaults (JSON), and each
-- organization's catalog version, incremented by every committed change of
-- its catalog. Requests read the version with their token; a write whose
-- catalog is no longer the organization's fails at commit
-- (kasar.expect_catalog) and is run again on the new catalog.
ALTER TABLE kasar.organizations ADD COLUMN catalog_version bigint NOT NULL DEFAULT 1;

ALTER TABLE kasar.objects
    ADD COLUMN label  text,
    ADD COLUMN custom boolean NOT NULL DEFAULT false;

ALTER TABLE kasar.fields
    ADD COLUMN label  text,
    ADD COLUMN custom boolean NOT NULL DEFAULT false,
    ALTER COLUMN default_value TYPE jsonb USING to_jsonb(default_value);

CREATE FUNCTION kasar.expect_catalog(org uuid, version bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT catalog_version FROM kasar.organizations WHERE id = org) IS DISTINCT FROM version THEN
        RAISE EXCEPTION 'the catalog changed during the transaction' USING ERRCODE = 'KS001';
    END IF;
END
$$;
