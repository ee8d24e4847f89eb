//! The ports and limits every use case works with.

use std::sync::Arc;

use kasar_domain::duplicates::PhoneRegion;
use kasar_domain::id::shorten;
use kasar_domain::{Catalog, ObjectDef};

use crate::error::AppError;
use crate::ports::{Directory, Store, Tenant};

/// Limits from configuration. `Default` is the one source of their defaults:
/// the server's settings start from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Records read by a duplicates scan.
    pub scan_limit: u32,
    /// Largest `scan_limit` a detect request may ask for.
    pub max_scan_limit: u32,
    /// Region for numbers written without a country code.
    pub phone_region: PhoneRegion,
    /// Record ids in one bulk request.
    pub bulk_records: usize,
    /// Target ids in one bulk relation request.
    pub bulk_targets: usize,
    /// Duplicate ids in one merge.
    pub merge_duplicates: usize,
    /// Days a merge's journal entry is kept (0: forever).
    pub journal_retention_days: u32,
    /// Records in one batch request.
    pub batch_records: usize,
    /// Records in one import request.
    pub import_records: usize,
    /// Times a transaction that hit a serialization failure or deadlock is retried.
    pub conflict_retries: u32,
    /// Custom objects per organization.
    pub max_objects: usize,
    /// Fields per object.
    pub max_fields: usize,
    /// Longest wait of a catalog change for each lock, in milliseconds.
    pub schema_lock_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            scan_limit: 5_000,
            max_scan_limit: 1_000_000,
            phone_region: PhoneRegion::default(),
            bulk_records: 10_000,
            bulk_targets: 1_000,
            merge_duplicates: 100,
            journal_retention_days: 90,
            batch_records: 1_000,
            import_records: 1_000,
            conflict_retries: 3,
            max_objects: 100,
            max_fields: 200,
            schema_lock_timeout_ms: 2_000,
        }
    }
}

/// The ports and limits, shared by every use case. It implements the driving
/// port [`crate::Crm`]; adapters never reach its fields.
#[derive(Clone)]
pub struct Services {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) directory: Arc<dyn Directory>,
    pub(crate) limits: Limits,
}

impl Services {
    /// The use cases over these ports and limits.
    pub fn new(store: Arc<dyn Store>, directory: Arc<dyn Directory>, limits: Limits) -> Self {
        Self {
            store,
            directory,
            limits,
        }
    }

    /// The configured limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The tenant's catalog and the named object in it, or INVALID_OBJECT.
    pub(crate) async fn object(
        &self,
        tenant: &Tenant,
        name: &str,
    ) -> Result<(Arc<Catalog>, ObjectDef), AppError> {
        let catalog = self.store.catalog(tenant).await?;
        let object = catalog
            .object(name)
            .cloned()
            .ok_or_else(|| AppError::InvalidObject(shorten(name)))?;
        Ok((catalog, object))
    }

    /// `err`, unchanged unless it says a record is not found and a merge took
    /// `id` away: then the same 404 naming the record it survives in.
    pub(crate) async fn explain_missing(
        &self,
        tenant: &Tenant,
        object: &ObjectDef,
        id: uuid::Uuid,
        err: AppError,
    ) -> AppError {
        if !matches!(err, AppError::RecordNotFound(_)) {
            return err;
        }
        match self.store.merged_into(tenant, object, &[id]).await {
            Ok(found) => match found.get(&id) {
                Some(survivor) => AppError::MergedAway {
                    message: err.to_string(),
                    merged_into: *survivor,
                },
                None => err,
            },
            Err(_) => err,
        }
    }
}
