//! `calls config init|path|show|check`.

use std::io::Write;

use anyhow::{Context, Result};

use crate::cli::{ConfigCommand, Global};
use crate::config::{self, Profile};
use crate::error::{classify, Exit, Failure};
use crate::http::Http;
use crate::resolve;
use crate::vendors::Backend;

pub async fn run(global: &Global, cmd: &ConfigCommand) -> Result<()> {
    let path = resolve::config_path(global)?;
    match cmd {
        ConfigCommand::Path => {
            crate::term::out_line(&path.display().to_string())?;
            Ok(())
        }
        ConfigCommand::Init { force } => {
            if path.exists() && !force {
                return Err(Failure::usage(format!("{} already exists", path.display()))
                    .hint("edit it, or pass --force to replace it with the starter config")
                    .into());
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut file = opts
                .open(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            file.write_all(config::EXAMPLE.as_bytes())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
            eprintln!(
                "wrote {} (mode 0600); edit it, then run `calls config check`",
                path.display()
            );
            Ok(())
        }
        ConfigCommand::Show => {
            let cfg = load_existing(&path)?;
            crate::term::out_line(config::redacted(&cfg).trim_end())?;
            Ok(())
        }
        ConfigCommand::Check { online } => check(global, &path, *online).await,
    }
}

fn load_existing(path: &std::path::Path) -> Result<config::ConfigFile> {
    config::load(path)?.ok_or_else(|| {
        Failure::usage(format!("there is no config at {}", path.display()))
            .hint("create one with `calls config init`")
            .into()
    })
}

/// Checks every profile; with `online`, one cheap authenticated request each. Exits with the
/// most telling code among the failures.
async fn check(global: &Global, path: &std::path::Path, online: bool) -> Result<()> {
    let cfg = load_existing(path)?;
    let mut worst: Option<Exit> = None;
    if let Some(name) = &cfg.default_profile {
        if !cfg.profiles.contains_key(name) {
            crate::term::out_line(&format!(
                "error  default_profile: there is no profile '{}'",
                crate::term::printable(name)
            ))?;
            worst = Some(Exit::Usage);
        }
    }
    for (name, p) in &cfg.profiles {
        let result = check_profile(global, name, p, path, online).await;
        match result {
            Ok(vendor) => crate::term::out_line(&format!(
                "ok     {name} ({vendor}){}",
                if online { ", credentials accepted" } else { "" }
            ))?,
            Err(e) => {
                let (exit, hint) = classify(&e);
                let hint = hint.map(|h| format!(" ({h})")).unwrap_or_default();
                crate::term::out_line(&crate::term::printable(&format!(
                    "error  {name}: {}{hint}",
                    crate::redact::scrub(&format!("{e:#}"))
                )))?;
                worst = Some(match (worst, exit) {
                    (Some(Exit::Auth), _) | (_, Exit::Auth) => Exit::Auth,
                    (Some(Exit::Usage), _) | (_, Exit::Usage) => Exit::Usage,
                    _ => exit,
                });
            }
        }
    }
    match worst {
        None => Ok(()),
        Some(exit) => Err(Failure::new(
            exit,
            format!("{} has problems (listed above)", path.display()),
        )
        .into()),
    }
}

async fn check_profile(
    global: &Global,
    name: &str,
    p: &config::ProfileConfig,
    path: &std::path::Path,
    online: bool,
) -> Result<crate::types::Vendor> {
    let profile = Profile::from_config(name, p, path)?;
    let settings = resolve::settings(global, profile)?;
    let backend = Backend::new(&settings.profile, Http::new(settings.http.clone())?)?;
    if online {
        let mut q = resolve::query(&Default::default(), &settings, Some(1), false)?;
        q.from = settings.now - chrono::Duration::days(1);
        backend.ping(&q).await?;
    }
    Ok(settings.profile.vendor)
}
