//! Detect duplicates: one read of the newest records, keys computed and
//! grouped in memory, full records fetched only for the groups returned.

use std::collections::HashMap;

use kasar_domain::duplicates::{Criterion, DuplicateGroup, Grouper, MatchPlan};
use kasar_domain::{Caller, ObjectDef, Record};

use super::require_admin;
use crate::error::AppError;
use crate::ports::Tenant;
use crate::Services;

/// A detect request, as typed by the HTTP adapter.
#[derive(Debug, Clone, Default)]
pub struct DetectRequest {
    pub object: String,
    pub fields: Option<Vec<String>>,
    pub limit: Option<i64>,
    /// Records to scan (extension); default the configured scan limit.
    pub scan_limit: Option<i64>,
}

/// One group with its records, oldest first.
#[derive(Debug, Clone)]
pub struct FoundGroup {
    pub group: DuplicateGroup,
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

/// Default and maximum number of groups returned.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 1000;

/// Scans the newest records of the object and groups those that match.
#[tracing::instrument(skip(services, caller), fields(org = %caller.organization_id))]
pub async fn detect(
    services: &Services,
    caller: &Caller,
    request: &DetectRequest,
) -> Result<DetectOutcome, AppError> {
    require_admin(caller)?;
    let criteria = parse_criteria(request.fields.as_deref())?;
    let limit = request.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::Validation(format!(
            "limit must be an integer between 1 and {MAX_LIMIT}"
        )));
    }
    let max = i64::from(services.limits.max_scan_limit);
    let scan_limit = match request.scan_limit {
        None => services.limits.scan_limit,
        Some(n) if (1..=max).contains(&n) => {
            u32::try_from(n).unwrap_or(services.limits.max_scan_limit)
        }
        Some(_) => {
            return Err(AppError::Validation(format!(
                "scan_limit must be an integer between 1 and {max}"
            )))
        }
    };
    let (_, object) = services.object(caller, &request.object).await?;
    let tenant = Tenant::from(caller);
    let plan = MatchPlan::new(&object, &criteria);
    let region = services.limits.phone_region;
    let mut grouper = Grouper::new(&criteria);
    let records_scanned = services
        .store
        .scan(
            &tenant,
            &object,
            plan.columns(),
            scan_limit,
            &mut |id, created_at, texts| {
                let keys = plan.keys(texts, region);
                grouper.add(id, created_at, keys.iter().map(|(c, k)| (*c, k.as_str())));
            },
        )
        .await?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let (groups, total_groups) = grouper.finish_first(limit);

    let mut ids: Vec<_> = groups
        .iter()
        .flat_map(|g| g.record_ids.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let by_id: HashMap<_, _> = services
        .store
        .get_many(&tenant, &object, &ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    // A record deleted between the scan and the fetch is left out of its group.
    let groups = groups
        .into_iter()
        .map(|group| {
            let records = group
                .record_ids
                .iter()
                .filter_map(|id| by_id.get(id).cloned())
                .collect();
            FoundGroup { group, records }
        })
        .collect();
    Ok(DetectOutcome {
        object,
        groups,
        total_groups,
        records_scanned,
    })
}

/// `fields`: a non-empty subset of the criteria; default all.
fn parse_criteria(fields: Option<&[String]>) -> Result<Vec<Criterion>, AppError> {
    let Some(fields) = fields else {
        return Ok(Criterion::ALL.to_vec());
    };
    if fields.is_empty() {
        return Err(AppError::Validation(
            "fields must not be empty (email, phone, linkedin, name)".into(),
        ));
    }
    let mut out = Vec::new();
    for f in fields {
        let c = Criterion::parse(f).ok_or_else(|| {
            AppError::Validation(format!(
                "unknown match field '{}' (email, phone, linkedin, name)",
                crate::services::shorten(f)
            ))
        })?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_are_validated() {
        assert_eq!(parse_criteria(None).unwrap().len(), 4);
        assert!(parse_criteria(Some(&[])).is_err());
        assert!(parse_criteria(Some(&["mail".into()])).is_err());
        assert_eq!(
            parse_criteria(Some(&["name".into(), "email".into()])).unwrap(),
            vec![Criterion::Email, Criterion::Name]
        );
    }
}
