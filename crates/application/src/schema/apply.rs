//! Catalog as code: the organization's custom objects and fields as one JSON
//! document (`kasar schema export`), and the plan that makes the catalog
//! match such a document, judged and applied in one transaction
//! (`kasar schema apply`). Applying the same document twice changes nothing
//! the second time.

use kasar_domain::schema::{FieldPatch, FieldSpec, SchemaChange};
use kasar_domain::{Catalog, FieldDef, FieldType};
use serde_json::{json, Map, Value as Json};

use super::judge;
use super::operations::NewObject;
use super::parse::{bad, new_object};
use crate::error::AppError;
use crate::ports::{SchemaTx, Tenant};
use crate::{Limits, Services};

/// What an apply did (or, in a dry run, would do): one line per change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<String>,
    pub applied: bool,
}

fn field_json(f: &FieldDef) -> Json {
    let mut m = Map::new();
    m.insert("name".into(), json!(f.name));
    m.insert("type".into(), json!(f.field_type.as_str()));
    m.insert("label".into(), json!(f.label));
    m.insert("required".into(), json!(f.required));
    if f.field_type == FieldType::Select {
        m.insert("options".into(), json!(f.options));
    }
    m.insert(
        "default".into(),
        f.default_value.clone().unwrap_or(Json::Null),
    );
    if f.target.is_some() {
        m.insert("target".into(), json!(f.target));
    }
    Json::Object(m)
}

/// The custom part of `catalog`: custom objects whole, and the custom
/// fields of standard objects.
pub fn export_json(catalog: &Catalog) -> Json {
    let objects: Vec<Json> = catalog
        .objects
        .iter()
        .filter(|o| o.custom || o.fields.iter().any(|f| f.custom))
        .map(|o| {
            json!({
                "name": o.name,
                "label": o.label,
                "custom": o.custom,
                "fields": o.fields.iter().filter(|f| f.custom).map(field_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "objects": objects })
}

/// The objects of an exported document (`custom` is informative: the
/// catalog knows which objects are standard).
fn desired_from_json(json: &Json) -> Result<Vec<NewObject>, AppError> {
    let objects = json
        .get("objects")
        .and_then(Json::as_array)
        .ok_or_else(|| bad("the document needs an 'objects' array"))?;
    objects
        .iter()
        .map(|o| {
            let mut o = o.clone();
            if let Some(m) = o.as_object_mut() {
                m.remove("custom");
            }
            new_object(&o)
        })
        .collect()
}

/// The patch that turns `have` into `want`, if they differ.
fn patch_between(have: &FieldDef, want: &FieldSpec) -> Option<FieldPatch> {
    let mut p = FieldPatch::default();
    if have.label != want.label {
        p.label = Some(want.label.clone());
    }
    if have.required != want.required {
        p.required = Some(want.required);
    }
    if have.default_value != want.default {
        p.default = Some(want.default.clone());
    }
    if let Some(options) = &want.options {
        if &have.options != options {
            p.options = Some(options.clone());
        }
    }
    (p != FieldPatch::default()).then_some(p)
}

/// A change transaction and the changes applied on it so far.
struct Planner {
    tx: Box<dyn SchemaTx>,
    changes: Vec<SchemaChange>,
}

impl Planner {
    async fn push(&mut self, change: SchemaChange) -> Result<(), AppError> {
        self.tx.apply(&change).await?;
        self.changes.push(change);
        Ok(())
    }

    /// New objects, with the fields whose targets exist already (the others
    /// are added with the fields, once every object exists).
    async fn create_objects(
        &mut self,
        limits: &Limits,
        desired: &[NewObject],
    ) -> Result<(), AppError> {
        for d in desired {
            let catalog = self.tx.catalog();
            if catalog.object(&d.name).is_some() {
                continue;
            }
            let now: Vec<FieldSpec> = d
                .fields
                .iter()
                .filter(|f| {
                    f.target
                        .as_ref()
                        .is_none_or(|t| *t == d.name || catalog.object(t).is_some())
                })
                .cloned()
                .collect();
            let change =
                judge::create_object(self.tx.as_ref(), limits, &d.name, d.label.clone(), &now)?;
            self.push(change).await?;
        }
        Ok(())
    }

    /// Fields added, or changed where they differ.
    async fn add_or_patch_fields(
        &mut self,
        limits: &Limits,
        desired: &[NewObject],
    ) -> Result<(), AppError> {
        for d in desired {
            for spec in &d.fields {
                let have = self
                    .tx
                    .catalog()
                    .object(&d.name)
                    .and_then(|o| o.field(&spec.name))
                    .cloned();
                let change = match have {
                    None => judge::add_field(self.tx.as_mut(), limits, &d.name, spec).await?,
                    Some(have) if have.field_type.as_str() != spec.field_type || have.target != spec.target => {
                        return Err(bad(format!(
                            "field '{}.{}' cannot change type or target: add a new field, copy with bulk, delete the old one",
                            d.name, spec.name
                        )))
                    }
                    Some(have) => match patch_between(&have, spec) {
                        Some(p) => judge::patch_field(self.tx.as_mut(), &d.name, &spec.name, &p).await?,
                        None => continue,
                    },
                };
                self.push(change).await?;
            }
        }
        Ok(())
    }

    /// Custom fields, then custom objects, the document no longer has (an
    /// object that still has records is a conflict: no force here).
    async fn delete_missing(&mut self, desired: &[NewObject]) -> Result<(), AppError> {
        let catalog = self.tx.catalog();
        let fields: Vec<(String, String)> = catalog
            .objects
            .iter()
            .filter_map(|o| desired.iter().find(|d| d.name == o.name).map(|d| (o, d)))
            .flat_map(|(o, d)| {
                o.fields
                    .iter()
                    .filter(|f| f.custom && !d.fields.iter().any(|s| s.name == f.name))
                    .map(|f| (o.name.clone(), f.name.clone()))
            })
            .collect();
        let objects: Vec<String> = catalog
            .objects
            .iter()
            .filter(|o| o.custom && !desired.iter().any(|d| d.name == o.name))
            .map(|o| o.name.clone())
            .collect();
        for (object, field) in fields {
            let change = judge::delete_field(self.tx.as_ref(), &object, &field)?;
            self.push(change).await?;
        }
        for name in objects {
            for change in judge::delete_object(self.tx.as_mut(), &name, false).await? {
                self.push(change).await?;
            }
        }
        Ok(())
    }
}

impl Services {
    /// The custom part of the organization's catalog (`kasar schema export`).
    pub async fn export_schema(&self, tenant: &Tenant) -> Result<Json, AppError> {
        Ok(export_json(&*self.store.refresh_catalog(tenant).await?))
    }

    /// Makes the catalog match `document` (`kasar schema apply`): every
    /// change judged as the API judges it, in one transaction, rolled back
    /// on a dry run; nothing is committed when nothing differs.
    pub async fn apply_schema(
        &self,
        tenant: &Tenant,
        document: &Json,
        dry_run: bool,
    ) -> Result<Plan, AppError> {
        let desired = desired_from_json(document)?;
        let tx = self.open_schema_change(tenant).await?;
        let mut planner = Planner {
            tx,
            changes: Vec::new(),
        };
        planner.create_objects(&self.limits, &desired).await?;
        planner.add_or_patch_fields(&self.limits, &desired).await?;
        planner.delete_missing(&desired).await?;
        let plan = Plan {
            changes: planner.changes.iter().map(SchemaChange::describe).collect(),
            applied: !dry_run && !planner.changes.is_empty(),
        };
        if plan.applied {
            planner.tx.commit().await?;
        }
        Ok(plan)
    }
}
