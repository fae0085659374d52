//! `coaching-hub`: the server binary.

use clap::Parser;
use server::cli::{self, Cli};
use server::config::Config;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_process_env() {
        Ok(config) => config,
        Err(errors) => {
            for line in &errors.0 {
                eprintln!("configuration error: {line}");
            }
            return std::process::ExitCode::from(2);
        }
    };
    server::telemetry::init(&config.log_level, config.log_json);
    match cli::run(cli, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
