-- The fuzzy model of each object, estimated from its records: the profile
-- it was estimated for (re-estimated when the profile changes), the number
-- of records it saw (re-estimated when the count moves by more than 20 %),
-- and the model itself (prior, m and u per comparison and level).
CREATE TABLE kasar.match_models (
    organization_id uuid NOT NULL REFERENCES kasar.organizations (id) ON DELETE CASCADE,
    object_name     text NOT NULL,
    profile         jsonb NOT NULL,
    records         bigint NOT NULL,
    model           jsonb NOT NULL,
    estimated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, object_name)
);

-- The key index now also holds the blocking keys of fuzzy matching
-- (criterion 8): keys built before lack them, so they count as never built
-- and `serve` rebuilds them on its next start (or `kasar reindex` does).
DELETE FROM kasar.key_index;
