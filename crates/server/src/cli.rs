//! The operator CLI: `serve`, `migrate`, `org create`, `user add`,
//! `token create`, `token revoke`, and `demo` (used by `make run`).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kasar_application::admin::{self, TokenRequest};
use kasar_domain::Role;

use crate::demo;
use crate::settings::Settings;
use crate::startup::{services, Application};

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
        #[arg(long, default_value = "member", value_parser = ["admin", "member"])]
        role: String,
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

/// Runs a command; the error is the one-line reason to print.
pub async fn run(cli: Cli) -> Result<(), String> {
    let settings = Settings::load(&cli.config_dir).map_err(|e| e.to_string())?;
    crate::telemetry::init(&settings.log);
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    match cli.command {
        Command::Serve => {
            let app = Application::build(&settings).await.map_err(|e| fail(&e))?;
            tracing::info!(host = %settings.server.host, port = app.port(), "serving");
            app.run_until_stopped().await.map_err(|e| fail(&e))
        }
        Command::Migrate => {
            let (pool, _) = services(&settings).map_err(|e| fail(&e))?;
            let applied = kasar_postgres::migrate(&pool).await.map_err(|e| fail(&e))?;
            println!(
                "migrations applied: {}",
                if applied.is_empty() {
                    "none (up to date)".into()
                } else {
                    applied.join(", ")
                }
            );
            Ok(())
        }
        Command::Org {
            command: OrgCommand::Create { slug, name },
        } => {
            let (_, services) = services(&settings).map_err(|e| fail(&e))?;
            let tenant = admin::create_organization(&services, &slug, name.as_deref())
                .await
                .map_err(|e| fail(&e))?;
            println!("{}", tenant.organization_id);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    org,
                    email,
                    name,
                    role,
                },
        } => {
            let (_, services) = services(&settings).map_err(|e| fail(&e))?;
            let role = Role::parse(&role).ok_or("role must be admin or member")?;
            let user = admin::add_user(&services, &org, &email, name.as_deref(), role)
                .await
                .map_err(|e| fail(&e))?;
            println!("{}", user.id);
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    org,
                    email,
                    scopes,
                    name,
                    expires_in_days,
                },
        } => {
            let (_, services) = services(&settings).map_err(|e| fail(&e))?;
            let created = admin::create_token(
                &services,
                &TokenRequest {
                    org,
                    email,
                    scopes,
                    name,
                    expires_in_days,
                },
            )
            .await
            .map_err(|e| fail(&e))?;
            println!("token id: {}", created.id);
            println!("{}", created.token);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { token },
        } => {
            let (_, services) = services(&settings).map_err(|e| fail(&e))?;
            let id = admin::revoke_token(&services, &token)
                .await
                .map_err(|e| fail(&e))?;
            println!("{id}");
            Ok(())
        }
        Command::Demo { token_file } => {
            let (pool, services) = services(&settings).map_err(|e| fail(&e))?;
            kasar_postgres::migrate(&pool).await.map_err(|e| fail(&e))?;
            let token = demo::ensure(&services, &token_file)
                .await
                .map_err(|e| fail(&e))?;
            println!("demo admin token (saved in {}):", token_file.display());
            println!("{token}");
            Ok(())
        }
    }
}
