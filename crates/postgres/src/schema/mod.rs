//! `SchemaTx` over PostgreSQL: a catalog change in one transaction. It
//! begins by incrementing the organization's catalog version (the row lock
//! serializes changes of one organization; requests see the new version only
//! once it commits), waits at most the configured `lock_timeout` for every
//! lock (a busy table answers "busy", not a stalled queue), and reads the
//! catalog inside the transaction, so every change is judged against the
//! catalog it changes.

mod apply;
mod fields;

use std::sync::Arc;

use async_trait::async_trait;
use kasar_application::ports::{SchemaTx, Tenant, Tx};
use kasar_application::StoreError;
use kasar_domain::schema::SchemaChange;
use kasar_domain::Catalog;
use tracing::instrument;

use crate::error::db;
use crate::sql::ident;
use crate::store::PgStore;
use crate::tx::PgTx;

/// One open catalog change.
pub(crate) struct PgSchemaTx {
    tx: PgTx,
    catalog: Catalog,
    store: PgStore,
}

impl PgStore {
    /// Opens a catalog change of `tenant` waiting at most `lock_timeout_ms`
    /// for each lock.
    pub(crate) async fn open_schema(
        &self,
        tenant: &Tenant,
        lock_timeout_ms: u64,
    ) -> Result<PgSchemaTx, StoreError> {
        let conn = self.connections.write().await?;
        let tenant = Tenant {
            catalog_version: 0,
            ..tenant.clone()
        };
        let tx = PgTx::begin(conn, tenant, self.region).await?;
        tx.exec(
            "SELECT set_config('lock_timeout', $1, true)",
            &[&format!("{lock_timeout_ms}ms")],
        )
        .await?;
        tx.exec(
            "UPDATE kasar.organizations SET catalog_version = catalog_version + 1 WHERE id = $1",
            &[&tx.tenant.organization_id],
        )
        .await?;
        let catalog = crate::catalog::load(&tx.conn, tx.tenant.organization_id).await?;
        Ok(PgSchemaTx {
            tx,
            catalog,
            store: self.clone(),
        })
    }
}

impl PgSchemaTx {
    async fn count(
        &self,
        object: &str,
        condition: &str,
        values: &[String],
    ) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE {condition}",
            self.tx.t(object)
        );
        let rows = if values.is_empty() {
            self.tx.rows(&sql, &[]).await?
        } else {
            self.tx.rows(&sql, &[&values]).await?
        };
        match rows.first() {
            Some(row) => row.try_get(0).map_err(db),
            None => Ok(0),
        }
    }
}

#[async_trait]
impl SchemaTx for PgSchemaTx {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    async fn count_records(&mut self, object: &str) -> Result<i64, StoreError> {
        self.count(object, "true", &[]).await
    }

    async fn count_nulls(&mut self, object: &str, field: &str) -> Result<i64, StoreError> {
        self.count(object, &format!("{} IS NULL", ident(field)), &[])
            .await
    }

    async fn count_values(
        &mut self,
        object: &str,
        field: &str,
        values: &[String],
    ) -> Result<i64, StoreError> {
        self.count(object, &format!("{} = ANY($1)", ident(field)), values)
            .await
    }

    #[instrument(skip_all, fields(change = %change.describe()))]
    async fn apply(&mut self, change: &SchemaChange) -> Result<(), StoreError> {
        apply::apply(&self.tx, &self.catalog, change).await?;
        self.catalog.apply(change);
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<Arc<Catalog>, StoreError> {
        let PgSchemaTx {
            mut tx,
            catalog,
            store,
        } = *self;
        tx.commit().await?;
        let catalog = Arc::new(catalog);
        store.remember(tx.tenant.organization_id, catalog.clone());
        Ok(catalog)
    }
}
