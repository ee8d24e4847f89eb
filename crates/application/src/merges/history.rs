//! The history of merges: a listing, newest first with a keyset cursor, and
//! one entry in full. Admins only (the `Detect` rule); expired entries are
//! not shown.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::journal::{MergeEntry, MergeFilter, MergeSummary};
use crate::authorize::{Authorized, Detect};
use crate::command::Limit;
use crate::error::AppError;
use crate::ports::Tenant;
use crate::Services;

/// Largest page of merges.
pub const MAX_MERGES: u32 = 200;
/// Page when no `limit` is given.
const DEFAULT_MERGES: u32 = 50;

/// `GET /merges`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListMerges {
    pub object_name: Option<String>,
    pub record_id: Option<Uuid>,
    pub limit: Option<Limit<MAX_MERGES>>,
    pub cursor: Option<String>,
}

/// A page of merges.
#[derive(Debug, Clone, PartialEq)]
pub struct MergePage {
    pub merges: Vec<MergeSummary>,
    pub next_cursor: Option<String>,
}

/// Lists merges, newest first.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn list_merges(
    services: &Services,
    auth: &Authorized<Detect>,
    command: ListMerges,
) -> Result<MergePage, AppError> {
    let tenant = Tenant::from(auth.caller());
    if let Some(name) = &command.object_name {
        services.object(&tenant, name).await?;
    }
    let before = command.cursor.as_deref().map(decode).transpose()?;
    let limit = command.limit.map_or(DEFAULT_MERGES, Limit::get);
    let filter = MergeFilter {
        object_name: command.object_name,
        record_id: command.record_id,
        before,
        retention_days: services.limits.journal_retention_days,
    };
    let mut merges = services.store.merges(&tenant, &filter, limit + 1).await?;
    let more = merges.len() > limit as usize;
    merges.truncate(limit as usize);
    let next_cursor = more
        .then(|| merges.last().map(|m| encode(m.merged_at, m.merge_id)))
        .flatten();
    Ok(MergePage {
        merges,
        next_cursor,
    })
}

/// One merge's journal entry; 404 NOT_FOUND when unknown or expired.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn get_merge(
    services: &Services,
    auth: &Authorized<Detect>,
    merge_id: Uuid,
) -> Result<MergeEntry, AppError> {
    let tenant = Tenant::from(auth.caller());
    live_entry(services, &tenant, merge_id).await
}

/// The entry unless unknown or past its retention.
pub(crate) async fn live_entry(
    services: &Services,
    tenant: &Tenant,
    merge_id: Uuid,
) -> Result<MergeEntry, AppError> {
    let days = services.limits.journal_retention_days;
    let entry = services
        .store
        .merge_entry(tenant, merge_id)
        .await?
        .filter(|e| {
            days == 0
                || e.merged_at.is_some_and(|at| {
                    Utc::now().signed_duration_since(at) < chrono::Duration::days(i64::from(days))
                })
        });
    entry.ok_or_else(|| AppError::NotFound(format!("merge {merge_id} not found")))
}

/// The cursor: the hex of `<merged_at as RFC 3339>|<merge id>`.
fn encode(at: DateTime<Utc>, id: Uuid) -> String {
    kasar_domain::hex::encode(format!("{}|{id}", kasar_domain::record::timestamp(at)).as_bytes())
}

fn decode(cursor: &str) -> Result<(DateTime<Utc>, Uuid), AppError> {
    let bad = || AppError::Validation("cursor is not a cursor of this listing".into());
    let bytes = kasar_domain::hex::decode(cursor, 256).ok_or_else(bad)?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (at, id) = text.split_once('|').ok_or_else(bad)?;
    let at = DateTime::parse_from_rfc3339(at).map_err(|_| bad())?;
    let id = Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((at.with_timezone(&Utc), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = Utc::now();
        let id = Uuid::now_v7();
        let (back_at, back_id) = decode(&encode(at, id)).unwrap();
        assert_eq!(back_id, id);
        assert_eq!(back_at.timestamp_micros(), at.timestamp_micros());
        assert!(decode("zz").is_err());
        assert!(decode("abc").is_err());
        assert!(decode("6869").is_err());
    }
}
