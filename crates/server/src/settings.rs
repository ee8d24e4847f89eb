//! Configuration: `config/default.toml`, then `config/<KASAR_ENV>.toml` if
//! present, then environment variables `KASAR__SECTION__KEY`.

use std::path::Path;
use std::time::Duration;

use kasar_application::Limits;
use kasar_domain::duplicates::PhoneRegion;
use kasar_http::RateLimits;
use kasar_postgres::PoolSettings;
use serde::Deserialize;

/// Every setting.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub duplicates: DuplicatesSettings,
    pub bulk: BulkSettings,
    pub rate_limit: RateLimitSettings,
    pub log: LogSettings,
}

/// HTTP listener.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub workers: usize,
    pub body_limit: usize,
    pub shutdown_grace_seconds: u64,
}

/// PostgreSQL.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: usize,
    pub timeout_ms: u64,
    pub statement_timeout_ms: u64,
}

/// Duplicate detection and merge.
#[derive(Debug, Clone, Deserialize)]
pub struct DuplicatesSettings {
    pub scan_limit: u32,
    pub max_scan_limit: u32,
    pub phone_region: String,
    pub max_duplicate_ids: usize,
}

/// Bulk operations.
#[derive(Debug, Clone, Deserialize)]
pub struct BulkSettings {
    pub max_record_ids: usize,
    pub max_target_ids: usize,
}

/// Per-token rate limits: requests per window, per route family (0 disables
/// a family).
#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub window_seconds: u64,
    pub records: u32,
    pub bulk: u32,
    pub duplicates: u32,
}

/// Logs.
#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub level: String,
    pub format: String,
}

/// Why settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    #[error("configuration: duplicates.phone_region: {0}")]
    Region(String),
}

impl Settings {
    /// Reads the layered configuration from `dir` (usually `config/`).
    pub fn load(dir: &Path) -> Result<Self, SettingsError> {
        let env = std::env::var("KASAR_ENV").unwrap_or_else(|_| "local".into());
        let settings = config::Config::builder()
            .add_source(config::File::from_str(
                include_str!("../../../config/default.toml"),
                config::FileFormat::Toml,
            ))
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

    /// The built-in defaults alone (the content of `config/default.toml`).
    pub fn defaults() -> Result<Self, SettingsError> {
        let settings = config::Config::builder()
            .add_source(config::File::from_str(
                include_str!("../../../config/default.toml"),
                config::FileFormat::Toml,
            ))
            .build()?;
        Ok(settings.try_deserialize()?)
    }

    /// Pool settings of the database section.
    pub fn pool(&self) -> PoolSettings {
        PoolSettings {
            url: self.database.url.clone(),
            max_size: self.database.pool_size.max(1),
            timeout: Duration::from_millis(self.database.timeout_ms.max(1)),
            statement_timeout: (self.database.statement_timeout_ms > 0)
                .then(|| Duration::from_millis(self.database.statement_timeout_ms)),
        }
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
            ..Limits::default()
        })
    }
}
