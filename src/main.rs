//! The `civicdesk` binary: parse the command line, load settings, run.

use std::process::ExitCode;

use civicdesk::cli::{self, Cli, Command, OperatorCommand, TokenCommand};
use civicdesk::config::Settings;
use civicdesk::startup::Application;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("civicdesk: {e}");
            return ExitCode::from(2);
        }
    };
    // Colour codes only for a person at a terminal, not in a file or a log collector.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let log = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr);
    if settings.log_json {
        // One JSON object a line, with the request's span (its request id) as fields.
        log.json().with_current_span(true).with_span_list(false).init();
    } else {
        log.with_ansi(ansi).init();
    }
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => cli::migrate(&settings),
        Command::Operator(OperatorCommand::Create(args)) => cli::operator_create(&settings, args),
        Command::Token(TokenCommand::Create { operator, name }) => cli::token_create(&settings, &operator, &name),
        Command::SeedDemo(args) => cli::seed_demo(&settings, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("civicdesk: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let bind = settings.bind.clone();
        let app = Application::build(settings).await?;
        if let Some(first) = &app.first_start {
            first.print();
        }
        tracing::info!("civicdesk listening on http://{bind}");
        app.run_until_signalled().await?;
        Ok(())
    })
}
