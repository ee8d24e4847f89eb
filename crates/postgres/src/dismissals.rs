//! Dismissed sets in `kasar.dismissals`, scoped to the organization.

use kasar_application::ports::{Dismissal, Tenant};
use kasar_application::StoreError;
use kasar_domain::ObjectDef;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::conn::Conn;
use crate::error::db;
use crate::tx::PgTx;

const COLUMNS: &str = "id, object_name, record_ids, dismissed_at, dismissed_by";

fn dismissal(r: &Row) -> Result<Dismissal, StoreError> {
    Ok(Dismissal {
        dismissal_id: r.try_get(0).map_err(db)?,
        object_name: r.try_get(1).map_err(db)?,
        record_ids: r.try_get(2).map_err(db)?,
        dismissed_at: r.try_get(3).map_err(db)?,
        dismissed_by: r.try_get(4).map_err(db)?,
    })
}

/// Records the set, or returns the same set recorded before.
pub(crate) async fn dismiss(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
    by: Uuid,
) -> Result<Dismissal, StoreError> {
    let sql = format!(
        "WITH ins AS (INSERT INTO kasar.dismissals (organization_id, object_name, record_ids, dismissed_by) \
                      VALUES ($1, $2, $3, $4) ON CONFLICT (organization_id, object_name, record_ids) DO NOTHING \
                      RETURNING {COLUMNS}) \
         SELECT {COLUMNS} FROM ins UNION ALL \
         SELECT {COLUMNS} FROM kasar.dismissals WHERE organization_id = $1 AND object_name = $2 AND record_ids = $3"
    );
    let rows = tx
        .rows(&sql, &[&tx.tenant.organization_id, &object.name, &ids, &by])
        .await?;
    rows.first()
        .map(dismissal)
        .transpose()?
        .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("dismissal not written")))
}

/// Removes the dismissal of exactly `ids`.
pub(crate) async fn undismiss(
    tx: &PgTx,
    object: &ObjectDef,
    ids: &[Uuid],
) -> Result<Option<Dismissal>, StoreError> {
    let sql = format!(
        "DELETE FROM kasar.dismissals WHERE organization_id = $1 AND object_name = $2 AND record_ids = $3 RETURNING {COLUMNS}"
    );
    let rows = tx
        .rows(&sql, &[&tx.tenant.organization_id, &object.name, &ids])
        .await?;
    rows.first().map(dismissal).transpose()
}

/// The organization's dismissed sets, newest first.
pub(crate) async fn list(
    conn: &Conn,
    tenant: &Tenant,
    object_name: Option<&str>,
) -> Result<Vec<Dismissal>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM kasar.dismissals WHERE organization_id = $1 AND ($2::text IS NULL OR object_name = $2) \
         ORDER BY dismissed_at DESC, id DESC"
    );
    let rows = conn
        .query(&sql, &[&tenant.organization_id, &object_name])
        .await?;
    rows.iter().map(dismissal).collect()
}
