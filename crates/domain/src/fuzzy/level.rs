//! A level of a comparison: a name and the predicate that puts a pair in it.

/// The level of a pair no predicate of its comparison holds for.
pub const OTHER: &str = "other";
/// The level of a pair one of whose records has no value to compare.
pub const MISSING: &str = "missing";

/// One level: its name, and whether two prepared values reach it.
pub struct Level<P: ?Sized> {
    pub name: &'static str,
    pub test: fn(&P, &P) -> bool,
}

/// The first level of `levels` that `a` and `b` reach; `missing` when either
/// is `None`.
pub(super) fn first<P>(levels: &[Level<P>], a: Option<&P>, b: Option<&P>) -> &'static str {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    levels
        .iter()
        .find(|l| (l.test)(a, b))
        .map_or(OTHER, |l| l.name)
}

/// For multi-valued comparisons (any value of one record against any of the
/// other): the strongest level any pair of values reaches.
pub(super) fn best<P>(levels: &[Level<P>], a: &[P], b: &[P]) -> &'static str {
    if a.is_empty() || b.is_empty() {
        return MISSING;
    }
    levels
        .iter()
        .find(|l| a.iter().any(|x| b.iter().any(|y| (l.test)(x, y))))
        .map_or(OTHER, |l| l.name)
}
