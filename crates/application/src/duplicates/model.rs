//! The fuzzy model in force for an object: the stored one while it fits
//! (estimated for the current profile, on a record count within 20 % of
//! today's), otherwise estimated again from every record of the object and
//! stored. The same records give the same model: the sample of random pairs
//! is seeded and the scan reads records in a fixed order.

use chrono::Utc;
use kasar_domain::fuzzy::detect::{estimate_model, model_shape, prepare_many, Prepared};
use kasar_domain::fuzzy::model::Model;
use kasar_domain::fuzzy::{profile_to_json, BlockPlan, Comparison, MISSING, OTHER};
use kasar_domain::ObjectDef;
use serde_json::{json, Map, Value as Json};

use crate::error::AppError;
use crate::ports::{Scanned, StoredModel, Tenant};
use crate::Services;

/// Seed of the random pairs the model's u probabilities come from.
pub(crate) const SEED: u64 = 0x006B_6173_6172;
/// Records prepared together while a scan reads them.
const BATCH: usize = 20_000;
/// Relative change of the record count past which a model is estimated again.
const DRIFT: f64 = 0.2;

/// Whether `stored` is the model in force for `profile` over `count` records.
pub(crate) fn fits(stored: &StoredModel, profile: &[Comparison], count: u64) -> bool {
    let drift = (count as f64 - stored.records as f64).abs();
    stored.profile == profile_to_json(profile)
        && stored.model.fits(&model_shape(profile))
        && drift <= DRIFT * stored.records as f64
}

/// The stored model of `object`, if any.
pub(crate) async fn stored(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
) -> Result<Option<StoredModel>, AppError> {
    Ok(services
        .store
        .models(tenant, Some(object.name.clone()))
        .await?
        .into_iter()
        .next()
        .map(|(_, m)| m))
}

/// Reads the newest `limit` records of `object`, each prepared for `plan`'s
/// comparisons as it arrives (its texts are not kept): the records (id and
/// creation time, no texts) and their prepared values.
pub(crate) async fn read_prepared(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
    plan: &BlockPlan,
    limit: u32,
) -> Result<(Vec<Scanned>, Vec<Prepared>), AppError> {
    let region = services.limits.phone_region;
    let (mut rows, mut prepared) = (Vec::new(), Vec::new());
    // Texts wait in batches, each prepared on every core and dropped.
    let mut batch: Vec<Vec<Option<String>>> = Vec::with_capacity(BATCH);
    let flush = |batch: &mut Vec<Vec<Option<String>>>, prepared: &mut Vec<Prepared>| {
        let values: Vec<_> = batch.iter().map(|t| plan.values(t)).collect();
        prepared.extend(prepare_many(plan.profile(), &values, region));
        batch.clear();
    };
    services
        .store
        .scan(
            tenant,
            object,
            plan.columns(),
            limit,
            &mut |id, created_at, texts| {
                batch.push(texts.iter().map(|t| t.map(str::to_owned)).collect());
                if batch.len() == BATCH {
                    flush(&mut batch, &mut prepared);
                }
                rows.push(Scanned {
                    id,
                    created_at,
                    texts: Vec::new(),
                });
            },
        )
        .await?;
    flush(&mut batch, &mut prepared);
    Ok((rows, prepared))
}

/// Stores a model just estimated for `object`'s full profile.
pub(crate) async fn save(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
    model: &Model,
    records: usize,
) -> Result<(), AppError> {
    let stored = StoredModel {
        profile: profile_to_json(&object.profile()),
        records: records as u64,
        model: model.clone(),
        estimated_at: Utc::now(),
    };
    services
        .store
        .save_model(tenant, &object.name, &stored)
        .await
        .map_err(AppError::from)
}

/// The model of `object`'s full profile: the stored one while it fits,
/// otherwise estimated from every record and stored.
pub(crate) async fn in_force(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
) -> Result<Model, AppError> {
    let profile = object.profile();
    let count = services.store.count(tenant, object).await?;
    if let Some(stored) = stored(services, tenant, object).await? {
        if fits(&stored, &profile, count) {
            return Ok(stored.model);
        }
    }
    estimate(services, tenant, object).await
}

/// Estimates the model of `object`'s full profile from every record, and
/// stores it.
pub(crate) async fn estimate(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
) -> Result<Model, AppError> {
    let plan = BlockPlan::new(object);
    let (rows, prepared) = read_prepared(services, tenant, object, &plan, u32::MAX).await?;
    let model = estimate_model(plan.profile(), &prepared, SEED);
    save(services, tenant, object, &model, rows.len()).await?;
    Ok(model)
}

/// The model a one-record lookup scores with: the stored one while it fits
/// the current profile and the planner's estimate of the record count
/// (no count of the table per lookup: that would cost more than the
/// lookup), otherwise the model in force (which counts exactly).
pub(crate) async fn for_lookup(
    services: &Services,
    tenant: &Tenant,
    object: &ObjectDef,
) -> Result<Model, AppError> {
    let profile = object.profile();
    if let Some(stored) = stored(services, tenant, object).await? {
        let estimate = services.store.count_estimate(tenant, object).await?;
        if fits(&stored, &profile, estimate.unwrap_or(stored.records)) {
            return Ok(stored.model);
        }
    }
    in_force(services, tenant, object).await
}

/// The weights of a stored model as `GET /schema/{object}` shows them:
/// log2(m/u) per level of each comparison, the prior, the records it saw.
pub fn weights_json(profile: &[Comparison], stored: &StoredModel) -> Json {
    let mut comparisons = Map::new();
    for (k, c) in profile.iter().enumerate() {
        let mut levels = Map::new();
        for (l, name) in c.comparator.levels().iter().enumerate() {
            let Ok(l) = u8::try_from(l) else { continue };
            if c.comparator.level_index(name) == Some(l) {
                let w = stored.model.level_weight(k, l);
                levels.insert((*name).to_owned(), json!((w * 1000.0).round() / 1000.0));
            }
        }
        comparisons.insert(c.name.clone(), Json::Object(levels));
    }
    json!({
        "prior": stored.model.prior,
        "records": stored.records,
        "estimated_at": stored.estimated_at,
        "comparisons": comparisons,
    })
}

/// The weights of the models estimated for the current profiles of the
/// organization's objects (of one object when named).
pub async fn model_weights(
    services: &Services,
    auth: &crate::Authorized<crate::authorize::Read>,
    object: Option<String>,
) -> Result<Vec<(String, Json)>, AppError> {
    let tenant = Tenant::from(auth.caller());
    let catalog = services.store.catalog(&tenant).await?;
    let models = services.store.models(&tenant, object).await?;
    Ok(models
        .into_iter()
        .filter_map(|(name, stored)| {
            let profile = catalog.object(&name)?.profile();
            (stored.profile == profile_to_json(&profile))
                .then(|| (name, weights_json(&profile, &stored)))
        })
        .collect())
}

/// The comparison whose level adds the most weight to a pair (`levels`, one
/// per comparison of `profile`); none at `other` or `missing` counts.
pub(crate) fn strongest(profile: &[Comparison], model: &Model, levels: &[&'static str]) -> String {
    profile
        .iter()
        .zip(levels)
        .enumerate()
        .filter(|(_, (_, l))| **l != OTHER && **l != MISSING)
        .filter_map(|(k, (c, l))| Some((c, model.level_weight(k, c.comparator.level_index(l)?))))
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(c, _)| c.name.clone())
        .unwrap_or_default()
}
