//! Phone numbers: detect's key, then the same national number (the country
//! code missing on one side, or another), then the last seven digits.

use super::level::Level;
use crate::duplicates::{normalize_phone, PhoneRegion};

/// Shortest national number compared.
const NATIONAL_MIN: usize = 7;

/// A number, prepared: detect's key and its digits without leading zeros.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Number {
    key: Box<str>,
    digits: Box<str>,
}

/// Every number of one record.
pub(super) fn prepare(values: &[Option<&str>], region: PhoneRegion) -> Vec<Number> {
    values
        .iter()
        .flatten()
        .filter_map(|v| {
            let key = normalize_phone(v, region)?;
            let digits: String = key.chars().filter(char::is_ascii_digit).collect();
            let digits = digits.trim_start_matches('0').to_owned();
            (!digits.is_empty()).then(|| Number {
                key: key.into_boxed_str(),
                digits: digits.into_boxed_str(),
            })
        })
        .collect()
}

/// Whether the numbers are one national number once a country code of one
/// to three digits (or a trunk zero) is taken off either.
fn national(a: &Number, b: &Number) -> bool {
    (0..=3).any(|i| {
        (0..=3).any(|j| match (a.digits.get(i..), b.digits.get(j..)) {
            (Some(x), Some(y)) => x.len() >= NATIONAL_MIN && x == y,
            _ => false,
        })
    })
}

impl Number {
    /// The last seven digits, when the number has that many.
    pub(super) fn tail(&self) -> Option<&str> {
        self.digits
            .len()
            .checked_sub(NATIONAL_MIN)
            .and_then(|i| self.digits.get(i..))
    }
}

fn suffix(a: &Number, b: &Number) -> bool {
    matches!((a.tail(), b.tail()), (Some(x), Some(y)) if x == y)
}

/// The levels of `phone`, strongest first.
pub(super) const LEVELS: &[Level<Number>] = &[
    Level {
        name: "exact",
        test: |a, b| a.key == b.key,
    },
    Level {
        name: "national",
        test: national,
    },
    Level {
        name: "suffix",
        test: suffix,
    },
];
