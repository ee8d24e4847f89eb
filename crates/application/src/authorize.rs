//! Authorization, decided once: `authorize::<Op>(caller)` checks the caller
//! against the operation's rule and returns an [`Authorized`] proof. Use cases
//! take the proof, never a bare `Caller`, so none can run unchecked and no
//! rule is written twice.

use std::marker::PhantomData;

use kasar_domain::Caller;

use crate::error::AppError;

/// An operation with an authorization rule. Sealed: the operations are the
/// marker types of this module.
pub trait Operation: sealed::Sealed + Send + Sync + 'static {
    /// `Ok` when the caller may run the operation, 403 otherwise.
    fn check(caller: &Caller) -> Result<(), AppError>;
}

mod sealed {
    pub trait Sealed {}
}

/// Read records and the catalog: any valid scope.
#[derive(Debug)]
pub struct Read;
/// Create, change or delete records (records API, bulk): `mcp` or `records:write`.
#[derive(Debug)]
pub struct Write;
/// Detect duplicates: an admin with any valid scope.
#[derive(Debug)]
pub struct Detect;
/// Merge duplicates: an admin whose token may write.
#[derive(Debug)]
pub struct Merge;
/// Export records: an admin with any valid scope.
#[derive(Debug)]
pub struct Export;
/// Import records: an admin whose token may write.
#[derive(Debug)]
pub struct Import;

/// Changing the catalog: an admin whose token has the `mcp` scope.
#[derive(Debug)]
pub struct ChangeSchema;

fn denied(message: &str) -> AppError {
    AppError::PermissionDenied(message.to_owned())
}

impl sealed::Sealed for Read {}
impl Operation for Read {
    fn check(caller: &Caller) -> Result<(), AppError> {
        if caller.can_read() {
            Ok(())
        } else {
            Err(denied("This token has no valid scope"))
        }
    }
}

impl sealed::Sealed for Write {}
impl Operation for Write {
    fn check(caller: &Caller) -> Result<(), AppError> {
        Read::check(caller)?;
        if caller.can_write() {
            Ok(())
        } else {
            Err(denied("this token's scopes do not allow writes"))
        }
    }
}

impl sealed::Sealed for Detect {}
impl Operation for Detect {
    fn check(caller: &Caller) -> Result<(), AppError> {
        Read::check(caller)?;
        if caller.is_admin() {
            Ok(())
        } else {
            Err(denied("Duplicates are for admins only"))
        }
    }
}

impl sealed::Sealed for Merge {}
impl Operation for Merge {
    fn check(caller: &Caller) -> Result<(), AppError> {
        Detect::check(caller)?;
        Write::check(caller)
    }
}

impl sealed::Sealed for Export {}
impl Operation for Export {
    fn check(caller: &Caller) -> Result<(), AppError> {
        Read::check(caller)?;
        if caller.is_admin() {
            Ok(())
        } else {
            Err(denied("Exports are for admins only"))
        }
    }
}

impl sealed::Sealed for ChangeSchema {}
impl Operation for ChangeSchema {
    fn check(caller: &Caller) -> Result<(), AppError> {
        Read::check(caller)?;
        if caller.is_admin() && caller.scopes.contains(&kasar_domain::Scope::Mcp) {
            Ok(())
        } else {
            Err(denied(
                "Changing the schema needs an admin with the mcp scope",
            ))
        }
    }
}

impl sealed::Sealed for Import {}
impl Operation for Import {
    fn check(caller: &Caller) -> Result<(), AppError> {
        Read::check(caller)?;
        if !caller.is_admin() {
            return Err(denied("Imports are for admins only"));
        }
        Write::check(caller)
    }
}

/// Proof that `caller` may run operation `O`. Only [`authorize`] makes one.
#[derive(Debug, Clone)]
pub struct Authorized<O: Operation> {
    caller: Caller,
    op: PhantomData<fn() -> O>,
}

impl<O: Operation> Authorized<O> {
    /// The authorized caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The same authorization, working on catalog version `version`.
    pub(crate) fn at_catalog(&self, version: i64) -> Self {
        let mut caller = self.caller.clone();
        caller.catalog_version = version;
        Self {
            caller,
            op: PhantomData,
        }
    }
}

/// Checks `caller` against the rule of `O`.
pub fn authorize<O: Operation>(caller: &Caller) -> Result<Authorized<O>, AppError> {
    O::check(caller)?;
    Ok(Authorized {
        caller: caller.clone(),
        op: PhantomData,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::caller;
    use kasar_domain::{Role, Scope};

    fn allowed<O: Operation>(role: Role, scopes: &[Scope]) -> bool {
        authorize::<O>(&caller(role, scopes)).is_ok()
    }

    #[test]
    fn each_operation_has_its_rule() {
        use Role::{Admin, Member};
        use Scope::{Mcp, RecordsRead, RecordsWrite};
        assert!(!allowed::<Read>(Admin, &[]));
        assert!(allowed::<Read>(Member, &[RecordsRead]));
        assert!(!allowed::<Write>(Admin, &[RecordsRead]));
        assert!(allowed::<Write>(Member, &[RecordsWrite]));
        assert!(!allowed::<Detect>(Member, &[Mcp]));
        assert!(allowed::<Detect>(Admin, &[RecordsRead]));
        assert!(!allowed::<Merge>(Admin, &[RecordsRead]));
        assert!(!allowed::<Merge>(Member, &[Mcp]));
        assert!(allowed::<Merge>(Admin, &[RecordsWrite]));
        assert!(!allowed::<Import>(Member, &[Mcp]));
        assert!(!allowed::<Import>(Admin, &[RecordsRead]));
        assert!(allowed::<Import>(Admin, &[RecordsWrite]));
        assert!(allowed::<ChangeSchema>(Admin, &[Mcp]));
        assert!(!allowed::<ChangeSchema>(Admin, &[RecordsWrite]));
        assert!(!allowed::<ChangeSchema>(Member, &[Mcp]));
    }
}
