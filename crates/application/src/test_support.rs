//! Shared fixtures of the use cases' unit tests.

use std::sync::Arc;

use kasar_domain::standard::standard_objects;
use kasar_domain::{Caller, Catalog, Role, Scope};
use uuid::Uuid;

use crate::ports::{MockDirectory, MockStore};
use crate::{Limits, Services};

/// A caller of organization `org_acme`.
pub(crate) fn caller(role: Role, scopes: &[Scope]) -> Caller {
    Caller {
        user_id: Uuid::new_v4(),
        organization_id: Uuid::new_v4(),
        organization_schema: "org_acme".into(),
        catalog_version: 1,
        workspace_user_id: Uuid::new_v4(),
        role,
        scopes: scopes.to_vec(),
        full_name: "Test".into(),
        email: "t@acme.test".into(),
        token_id: Uuid::new_v4(),
    }
}

/// A standard object by name.
pub(crate) fn standard(name: &str) -> kasar_domain::ObjectDef {
    standard_objects()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no standard object {name}"))
}

/// A store mock that answers `catalog` with the standard objects, and
/// `merged_into` with no merge.
pub(crate) fn store_with_catalog() -> MockStore {
    let mut store = MockStore::new();
    store.expect_catalog().returning(|_| {
        Ok(Arc::new(Catalog {
            version: 1,
            objects: standard_objects(),
        }))
    });
    store
        .expect_merged_into()
        .returning(|_, _, _| Ok(std::collections::HashMap::new()));
    store
}

/// Services over the given store and a directory that must not be called.
pub(crate) fn services(store: MockStore) -> Services {
    Services {
        store: Arc::new(store),
        directory: Arc::new(MockDirectory::new()),
        limits: Limits::default(),
    }
}
