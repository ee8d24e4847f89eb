//! The operator CLI: `serve`, `migrate`, `org create`, `user add`,
//! `reindex`, `token create`, `token revoke`, `schema export`, `schema apply`,
//! and `demo` (used by `make run`).

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use kasar_application::admin::{self, TokenRequest};
use kasar_application::AppError;
use kasar_domain::Role;

use crate::demo;
use crate::settings::{Settings, SettingsError};
use crate::startup::{services, Application, StartupError};

/// The Kasar-compatible CRM data API.
#[derive(Debug, Parser)]
#[command(name = "kasar", version, about)]
pub struct Cli {
    /// Folder holding default.toml and <KASAR_ENV>.toml.
    #[arg(long, global = true, default_value = "config")]
    pub config_dir: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

/// A command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API.
    Serve,
    /// Apply database migrations (idempotent).
    Migrate,
    /// Rebuild the key index of every organization with the configured phone
    /// region (needed after changing duplicates.phone_region).
    Reindex,
    /// Organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Workspace users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Custom objects and fields as a file (catalog as code).
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Ensure the demo organization, its admin token (written to FILE) and demo data.
    Demo {
        #[arg(long)]
        token_file: PathBuf,
    },
}

/// `kasar org …`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization and provision its schema with the standard objects.
    Create {
        slug: String,
        #[arg(long)]
        name: Option<String>,
    },
}

/// `kasar schema …`
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the organization's custom objects and fields as JSON.
    Export {
        #[arg(long)]
        org: String,
    },
    /// Make the organization's custom objects and fields those of FILE (as
    /// `export` prints them): print the plan, then apply it in one transaction.
    Apply {
        #[arg(long)]
        org: String,
        file: PathBuf,
        /// Print the plan (judged as the API judges it) and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// `kasar user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a workspace user to an organization.
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "member", value_parser = parse_role)]
        role: Role,
    },
}

/// `kasar token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; the clear token is printed alone on the last line.
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long = "scope")]
        scopes: Vec<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// Revoke a token by id or display prefix.
    Revoke { token: String },
}

/// Why a command failed: one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Database(#[from] kasar_postgres::SetupError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Runs a command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let settings = Settings::load(&cli.config_dir)?;
    crate::telemetry::init(&settings.log);
    match cli.command {
        Command::Serve => serve(&settings).await,
        Command::Migrate => migrate(&settings).await,
        Command::Reindex => reindex(&settings).await,
        Command::Org { command } => org(&settings, command).await,
        Command::User { command } => user(&settings, command).await,
        Command::Token { command } => token(&settings, command).await,
        Command::Schema { command } => schema(&settings, command).await,
        Command::Demo { token_file } => seed_demo(&settings, &token_file).await,
    }
}

async fn serve(settings: &Settings) -> Result<(), CliError> {
    let app = Application::build(settings).await?;
    tracing::info!(host = %settings.server.host, port = app.port(), "serving");
    Ok(app.run_until_stopped().await?)
}

async fn migrate(settings: &Settings) -> Result<(), CliError> {
    let (pool, _) = services(settings)?;
    let applied = kasar_postgres::migrate(&pool).await?;
    if applied.is_empty() {
        println!("migrations applied: none (up to date)");
    } else {
        println!("migrations applied: {}", applied.join(", "));
    }
    Ok(())
}

async fn reindex(settings: &Settings) -> Result<(), CliError> {
    // The primary alone: a rebuild scans nothing through the replica.
    let pool = kasar_postgres::pool(&settings.pool()).map_err(StartupError::from)?;
    let store = crate::startup::primary_store(settings, &pool)?;
    let report = store.reindex().await.map_err(AppError::from)?;
    println!(
        "key index rebuilt with phone region {}: {} organizations, {} records, {} keys",
        settings.limits()?.phone_region.code(),
        report.organizations,
        report.records,
        report.keys
    );
    Ok(())
}

async fn org(settings: &Settings, command: OrgCommand) -> Result<(), CliError> {
    let (_, services) = services(settings)?;
    let OrgCommand::Create { slug, name } = command;
    let tenant = admin::create_organization(&services, &slug, name.as_deref()).await?;
    println!("{}", tenant.organization_id);
    Ok(())
}

async fn user(settings: &Settings, command: UserCommand) -> Result<(), CliError> {
    let (_, services) = services(settings)?;
    let UserCommand::Add {
        org,
        email,
        name,
        role,
    } = command;
    let user = admin::add_user(&services, &org, &email, name.as_deref(), role).await?;
    println!("{}", user.id);
    Ok(())
}

async fn token(settings: &Settings, command: TokenCommand) -> Result<(), CliError> {
    let (_, services) = services(settings)?;
    match command {
        TokenCommand::Create {
            org,
            email,
            scopes,
            name,
            expires_in_days,
        } => {
            let request = TokenRequest {
                org,
                email,
                scopes,
                name,
                expires_in_days,
            };
            let created = admin::create_token(&services, &request).await?;
            println!("token id: {}", created.id);
            println!("{}", created.token);
        }
        TokenCommand::Revoke { token } => {
            println!("{}", admin::revoke_token(&services, &token).await?);
        }
    }
    Ok(())
}

async fn schema(settings: &Settings, command: SchemaCommand) -> Result<(), CliError> {
    let (_, services) = services(settings)?;
    let (SchemaCommand::Export { org } | SchemaCommand::Apply { org, .. }) = &command;
    let tenant = admin::find_organization(&services, org)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("organization '{org}' not found")))?;
    match command {
        SchemaCommand::Export { .. } => {
            let document = services.export_schema(&tenant).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&document).map_err(std::io::Error::other)?
            );
        }
        SchemaCommand::Apply { file, dry_run, .. } => {
            let text = std::fs::read_to_string(&file)?;
            let document: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| AppError::Validation(format!("{}: {e}", file.display())))?;
            let plan = services.apply_schema(&tenant, &document, dry_run).await?;
            for change in &plan.changes {
                println!("{change}");
            }
            println!(
                "{} change(s){}",
                plan.changes.len(),
                if plan.applied {
                    ", applied"
                } else if dry_run {
                    ", dry run: nothing applied"
                } else {
                    ": nothing to apply"
                }
            );
        }
    }
    Ok(())
}

async fn seed_demo(settings: &Settings, token_file: &Path) -> Result<(), CliError> {
    let (pool, services) = services(settings)?;
    kasar_postgres::migrate(&pool).await?;
    let token = demo::ensure(&services, token_file).await?;
    println!("demo admin token (saved in {}):", token_file.display());
    println!("{token}");
    Ok(())
}

/// A role named on the command line.
fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "role must be admin or member".to_owned())
}
