//! `GET /export/duplicates/{object}`: every pair detect would score at or
//! above the threshold (exact: every pair sharing a key, score 1), each once,
//! however many. The records of the scan are read once and grouped by key;
//! the pairs are produced one by one as the response is written, so memory
//! grows with the records, never with the pairs.

use kasar_domain::duplicates::{Criterion, MatchPlan};
use kasar_domain::fuzzy::detect::{candidate_walk, score_prepared};
use kasar_domain::fuzzy::pairs::PairWalk;
use kasar_domain::fuzzy::{BlockPlan, MISSING, OTHER};
use kasar_domain::ObjectDef;
use serde::Deserialize;
use uuid::Uuid;

use super::command::{DetectMode, FieldNames, Threshold};
use super::detect::{self, Scope};
use super::{fuzzy, model};
use crate::authorize::{Authorized, Export};
use crate::command::Count;
use crate::error::AppError;
use crate::ports::{Scanned, Tenant};
use crate::Services;

/// What to export (the object comes from the path).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportPairs {
    #[serde(skip)]
    pub object: String,
    #[serde(default)]
    pub mode: Option<DetectMode>,
    #[serde(default)]
    pub threshold: Option<Threshold>,
    #[serde(default)]
    pub fields: Option<FieldNames>,
    #[serde(default)]
    pub scan_limit: Option<Count>,
    #[serde(default)]
    pub include_dismissed: Option<bool>,
}

/// One pair of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedPair {
    pub record_ids: [Uuid; 2],
    pub score: f64,
    pub match_reason: String,
    /// One level per column of [`PairExport::comparisons`].
    pub levels: Vec<&'static str>,
}

/// The pairs, produced as they are read.
pub struct PairExport {
    pub object: ObjectDef,
    /// The comparisons (fuzzy) or criteria (exact), one column each.
    pub comparisons: Vec<String>,
    pub pairs: Box<dyn Iterator<Item = ExportedPair> + Send>,
}

/// Reads the scan and returns the pairs to stream.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id, object = %command.object))]
pub async fn export_pairs(
    services: &Services,
    auth: &Authorized<Export>,
    command: ExportPairs,
) -> Result<PairExport, AppError> {
    let tenant = Tenant::from(auth.caller());
    let (_, object) = services.object(&tenant, &command.object).await?;
    let scan_limit = detect::scan_limit(services, command.scan_limit)?;
    let dismissed =
        detect::dismissed(services, &tenant, &object, command.include_dismissed).await?;
    let scope = Scope {
        tenant: &tenant,
        object: &object,
        scan_limit,
        limit: 0,
        dismissed: &dismissed,
    };
    let (comparisons, pairs) = match command.mode {
        Some(DetectMode::Fuzzy) => {
            let threshold = command.threshold.map_or(Threshold::DEFAULT, Threshold::get);
            fuzzy_pairs(services, &scope, command.fields.as_ref(), threshold).await?
        }
        _ => {
            let criteria = detect::criteria(command.fields.as_ref())?;
            exact_pairs(services, &scope, criteria.as_slice()).await?
        }
    };
    let pairs = pairs.filter(move |p| {
        let mut ids = p.record_ids.to_vec();
        ids.sort_unstable();
        !dismissed.covers(&ids)
    });
    Ok(PairExport {
        object,
        comparisons,
        pairs: Box::new(pairs),
    })
}

type Pairs = Box<dyn Iterator<Item = ExportedPair> + Send>;

/// Every pair sharing a key of `criteria`: score 1, the first criterion
/// shared as the reason, `exact` or `other` (`missing` when either has no
/// key) per criterion.
async fn exact_pairs(
    services: &Services,
    scope: &Scope<'_>,
    criteria: &[Criterion],
) -> Result<(Vec<String>, Pairs), AppError> {
    let plan = MatchPlan::new(scope.object, criteria);
    let region = services.limits.phone_region;
    let mut ids: Vec<Uuid> = Vec::new();
    let mut keys: Vec<Vec<(Criterion, String)>> = Vec::new();
    services
        .store
        .scan(
            scope.tenant,
            scope.object,
            plan.columns(),
            scope.scan_limit,
            &mut |id, _, texts| {
                ids.push(id);
                keys.push(plan.keys(texts, region));
            },
        )
        .await?;
    let named: Vec<Vec<String>> = keys
        .iter()
        .map(|ks| {
            ks.iter()
                .map(|(c, k)| format!("{}:{k}", c.code()))
                .collect()
        })
        .collect();
    let walk = PairWalk::new(&named, None);
    let criteria = criteria.to_vec();
    let names = criteria.iter().map(|c| c.as_str().to_owned()).collect();
    let pairs = walk.map(move |(a, b)| {
        let of = |i: u32| keys.get(i as usize).map_or(&[][..], Vec::as_slice);
        let (ka, kb) = (of(a), of(b));
        let levels: Vec<&'static str> = criteria
            .iter()
            .map(|c| {
                let (x, y) = (
                    ka.iter().filter(|(k, _)| k == c),
                    kb.iter().filter(|(k, _)| k == c),
                );
                if x.clone().any(|p| y.clone().any(|q| p == q)) {
                    "exact"
                } else if x.count() == 0 || y.count() == 0 {
                    MISSING
                } else {
                    OTHER
                }
            })
            .collect();
        let reason = criteria
            .iter()
            .zip(&levels)
            .find(|(_, l)| **l == "exact")
            .map(|(c, _)| c.as_str().to_owned())
            .unwrap_or_default();
        let id = |i: u32| ids.get(i as usize).copied().unwrap_or_default();
        ExportedPair {
            record_ids: [id(a), id(b)],
            score: 1.0,
            match_reason: reason,
            levels,
        }
    });
    Ok((names, Box::new(pairs)))
}

/// Every candidate pair scored at or above `threshold` by the model in force.
async fn fuzzy_pairs(
    services: &Services,
    scope: &Scope<'_>,
    fields: Option<&FieldNames>,
    threshold: f64,
) -> Result<(Vec<String>, Pairs), AppError> {
    let (profile, indexes) = fuzzy::profile(scope.object, fields)?;
    let model = model::in_force(services, scope.tenant, scope.object)
        .await?
        .select(&indexes);
    let plan = BlockPlan::of(profile);
    let (rows, prepared) = model::read_prepared(
        services,
        scope.tenant,
        scope.object,
        &plan,
        scope.scan_limit,
    )
    .await?;
    let walk = candidate_walk(&prepared);
    let names = plan.profile().iter().map(|c| c.name.clone()).collect();
    let pairs = walk.filter_map(move |(a, b)| {
        let (pa, pb) = (prepared.get(a as usize)?, prepared.get(b as usize)?);
        let (score, levels) = score_prepared(plan.profile(), &model, pa, pb);
        let (ra, rb): (&Scanned, &Scanned) = (rows.get(a as usize)?, rows.get(b as usize)?);
        (score >= threshold).then(|| ExportedPair {
            record_ids: [ra.id, rb.id],
            score,
            match_reason: model::strongest(plan.profile(), &model, &levels),
            levels,
        })
    });
    Ok((names, Box::new(pairs)))
}
