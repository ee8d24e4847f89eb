//! Building the key index from the records: `kasar reindex`, and `serve` on a
//! database whose keys were never built. Each organization is rebuilt in one
//! transaction that holds its objects' writes (`SHARE` locks) while it reads
//! them; the region the keys were built with is recorded last.

use kasar_application::ports::Tenant;
use kasar_application::StoreError;
use kasar_domain::duplicates::{Criterion, MatchPlan};
use kasar_domain::fuzzy::BlockPlan;
use kasar_domain::ObjectDef;
use tracing::instrument;
use uuid::Uuid;

use crate::error::db;
use crate::keys::{insert, keys_table, Holder, KeyRows};
use crate::sql::ident;
use crate::store::PgStore;
use crate::tx::PgTx;

/// Rows read per fetch while rebuilding.
const FETCH: usize = 10_000;

/// What a rebuild did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReindexReport {
    pub organizations: u64,
    pub records: u64,
    pub keys: u64,
}

impl PgStore {
    /// The phone region the key index was built with; `None` when it was
    /// never built.
    pub async fn key_index_region(&self) -> Result<Option<String>, StoreError> {
        let conn = self.connections.read().await?;
        let row = conn
            .query_opt("SELECT phone_region FROM kasar.key_index", &[])
            .await?;
        row.map(|r| r.try_get(0).map_err(db)).transpose()
    }

    /// Rebuilds the keys of every record of every organization with the
    /// store's phone region, then records that region.
    #[instrument(skip(self), fields(region = self.region.code()))]
    pub async fn reindex(&self) -> Result<ReindexReport, StoreError> {
        let orgs = {
            let conn = self.connections.read().await?;
            conn.query(
                "SELECT id, schema_name FROM kasar.organizations ORDER BY created_at, id",
                &[],
            )
            .await?
        };
        let mut report = ReindexReport::default();
        for org in orgs {
            let tenant = Tenant {
                organization_id: org.try_get(0).map_err(db)?,
                schema: org.try_get(1).map_err(db)?,
                catalog_version: 0,
            };
            let (records, keys) = self.reindex_organization(&tenant).await?;
            report.organizations += 1;
            report.records += records;
            report.keys += keys;
        }
        let conn = self.connections.write().await?;
        conn.execute(
            "INSERT INTO kasar.key_index (phone_region) VALUES ($1) \
             ON CONFLICT (only_row) DO UPDATE SET phone_region = EXCLUDED.phone_region, built_at = now()",
            &[&self.region.code()],
        )
        .await?;
        Ok(report)
    }

    /// Rebuilds one organization's keys in one transaction: (records, keys).
    async fn reindex_organization(&self, tenant: &Tenant) -> Result<(u64, u64), StoreError> {
        let catalog = self.load_catalog(tenant.organization_id).await?;
        let conn = self.connections.write().await?;
        let mut tx = PgTx::begin(conn, tenant.clone(), self.region).await?;
        let (mut records, mut keys) = (0, 0);
        for object in &catalog.objects {
            let (r, k) = rebuild_object(&tx, object).await?;
            records += r;
            keys += k;
        }
        kasar_application::ports::Tx::commit(&mut tx).await?;
        Ok((records, keys))
    }
}

/// Replaces the keys of one object from its records: (records, keys).
pub(crate) async fn rebuild_object(
    tx: &PgTx,
    object: &ObjectDef,
) -> Result<(u64, u64), StoreError> {
    let t = tx.t(&object.name);
    tx.exec(&format!("LOCK TABLE {t} IN SHARE MODE"), &[])
        .await?;
    tx.exec(
        &format!("TRUNCATE {}", keys_table(&tx.tenant.schema, &object.name)),
        &[],
    )
    .await?;
    let plan = MatchPlan::new(object, &Criterion::ALL);
    let blocks = BlockPlan::new(object);
    if plan.columns().is_empty() && blocks.columns().is_empty() {
        crate::digests::rebuild(tx, object).await?;
        return Ok((0, 0));
    }
    let exact = plan.columns().len();
    let cols: Vec<String> = plan
        .columns()
        .iter()
        .map(|c| ident(c))
        .chain(blocks.columns().iter().map(|c| match object.field(c) {
            Some(f) if f.is_column() => format!("{}::text", ident(c)),
            _ => "NULL::text".to_owned(),
        }))
        .collect();
    // Pages in id order (the primary key), each after the last id read.
    let page = format!(
        "SELECT id, created_at, {} FROM {t} WHERE id > $1 ORDER BY id LIMIT {FETCH}",
        cols.join(", ")
    );
    let (mut records, mut keys) = (0u64, 0u64);
    let mut after = Uuid::nil();
    loop {
        let rows = tx.rows(&page, &[&after]).await?;
        let mut out = KeyRows::default();
        for row in &rows {
            let holder = Holder::of_row(row)?;
            let texts = (0..cols.len())
                .map(|i| row.try_get(i + 2))
                .collect::<Result<Vec<Option<&str>>, _>>()
                .map_err(db)?;
            out.add(
                &plan,
                tx.region,
                holder,
                texts.get(..exact).unwrap_or_default(),
            );
            out.push_blocks(
                holder,
                blocks.keys(texts.get(exact..).unwrap_or_default(), tx.region),
            );
            after = holder.id;
        }
        records += rows.len() as u64;
        keys += out.ids.len() as u64;
        insert(tx, object, &out).await?;
        if rows.len() < FETCH {
            break;
        }
    }
    crate::digests::rebuild(tx, object).await?;
    Ok((records, keys))
}
