//! The transaction runner: one unit of work in one transaction, retried by
//! itself when PostgreSQL reports a serialization failure or deadlock. Every
//! write goes through it; a `?` anywhere in a unit keeps the retry, because
//! the conflict travels as the typed `AppError::TxConflict`.

use async_trait::async_trait;

use crate::error::AppError;
use crate::ports::{Tenant, Tx};
use crate::Services;

/// A unit of work: what runs inside one transaction.
#[async_trait]
pub trait Unit: Send + Sync {
    /// What the unit returns.
    type Output: Send;

    /// Runs the unit. Any error rolls the transaction back.
    async fn run(&self, tx: &mut dyn Tx) -> Result<Self::Output, AppError>;

    /// Whether the transaction is rolled back even on success (dry runs).
    fn rolls_back(&self) -> bool {
        false
    }
}

impl Services {
    /// Runs `unit` in a transaction of `tenant`, committing on success. A
    /// conflict (from `begin`, the unit or `commit`) starts over, up to
    /// `limits.conflict_retries` times; after that the caller gets the
    /// conflict, answered as a busy service.
    pub async fn in_transaction<U: Unit>(
        &self,
        tenant: &Tenant,
        unit: &U,
    ) -> Result<U::Output, AppError> {
        let mut attempt = 0;
        loop {
            match self.attempt(tenant, unit).await {
                Err(AppError::TxConflict) if attempt < self.limits.conflict_retries => {
                    attempt += 1;
                    tracing::warn!(attempt, "transaction conflict, retrying");
                }
                other => return other,
            }
        }
    }

    async fn attempt<U: Unit>(&self, tenant: &Tenant, unit: &U) -> Result<U::Output, AppError> {
        let mut tx = self.store.begin(tenant).await?;
        let out = unit.run(tx.as_mut()).await?;
        if unit.rolls_back() {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::error::StoreError;
    use crate::ports::{MockStore, MockTx};
    use crate::test_support::services;

    /// Fails with a conflict on its first `fails` runs, with a plain `?`.
    struct Flaky {
        runs: AtomicU32,
        fails: u32,
    }

    #[async_trait]
    impl Unit for Flaky {
        type Output = u32;
        async fn run(&self, tx: &mut dyn Tx) -> Result<u32, AppError> {
            let n = self.runs.fetch_add(1, Ordering::SeqCst);
            if n < self.fails {
                tx.delete(&kasar_domain::ObjectDef::new("x", vec![]), &[])
                    .await?;
            }
            Ok(n)
        }
    }

    fn store() -> MockStore {
        let mut store = MockStore::new();
        store.expect_begin().returning(move |_| {
            let mut tx = MockTx::new();
            tx.expect_delete()
                .returning(|_, _| Err(StoreError::Conflict));
            tx.expect_commit().times(0..=1).returning(|| Ok(()));
            Ok(Box::new(tx))
        });
        store
    }

    fn tenant() -> Tenant {
        Tenant {
            organization_id: uuid::Uuid::new_v4(),
            schema: "org_a".into(),
            catalog_version: 1,
        }
    }

    #[tokio::test]
    async fn a_conflict_is_retried_until_the_unit_succeeds() {
        let s = services(store());
        let unit = Flaky {
            runs: AtomicU32::new(0),
            fails: 2,
        };
        assert_eq!(s.in_transaction(&tenant(), &unit).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn retries_are_bounded_and_the_conflict_is_reported() {
        let s = services(store());
        let unit = Flaky {
            runs: AtomicU32::new(0),
            fails: 100,
        };
        let out = s.in_transaction(&tenant(), &unit).await;
        assert!(matches!(out, Err(AppError::TxConflict)), "{out:?}");
        assert_eq!(
            unit.runs.load(Ordering::SeqCst),
            s.limits.conflict_retries + 1
        );
    }
}
