//! One function per subcommand; `run` starts the embedded sandbox when asked and dispatches.

pub use sync::idle;

mod config;
mod destructive;
mod follow;
pub(crate) mod listing;
mod recording;
mod show;
mod stats;
pub mod sync;
mod vendors;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::resolve;
use crate::sandbox::{self, Sandbox};

pub async fn run(cli: Cli) -> Result<()> {
    let global = &cli.global;
    if !matches!(cli.command, Command::Sync(_)) {
        resolve::one_profile(global)?;
    }
    let needs_vendor = matches!(
        cli.command,
        Command::List(_)
            | Command::Export(_)
            | Command::Sync(_)
            | Command::Stats(_)
            | Command::Show(_)
            | Command::Recording(_)
            | Command::Assign(_)
            | Command::Delete(_)
    );
    // The embedded sandbox lives as long as this command.
    let embedded = if global.sandbox && needs_vendor {
        Some(Sandbox::start(sandbox::Options::default()).await?)
    } else {
        None
    };
    // Vendor commands run with settings resolved once, here.
    let settings = || resolve::settings(global, resolve::profile(global, embedded.as_ref())?);
    match &cli.command {
        Command::List(args) => {
            let s = settings()?;
            listing::run(&s, args, &Default::default(), Some(25), false).await
        }
        Command::Export(args) if args.follow.follow => follow::run(&settings()?, args).await,
        Command::Export(args) => {
            let s = settings()?;
            listing::run(&s, &args.list, &args.cron, None, true).await
        }
        Command::Sync(args) => sync::run(global, args, embedded.as_ref()).await,
        Command::Stats(args) => stats::run(&settings()?, args).await,
        Command::Show(args) => {
            let s = settings()?;
            show::run(&s, args).await
        }
        Command::Recording(args) => {
            let s = settings()?;
            recording::run(&s, args).await
        }
        Command::Assign(args) => {
            let s = settings()?;
            destructive::assign(&s, args).await
        }
        Command::Delete(args) => {
            let s = settings()?;
            destructive::delete(&s, args).await
        }
        Command::Vendors(args) => vendors::run(args),
        Command::Config(cmd) => config::run(global, cmd).await,
        Command::Completions { shell } => {
            let mut out = std::io::stdout();
            clap_complete::generate(*shell, &mut Cli::command(), "calls", &mut out);
            Ok(())
        }
        Command::Sandbox(args) => serve(args).await,
    }
}

/// `calls sandbox`: serve until Ctrl-C.
async fn serve(args: &crate::cli::SandboxArgs) -> Result<()> {
    use crate::error::usage;
    if !(0.0..=1.0).contains(&args.fail_rate) || !(0.0..=1.0).contains(&args.recording_faults) {
        return usage("--fail-rate and --recording-faults must be between 0 and 1");
    }
    let until = args
        .until
        .as_deref()
        .map(|w| {
            crate::when::parse(
                w,
                chrono_tz::Tz::UTC,
                chrono::Utc::now(),
                crate::when::End::From,
            )
        })
        .transpose()
        .map_err(|e| crate::error::Failure::usage(format!("--until: {e}")))?;
    let sb = Sandbox::start(sandbox::Options {
        port: args.port,
        calls: args.calls as usize,
        seed: args.seed,
        until,
        latency: std::time::Duration::from_millis(args.latency),
        fail_rate: args.fail_rate,
        token_ttl: std::time::Duration::from_secs(args.token_ttl),
        recording_faults: args.recording_faults,
        short_page: args.short_page,
        rate_limit: args.rate_limit.map(|l| crate::sandbox::limit::RateLimit {
            headers: !args.rate_limit_silent,
            ..l
        }),
        ..sandbox::Options::default()
    })
    .await?;
    crate::term::out_line(&format!(
        "# calls sandbox: APIs on http://{}, recordings on http://{} ({} calls per vendor, seed {})",
        sb.addr, sb.recordings_addr, args.calls, args.seed
    ))?;
    crate::term::out_line("# Save this as a config file and try: calls --config FILE list\n")?;
    crate::term::out_line(sb.config_toml().trim_end())?;
    eprintln!("serving until Ctrl-C");
    std::future::pending::<()>().await;
    Ok(())
}
