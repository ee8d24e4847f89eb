//! Exact detect's groups: from the key index's groups when the whole table
//! fits in the scan, otherwise from the digests of the newest records.

use kasar_domain::duplicates::{Criterion, DuplicateGroup, Grouper, KEY_DIGEST_BYTES};
use kasar_domain::ObjectDef;

use super::detect::dismissed;
use crate::dismissals::Dismissed;
use crate::error::AppError;
use crate::ports::Tenant;
use crate::Services;

/// Scans of up to this many records read the newest records' digests first,
/// one record more than the scan, beside the dismissed sets: a table that
/// holds more records than the scan has its answer in them (the extra one
/// left out), with no round trip to learn the table's size first; a table
/// that fits gets the key index's groups (the same groups; the read that
/// keeps them current). Larger scans ask the key index first: reading the
/// digests of a million records to learn that the table fits would cost
/// more than its groups.
const SCAN_FIRST: u32 = 8192;

/// How many records' digests a detect with a scan of `scan_limit` reads:
/// one more than the scan when it reads them first (see `SCAN_FIRST`).
pub fn digests_read(scan_limit: u32) -> u32 {
    if scan_limit <= SCAN_FIRST {
        scan_limit + 1
    } else {
        scan_limit
    }
}

/// What an exact detect reads and returns.
pub(super) struct Exact<'a> {
    pub(super) tenant: &'a Tenant,
    pub(super) object: &'a ObjectDef,
    pub(super) criteria: &'a [Criterion],
    pub(super) scan_limit: u32,
    pub(super) limit: usize,
    pub(super) include_dismissed: Option<bool>,
}

/// The first `limit` groups, how many there are and how many records were
/// read.
pub(super) async fn groups(
    services: &Services,
    e: &Exact<'_>,
) -> Result<(Vec<DuplicateGroup>, usize, usize), AppError> {
    let dismissed_sets = dismissed(services, e.tenant, e.object, e.include_dismissed);
    if e.scan_limit <= SCAN_FIRST {
        let mut grouper = Grouper::new(e.criteria);
        let (read, dismissed) = futures_util::future::try_join(
            read_digests(services, e, digests_read(e.scan_limit), &mut grouper),
            dismissed_sets,
        )
        .await?;
        let scanned = read.min(e.scan_limit as usize);
        if read == scanned {
            if let Some(found) = indexed(services, e, &dismissed).await? {
                return Ok(found);
            }
        }
        return Ok(finish(grouper, &dismissed, e.limit, scanned));
    }
    let dismissed = dismissed_sets.await?;
    if let Some(found) = indexed(services, e, &dismissed).await? {
        return Ok(found);
    }
    let mut grouper = Grouper::new(e.criteria);
    let scanned = read_digests(services, e, e.scan_limit, &mut grouper).await?;
    Ok(finish(grouper, &dismissed, e.limit, scanned))
}

/// The groups of the whole table from the key index, when it fits in the
/// scan.
async fn indexed(
    services: &Services,
    e: &Exact<'_>,
    dismissed: &Dismissed,
) -> Result<Option<(Vec<DuplicateGroup>, usize, usize)>, AppError> {
    let found = services
        .store
        .indexed_groups(
            e.tenant,
            e.object,
            e.criteria,
            e.scan_limit,
            &dismissed.sets(),
            e.limit,
        )
        .await?;
    Ok(found.map(|f| (f.groups, f.total, f.records)))
}

/// Streams the key digests of the newest `limit` records into `grouper`
/// (those beyond the scan, the oldest, left out): their keys, kept by the
/// key index, are grouped (equal digests, equal keys) instead of their
/// columns read and normalized again. Returns how many were read.
async fn read_digests(
    services: &Services,
    e: &Exact<'_>,
    limit: u32,
    grouper: &mut Grouper,
) -> Result<usize, AppError> {
    let mut left = e.scan_limit;
    Ok(services
        .store
        .scan_digests(e.tenant, e.object, limit, &mut |id, created_at, digests| {
            if left == 0 {
                return;
            }
            left -= 1;
            let keys = digests
                .iter()
                .flat_map(|(c, d)| d.chunks_exact(KEY_DIGEST_BYTES).map(move |k| (*c, k)));
            grouper.add_bytes(id, created_at, keys);
        })
        .await?)
}

/// The first `limit` groups of a scan, dismissed groups neither reported
/// nor counted.
fn finish(
    grouper: Grouper,
    dismissed: &Dismissed,
    limit: usize,
    scanned: usize,
) -> (Vec<DuplicateGroup>, usize, usize) {
    if dismissed.is_empty() {
        let (groups, total) = grouper.finish_first(limit);
        return (groups, total, scanned);
    }
    let mut groups = grouper.finish();
    groups.retain(|g| !dismissed.covers(&g.record_ids));
    let total = groups.len();
    groups.truncate(limit);
    (groups, total, scanned)
}
