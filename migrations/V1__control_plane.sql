-- Control plane: organizations, users, workspace memberships, API tokens and
-- the object/field catalog. Each organization's records live in a schema of
-- its own, created from the catalog by `kasar org create`.
CREATE SCHEMA IF NOT EXISTS kasar;

CREATE TABLE kasar.organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    schema_name text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kasar.users (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email      text NOT NULL UNIQUE,
    full_name  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kasar.workspace_users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES kasar.organizations (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES kasar.users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('admin', 'member')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, user_id)
);

CREATE TABLE kasar.api_tokens (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_user_id uuid NOT NULL REFERENCES kasar.workspace_users (id) ON DELETE CASCADE,
    name              text NOT NULL,
    prefix            text NOT NULL,
    digest            bytea NOT NULL UNIQUE CHECK (length(digest) = 32),
    scopes            text[] NOT NULL,
    expires_at        timestamptz,
    revoked_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_prefix ON kasar.api_tokens (prefix);
CREATE INDEX api_tokens_workspace_user ON kasar.api_tokens (workspace_user_id);

CREATE TABLE kasar.objects (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES kasar.organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    position        integer NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE kasar.fields (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_id     uuid NOT NULL REFERENCES kasar.objects (id) ON DELETE CASCADE,
    name          text NOT NULL,
    field_type    text NOT NULL CHECK (field_type IN ('TEXT', 'EMAIL', 'PHONE', 'LINKEDIN', 'NUMBER', 'BOOLEAN',
                                                       'DATE', 'SELECT', 'OWNER', 'BELONGS_TO_ONE', 'MANY_TO_MANY')),
    required      boolean NOT NULL DEFAULT false,
    options       text[] NOT NULL DEFAULT '{}',
    default_value text,
    target_object text,
    position      integer NOT NULL,
    UNIQUE (object_id, name)
);
