//! The database URL, whose password never reaches a log line.

use serde::{Deserialize, Serialize};

/// A PostgreSQL URL. `Debug` and `Display` hide its password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL itself, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether no URL is set.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The URL with the password replaced by `***`.
    pub fn redacted(&self) -> String {
        let s = &self.0;
        let Some(scheme_end) = s.find("://").map(|i| i + 3) else {
            return s.clone();
        };
        let rest = s.get(scheme_end..).unwrap_or_default();
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = rest.get(..authority_end).unwrap_or_default();
        match authority.rfind('@').and_then(|at| {
            let userinfo = authority.get(..at)?;
            userinfo.find(':').map(|colon| (colon, at))
        }) {
            Some((colon, at)) => format!(
                "{}{}:***{}",
                s.get(..scheme_end).unwrap_or_default(),
                rest.get(..colon).unwrap_or_default(),
                rest.get(at..).unwrap_or_default()
            ),
            None => s.clone(),
        }
    }
}

impl From<String> for DatabaseUrl {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for DatabaseUrl {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let url = DatabaseUrl::from("postgres://kasar:s3cr%40t@db:5432/kasar?sslmode=require");
        let shown = format!("{url:?} {url}");
        assert!(!shown.contains("s3cr"), "{shown}");
        assert!(
            shown.contains("postgres://kasar:***@db:5432/kasar"),
            "{shown}"
        );
        assert_eq!(
            DatabaseUrl::from("postgres://postgres@127.0.0.1:5/x").redacted(),
            "postgres://postgres@127.0.0.1:5/x"
        );
        assert!(url.expose().contains("s3cr"));
    }
}
