-- Indexes for selecting records (filters, search, sort), for organizations
-- provisioned before them; new organizations get the same from their DDL
-- (crates/postgres/src/ddl.rs, field_indexes): the names must agree.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
DECLARE
    o record;
    f record;
BEGIN
    FOR o IN
        SELECT org.schema_name, obj.id, obj.name
        FROM kasar.organizations org
        JOIN kasar.objects obj ON obj.organization_id = org.id
    LOOP
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (updated_at DESC, id DESC)',
                       o.name || '_updated', o.schema_name, o.name);
        FOR f IN SELECT name, field_type FROM kasar.fields WHERE object_id = o.id LOOP
            IF f.field_type IN ('EMAIL', 'PHONE', 'SELECT', 'OWNER', 'BELONGS_TO_ONE') THEN
                EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (%I)',
                               o.name || '_' || f.name, o.schema_name, o.name, f.name);
            END IF;
            IF f.field_type IN ('TEXT', 'EMAIL', 'PHONE', 'LINKEDIN') THEN
                EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%I gin_trgm_ops)',
                               o.name || '_' || f.name || '_trgm', o.schema_name, o.name, f.name);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
