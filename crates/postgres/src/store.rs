//! `Store` over PostgreSQL: catalog (cached per organization), reads, and
//! units of work.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use deadpool_postgres::Pool;
use kasar_application::ports::{
    DigestSink, Dismissal, IndexedGroups, MergeEntry, MergeFilter, MergeSummary, RecordStream,
    ScanSink, Scanned, SchemaTx, Selected, Store, StoredModel, Tenant, Tx,
};
use kasar_application::StoreError;
use kasar_domain::duplicates::{Criterion, PhoneRegion};
use kasar_domain::select::{After, Selection};
use kasar_domain::{Catalog, ObjectDef, Record};
use tracing::instrument;
use uuid::Uuid;

use crate::conn::Connections;
use crate::error::db;
use crate::sql::{decode_record, select_records_by_ids};
use crate::tx::PgTx;
use crate::PoolSettings;

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) connections: Connections,
    /// Connections of a streaming replica, for the long read-only scans
    /// (detect's scan of the newest records, exports); none: the primary's.
    replica: Option<Connections>,
    catalogs: Arc<RwLock<HashMap<Uuid, Arc<Catalog>>>>,
    pub(crate) region: PhoneRegion,
    /// See `PoolSettings::kept_scan`.
    kept_scan: u32,
}

impl PgStore {
    /// A store over `pool`, with the bounds and budgets of `settings`; its
    /// key index parses phone numbers with `region`.
    pub fn new(pool: Pool, settings: &PoolSettings, region: PhoneRegion) -> Self {
        Self {
            connections: settings.connections(pool),
            replica: None,
            catalogs: Arc::default(),
            region,
            kept_scan: settings.kept_scan,
        }
    }

    /// The same store, its scans and exports read from the replica of
    /// `pool` (whatever changes stays on the primary, and so do the reads
    /// that must see the caller's own writes: records by id, lists, the key
    /// index).
    pub fn with_replica(self, pool: Pool, settings: &PoolSettings) -> Self {
        Self {
            replica: Some(settings.connections(pool)),
            ..self
        }
    }

    /// Where the long read-only scans read: the replica, if any.
    fn scans(&self) -> &Connections {
        self.replica.as_ref().unwrap_or(&self.connections)
    }

    /// The catalog of `organization_id` as it is now.
    pub(crate) async fn load_catalog(&self, organization_id: Uuid) -> Result<Catalog, StoreError> {
        let conn = self.connections.read().await?;
        crate::catalog::load(&conn, organization_id).await
    }

    /// Keeps `catalog` as the organization's newest known version.
    pub(crate) fn remember(&self, organization_id: Uuid, catalog: Arc<Catalog>) {
        if let Ok(mut m) = self.catalogs.write() {
            let newer = m
                .get(&organization_id)
                .is_some_and(|c| c.version > catalog.version);
            if !newer {
                m.insert(organization_id, catalog);
            }
        }
    }
}

#[async_trait]
impl Store for PgStore {
    #[instrument(skip_all, fields(org = %tenant.organization_id))]
    async fn catalog(&self, tenant: &Tenant) -> Result<Arc<Catalog>, StoreError> {
        // The version the request was authenticated with is the one it works
        // on; a cached catalog of another version is replaced (operator
        // commands, version 0, take the newest known).
        if let Some(c) = self
            .catalogs
            .read()
            .ok()
            .and_then(|m| m.get(&tenant.organization_id).cloned())
            .filter(|c| c.version == tenant.catalog_version || tenant.catalog_version == 0)
        {
            return Ok(c);
        }
        self.refresh_catalog(tenant).await
    }

    async fn refresh_catalog(&self, tenant: &Tenant) -> Result<Arc<Catalog>, StoreError> {
        let catalog = Arc::new(self.load_catalog(tenant.organization_id).await?);
        self.remember(tenant.organization_id, catalog.clone());
        Ok(catalog)
    }

    #[instrument(skip_all, fields(org = %tenant.organization_id))]
    async fn begin_schema(
        &self,
        tenant: &Tenant,
        lock_timeout_ms: u64,
    ) -> Result<Box<dyn SchemaTx>, StoreError> {
        Ok(Box::new(self.open_schema(tenant, lock_timeout_ms).await?))
    }

    #[instrument(skip_all, fields(object = %object.name, limit))]
    async fn select(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        selection: &Selection,
        after: Option<After>,
        limit: u32,
    ) -> Result<Selected, StoreError> {
        let client = self.connections.read().await?;
        crate::selecting::page(&client, tenant, object, selection, after.as_ref(), limit).await
    }

    #[instrument(skip_all, fields(object = %object.name, limit))]
    async fn select_ids(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        selection: &Selection,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError> {
        let client = self.connections.read().await?;
        crate::selecting::ids(&client, tenant, object, selection, limit).await
    }

    #[instrument(skip_all, fields(object = %object.name))]
    async fn export(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        selection: &Selection,
    ) -> Result<RecordStream, StoreError> {
        let conn = self.scans().read().await?;
        Ok(crate::selecting::stream(conn, tenant, object, selection))
    }

    #[instrument(skip_all, fields(object = %object.name, ids = ids.len()))]
    async fn get_many(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<Record>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.connections.read().await?;
        let sql = select_records_by_ids(&tenant.schema, object);
        let rows = client.query(&sql, &[&ids]).await?;
        rows.iter()
            .map(|r| decode_record(object, r))
            .collect::<Result<_, _>>()
            .map_err(db)
    }

    async fn indexed_groups(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        criteria: &[Criterion],
        scan_limit: u32,
        dismissed: &[Vec<Uuid>],
        limit: usize,
    ) -> Result<Option<IndexedGroups>, StoreError> {
        self.read_indexed_groups(tenant, object, criteria, scan_limit, dismissed, limit)
            .await
    }

    #[instrument(skip_all, fields(object = %object.name, limit))]
    async fn scan<'a>(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        columns: &[String],
        limit: u32,
        sink: &mut ScanSink<'a>,
    ) -> Result<usize, StoreError> {
        let conn = self.scans().read().await?;
        crate::scan::newest(conn, tenant, object, columns, limit, sink).await
    }

    #[instrument(skip_all, fields(object = %object.name, limit))]
    async fn scan_digests<'a>(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        limit: u32,
        sink: &mut DigestSink<'a>,
    ) -> Result<usize, StoreError> {
        let conn = self.scans().read().await?;
        let keep = limit == self.kept_scan;
        crate::scan::newest_digests(conn, tenant, object, limit, keep, sink).await
    }

    async fn dismissals(
        &self,
        tenant: &Tenant,
        object_name: Option<String>,
    ) -> Result<Vec<Dismissal>, StoreError> {
        let conn = self.connections.read().await?;
        crate::dismissals::list(&conn, tenant, object_name.as_deref()).await
    }

    async fn merges(
        &self,
        tenant: &Tenant,
        filter: &MergeFilter,
        limit: u32,
    ) -> Result<Vec<MergeSummary>, StoreError> {
        let conn = self.connections.read().await?;
        crate::journal::list(&conn, tenant, filter, limit).await
    }

    async fn merge_entry(
        &self,
        tenant: &Tenant,
        id: Uuid,
    ) -> Result<Option<MergeEntry>, StoreError> {
        let conn = self.connections.read().await?;
        crate::journal::get(&conn, tenant, id).await
    }

    async fn merged_into(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Uuid>, StoreError> {
        let conn = self.connections.read().await?;
        crate::journal::survivors(&conn, tenant, &object.name, ids).await
    }

    #[instrument(skip_all, fields(org = %tenant.organization_id))]
    async fn models(
        &self,
        tenant: &Tenant,
        object_name: Option<String>,
    ) -> Result<Vec<(String, StoredModel)>, StoreError> {
        crate::models::models(&self.connections, tenant, object_name).await
    }

    async fn save_model(
        &self,
        tenant: &Tenant,
        object_name: &str,
        model: &StoredModel,
    ) -> Result<(), StoreError> {
        crate::models::save_model(&self.connections, tenant, object_name, model).await
    }

    async fn count(&self, tenant: &Tenant, object: &ObjectDef) -> Result<u64, StoreError> {
        crate::models::count(&self.connections, tenant, object).await
    }

    async fn count_estimate(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
    ) -> Result<Option<u64>, StoreError> {
        crate::models::count_estimate(&self.connections, tenant, object).await
    }

    #[instrument(skip_all, fields(object = %object.name, keys = keys.len()))]
    async fn block_candidates(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        keys: &[String],
        columns: &[String],
        max_block: usize,
    ) -> Result<Vec<Scanned>, StoreError> {
        crate::models::block_candidates(&self.connections, tenant, object, keys, columns, max_block)
            .await
    }

    async fn begin(&self, tenant: &Tenant) -> Result<Box<dyn Tx>, StoreError> {
        let conn = self.connections.write().await?;
        Ok(Box::new(
            PgTx::begin(conn, tenant.clone(), self.region).await?,
        ))
    }
}
