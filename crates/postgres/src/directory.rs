//! `Directory` over PostgreSQL: the control-plane schema `kasar`.

use async_trait::async_trait;
use deadpool_postgres::Pool;
use kasar_application::ports::{Directory, NewToken, RevokeError, Tenant, WorkspaceUser};
use kasar_application::StoreError;
use kasar_domain::{Caller, ObjectDef, Role, Scope};
use tracing::instrument;
use uuid::Uuid;

use crate::conn::Connections;
use crate::ddl::provision;
use crate::error::{db, pool};
use crate::PoolSettings;

/// The PostgreSQL directory.
#[derive(Clone)]
pub struct PgDirectory {
    pool: Pool,
    /// Bounded connections for the request path (ping, authenticate); the
    /// operator's commands use the pool as it is.
    connections: Connections,
}

impl PgDirectory {
    /// A directory over `pool`, with the bounds of `settings`.
    pub fn new(pool: Pool, settings: &PoolSettings) -> Self {
        Self {
            connections: settings.connections(pool.clone()),
            pool,
        }
    }
}

fn role(s: &str) -> Result<Role, StoreError> {
    Role::parse(s).ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("unknown role {s}")))
}

#[async_trait]
impl Directory for PgDirectory {
    async fn ping(&self) -> Result<(), StoreError> {
        self.connections
            .read()
            .await?
            .batch_execute("SELECT 1")
            .await
    }

    #[instrument(skip_all)]
    async fn authenticate(&self, digest: &[u8]) -> Result<Option<Caller>, StoreError> {
        let client = self.connections.read().await?;
        let found = client
            .query_opt(
                "SELECT t.id, t.scopes, w.id, w.role, u.id, u.email, u.full_name, o.id, o.schema_name, o.catalog_version \
                 FROM kasar.api_tokens t \
                 JOIN kasar.workspace_users w ON w.id = t.workspace_user_id \
                 JOIN kasar.users u ON u.id = w.user_id \
                 JOIN kasar.organizations o ON o.id = w.organization_id \
                 WHERE t.digest = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())",
                &[&digest],
            )
            .await?;
        let Some(row) = found else {
            return Ok(None);
        };
        let scopes: Vec<String> = row.get(1);
        Ok(Some(Caller {
            token_id: row.get(0),
            scopes: scopes.iter().filter_map(|s| Scope::parse(s)).collect(),
            workspace_user_id: row.get(2),
            role: role(row.get(3))?,
            user_id: row.get(4),
            email: row.get(5),
            full_name: row.get(6),
            organization_id: row.get(7),
            organization_schema: row.get(8),
            catalog_version: row.get(9),
        }))
    }

    #[instrument(skip(self, objects))]
    async fn create_organization(
        &self,
        slug: &str,
        name: &str,
        objects: &[ObjectDef],
    ) -> Result<Tenant, StoreError> {
        let schema = format!("org_{slug}");
        let ddl = provision(&schema, objects).map_err(|e| StoreError::Unexpected(e.into()))?;
        let mut client = self.pool.get().await.map_err(pool)?;
        let tx = client.transaction().await.map_err(db)?;
        let row = tx
            .query_one(
                "INSERT INTO kasar.organizations (slug, name, schema_name) VALUES ($1, $2, $3) RETURNING id",
                &[&slug, &name, &schema],
            )
            .await
            .map_err(db)?;
        let organization_id: Uuid = row.get(0);
        for (position, o) in (0i32..).zip(objects) {
            let row = tx
                .query_one(
                    "INSERT INTO kasar.objects (organization_id, name, position) VALUES ($1, $2, $3) RETURNING id",
                    &[&organization_id, &o.name, &position],
                )
                .await
                .map_err(db)?;
            let object_id: Uuid = row.get(0);
            for (fpos, f) in (0i32..).zip(&o.fields) {
                tx.execute(
                    "INSERT INTO kasar.fields (object_id, name, field_type, required, options, default_value, target_object, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[&object_id, &f.name, &f.field_type.as_str(), &f.required, &f.options, &f.default_value, &f.target, &fpos],
                )
                .await
                .map_err(db)?;
            }
        }
        tx.batch_execute(&ddl.join(";\n")).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Tenant {
            organization_id,
            schema,
            catalog_version: 0,
        })
    }

    async fn find_organization(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        let client = self.pool.get().await.map_err(pool)?;
        let row = client
            .query_opt(
                "SELECT id, schema_name FROM kasar.organizations WHERE slug = $1",
                &[&slug],
            )
            .await
            .map_err(db)?;
        Ok(row.map(|r| Tenant {
            organization_id: r.get(0),
            schema: r.get(1),
            catalog_version: 0,
        }))
    }

    #[instrument(skip(self))]
    async fn add_user(
        &self,
        organization_id: Uuid,
        email: &str,
        full_name: &str,
        role_: Role,
    ) -> Result<WorkspaceUser, StoreError> {
        let client = self.pool.get().await.map_err(pool)?;
        let row = client
            .query_one(
                "WITH u AS (INSERT INTO kasar.users (email, full_name) VALUES ($1, $2) \
                            ON CONFLICT (email) DO UPDATE SET full_name = EXCLUDED.full_name RETURNING id) \
                 INSERT INTO kasar.workspace_users (organization_id, user_id, role) SELECT $3, id, $4 FROM u \
                 ON CONFLICT (organization_id, user_id) DO UPDATE SET role = EXCLUDED.role \
                 RETURNING id, user_id, role",
                &[&email, &full_name, &organization_id, &role_.as_str()],
            )
            .await
            .map_err(db)?;
        Ok(WorkspaceUser {
            id: row.get(0),
            user_id: row.get(1),
            role: role(row.get(2))?,
        })
    }

    async fn find_user(
        &self,
        organization_id: Uuid,
        email: &str,
    ) -> Result<Option<WorkspaceUser>, StoreError> {
        let client = self.pool.get().await.map_err(pool)?;
        let row = client
            .query_opt(
                "SELECT w.id, w.user_id, w.role FROM kasar.workspace_users w JOIN kasar.users u ON u.id = w.user_id \
                 WHERE w.organization_id = $1 AND u.email = $2",
                &[&organization_id, &email],
            )
            .await
            .map_err(db)?;
        row.map(|r| {
            Ok(WorkspaceUser {
                id: r.get(0),
                user_id: r.get(1),
                role: role(r.get(2))?,
            })
        })
        .transpose()
    }

    #[instrument(skip_all, fields(workspace_user = %token.workspace_user_id))]
    async fn create_token(&self, token: &NewToken) -> Result<Uuid, StoreError> {
        let client = self.pool.get().await.map_err(pool)?;
        let row = client
            .query_one(
                "INSERT INTO kasar.api_tokens (workspace_user_id, name, prefix, digest, scopes, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[&token.workspace_user_id, &token.name, &token.prefix, &token.digest, &token.scopes, &token.expires_at],
            )
            .await
            .map_err(db)?;
        Ok(row.get(0))
    }

    #[instrument(skip(self))]
    async fn revoke_token(&self, id_or_prefix: &str) -> Result<Uuid, RevokeError> {
        let client = self.pool.get().await.map_err(pool)?;
        let rows = match Uuid::parse_str(id_or_prefix) {
            Ok(id) => {
                client
                    .query("SELECT id FROM kasar.api_tokens WHERE id = $1", &[&id])
                    .await
            }
            Err(_) => {
                client
                    .query(
                        "SELECT id FROM kasar.api_tokens WHERE prefix = $1",
                        &[&id_or_prefix],
                    )
                    .await
            }
        }
        .map_err(db)?;
        match rows.as_slice() {
            [] => Err(RevokeError::NotFound(id_or_prefix.to_owned())),
            [row] => {
                let id: Uuid = row.get(0);
                client
                    .execute("UPDATE kasar.api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1", &[&id])
                    .await
                    .map_err(db)?;
                Ok(id)
            }
            _ => Err(RevokeError::Ambiguous(id_or_prefix.to_owned())),
        }
    }
}
