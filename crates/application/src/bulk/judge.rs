//! Per-record judgment: which records of a bulk request exist and may be
//! changed by the caller, by the record-level rule of the domain.

use kasar_domain::Caller;
use uuid::Uuid;

use crate::error::{NO_PERMISSION_ON_RECORD, RECORD_NOT_FOUND};
use crate::error_code::ErrorCode;

/// The records split by verdict, each list in request order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdicts {
    pub allowed: Vec<Uuid>,
    /// (record id, code, message)
    pub failed: Vec<(Uuid, ErrorCode, &'static str)>,
}

/// Judges every requested id: missing (`RECORD_NOT_FOUND`), not allowed
/// (`PERMISSION_DENIED`), or allowed. `owners` are the found records with their
/// owners; `new_owner` is the owner the write sets, if it sets one.
pub fn judge(
    caller: &Caller,
    requested: &[Uuid],
    owners: &[(Uuid, Option<Uuid>)],
    new_owner: Option<Option<Uuid>>,
) -> Verdicts {
    let found: std::collections::HashMap<Uuid, Option<Uuid>> = owners.iter().copied().collect();
    let mut v = Verdicts::default();
    for id in requested {
        match found.get(id) {
            None => v
                .failed
                .push((*id, ErrorCode::RecordNotFound, RECORD_NOT_FOUND)),
            Some(owner) if !caller.may_change(*owner, new_owner) => {
                v.failed
                    .push((*id, ErrorCode::PermissionDenied, NO_PERMISSION_ON_RECORD));
            }
            Some(_) => v.allowed.push(*id),
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use kasar_domain::{Role, Scope};

    fn member() -> Caller {
        Caller {
            user_id: Uuid::new_v4(),
            organization_id: Uuid::new_v4(),
            organization_schema: "org_a".into(),
            catalog_version: 1,
            workspace_user_id: Uuid::new_v4(),
            role: Role::Member,
            scopes: vec![Scope::RecordsWrite],
            full_name: "M".into(),
            email: "m@a.io".into(),
            token_id: Uuid::new_v4(),
        }
    }

    #[test]
    fn mixed_records_are_judged_one_by_one() {
        let me = member();
        let (mine, free, theirs, missing) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        let owners = [
            (mine, Some(me.workspace_user_id)),
            (free, None),
            (theirs, Some(Uuid::new_v4())),
        ];
        let v = judge(&me, &[mine, free, theirs, missing], &owners, None);
        assert_eq!(v.allowed, vec![mine, free]);
        assert_eq!(
            v.failed,
            vec![
                (theirs, ErrorCode::PermissionDenied, NO_PERMISSION_ON_RECORD),
                (missing, ErrorCode::RecordNotFound, RECORD_NOT_FOUND)
            ]
        );
    }

    #[test]
    fn a_member_cannot_give_records_away() {
        let me = member();
        let free = Uuid::new_v4();
        let v = judge(&me, &[free], &[(free, None)], Some(Some(Uuid::new_v4())));
        assert!(v.allowed.is_empty());
        assert_eq!(v.failed.len(), 1);
    }
}
