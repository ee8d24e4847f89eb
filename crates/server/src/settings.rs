//! Configuration: the built-in defaults (each from the layer that owns the
//! value: `Limits`, `RateLimits`, and the sections below), then
//! `config/default.toml` and `config/<KASAR_ENV>.toml` if present, then
//! environment variables `KASAR__SECTION__KEY`.

use std::path::Path;
use std::time::Duration;

use kasar_application::Limits;
use kasar_domain::duplicates::PhoneRegion;
use kasar_http::RateLimits;
use kasar_postgres::PoolSettings;
use serde::{Deserialize, Serialize};

pub use crate::database_url::DatabaseUrl;

/// Every setting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub duplicates: DuplicatesSettings,
    pub bulk: BulkSettings,
    pub records: RecordsSettings,
    pub schema: SchemaSettings,
    pub rate_limit: RateLimitSettings,
    pub metrics: MetricsSettings,
    pub log: LogSettings,
}

/// HTTP listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// 0: one worker per core.
    pub workers: usize,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// On SIGTERM/SIGINT, how long requests in flight may take to finish.
    pub shutdown_grace_seconds: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            workers: 0,
            body_limit: 4 * 1024 * 1024,
            shutdown_grace_seconds: 30,
        }
    }
}

/// PostgreSQL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Empty: `make run` starts a private cluster and sets it.
    pub url: DatabaseUrl,
    /// A streaming replica of `url` for the long read-only scans (detect's
    /// scan of the newest records, exports); empty: everything on `url`.
    pub read_url: DatabaseUrl,
    pub pool_size: usize,
    /// Wait for a connection (or to connect) before answering 503.
    pub timeout_ms: u64,
    /// `statement_timeout` of every connection; 0 disables it.
    pub statement_timeout_ms: u64,
    /// Bound of one database round trip of a request (longer than the
    /// statement timeout): past it, 503 and the connection is discarded.
    pub round_trip_timeout_ms: u64,
    /// Connections only reads may use, so that writes waiting on locks never
    /// starve reads (at most pool_size - 1).
    pub read_reserve: usize,
    /// false: every statement is sent unnamed (one message each), for a
    /// pooler in transaction mode that does not track prepared statements
    /// (PgBouncer before 1.21, or `max_prepared_statements = 0`).
    pub named_statements: bool,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: DatabaseUrl::default(),
            read_url: DatabaseUrl::default(),
            pool_size: 16,
            timeout_ms: 2000,
            statement_timeout_ms: 30_000,
            round_trip_timeout_ms: 32_000,
            read_reserve: 4,
            named_statements: true,
        }
    }
}

/// Duplicate detection and merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DuplicatesSettings {
    pub scan_limit: u32,
    pub max_scan_limit: u32,
    pub phone_region: String,
    pub max_duplicate_ids: usize,
    /// Days a merge's journal entry is kept (0: forever).
    pub journal_retention_days: u32,
    /// Seconds between background folds of the key index's notes (0: only
    /// detect folds them).
    pub fold_interval_seconds: u64,
}

impl Default for DuplicatesSettings {
    fn default() -> Self {
        let limits = Limits::default();
        Self {
            scan_limit: limits.scan_limit,
            max_scan_limit: limits.max_scan_limit,
            phone_region: limits.phone_region.code().to_owned(),
            max_duplicate_ids: limits.merge_duplicates,
            journal_retention_days: limits.journal_retention_days,
            fold_interval_seconds: 10,
        }
    }
}

/// Bulk operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BulkSettings {
    pub max_record_ids: usize,
    pub max_target_ids: usize,
}

impl Default for BulkSettings {
    fn default() -> Self {
        let limits = Limits::default();
        Self {
            max_record_ids: limits.bulk_records,
            max_target_ids: limits.bulk_targets,
        }
    }
}

/// Batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecordsSettings {
    /// Records in one batch request.
    pub max_batch: usize,
    /// Records in one import request.
    pub max_import: usize,
}

impl Default for RecordsSettings {
    fn default() -> Self {
        Self {
            max_batch: Limits::default().batch_records,
            max_import: Limits::default().import_records,
        }
    }
}

/// Custom objects and fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemaSettings {
    /// Custom objects per organization.
    pub max_objects: usize,
    /// Fields per object.
    pub max_fields: usize,
    /// Longest wait of a catalog change for each lock, in milliseconds
    /// (then 503 "busy", nothing changed).
    pub lock_timeout_ms: u64,
}

impl Default for SchemaSettings {
    fn default() -> Self {
        let l = Limits::default();
        Self {
            max_objects: l.max_objects,
            max_fields: l.max_fields,
            lock_timeout_ms: l.schema_lock_timeout_ms,
        }
    }
}

/// Per-token rate limits: requests per window, per route family (0 disables
/// a family).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub window_seconds: u64,
    pub records: u32,
    pub bulk: u32,
    pub duplicates: u32,
    /// Where the windows live: this process, or Redis (shared by instances).
    pub store: RateLimitStore,
    /// The Redis of `store = "redis"`.
    pub redis_url: String,
}

/// Where rate-limit windows live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitStore {
    /// In each process: behind several instances each counts on its own.
    #[default]
    Memory,
    /// In Redis: one window per token across every instance.
    Redis,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        let r = RateLimits::default();
        Self {
            enabled: r.enabled,
            window_seconds: r.window.as_secs(),
            records: r.records,
            bulk: r.bulk,
            duplicates: r.duplicates,
            store: RateLimitStore::Memory,
            redis_url: "redis://127.0.0.1:6379".into(),
        }
    }
}

/// `GET /metrics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// Whether `GET /metrics` is served (no token, not rate-limited: keep it
    /// on a network only the scraper reaches, or turn it off).
    pub enabled: bool,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line, for machines.
    #[default]
    Json,
    /// Human-readable lines.
    Pretty,
}

/// Logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// A tracing filter: `info`, `kasar=debug,warn`...
    pub level: String,
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: "info".into(),
            format: LogFormat::Json,
        }
    }
}

/// Why settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    #[error("configuration: duplicates.phone_region: {0}")]
    Region(String),
    #[error("KASAR_ENV={0:?}: {1}")]
    Env(String, &'static str),
}

/// The environment named by `KASAR_ENV` (default `local`): a short lowercase
/// name, whose file must exist unless it is `local`.
fn environment(dir: &Path) -> Result<String, SettingsError> {
    let env = std::env::var("KASAR_ENV").unwrap_or_else(|_| "local".into());
    let mut chars = env.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && env.len() <= 32
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !well_formed {
        return Err(SettingsError::Env(
            env,
            "expected a lowercase name such as local or production",
        ));
    }
    if env != "local" && !dir.join(format!("{env}.toml")).is_file() {
        return Err(SettingsError::Env(
            env,
            "no such file <config dir>/<KASAR_ENV>.toml",
        ));
    }
    Ok(env)
}

impl Settings {
    /// Reads the layered configuration from `dir` (usually `config/`).
    pub fn load(dir: &Path) -> Result<Self, SettingsError> {
        let env = environment(dir)?;
        let settings = config::Config::builder()
            .add_source(config::File::from(dir.join("default.toml")).required(false))
            .add_source(config::File::from(dir.join(format!("{env}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("KASAR")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            )
            .build()?;
        Ok(settings.try_deserialize()?)
    }

    /// The built-in defaults alone.
    pub fn defaults() -> Result<Self, SettingsError> {
        Ok(Self::default())
    }

    /// Pool settings of the database section.
    pub fn pool(&self) -> PoolSettings {
        PoolSettings {
            url: self.database.url.expose().to_owned(),
            max_size: self.database.pool_size.max(1),
            timeout: Duration::from_millis(self.database.timeout_ms.max(1)),
            statement_timeout: (self.database.statement_timeout_ms > 0)
                .then(|| Duration::from_millis(self.database.statement_timeout_ms)),
            round_trip: Duration::from_millis(self.database.round_trip_timeout_ms.max(1)),
            read_reserve: self.database.read_reserve,
            named_statements: self.database.named_statements,
            kept_scan: kasar_application::duplicates::digests_read(self.duplicates.scan_limit),
        }
    }

    /// Pool settings of the replica (`database.read_url`), if one is set:
    /// those of the primary but the URL, and no connections kept for reads
    /// (it serves reads only).
    pub fn replica_pool(&self) -> Option<PoolSettings> {
        (!self.database.read_url.is_empty()).then(|| PoolSettings {
            url: self.database.read_url.expose().to_owned(),
            read_reserve: 0,
            ..self.pool()
        })
    }

    /// Rate limits of the HTTP adapter (a window of at least one second).
    pub fn rate_limits(&self) -> RateLimits {
        let r = &self.rate_limit;
        RateLimits {
            enabled: r.enabled,
            window: Duration::from_secs(r.window_seconds.max(1)),
            records: r.records,
            bulk: r.bulk,
            duplicates: r.duplicates,
        }
    }

    /// Limits of the use cases.
    pub fn limits(&self) -> Result<Limits, SettingsError> {
        Ok(Limits {
            scan_limit: self.duplicates.scan_limit,
            max_scan_limit: self.duplicates.max_scan_limit,
            phone_region: PhoneRegion::parse(&self.duplicates.phone_region)
                .map_err(|e| SettingsError::Region(e.to_string()))?,
            bulk_records: self.bulk.max_record_ids,
            bulk_targets: self.bulk.max_target_ids,
            merge_duplicates: self.duplicates.max_duplicate_ids,
            journal_retention_days: self.duplicates.journal_retention_days,
            batch_records: self.records.max_batch,
            import_records: self.records.max_import,
            max_objects: self.schema.max_objects,
            max_fields: self.schema.max_fields,
            schema_lock_timeout_ms: self.schema.lock_timeout_ms,
            ..Limits::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `config/default.toml` documents every setting with its default,
    /// commented out; uncommented, it must say what the code says.
    #[test]
    fn the_documented_defaults_are_the_defaults() {
        let text = include_str!("../../../config/default.toml");
        let uncommented: String = text
            .lines()
            .map(|l| l.strip_prefix("# ").filter(|l| is_setting(l)).unwrap_or(l))
            .map(|l| format!("{l}\n"))
            .collect();
        let documented: Settings = config::Config::builder()
            .add_source(config::File::from_str(
                &uncommented,
                config::FileFormat::Toml,
            ))
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap();
        assert_eq!(documented, Settings::default());
        let active = text.lines().filter(|l| is_setting(l)).count();
        assert_eq!(active, 0, "default.toml sets nothing itself");
    }

    fn is_setting(line: &str) -> bool {
        line.starts_with('[')
            || line
                .split_once(" = ")
                .is_some_and(|(k, _)| !k.contains(' '))
    }

    #[test]
    fn unknown_settings_are_refused() {
        let parsed = config::Config::builder()
            .add_source(config::File::from_str(
                "[log]\nformat = \"xml\"",
                config::FileFormat::Toml,
            ))
            .build()
            .unwrap()
            .try_deserialize::<Settings>();
        assert!(parsed.is_err());
    }
}
