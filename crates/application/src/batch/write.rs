//! Create, update or upsert many records: each judged as the single-record
//! routes judge it (validation, the write rule, existence, references), what
//! passes written in one transaction with set-based SQL.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use kasar_domain::{owner_change, Caller, Catalog, ObjectDef, Value};
use uuid::Uuid;

use super::command::{BatchKind, BatchWrite};
use super::outcome::{failed, BatchOutcome, BatchResult};
use super::prepare::{check_match_field, prepare, Action, Pending};
use super::too_many;
use crate::authorize::{Authorized, Write};
use crate::command::RecordFields;
use crate::error::{AppError, NO_PERMISSION_ON_RECORD};
use crate::error_code::ErrorCode;
use crate::ports::{Tenant, Tx};
use crate::records::{missing_references, parse_values};
use crate::transaction::Unit;
use crate::Services;

/// Runs a create, update or upsert batch.
#[tracing::instrument(skip(services, auth, command), fields(org = %auth.caller().organization_id, records = command.records.len()))]
pub async fn write(
    services: &Services,
    auth: &Authorized<Write>,
    command: BatchWrite,
) -> Result<BatchOutcome, AppError> {
    too_many(services, command.records.len())?;
    let tenant = Tenant::from(auth.caller());
    let (catalog, object) = services.object(&tenant, &command.object).await?;
    if let BatchKind::Upsert { match_field } = &command.kind {
        check_match_field(&object, match_field)?;
    }
    let (pending, mut results) = prepare(&object, &command.kind, &command.records);
    let unit = Apply {
        caller: auth.caller(),
        catalog: &catalog,
        object: &object,
        kind: &command.kind,
        pending: &pending,
    };
    results.extend(services.in_transaction(&tenant, &unit).await?);
    Ok(BatchOutcome::of(results))
}

struct Apply<'a> {
    caller: &'a Caller,
    catalog: &'a Catalog,
    object: &'a ObjectDef,
    kind: &'a BatchKind,
    pending: &'a [Pending],
}

/// One record the transaction writes.
struct Row {
    index: usize,
    id: Uuid,
    values: BTreeMap<String, Value>,
    create: bool,
}

#[async_trait]
impl Unit for Apply<'_> {
    type Output = Vec<BatchResult>;

    async fn run(&self, tx: &mut dyn Tx) -> Result<Vec<BatchResult>, AppError> {
        let (rows, mut results) = self.resolve(tx).await?;
        let (rows, judged) = self.judge(tx, rows).await?;
        results.extend(judged);
        let refs: Vec<&BTreeMap<String, Value>> = rows.iter().map(|r| &r.values).collect();
        let missing = missing_references(tx, self.catalog, self.object, &refs).await?;
        let (mut creates, mut updates) = (Vec::new(), Vec::new());
        for (row, missing) in rows.into_iter().zip(missing) {
            match missing {
                Some(message) => {
                    results.push(failed(row.index, ErrorCode::ValidationError, message))
                }
                None => {
                    let status = if row.create { "created" } else { "updated" };
                    results.push(BatchResult::Done {
                        index: row.index,
                        id: row.id,
                        status,
                    });
                    if row.create {
                        creates.push(row)
                    } else {
                        updates.push(row)
                    }
                }
            }
        }
        let split = |rows: Vec<Row>| -> (Vec<Uuid>, Vec<BTreeMap<String, Value>>) {
            rows.into_iter().map(|r| (r.id, r.values)).unzip()
        };
        let (ids, values) = split(creates);
        tx.insert_many(self.object, &ids, &values).await?;
        let (ids, values) = split(updates);
        tx.update_many(self.object, &ids, &values).await?;
        Ok(results)
    }
}

impl Apply<'_> {
    /// Creates get new ids; upserts are matched against the table.
    async fn resolve(&self, tx: &mut dyn Tx) -> Result<(Vec<Row>, Vec<BatchResult>), AppError> {
        let keys: Vec<String> = self
            .pending
            .iter()
            .filter_map(|p| match &p.action {
                Action::Upsert(_, key) => Some(key.clone()),
                _ => None,
            })
            .collect();
        let mut matches: HashMap<String, Vec<Uuid>> = HashMap::new();
        if let BatchKind::Upsert { match_field } = self.kind {
            for (key, id) in tx.find_by(self.object, match_field, &keys).await? {
                matches.entry(key).or_default().push(id);
            }
        }
        let (mut rows, mut results) = (Vec::new(), Vec::new());
        for p in self.pending {
            let row = |id, values, create| Row {
                index: p.index,
                id,
                values,
                create,
            };
            match &p.action {
                Action::Create(values) => rows.push(row(Uuid::now_v7(), values.clone(), true)),
                Action::Update(id, values) => rows.push(row(*id, values.clone(), false)),
                Action::Upsert(fields, key) => match matches.get(key).map(Vec::as_slice) {
                    None | Some([]) => {
                        match parse_values(self.object, &RecordFields(fields.clone()), true) {
                            Ok(values) => rows.push(row(Uuid::now_v7(), values, true)),
                            Err(e) => results.push(failed(p.index, e.code(), e.to_string())),
                        }
                    }
                    Some([id]) => {
                        match parse_values(self.object, &RecordFields(fields.clone()), false) {
                            Ok(values) => rows.push(row(*id, values, false)),
                            Err(e) => results.push(failed(p.index, e.code(), e.to_string())),
                        }
                    }
                    Some(several) => results.push(failed(
                        p.index,
                        ErrorCode::AmbiguousMatch,
                        format!("its match value matches {} records", several.len()),
                    )),
                },
            }
        }
        Ok((rows, results))
    }

    /// The write rule and existence: updates lock their records (in id order).
    async fn judge(
        &self,
        tx: &mut dyn Tx,
        rows: Vec<Row>,
    ) -> Result<(Vec<Row>, Vec<BatchResult>), AppError> {
        let ids: Vec<Uuid> = rows.iter().filter(|r| !r.create).map(|r| r.id).collect();
        let owners: HashMap<Uuid, Option<Uuid>> = if ids.is_empty() {
            HashMap::new()
        } else {
            tx.lock_owners(self.object, &ids)
                .await?
                .into_iter()
                .collect()
        };
        let (mut kept, mut results) = (Vec::new(), Vec::new());
        for row in rows {
            let change = owner_change(self.object, &row.values);
            if row.create {
                if self.caller.may_change(None, change) {
                    kept.push(row);
                } else {
                    results.push(failed(
                        row.index,
                        ErrorCode::PermissionDenied,
                        "a member may set owner only to itself or null",
                    ));
                }
                continue;
            }
            match owners.get(&row.id) {
                None => results.push(failed(
                    row.index,
                    ErrorCode::RecordNotFound,
                    AppError::not_found(&self.object.name, row.id).to_string(),
                )),
                Some(owner) if !self.caller.may_change(*owner, change) => {
                    results.push(failed(
                        row.index,
                        ErrorCode::PermissionDenied,
                        NO_PERMISSION_ON_RECORD,
                    ));
                }
                Some(_) => kept.push(row),
            }
        }
        Ok((kept, results))
    }
}
