//! `POST /records/{object}/match`: the existing records a would-be record
//! matches, found through the blocking keys of the key index (never a scan
//! of the table), scored with the object's model in force, strongest first.

use std::collections::HashMap;

use kasar_domain::fuzzy::blocking::MAX_BLOCK;
use kasar_domain::fuzzy::detect::score_prepared;
use kasar_domain::fuzzy::model::Model;
use kasar_domain::fuzzy::{prepared_record_keys, BlockPlan};
use kasar_domain::{ObjectDef, Record, Value};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

use super::command::Threshold;
use super::model;
use crate::authorize::{Authorized, Read};
use crate::command::{Limit, RecordFields};
use crate::error::AppError;
use crate::ports::Tenant;
use crate::records::parse_values;
use crate::Services;

/// Most matches a request may ask for.
pub const MAX_MATCHES: u32 = 100;
/// Matches returned when none is asked for.
pub const DEFAULT_MATCHES: u32 = 10;

/// The body of a match request (the object comes from the path).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchCommand {
    #[serde(skip)]
    pub object: String,
    /// The would-be record's fields, as a create takes them.
    pub record: RecordFields,
    /// `None`: 0.9.
    #[serde(default)]
    pub threshold: Option<Threshold>,
    /// `None`: [`DEFAULT_MATCHES`].
    #[serde(default)]
    pub limit: Option<Limit<MAX_MATCHES>>,
}

/// One existing record the would-be record matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    pub record: Record,
    pub score: f64,
    /// Each comparison's level.
    pub levels: Vec<(String, &'static str)>,
}

/// The matches of a would-be record, strongest first.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id, object = %command.object))]
pub async fn match_record(
    services: &Services,
    auth: &Authorized<Read>,
    command: MatchCommand,
) -> Result<(ObjectDef, Vec<Matched>), AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object).await?;
    let values = parse_values(&object, &command.record, false)?;
    let threshold = command.threshold.map_or(Threshold::DEFAULT, Threshold::get);
    let limit = command.limit.map_or(DEFAULT_MATCHES, Limit::get);
    let model = model::for_lookup(services, &tenant, &object).await?;
    let mut scored = candidates(services, &tenant, &object, &model, &values, threshold).await?;
    scored.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let ids: Vec<Uuid> = scored.iter().map(|s| s.0).collect();
    let mut by_id: HashMap<Uuid, Record> = services
        .store
        .get_many(&tenant, &object, &ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let matches = scored
        .into_iter()
        .filter_map(|(id, score, levels)| {
            Some(Matched {
                record: by_id.remove(&id)?,
                score,
                levels,
            })
        })
        .collect();
    Ok((object, matches))
}

/// A candidate's id, score and levels.
type Scored = (Uuid, f64, Vec<(String, &'static str)>);

/// The records sharing a blocking key with `values`, scored, at or above
/// `threshold`, strongest first (then oldest first, then by id).
pub(crate) async fn candidates(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
    model: &Model,
    values: &BTreeMap<String, Value>,
    threshold: f64,
) -> Result<Vec<Scored>, AppError> {
    let region = services.limits.phone_region;
    let plan = BlockPlan::new(object);
    let mine = plan.prepare_values(values, region);
    let keys = prepared_record_keys(&mine);
    let found = services
        .store
        .block_candidates(tenant, object, &keys, plan.columns(), MAX_BLOCK)
        .await?;
    let mut scored: Vec<(Scored, chrono::DateTime<chrono::Utc>)> = found
        .iter()
        .filter_map(|c| {
            let theirs = plan.prepare(&c.texts, region);
            let (score, levels) = score_prepared(plan.profile(), model, &mine, &theirs);
            let levels = plan
                .profile()
                .iter()
                .map(|p| p.name.clone())
                .zip(levels)
                .collect();
            (score >= threshold).then_some(((c.id, score, levels), c.created_at))
        })
        .collect();
    scored.sort_by(|(a, ta), (b, tb)| b.1.total_cmp(&a.1).then(ta.cmp(tb)).then(a.0.cmp(&b.0)));
    Ok(scored.into_iter().map(|(s, _)| s).collect())
}
