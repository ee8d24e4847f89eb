//! `Tx` over one pooled connection. The transaction is opened with `BEGIN` and
//! ended with `COMMIT` or `ROLLBACK`; dropped unfinished (an error, a cancelled
//! request), it is rolled back before its connection may return to the pool.

use std::collections::BTreeMap;

use async_trait::async_trait;
use deadpool_postgres::Object;
use kasar_application::ports::{Dismissal, KeyMatch, MergeEntry, Relinked, Tenant, Tx};
use kasar_application::StoreError;
use kasar_domain::duplicates::{Criterion, PhoneRegion};
use kasar_domain::{Catalog, ObjectDef, Record, Value};
use tokio_postgres::types::ToSql;
use tracing::instrument;
use uuid::Uuid;

use crate::conn::Conn;
use crate::error::db;
use crate::keys::{self};
use crate::sql::{decode_record, ident, insert_links, select_records, table};

/// One open transaction.
pub(crate) struct PgTx {
    pub(crate) conn: Conn,
    ended: bool,
    pub(crate) tenant: Tenant,
    /// The region the key index parses phone numbers with.
    pub(crate) region: PhoneRegion,
}

impl PgTx {
    /// Opens a transaction on `conn`.
    pub(crate) async fn begin(
        conn: Conn,
        tenant: Tenant,
        region: PhoneRegion,
    ) -> Result<Self, StoreError> {
        // The guard exists before BEGIN is sent: dropped while BEGIN is in
        // flight (a cancelled request), it still rolls back before the
        // connection may return to the pool.
        let tx = Self {
            conn,
            ended: false,
            tenant,
            region,
        };
        tx.conn.batch_execute("BEGIN").await?;
        Ok(tx)
    }

    pub(crate) async fn exec(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        self.conn.execute(sql, params).await
    }

    pub(crate) async fn rows(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        self.conn.query(sql, params).await
    }

    pub(crate) fn t(&self, object: &str) -> String {
        table(&self.tenant.schema, object)
    }

    async fn end(&mut self, sql: &str) -> Result<(), StoreError> {
        if self.ended {
            return Err(StoreError::Unexpected(anyhow::anyhow!(
                "transaction already ended"
            )));
        }
        self.ended = true;
        match self.conn.batch_execute(sql).await {
            Ok(()) => Ok(()),
            Err(e) => {
                // Never hand a connection in an unknown state back to the pool.
                if let Some(object) = self.conn.take() {
                    drop(Object::take(object));
                }
                Err(e)
            }
        }
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        // Ended, or its connection broken (discarded by `Conn`, which closes
        // it, and PostgreSQL rolls the transaction back): nothing to do.
        if self.ended || self.conn.is_broken() {
            return;
        }
        let Some(client) = self.conn.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    if client.batch_execute("ROLLBACK").await.is_err() {
                        drop(Object::take(client));
                    }
                });
            }
            Err(_) => drop(Object::take(client)),
        }
    }
}

#[async_trait]
impl Tx for PgTx {
    #[instrument(skip_all, fields(object = %object.name, ids = ids.len()))]
    async fn lock_owners(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<(Uuid, Option<Uuid>)>, StoreError> {
        let owner = if object.field("owner").is_some() {
            "owner"
        } else {
            "NULL::uuid"
        };
        let owner = if owner == "owner" {
            ident("owner")
        } else {
            owner.to_owned()
        };
        let sql = format!(
            "SELECT id, {owner} FROM {} WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            self.t(&object.name)
        );
        let rows = self.rows(&sql, &[&ids]).await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?)))
            .collect()
    }

    #[instrument(skip_all, fields(object = %object.name, ids = ids.len()))]
    async fn lock_records(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<Record>, StoreError> {
        let sql = select_records(
            &self.tenant.schema,
            object,
            "WHERE t.id = ANY($1) ORDER BY t.id FOR UPDATE OF t",
        );
        let rows = self.rows(&sql, &[&ids]).await?;
        rows.iter()
            .map(|r| decode_record(object, r).map_err(db))
            .collect()
    }

    async fn lock_imports(&mut self, object: &ObjectDef) -> Result<(), StoreError> {
        keys::lock_imports(self, object).await
    }

    #[instrument(skip_all, fields(object = %object.name, keys = keys.len()))]
    async fn find_keys(
        &mut self,
        object: &ObjectDef,
        keys: &[(Criterion, String)],
    ) -> Result<Vec<KeyMatch>, StoreError> {
        keys::find(self, object, keys).await
    }

    #[instrument(skip_all, fields(object = %object.name, keys = keys.len()))]
    async fn find_blocks(
        &mut self,
        object: &ObjectDef,
        keys: &[String],
        columns: &[String],
        max_block: usize,
    ) -> Result<Vec<kasar_application::ports::Scanned>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, stored, cap) =
            crate::models::blocks_query(&self.tenant.schema, object, keys, columns, max_block);
        let rows = self.rows(&sql, &[&stored, &cap]).await?;
        crate::models::decode(&rows, columns.len())
    }

    async fn missing_records(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Vec<Uuid>, StoreError> {
        let sql = format!(
            "SELECT i FROM unnest($1::uuid[]) i WHERE NOT EXISTS (SELECT 1 FROM {} t WHERE t.id = i)",
            self.t(&object.name)
        );
        let rows = self.rows(&sql, &[&ids]).await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn missing_users(&mut self, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let rows = self
            .rows(
                "SELECT i FROM unnest($1::uuid[]) i WHERE NOT EXISTS \
                 (SELECT 1 FROM kasar.workspace_users w WHERE w.id = i AND w.organization_id = $2)",
                &[&ids, &self.tenant.organization_id],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn insert(
        &mut self,
        object: &ObjectDef,
        values: &BTreeMap<String, Value>,
    ) -> Result<Uuid, StoreError> {
        self.insert_one(object, values).await
    }

    #[instrument(skip_all, fields(object = %object.name, records = rows.len()))]
    async fn insert_many(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        rows: &[BTreeMap<String, Value>],
    ) -> Result<(), StoreError> {
        let rows: Vec<&BTreeMap<String, Value>> = rows.iter().collect();
        crate::batch::insert_many(self, object, ids, &rows).await
    }

    #[instrument(skip_all, fields(object = %object.name, records = rows.len()))]
    async fn update_many(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        rows: &[BTreeMap<String, Value>],
    ) -> Result<(), StoreError> {
        let rows: Vec<&BTreeMap<String, Value>> = rows.iter().collect();
        crate::batch::update_many(self, object, ids, &rows).await
    }

    #[instrument(skip_all, fields(object = %object.name, keys = keys.len()))]
    async fn find_by(
        &mut self,
        object: &ObjectDef,
        field: &str,
        keys: &[String],
    ) -> Result<Vec<(String, Uuid)>, StoreError> {
        crate::batch::find_by(self, object, field, keys).await
    }

    async fn update(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        values: &BTreeMap<String, Value>,
    ) -> Result<u64, StoreError> {
        self.update_all(object, ids, values).await
    }

    #[instrument(skip_all, fields(object = %object.name, ids = ids.len(), targets = targets.len()))]
    async fn add_links(
        &mut self,
        object: &ObjectDef,
        field: &str,
        ids: &[Uuid],
        targets: &[Uuid],
    ) -> Result<u64, StoreError> {
        self.change_links(object, field, ids, targets, |j| {
            format!("{} RETURNING source_id", insert_links(j))
        })
        .await
    }

    #[instrument(skip_all, fields(object = %object.name, ids = ids.len(), targets = targets.len()))]
    async fn remove_links(
        &mut self,
        object: &ObjectDef,
        field: &str,
        ids: &[Uuid],
        targets: &[Uuid],
    ) -> Result<u64, StoreError> {
        self.change_links(object, field, ids, targets, |j| {
            format!("DELETE FROM {j} WHERE source_id = ANY($1) AND target_id = ANY($2) RETURNING source_id")
        })
        .await
    }

    async fn relink(
        &mut self,
        catalog: &Catalog,
        object: &ObjectDef,
        master: Uuid,
        duplicates: &[Uuid],
    ) -> Result<Relinked, StoreError> {
        crate::relink::relink(self, catalog, object, master, duplicates).await
    }

    async fn dismiss(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
        by: Uuid,
    ) -> Result<Dismissal, StoreError> {
        crate::dismissals::dismiss(self, object, ids, by).await
    }

    async fn undismiss(
        &mut self,
        object: &ObjectDef,
        ids: &[Uuid],
    ) -> Result<Option<Dismissal>, StoreError> {
        crate::dismissals::undismiss(self, object, ids).await
    }

    async fn lock_merge(&mut self, id: Uuid) -> Result<Option<MergeEntry>, StoreError> {
        crate::journal::lock(self, id).await
    }

    async fn merge_taking(
        &mut self,
        object: &ObjectDef,
        id: Uuid,
    ) -> Result<Option<MergeEntry>, StoreError> {
        crate::journal::taking(self, &object.name, id).await
    }

    async fn rewrite_merge(&mut self, entry: &MergeEntry) -> Result<(), StoreError> {
        crate::journal::rewrite(self, entry).await
    }

    async fn mark_undone(&mut self, id: Uuid) -> Result<(), StoreError> {
        crate::journal::mark_undone(self, id).await
    }

    #[instrument(skip_all, fields(object = %object.name, records = records.len()))]
    async fn restore_records(
        &mut self,
        object: &ObjectDef,
        records: &[Record],
    ) -> Result<(), StoreError> {
        crate::batch::restore_many(self, object, records).await
    }

    async fn unrelink(
        &mut self,
        catalog: &Catalog,
        master: Uuid,
        relinked: &Relinked,
    ) -> Result<(u64, u64), StoreError> {
        crate::unrelink::unrelink(self, catalog, master, relinked).await
    }

    async fn record_merge(
        &mut self,
        entry: &MergeEntry,
        retention_days: u32,
    ) -> Result<(), StoreError> {
        crate::journal::record(self, entry, retention_days).await
    }

    #[instrument(skip_all, fields(object = %object.name, ids = ids.len()))]
    async fn delete(&mut self, object: &ObjectDef, ids: &[Uuid]) -> Result<u64, StoreError> {
        self.exec(
            &format!("DELETE FROM {} WHERE id = ANY($1)", self.t(&object.name)),
            &[&ids],
        )
        .await
    }

    async fn get(&mut self, object: &ObjectDef, id: Uuid) -> Result<Option<Record>, StoreError> {
        let sql = select_records(&self.tenant.schema, object, "WHERE t.id = $1");
        let rows = self.rows(&sql, &[&id]).await?;
        rows.first()
            .map(|r| decode_record(object, r).map_err(db))
            .transpose()
    }

    async fn commit(&mut self) -> Result<(), StoreError> {
        // A catalog change committed since the request read its catalog:
        // what it wrote may miss a field or keep a gone option; it runs
        // again on the new catalog. (A change waiting for this
        // transaction's locks commits after it and sees its rows.)
        if self.tenant.catalog_version > 0 {
            let check = self
                .conn
                .execute(
                    "SELECT kasar.expect_catalog($1, $2)",
                    &[&self.tenant.organization_id, &self.tenant.catalog_version],
                )
                .await;
            if let Err(e) = check {
                self.end("ROLLBACK").await?;
                return Err(e);
            }
        }
        self.end("COMMIT").await
    }

    async fn rollback(&mut self) -> Result<(), StoreError> {
        self.end("ROLLBACK").await
    }
}
