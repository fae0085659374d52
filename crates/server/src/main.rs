//! `coaching-hub`: the server binary.

use clap::Parser;
use server::cli::{self, Cli};
use server::config::Config;

/// mimalloc instead of glibc's allocator: argon2 takes 19 MiB per hash, and after four seconds of
/// sign-ins at 64 connections glibc kept the freed buffers in its arenas (the process stayed at
/// 465 MiB); with mimalloc it stays at 82 MiB, and signs in 112 instead of 82 people a second.
/// (`seed --scale 1000`, `wrk -t2 -c64 -d4s` on `POST /api/v1/auth/login`.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    server::telemetry::init(&config.telemetry.log_level, config.telemetry.log_json);
    let _reports = server::telemetry::sentry(config.telemetry.sentry_dsn.as_ref());
    match cli::run(cli, config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
