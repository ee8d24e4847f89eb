//! The SQL behind `PgTx`'s single-record insert, its update of many records
//! with one set of values, and its link changes.

use std::collections::BTreeMap;

use kasar_application::StoreError;
use kasar_domain::{ObjectDef, Value};
use tracing::instrument;
use uuid::Uuid;

use crate::keys::{self, Holder, Refresh};
use crate::sql::{ident, insert_links, param, refs, Param};
use crate::tx::PgTx;

impl PgTx {
    /// Replaces the links of `field` of the records with `targets`.
    pub(crate) async fn replace_links(
        &self,
        object: &ObjectDef,
        field: &str,
        ids: &[Uuid],
        targets: &[Uuid],
    ) -> Result<(), StoreError> {
        let Some(f) = object.field(field) else {
            return Ok(());
        };
        let j = self.t(&f.junction_table(&object.name));
        self.exec(
            &format!("DELETE FROM {j} WHERE source_id = ANY($1) AND NOT (target_id = ANY($2))"),
            &[&ids, &targets],
        )
        .await?;
        self.exec(&insert_links(&j), &[&ids, &targets]).await?;
        Ok(())
    }
    /// Runs `change` (an INSERT or DELETE on the junction of `field`, taking
    /// the record ids as $1 and the targets as $2 and returning `source_id` of
    /// each row it changed), bumps `updated_at` of the records whose links
    /// changed, in the same statement, and returns how many rows changed.
    pub(crate) async fn change_links(
        &self,
        object: &ObjectDef,
        field: &str,
        ids: &[Uuid],
        targets: &[Uuid],
        change: impl FnOnce(&str) -> String,
    ) -> Result<u64, StoreError> {
        let Some(f) = object.field(field) else {
            return Ok(0);
        };
        let (j, t) = (
            self.t(&f.junction_table(&object.name)),
            self.t(&object.name),
        );
        let sql = format!(
            "WITH changed AS ({}), \
             touched AS (UPDATE {t} SET updated_at = clock_timestamp() WHERE id IN (SELECT source_id FROM changed)) \
             SELECT count(*) FROM changed",
            change(&j)
        );
        let rows = self.rows(&sql, &[&ids, &targets]).await?;
        Ok(rows
            .first()
            .map_or(0, |r| r.get::<_, i64>(0))
            .unsigned_abs())
    }

    #[instrument(skip_all, fields(object = %object.name))]
    pub(crate) async fn insert_one(
        &self,
        object: &ObjectDef,
        values: &BTreeMap<String, Value>,
    ) -> Result<Uuid, StoreError> {
        let mut cols = Vec::new();
        let mut params: Vec<Param> = Vec::new();
        for f in object.column_fields() {
            if let Some(v) = values.get(&f.name) {
                params.push(param(f, v));
                cols.push(ident(&f.name));
            }
        }
        let t = self.t(&object.name);
        let sql = if cols.is_empty() {
            format!("INSERT INTO {t} DEFAULT VALUES RETURNING id, created_at")
        } else {
            let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
            format!(
                "INSERT INTO {t} ({}) VALUES ({}) RETURNING id, created_at",
                cols.join(", "),
                placeholders.join(", ")
            )
        };
        let rows = self.rows(&sql, &refs(&params)).await?;
        let holder =
            Holder::of_row(rows.first().ok_or_else(|| {
                StoreError::Unexpected(anyhow::anyhow!("insert returned no id"))
            })?)?;
        let id = holder.id;
        for f in object.many_to_many_fields() {
            if let Some(Value::Ids(targets)) = values.get(&f.name) {
                self.replace_links(object, &f.name, &[id], targets).await?;
            }
        }
        keys::for_inserted(self, object, &[holder], &[values]).await?;
        Ok(id)
    }

    #[instrument(skip_all, fields(object = %object.name, ids = ids.len()))]
    pub(crate) async fn update_all(
        &self,
        object: &ObjectDef,
        ids: &[Uuid],
        values: &BTreeMap<String, Value>,
    ) -> Result<u64, StoreError> {
        let t = self.t(&object.name);
        let mut sets = Vec::new();
        let mut differs = Vec::new();
        let mut params: Vec<Param> = vec![Box::new(ids.to_vec())];
        for f in object.column_fields() {
            if let Some(v) = values.get(&f.name) {
                params.push(param(f, v));
                let (col, p) = (ident(&f.name), params.len());
                sets.push(format!("{col} = ${p}"));
                differs.push(format!("{col} IS DISTINCT FROM ${p}"));
            }
        }
        let mut links_changed = false;
        for f in object.many_to_many_fields() {
            if let Some(Value::Ids(targets)) = values.get(&f.name) {
                self.replace_links(object, &f.name, ids, targets).await?;
                links_changed = true;
            }
        }
        // Only rows whose value really changes get a new updated_at, unless
        // links changed or nothing but a touch was asked for.
        sets.push("updated_at = clock_timestamp()".to_owned());
        let filter = if differs.is_empty() || links_changed {
            String::new()
        } else {
            format!(" AND ({})", differs.join(" OR "))
        };
        let refresh = Refresh::of(object, |f| values.contains_key(f));
        let returning = refresh
            .as_ref()
            .map(|r| r.returning("t"))
            .unwrap_or_default();
        let sql = format!(
            "UPDATE {t} t SET {} WHERE id = ANY($1){filter}{returning}",
            sets.join(", ")
        );
        match refresh {
            Some(refresh) => {
                let rows = self.rows(&sql, &refs(&params)).await?;
                refresh.apply(self, object, &rows).await?;
            }
            None => {
                self.exec(&sql, &refs(&params)).await?;
            }
        }
        Ok(ids.len() as u64)
    }
}
