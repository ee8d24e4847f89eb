//! Dates (`YYYY-MM-DD` or `YYYYMMDD`): exact, day and month exchanged, one
//! character off, the same year.

use super::level::Level;

/// A date, prepared: its eight digits.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Day {
    digits: [u8; 8],
}

fn day(raw: &str) -> Option<Day> {
    let digits: Vec<u8> = raw.trim().bytes().filter(|b| *b != b'-').collect();
    let digits: [u8; 8] = digits.try_into().ok()?;
    digits
        .iter()
        .all(u8::is_ascii_digit)
        .then_some(Day { digits })
}

impl Day {
    /// `YYYYMM`.
    pub(super) fn year_month(&self) -> String {
        String::from_utf8_lossy(self.digits.get(..6).unwrap_or_default()).into_owned()
    }
}

/// Every date of one record.
pub(super) fn prepare(values: &[Option<&str>]) -> Vec<Day> {
    values.iter().flatten().filter_map(|v| day(v)).collect()
}

fn part(d: &Day, from: usize, to: usize) -> &[u8] {
    d.digits.get(from..to).unwrap_or(&[])
}

/// The levels of `date`, strongest first.
pub(super) const LEVELS: &[Level<Day>] = &[
    Level {
        name: "exact",
        test: |a, b| a == b,
    },
    Level {
        name: "swapped",
        test: |a, b| {
            part(a, 0, 4) == part(b, 0, 4)
                && part(a, 4, 6) == part(b, 6, 8)
                && part(a, 6, 8) == part(b, 4, 6)
        },
    },
    Level {
        name: "typo",
        test: |a, b| {
            a.digits
                .iter()
                .zip(&b.digits)
                .filter(|(x, y)| x != y)
                .count()
                == 1
        },
    },
    Level {
        name: "year",
        test: |a, b| part(a, 0, 4) == part(b, 0, 4),
    },
];
