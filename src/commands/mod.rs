//! One function per subcommand; `run` starts the embedded sandbox when asked and dispatches.

pub use sync::idle;

mod completions;
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
            crate::term::out_line(completions::script(*shell).trim_end())?;
            Ok(())
        }
        Command::Sandbox(args) => serve(args).await,
    }
}

/// The words the completion scripts and scripts/completions.sh use, kept out of clap so that
/// no completion offers them: `calls __complete profiles` (the config's profile names, one a
/// line) and `calls __man [--list | COMMAND]` (the man pages, roff). `None` for any other
/// command line.
pub fn hidden(args: &[std::ffi::OsString]) -> Option<Result<()>> {
    let words: Vec<&str> = args
        .iter()
        .skip(1)
        .map(|a| a.to_str())
        .collect::<Option<_>>()?;
    match words.as_slice() {
        ["__complete", "profiles"] => {
            // The config `--config` would default to: CALLS_CONFIG, else the OS config dir.
            let path = std::env::var_os("CALLS_CONFIG")
                .filter(|p| !p.is_empty())
                .map(std::path::PathBuf::from)
                .or_else(crate::config::default_path);
            Some(
                completions::profiles(path.as_deref())
                    .iter()
                    .try_for_each(|name| crate::term::out_line(name).map_err(Into::into)),
            )
        }
        ["__man", rest @ ..] if rest.len() <= 1 => Some(man(rest.first().copied())),
        _ => None,
    }
}

/// `calls __man`: calls(1); `--list`: the commands that have a page; `COMMAND`: calls-COMMAND(1).
fn man(which: Option<&str>) -> Result<()> {
    use std::io::Write;
    // The plain version: the pages must not change with every commit.
    let mut cmd = Cli::command().long_version(None::<&str>);
    cmd.build();
    let cmd = match which {
        Some("--list") => {
            for sub in cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            {
                crate::term::out_line(sub.get_name())?;
            }
            return Ok(());
        }
        None => cmd,
        // Built, a subcommand's display name is already `calls-NAME`.
        Some(name) => cmd
            .find_subcommand(name)
            .ok_or_else(|| crate::error::Failure::usage(format!("no command '{name}'")))?
            .clone()
            .version(env!("CARGO_PKG_VERSION")),
    };
    let page = page(cmd)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(())
}

/// A man page: clap_mangen's sections, then the help's examples as EXAMPLES (not clap_mangen's
/// "EXTRA", which also runs their lines together) and the exit codes as EXIT STATUS.
fn page(cmd: clap::Command) -> Result<Vec<u8>> {
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let bare = cmd.after_help(None::<&str>).after_long_help(None::<&str>);
    let mut page = Vec::new();
    clap_mangen::Man::new(bare).render(&mut page)?;
    // The top page's long help ends with the exit codes; they have their own section.
    let examples = after
        .split(crate::cli::EXIT_CODES)
        .next()
        .unwrap_or_default()
        .trim();
    let examples = examples.strip_prefix("Examples:").unwrap_or(examples);
    let mut sections = String::new();
    if !examples.trim().is_empty() {
        sections.push_str(".SH EXAMPLES\n");
        sections.push_str(&literal(examples.trim_matches('\n')));
    }
    sections.push_str(".SH \"EXIT STATUS\"\n");
    let codes = crate::cli::EXIT_CODES
        .strip_prefix("Exit codes:\n")
        .unwrap_or(crate::cli::EXIT_CODES);
    sections.push_str(&literal(codes));
    // Before VERSION, where clap_mangen put EXTRA.
    let text = String::from_utf8(page)?;
    let at = text.find("\n.SH VERSION").map_or(text.len(), |i| i + 1);
    Ok(format!("{}{sections}{}", &text[..at], &text[at..]).into_bytes())
}

/// Lines shown as they are (no filling), escaped for roff.
fn literal(text: &str) -> String {
    let mut out = String::from(".nf\n");
    for line in text.lines() {
        let line = line.replace('\\', "\\e").replace('-', "\\-");
        if line.starts_with('.') || line.starts_with('\'') {
            out.push_str("\\&");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(".fi\n");
    out
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
        change_rate: args.change_rate,
        short_page: args.short_page,
        order: args.order,
        rate_limit: args.rate_limit.map(|l| crate::sandbox::limit::RateLimit {
            headers: !args.rate_limit_silent,
            ..l
        }),
        ..sandbox::Options::default()
    })
    .await
    .map_err(|e| {
        let in_use = e.chain().any(|c| {
            c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse)
        });
        if in_use {
            let message = format!("{e:#}");
            crate::error::Failure::new(crate::error::Exit::Failed, message)
                .hint(format!(
                    "another program (perhaps another `calls sandbox`) uses port {}: pass --port N for another, or --port 0 for any free one",
                    args.port
                ))
                .into()
        } else {
            e
        }
    })?;
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
