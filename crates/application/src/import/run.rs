//! Import records with a duplicate policy: each record typed as a batch
//! create types it, its keys computed by detect's normalizers, the duplicate
//! check answered by the key index (one lookup for the whole request, never a
//! scan), and everything written in one transaction with set-based SQL.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use kasar_domain::duplicates::{stored_key, Criterion, MatchPlan, PhoneRegion};
use kasar_domain::fuzzy::blocking::MAX_BLOCK;
use kasar_domain::fuzzy::model::Model;
use kasar_domain::fuzzy::BlockPlan;
use kasar_domain::{Catalog, ObjectDef, Value};
use serde_json::{Map, Value as Json};
use uuid::Uuid;

use super::cells::{row_to_fields, IGNORED};
use super::command::{ImportCommand, ImportRecords, OnDuplicate};
use super::fuzzy_finder::FuzzyFinder;
use super::outcome::{ImportOutcome, ImportResult};
use super::resolve::{decide, fill_blanks, Input, KeyFinder};
use crate::authorize::{Authorized, Import};
use crate::command::RecordFields;
use crate::duplicates::Criteria;
use crate::error::AppError;
use crate::error_code::ErrorCode;
use crate::ports::{Tenant, Tx};
use crate::records::{missing_references, parse_values};
use crate::transaction::Unit;
use crate::Services;

/// Runs an import.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id, records = command.records.len()))]
pub async fn import(
    services: &Services,
    auth: &Authorized<Import>,
    command: ImportCommand,
) -> Result<ImportOutcome, AppError> {
    let max = services.limits.import_records;
    if command.records.len() > max {
        return Err(AppError::Validation(format!(
            "an import holds at most {max} records"
        )));
    }
    let tenant = Tenant::from(auth.caller());
    let (catalog, object) = services.object(&tenant, &command.object).await?;
    let criteria = command.fields.unwrap_or_else(Criteria::all);
    let plan = MatchPlan::new(&object, criteria.as_slice());
    let (inputs, mut results) = prepare(
        &object,
        &command.records,
        &plan,
        services.limits.phone_region,
    );
    let fuzzy = match command.fuzzy {
        Some(threshold) => Some(FuzzyCheck {
            plan: BlockPlan::new(&object),
            model: crate::duplicates::model::for_lookup(services, &tenant, &object).await?,
            region: services.limits.phone_region,
            threshold,
        }),
        None => None,
    };
    let unit = Apply {
        catalog: &catalog,
        object: &object,
        policy: command.on_duplicate,
        inputs: &inputs,
        fuzzy: fuzzy.as_ref(),
    };
    results.extend(services.in_transaction(&tenant, &unit).await?);
    Ok(ImportOutcome::of(results))
}

/// Types every record and computes its keys; returns the valid ones and the failures.
fn prepare(
    object: &ObjectDef,
    records: &ImportRecords,
    plan: &MatchPlan,
    region: PhoneRegion,
) -> (Vec<Input>, Vec<ImportResult>) {
    let fields: Vec<Result<Map<String, Json>, String>> = match records {
        ImportRecords::Json(list) => list
            .iter()
            .map(|r| {
                r.as_object()
                    .cloned()
                    .ok_or_else(|| "a record is a JSON object of field values".to_owned())
            })
            .collect(),
        ImportRecords::Csv { header, rows } => rows
            .iter()
            .map(|row| row_to_fields(object, header, row))
            .collect(),
    };
    let (mut inputs, mut failures) = (Vec::new(), Vec::new());
    for (index, map) in fields.into_iter().enumerate() {
        let mut map = match map {
            Ok(map) => map,
            Err(message) => {
                failures.push(ImportResult::failed(
                    index,
                    ErrorCode::ValidationError,
                    message,
                ));
                continue;
            }
        };
        for column in IGNORED {
            map.remove(column);
        }
        match parse_values(object, &RecordFields(map), true) {
            Ok(values) => {
                let keys = keys_of(plan, region, &values);
                inputs.push(Input {
                    index,
                    values,
                    keys,
                });
            }
            Err(e) => failures.push(ImportResult::failed(index, e.code(), e.to_string())),
        }
    }
    (inputs, failures)
}

/// A record's keys in their stored form, criterion order.
fn keys_of(
    plan: &MatchPlan,
    region: PhoneRegion,
    values: &BTreeMap<String, Value>,
) -> Vec<(Criterion, String)> {
    plan.value_keys(values, region)
        .into_iter()
        .map(|(c, k)| (c, stored_key(&k).into_owned()))
        .collect()
}

struct Apply<'a> {
    catalog: &'a Catalog,
    object: &'a ObjectDef,
    policy: OnDuplicate,
    inputs: &'a [Input],
    fuzzy: Option<&'a FuzzyCheck>,
}

/// What a fuzzy duplicate check needs.
struct FuzzyCheck {
    plan: BlockPlan,
    model: Model,
    region: PhoneRegion,
    threshold: f64,
}

#[async_trait]
impl Unit for Apply<'_> {
    type Output = Vec<ImportResult>;

    async fn run(&self, tx: &mut dyn Tx) -> Result<Vec<ImportResult>, AppError> {
        tx.lock_imports(self.object).await?;
        let refs: Vec<&BTreeMap<String, Value>> = self.inputs.iter().map(|i| &i.values).collect();
        let missing = missing_references(tx, self.catalog, self.object, &refs).await?;
        let mut failures = Vec::new();
        let mut inputs = Vec::with_capacity(self.inputs.len());
        for (input, missing) in self.inputs.iter().zip(missing) {
            match missing {
                Some(m) => failures.push(ImportResult::failed(
                    input.index,
                    ErrorCode::ValidationError,
                    m,
                )),
                None => inputs.push(input.clone()),
            }
        }
        let mut decided = match self.fuzzy {
            Some(check) => {
                let mut finder = FuzzyFinder::new(
                    &check.plan,
                    check.model.clone(),
                    check.region,
                    check.threshold,
                    &inputs,
                );
                let found = tx
                    .find_blocks(
                        self.object,
                        &finder.lookup_keys(),
                        check.plan.columns(),
                        MAX_BLOCK,
                    )
                    .await?;
                finder.add_candidates(&check.plan, check.region, found);
                decide(self.object, self.policy, inputs, &mut finder)
            }
            None => {
                let existing = self.existing(tx, &inputs).await?;
                let mut finder = KeyFinder {
                    existing: &existing,
                    seen: HashMap::new(),
                };
                decide(self.object, self.policy, inputs, &mut finder)
            }
        };
        let gone = self.fill(tx, &decided.fills).await?;
        for r in &mut decided.results {
            if r.id.is_some_and(|id| gone.contains(&id)) && r.error.is_none() {
                *r = ImportResult::failed(
                    r.index,
                    ErrorCode::RecordNotFound,
                    AppError::not_found(&self.object.name, r.id.unwrap_or_default()).to_string(),
                );
            }
        }
        let (ids, values): (Vec<Uuid>, Vec<BTreeMap<String, Value>>) = decided
            .creates
            .into_iter()
            .map(|(_, id, v)| (id, v))
            .unzip();
        tx.insert_many(self.object, &ids, &values).await?;
        decided.results.extend(failures);
        Ok(decided.results)
    }
}

impl Apply<'_> {
    /// The oldest existing record holding each key of `inputs`.
    async fn existing(
        &self,
        tx: &mut dyn Tx,
        inputs: &[Input],
    ) -> Result<HashMap<(Criterion, String), Uuid>, AppError> {
        let mut keys: Vec<(Criterion, String)> =
            inputs.iter().flat_map(|i| i.keys.iter().cloned()).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut existing: HashMap<(Criterion, String), Uuid> = HashMap::new();
        for m in tx.find_keys(self.object, &keys).await? {
            existing.entry((m.criterion, m.key)).or_insert(m.id);
        }
        Ok(existing)
    }

    /// Fills existing records from their duplicates (locked in id order, one
    /// set-based update); returns the ids of records that no longer exist.
    async fn fill(
        &self,
        tx: &mut dyn Tx,
        fills: &[(usize, Uuid, BTreeMap<String, Value>)],
    ) -> Result<Vec<Uuid>, AppError> {
        if fills.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids: Vec<Uuid> = fills.iter().map(|f| f.1).collect();
        ids.sort_unstable();
        ids.dedup();
        let records: HashMap<Uuid, BTreeMap<String, Value>> = tx
            .lock_records(self.object, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r.values))
            .collect();
        let mut filled: BTreeMap<Uuid, BTreeMap<String, Value>> = BTreeMap::new();
        for (_, id, input) in fills {
            let Some(original) = records.get(id) else {
                continue;
            };
            let current = filled.entry(*id).or_insert_with(|| original.clone());
            fill_blanks(self.object, current, input);
        }
        let (mut update_ids, mut rows) = (Vec::new(), Vec::new());
        for (id, values) in filled {
            let original = records.get(&id);
            let changes: BTreeMap<String, Value> = values
                .into_iter()
                .filter(|(k, v)| original.and_then(|o| o.get(k)) != Some(v))
                .collect();
            if !changes.is_empty() {
                update_ids.push(id);
                rows.push(changes);
            }
        }
        tx.update_many(self.object, &update_ids, &rows).await?;
        Ok(ids
            .into_iter()
            .filter(|id| !records.contains_key(id))
            .collect())
    }
}
