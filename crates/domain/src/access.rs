//! Who is calling and what they may do: token scopes, workspace roles and the
//! record-level write rule shared by the records API and bulk operations.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::catalog::ObjectDef;
use crate::value::Value;

/// A token scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Full access.
    Mcp,
    /// Read and write records, bulk.
    RecordsWrite,
    /// Read only.
    RecordsRead,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 3] = [Self::Mcp, Self::RecordsWrite, Self::RecordsRead];

    /// The scope's name in tokens and in `/me`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mcp => "mcp",
            Self::RecordsWrite => "records:write",
            Self::RecordsRead => "records:read",
        }
    }

    /// Parses a scope name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A workspace user's role in its organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    /// The role's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

/// An authenticated caller: a token of a workspace user of one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub organization_schema: String,
    /// The organization's catalog version when the token was read.
    pub catalog_version: i64,
    pub workspace_user_id: Uuid,
    pub role: Role,
    /// The token's valid scopes (unknown names dropped).
    pub scopes: Vec<Scope>,
    pub full_name: String,
    pub email: String,
    pub token_id: Uuid,
}

impl Caller {
    /// Whether the caller is an admin of its organization.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the token may read records (any valid scope).
    pub fn can_read(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// Whether the token may write records (`mcp` or `records:write`).
    pub fn can_write(&self) -> bool {
        self.scopes
            .iter()
            .any(|s| matches!(s, Scope::Mcp | Scope::RecordsWrite))
    }

    /// The record-level write rule. An admin may change any record; a member
    /// only a record whose owner is that member or null (`current_owner`), and
    /// may set the owner (`new_owner`, when the write sets it) only to itself or
    /// null.
    pub fn may_change(&self, current_owner: Option<Uuid>, new_owner: Option<Option<Uuid>>) -> bool {
        if self.is_admin() {
            return true;
        }
        let mine = |o: Option<Uuid>| o.is_none_or(|id| id == self.workspace_user_id);
        mine(current_owner) && new_owner.is_none_or(mine)
    }
}

/// The owner a write sets, if it sets one: `Some(new owner or None)` when
/// `values` holds the object's owner field ([`ObjectDef::owner_field`]),
/// `None` when the write leaves the owner alone. The one definition of an
/// owner change, for records, batches and bulk alike.
pub fn owner_change(object: &ObjectDef, values: &BTreeMap<String, Value>) -> Option<Option<Uuid>> {
    let field = object.owner_field()?;
    values.get(&field.name).map(|v| match v {
        Value::Id(id) => Some(*id),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            user_id: Uuid::new_v4(),
            organization_id: Uuid::new_v4(),
            organization_schema: "org_x".into(),
            catalog_version: 1,
            workspace_user_id: Uuid::new_v4(),
            role,
            scopes: vec![Scope::RecordsWrite],
            full_name: "A".into(),
            email: "a@x.io".into(),
            token_id: Uuid::new_v4(),
        }
    }

    #[test]
    fn the_record_level_rule() {
        let member = caller(Role::Member);
        let me = Some(member.workspace_user_id);
        let other = Some(Uuid::new_v4());
        // (current owner, new owner, allowed)
        let cases = [
            (None, None, true),
            (me, None, true),
            (other, None, false),
            (None, Some(me), true),
            (None, Some(None), true),
            (me, Some(other), false),
            (None, Some(other), false),
            (other, Some(me), false),
        ];
        for (current, new, allowed) in cases {
            assert_eq!(
                member.may_change(current, new),
                allowed,
                "{current:?} {new:?}"
            );
        }
        let admin = caller(Role::Admin);
        assert!(admin.may_change(other, Some(other)));
    }

    #[test]
    fn an_owner_change_is_a_write_of_the_owner_field() {
        let contacts = crate::standard::standard_objects()
            .into_iter()
            .find(|o| o.name == "contacts")
            .unwrap();
        let someone = Uuid::new_v4();
        let set = |k: &str, v: Value| BTreeMap::from([(k.to_owned(), v)]);
        assert_eq!(owner_change(&contacts, &BTreeMap::new()), None);
        assert_eq!(
            owner_change(&contacts, &set("first_name", Value::Text("A".into()))),
            None
        );
        assert_eq!(
            owner_change(&contacts, &set("owner", Value::Id(someone))),
            Some(Some(someone))
        );
        assert_eq!(
            owner_change(&contacts, &set("owner", Value::Null)),
            Some(None)
        );
    }

    #[test]
    fn scopes_decide_read_and_write() {
        let mut c = caller(Role::Member);
        c.scopes = vec![Scope::RecordsRead];
        assert!(c.can_read() && !c.can_write());
        c.scopes = vec![Scope::Mcp];
        assert!(c.can_write());
        c.scopes = vec![];
        assert!(!c.can_read());
        assert_eq!(Scope::parse("records:write"), Some(Scope::RecordsWrite));
        assert_eq!(Scope::parse("admin"), None);
    }
}
