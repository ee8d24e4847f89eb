-- The merge journal and dismissals.
--
-- The merge journal: one entry per merge (not dry runs), written in the
-- merge's transaction; `entry` holds what undoing it needs (the master's
-- changed fields, the duplicates' rows, the references and junction rows it
-- moved). Entries past duplicates.journal_retention_days are purged.
CREATE TABLE kasar.merges (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES kasar.organizations (id) ON DELETE CASCADE,
    object_name     text NOT NULL,
    master_id       uuid NOT NULL,
    duplicate_ids   uuid[] NOT NULL,
    strategy        text NOT NULL,
    merged_by       uuid REFERENCES kasar.workspace_users (id) ON DELETE SET NULL,
    token_id        uuid,
    merged_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    undone_at       timestamptz,
    entry           jsonb NOT NULL
);

CREATE INDEX merges_newest ON kasar.merges (organization_id, merged_at DESC, id DESC);
CREATE INDEX merges_master ON kasar.merges (organization_id, master_id);
CREATE INDEX merges_duplicates ON kasar.merges USING gin (duplicate_ids);

-- Dismissals: sets of records an admin said are not duplicates of each
-- other; detect and auto-merge leave out a group that lies in one of them.
-- `record_ids` is sorted, so a set is stored once.
CREATE TABLE kasar.dismissals (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES kasar.organizations (id) ON DELETE CASCADE,
    object_name     text NOT NULL,
    record_ids      uuid[] NOT NULL,
    dismissed_by    uuid REFERENCES kasar.workspace_users (id) ON DELETE SET NULL,
    dismissed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (organization_id, object_name, record_ids)
);
