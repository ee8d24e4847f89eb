//! The ports and limits every use case works with, and helpers they share.

use std::future::Future;
use std::sync::Arc;

use kasar_domain::duplicates::PhoneRegion;
use kasar_domain::{Caller, Catalog, ObjectDef};

use crate::error::{AppError, StoreError};
use crate::ports::{Directory, Store, Tenant};

/// Limits from configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Records read by a duplicates scan (default 5,000).
    pub scan_limit: u32,
    /// Largest `scan_limit` a detect request may ask for (default 1,000,000).
    pub max_scan_limit: u32,
    /// Region for numbers written without a country code.
    pub phone_region: PhoneRegion,
    /// Record ids in one bulk request (10,000).
    pub bulk_records: usize,
    /// Target ids in one bulk relation request (1,000).
    pub bulk_targets: usize,
    /// Duplicate ids in one merge (100).
    pub merge_duplicates: usize,
    /// Times a transaction that hit a serialization failure or deadlock is retried.
    pub conflict_retries: u32,
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
            conflict_retries: 3,
        }
    }
}

/// The ports and limits, shared by every use case.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub directory: Arc<dyn Directory>,
    pub limits: Limits,
}

impl Services {
    /// The caller's catalog and the named object in it, or INVALID_OBJECT.
    pub async fn object(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<(Arc<Catalog>, ObjectDef), AppError> {
        let catalog = self.store.catalog(&Tenant::from(caller)).await?;
        let object = catalog
            .object(name)
            .cloned()
            .ok_or_else(|| AppError::InvalidObject(shorten(name)))?;
        Ok((catalog, object))
    }

    /// Runs `op` again when it fails with a transaction conflict, up to the
    /// configured number of retries.
    pub async fn retrying<T, F, Fut>(&self, mut op: F) -> Result<T, AppError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let mut attempt = 0;
        loop {
            match op().await {
                Err(AppError::Internal(e))
                    if is_conflict(&e) && attempt < self.limits.conflict_retries =>
                {
                    attempt += 1;
                    tracing::warn!(attempt, "transaction conflict, retrying");
                }
                other => return other,
            }
        }
    }
}

/// A retryable conflict travels as `AppError::Internal` wrapping `StoreError::Conflict`.
pub(crate) fn conflict(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict => AppError::Internal(anyhow::Error::new(StoreError::Conflict)),
        other => other.into(),
    }
}

fn is_conflict(e: &anyhow::Error) -> bool {
    matches!(e.downcast_ref::<StoreError>(), Some(StoreError::Conflict))
}

/// A name from a request, cut for an error message.
pub(crate) fn shorten(name: &str) -> String {
    let mut s: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
    if name.chars().count() > 64 {
        s.push('…');
    }
    s
}

/// 403 unless the token has a write scope (`mcp` or `records:write`): the one
/// check behind every write, shared by the HTTP adapter, which runs it before
/// reading a body.
pub fn require_write(caller: &Caller) -> Result<(), AppError> {
    if caller.can_write() {
        Ok(())
    } else {
        Err(AppError::PermissionDenied(
            "this token's scopes do not allow writes".into(),
        ))
    }
}
