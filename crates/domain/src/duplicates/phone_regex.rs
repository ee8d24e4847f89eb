//! Regular expressions for the phone key.
//!
//! The domain crate has no `regex` dependency of its own: patterns are
//! compiled by the `regex` engine the `phonenumber` crate ships with, through
//! the public regex cache of its metadata database (`DATABASE.cache()`), and
//! the compiled expression is kept here for the life of the process. Every
//! source starts with `(?-x)` so that it never shares a cache entry with a
//! metadata pattern the crate compiled in verbose mode.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use phonenumber::metadata::DATABASE;

/// The spans of a match's groups, group 0 (the whole match) first.
pub(super) type Spans = Vec<Option<(usize, usize)>>;

type FindFn = dyn Fn(&str) -> Option<(usize, usize)> + Send + Sync;
type CapturesFn = dyn Fn(&str) -> Option<Spans> + Send + Sync;

/// A compiled regular expression (leftmost-first semantics, as Python's and
/// Java's backtracking engines give for the patterns used here).
pub(super) struct Pattern {
    find: Box<FindFn>,
    captures: Box<CapturesFn>,
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pattern")
    }
}

impl Pattern {
    /// Compiles `source` (prefixed with `(?-x)`); `None` if it is invalid.
    pub(super) fn new(source: &str) -> Option<Self> {
        let source = format!("(?-x){source}");
        let cache = DATABASE.cache();
        let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
        let regex = cache.compile(&source).ok()?.clone();
        let copy = regex.clone();
        Some(Self {
            find: Box::new(move |s: &str| regex.find(s).map(|m| (m.start(), m.end()))),
            captures: Box::new(move |s: &str| {
                copy.captures(s)
                    .map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect())
            }),
        })
    }

    /// The leftmost match, as byte offsets.
    pub(super) fn find(&self, s: &str) -> Option<(usize, usize)> {
        (self.find)(s)
    }

    /// Whether the pattern matches somewhere in `s`.
    pub(super) fn is_match(&self, s: &str) -> bool {
        self.find(s).is_some()
    }

    /// The groups of the leftmost match.
    pub(super) fn captures(&self, s: &str) -> Option<Spans> {
        (self.captures)(s)
    }
}

/// Compiled metadata patterns, by source (a few per region at most).
static CACHE: LazyLock<Mutex<HashMap<String, Option<Arc<Pattern>>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The compiled form of `source`, compiled once per process.
pub(super) fn cached(source: String) -> Option<Arc<Pattern>> {
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    cache
        .entry(source)
        .or_insert_with_key(|source| Pattern::new(source).map(Arc::new))
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile_and_match() {
        let p = Pattern::new(r"^(?:(\d)|x)(y)?$").unwrap();
        assert_eq!(p.find("7"), Some((0, 1)));
        assert_eq!(
            p.captures("7"),
            Some(vec![Some((0, 1)), Some((0, 1)), None])
        );
        assert!(!p.is_match("77"));
        // No verbose mode, even for a source the crate cached verbosely.
        assert!(Pattern::new("a b").unwrap().is_match("a b"));
        assert!(Pattern::new("(").is_none());
        let a = cached("^1$".into()).unwrap();
        let b = cached("^1$".into()).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }
}
