//! Detect duplicates: exact groups from the key index (see `exact`) or
//! fuzzy ones (see `fuzzy`), full records fetched only for the groups
//! returned.

use std::collections::HashMap;

use kasar_domain::duplicates::DuplicateGroup;
use kasar_domain::{ObjectDef, Record};
use uuid::Uuid;

use super::command::{Criteria, DetectCommand, DetectMode, FieldNames, Threshold, DEFAULT_GROUPS};
use super::exact::Exact;
use crate::authorize::{Authorized, Detect};
use crate::command::{Count, Limit};
use crate::dismissals::Dismissed;
use crate::error::AppError;
use crate::ports::Tenant;
use crate::Services;

/// One group with its records, oldest first.
#[derive(Debug, Clone)]
pub struct FoundGroup {
    pub record_ids: Vec<Uuid>,
    /// Exact: the first criterion that found the set; fuzzy: the comparison
    /// that gave the most weight.
    pub match_reason: String,
    /// Exact: every criterion that found the set; fuzzy: every comparison
    /// at a level above `other` in one of its pairs.
    pub match_reasons: Vec<String>,
    /// Fuzzy: the score and the pairs.
    pub fuzzy: Option<super::fuzzy::Evidence>,
    pub records: Vec<Record>,
}

/// What detect found.
#[derive(Debug, Clone)]
pub struct DetectOutcome {
    pub object: ObjectDef,
    pub groups: Vec<FoundGroup>,
    pub total_groups: usize,
    pub records_scanned: usize,
}

/// Scans the newest records of the object and groups those that match.
#[tracing::instrument(skip(services, auth), fields(org = %auth.caller().organization_id))]
pub async fn detect(
    services: &Services,
    auth: &Authorized<Detect>,
    command: DetectCommand,
) -> Result<DetectOutcome, AppError> {
    let limit = command.limit.map_or(DEFAULT_GROUPS, Limit::get);
    let scan_limit = scan_limit(services, command.scan_limit)?;
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object_name).await?;
    let (groups, total_groups, records_scanned) = match command.mode {
        Some(DetectMode::Fuzzy) => {
            let dismissed =
                dismissed(services, &tenant, &object, command.include_dismissed).await?;
            let scope = Scope {
                tenant: &tenant,
                object: &object,
                scan_limit,
                limit,
                dismissed: &dismissed,
            };
            let threshold = command.threshold.map_or(Threshold::DEFAULT, Threshold::get);
            super::fuzzy::detect(services, &scope, command.fields.as_ref(), threshold).await?
        }
        _ => {
            let criteria = criteria(command.fields.as_ref())?;
            let exact = Exact {
                tenant: &tenant,
                object: &object,
                criteria: criteria.as_slice(),
                scan_limit,
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
                include_dismissed: command.include_dismissed,
            };
            let (groups, total, scanned) = super::exact::groups(services, &exact).await?;
            (
                groups.into_iter().map(exact_group).collect(),
                total,
                scanned,
            )
        }
    };
    let groups = with_records(services, &tenant, &object, groups).await?;
    Ok(DetectOutcome {
        object,
        groups,
        total_groups,
        records_scanned,
    })
}

/// The number of newest records a scan reads: the configured default, or
/// the one asked for within the configured maximum.
pub(super) fn scan_limit(services: &Services, asked: Option<Count>) -> Result<u32, AppError> {
    let max = services.limits.max_scan_limit;
    match asked {
        None => Ok(services.limits.scan_limit),
        Some(n) if n.get() <= max => Ok(n.get()),
        Some(_) => Err(AppError::Validation(format!(
            "scan_limit must be an integer between 1 and {max}"
        ))),
    }
}

/// The dismissed sets of `object` to leave out (none when they are included).
pub(super) async fn dismissed(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
    include: Option<bool>,
) -> Result<Dismissed, AppError> {
    if include.unwrap_or(false) {
        return Ok(Dismissed::default());
    }
    let sets = services
        .store
        .dismissals(tenant, Some(object.name.clone()))
        .await?;
    Ok(Dismissed::new(
        sets.into_iter().map(|d| d.record_ids).collect(),
    ))
}

/// The exact criteria `fields` names (all of them when it names none).
pub(super) fn criteria(fields: Option<&FieldNames>) -> Result<Criteria, AppError> {
    match fields {
        Some(names) => names.criteria().map_err(AppError::Validation),
        None => Ok(Criteria::all()),
    }
}

/// What a detect reads and returns.
pub(super) struct Scope<'a> {
    pub(super) tenant: &'a Tenant,
    pub(super) object: &'a ObjectDef,
    pub(super) scan_limit: u32,
    pub(super) limit: u32,
    pub(super) dismissed: &'a Dismissed,
}

/// An exact group, its records still to be read.
fn exact_group(g: DuplicateGroup) -> FoundGroup {
    FoundGroup {
        record_ids: g.record_ids,
        match_reason: g.match_reason.as_str().to_owned(),
        match_reasons: g
            .match_reasons
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        fuzzy: None,
        records: Vec::new(),
    }
}

/// The full records of the groups, in one read. A record deleted between the
/// scan and the read is left out of its group.
async fn with_records(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
    groups: Vec<FoundGroup>,
) -> Result<Vec<FoundGroup>, AppError> {
    let mut ids: Vec<Uuid> = groups
        .iter()
        .flat_map(|g| g.record_ids.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    // Each record with the number of groups still to take it: the last
    // one takes it, the others a copy.
    let mut uses: HashMap<Uuid, usize> = HashMap::with_capacity(ids.len());
    for id in groups.iter().flat_map(|g| g.record_ids.iter()) {
        *uses.entry(*id).or_default() += 1;
    }
    let mut by_id: HashMap<_, _> = services
        .store
        .get_many(tenant, object, &ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut take = |id: &Uuid| match uses.get_mut(id) {
        Some(n) if *n > 1 => {
            *n -= 1;
            by_id.get(id).cloned()
        }
        _ => by_id.remove(id),
    };
    Ok(groups
        .into_iter()
        .map(|mut group| {
            group.records = group.record_ids.iter().filter_map(&mut take).collect();
            group
        })
        .collect())
}
