//! Statements without a name, for a connection pooler in transaction mode
//! that does not track prepared statements (PgBouncer before 1.21, or with
//! `max_prepared_statements = 0`). There each transaction, and each
//! statement outside one, may run on another server connection: a statement
//! prepared under a name on one is unknown to the next ("prepared statement
//! does not exist"), and a name left behind collides with another client's
//! ("already exists").
//!
//! In this mode a statement is sent as one message (Parse of the unnamed
//! statement with its parameter types, Bind, Execute, Sync), which the pooler
//! runs on one server connection. The parameter types come from the server:
//! the first use of a statement text describes it with `PREPARE`, a read of
//! `pg_prepared_statements` and `DEALLOCATE` in one simple query (one message
//! too, so nothing named outlives it), and the types are kept per text for
//! the life of the process, shared by every connection.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use kasar_application::StoreError;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, SimpleQueryMessage};

use crate::conn::Conn;

/// The most statement texts whose parameter types are kept; past it the
/// cache starts again (texts depend on the catalog, which is bounded, but a
/// long-lived process sees every version of it).
const MAX_TEXTS: usize = 4_096;

/// The parameter types of the statement texts described so far.
#[derive(Default)]
pub(crate) struct ParamTypes {
    known: RwLock<HashMap<String, Arc<[Type]>>>,
}

impl ParamTypes {
    /// The types of `sql`'s parameters, if described before.
    fn cached(&self, sql: &str) -> Option<Arc<[Type]>> {
        self.known.read().ok()?.get(sql).cloned()
    }

    /// The parameter types of `sql`, which is given `given` parameters:
    /// kept, or described by the server once, through `conn`.
    pub(crate) async fn of(
        &self,
        conn: &Conn,
        sql: &str,
        given: usize,
    ) -> Result<Arc<[Type]>, StoreError> {
        if given == 0 {
            return Ok(Arc::from(Vec::new()));
        }
        let types = match self.cached(sql) {
            Some(types) => types,
            None => {
                let text = conn.bounded(describe(conn.client()?, sql)).await?;
                let types: Arc<[Type]> = parse_oids(&text)
                    .map_err(|oid| {
                        StoreError::Unexpected(anyhow::anyhow!(
                            "parameter type {oid} is not one this driver encodes: {sql}"
                        ))
                    })?
                    .into();
                self.keep(sql, types.clone());
                types
            }
        };
        if types.len() != given {
            return Err(arity(sql, types.len(), given));
        }
        Ok(types)
    }

    /// Keeps `types` for `sql`.
    fn keep(&self, sql: &str, types: Arc<[Type]>) {
        if let Ok(mut known) = self.known.write() {
            if known.len() >= MAX_TEXTS {
                known.clear();
            }
            known.insert(sql.to_owned(), types);
        }
    }
}

/// The simple query that describes `sql` and leaves nothing behind.
fn describing(sql: &str) -> String {
    // The newline ends a trailing comment of `sql`, if any.
    format!(
        "PREPARE kasar_describe AS {sql}\n; \
         SELECT parameter_types::oid[]::text FROM pg_prepared_statements WHERE name = 'kasar_describe'; \
         DEALLOCATE kasar_describe"
    )
}

/// Asks the server for the parameter types of `sql`: their OIDs as an
/// array's text, `{25,2950}`.
async fn describe(client: &Client, sql: &str) -> Result<String, tokio_postgres::Error> {
    let messages = client.simple_query(&describing(sql)).await?;
    let text = messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
        _ => None,
    });
    Ok(text.unwrap_or_else(|| "{}".to_owned()))
}

/// `{25,2950}` as types; an OID that is no built-in type (none of the
/// service's columns has one) is returned as the error: its values could
/// not be encoded.
fn parse_oids(text: &str) -> Result<Vec<Type>, String> {
    text.trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|oid| {
            let oid = oid.trim();
            oid.parse::<u32>()
                .ok()
                .and_then(Type::from_oid)
                .ok_or_else(|| oid.to_owned())
        })
        .collect()
}

/// A statement whose parameters did not match its description.
fn arity(sql: &str, expected: usize, given: usize) -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!(
        "statement takes {expected} parameters, {given} given: {sql}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_read_as_types() {
        assert_eq!(
            parse_oids("{2950,25,1009}"),
            Ok(vec![Type::UUID, Type::TEXT, Type::TEXT_ARRAY])
        );
        assert_eq!(parse_oids("{}"), Ok(Vec::<Type>::new()));
        assert_eq!(parse_oids("{25,4294967295}"), Err("4294967295".to_owned()));
    }

    #[test]
    fn the_description_ends_a_trailing_comment() {
        let sql = describing("SELECT $1 -- note");
        assert!(sql.contains("-- note\n;"));
        assert!(sql.ends_with("DEALLOCATE kasar_describe"));
    }

    #[test]
    fn the_cache_starts_again_when_full() {
        let types = ParamTypes::default();
        for i in 0..MAX_TEXTS {
            types.keep(&format!("SELECT {i}"), Arc::from(vec![]));
        }
        assert!(types.cached("SELECT 0").is_some());
        types.keep("SELECT x", Arc::from(vec![Type::INT4]));
        assert!(types.cached("SELECT 0").is_none());
        assert_eq!(types.cached("SELECT x").as_deref(), Some(&[Type::INT4][..]));
    }
}
