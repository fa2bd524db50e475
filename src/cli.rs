//! The command line: `serve` (default), `migrate`, `operator create`, `token create`, `seed-demo`.

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::credentials::{hash_password, new_password, new_token, token_hash};
use crate::db::types::{now, Id};
use crate::db::Db;
use crate::domain::catalog::{Role, PASSWORD_MIN};
use crate::service::settings::tokens::TOKEN_PREFIX;
use crate::store::{self, operators::Operator, tokens::ApiToken};

/// civicdesk: grievances and proposals, business-day deadlines, happy calls.
#[derive(Debug, Parser)]
#[command(name = "civicdesk", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage operators.
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Fill the database with a realistic demo history (to see and measure the scorecards).
    SeedDemo(SeedDemo),
}

/// Arguments of `seed-demo`.
#[derive(Debug, Args)]
pub struct SeedDemo {
    /// How many cases to add.
    #[arg(long, default_value_t = 10_000)]
    pub cases: u64,
    /// Spread over this many years, ending today.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub years: u32,
    /// Random seed: the same seed gives the same history.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

/// `civicdesk operator ...`.
#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Create an operator; prints a generated password unless one is given.
    Create(OperatorCreate),
}

/// Arguments of `operator create`.
#[derive(Debug, Args)]
pub struct OperatorCreate {
    /// Login email.
    #[arg(long)]
    pub email: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// admin, manager, agent or happycall.
    #[arg(long, default_value = "agent")]
    pub role: String,
    /// A team name or id (repeatable).
    #[arg(long = "team")]
    pub teams: Vec<String>,
    /// Password (read from this variable; generated when unset).
    #[arg(long, env = "CIVICDESK_NEW_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// `civicdesk token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an operator and print it once.
    Create {
        /// The operator's email.
        #[arg(long)]
        operator: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

fn open(settings: &Settings) -> anyhow::Result<Db> {
    Db::open(&settings.database, 2, Duration::from_secs(10)).map_err(|e| anyhow::anyhow!("DATABASE_URL: {e}"))
}

/// `civicdesk migrate`.
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = open(settings)?;
    // Scorecard figures are counted by the server at its start, with its own
    // calendar settings, not with this shell's.
    let changed = crate::bootstrap::holidays_to_law(&db, settings)?;
    println!("migrations are up to date; the holiday rules changed {changed} holidays");
    Ok(())
}

/// `civicdesk operator create`.
pub fn operator_create(settings: &Settings, args: OperatorCreate) -> anyhow::Result<()> {
    let db = open(settings)?;
    let role = Role::parse(&args.role).ok_or_else(|| anyhow::anyhow!("--role must be one of {}", Role::names()))?;
    let generated = args.password.is_none();
    let password = args.password.unwrap_or_else(new_password);
    if password.chars().count() < PASSWORD_MIN {
        anyhow::bail!("the password must be at least {PASSWORD_MIN} characters");
    }
    let email = args.email.trim().to_lowercase();
    let op = db.write_blocking(|c| {
        if store::operators::find_by_email(c, &email)?.is_some() {
            anyhow::bail!("an operator with email {email} already exists");
        }
        let all_teams = store::teams::list(c)?;
        let mut team_ids = Vec::new();
        for t in &args.teams {
            let team = all_teams
                .iter()
                .find(|x| x.name == *t || x.id.as_str() == t)
                .ok_or_else(|| anyhow::anyhow!("no team named or with id \"{t}\""))?;
            team_ids.push(team.id.clone());
        }
        let at = now().naive_utc();
        let op = Operator {
            id: Id::new(),
            email: email.clone(),
            name: args.name.clone(),
            role: role.as_str().into(),
            password_hash: hash_password(&password).map_err(anyhow::Error::msg)?,
            active: true,
            created_at: at,
            updated_at: at,
            locale: "ko".into(),
        };
        store::operators::insert(c, &op)?;
        store::operators::set_teams(c, &op.id, &team_ids)?;
        Ok(op)
    })?;
    println!("created operator {} ({}) id {}", op.email, op.role, op.id);
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

/// `civicdesk seed-demo`: seeds a first start like `serve` would, then the history.
pub fn seed_demo(settings: &Settings, args: SeedDemo) -> anyhow::Result<()> {
    let db =
        Db::open(&settings.database, 2, Duration::from_secs(60)).map_err(|e| anyhow::anyhow!("DATABASE_URL: {e}"))?;
    if let Some(first) = crate::bootstrap::first_start(&db, settings)? {
        first.print();
    }
    crate::bootstrap::holidays_to_law(&db, settings)?;
    let report = crate::demo::seed(
        &db,
        settings,
        crate::demo::Options {
            cases: args.cases,
            years: args.years,
            seed: args.seed,
        },
    )?;
    println!(
        "seed-demo: added {} cases, {} events and {} surveys in {:.1} s",
        report.cases, report.events, report.surveys, report.seconds
    );
    Ok(())
}

/// `civicdesk token create`.
pub fn token_create(settings: &Settings, operator: &str, name: &str) -> anyhow::Result<()> {
    let db = open(settings)?;
    let token = new_token(TOKEN_PREFIX);
    let hash = token_hash(&token);
    db.write_blocking(|c| {
        let op = store::operators::find_by_email(c, operator)?
            .filter(|o| o.active)
            .ok_or_else(|| anyhow::anyhow!("no active operator with email {operator}"))?;
        store::tokens::insert(
            c,
            &ApiToken {
                id: Id::new(),
                operator_id: op.id,
                name: name.to_string(),
                token_hash: hash,
                active: true,
                created_at: now().naive_utc(),
                last_used_at: None,
            },
        )?;
        Ok::<_, anyhow::Error>(())
    })?;
    println!("{token}");
    Ok(())
}
