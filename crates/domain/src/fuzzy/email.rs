//! E-mail addresses: detect's key, then the mailbox a provider delivers to
//! (`+tags` dropped; dots of Gmail local parts dropped, `googlemail.com` as
//! `gmail.com`), then typos and other domains.

use strsim::osa_distance;

use super::level::Level;
use crate::duplicates::normalize_email;

/// An address, prepared: detect's key (`local@domain`, split at `at`) and
/// the mailbox it delivers to (kept compact: detects hold one per record).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Address {
    key: Box<str>,
    at: usize,
    /// `base@domain`, Gmail's dots dropped and `googlemail.com` as `gmail.com`.
    mailbox: Box<str>,
}

impl Address {
    /// The local part of the mailbox (`+tag` and Gmail dots dropped).
    pub(super) fn mailbox_local(&self) -> &str {
        self.mailbox.split('@').next().unwrap_or(&self.mailbox)
    }

    fn local(&self) -> &str {
        self.key.get(..self.at).unwrap_or_default()
    }

    fn domain(&self) -> &str {
        self.key.get(self.at + 1..).unwrap_or_default()
    }
}

fn address(raw: &str) -> Option<Address> {
    let key = normalize_email(raw)?;
    let at = key.rfind('@')?;
    let (local, domain) = (key.get(..at)?, key.get(at + 1..)?);
    let base = local.split('+').next().unwrap_or(local);
    let gmail = matches!(domain, "gmail.com" | "googlemail.com");
    let mailbox = if gmail {
        format!("{}@gmail.com", base.replace('.', ""))
    } else {
        format!("{base}@{domain}")
    };
    Some(Address {
        key: key.into_boxed_str(),
        at,
        mailbox: mailbox.into_boxed_str(),
    })
}

/// Every address of one record.
pub(super) fn prepare(values: &[Option<&str>]) -> Vec<Address> {
    values.iter().flatten().filter_map(|v| address(v)).collect()
}

/// The levels of `email`, strongest first.
pub(super) const LEVELS: &[Level<Address>] = &[
    Level {
        name: "exact",
        test: |a, b| a.key == b.key,
    },
    Level {
        name: "mailbox",
        test: |a, b| a.mailbox == b.mailbox,
    },
    Level {
        name: "typo",
        test: |a, b| a.domain() == b.domain() && osa_distance(a.local(), b.local()) == 1,
    },
    Level {
        name: "local",
        test: |a, b| a.local() == b.local() && a.domain() != b.domain(),
    },
];
