-- Match profiles an admin set (PUT /schema/{object}/matching); an object
-- without a row has the default profile. Part of the catalog: changed by a
-- catalog change (which increments the catalog version) and read with it.
CREATE TABLE kasar.match_profiles (
    organization_id uuid NOT NULL REFERENCES kasar.organizations (id) ON DELETE CASCADE,
    object_name     text NOT NULL,
    comparisons     jsonb NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, object_name)
);
