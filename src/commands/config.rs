//! `calls config init|path|show|check`.

use std::io::Write;

use anyhow::{Context, Result};

use crate::cli::{ConfigCommand, Global};
use crate::config;
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
            let vendor = global.vendor.unwrap_or(crate::types::Vendor::Famulor);
            file.write_all(config::starter(vendor).as_bytes())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
            let (_, name, _, vars) = config::starter_profile(vendor);
            eprintln!(
                "wrote {} (mode 0600) with one profile, '{name}' ({vendor}); set {} (or edit \
                 the file), then run `calls config check`",
                path.display(),
                vars.join(" and ")
            );
            Ok(())
        }
        ConfigCommand::Show => {
            let cfg = load_existing(&path)?;
            let only = resolve::one_profile(global)?;
            if let Some(name) = only {
                known_profile(&cfg, name, &path)?;
            }
            crate::term::out_line(config::redacted(&cfg, only).trim_end())?;
            Ok(())
        }
        ConfigCommand::Profiles => profiles(&path),
        ConfigCommand::Check { online } => check(global, &path, *online).await,
    }
}

/// `-p NAME` names a profile of the config, else a usage error with the nearest name.
fn known_profile(cfg: &config::ConfigFile, name: &str, path: &std::path::Path) -> Result<()> {
    if cfg.profiles.contains_key(name) {
        return Ok(());
    }
    let names: Vec<&str> = cfg.profiles.keys().map(String::as_str).collect();
    let hint = match crate::suggest::nearest(name, names.iter().copied()) {
        Some(near) => format!("did you mean {near}?"),
        None if names.is_empty() => "the config has no profiles yet".into(),
        None => format!("profiles: {}", names.join(", ")),
    };
    Err(Failure::usage(format!(
        "unknown profile '{}' in {}",
        crate::term::printable(name),
        path.display()
    ))
    .hint(hint)
    .into())
}

/// `calls config profiles`: one line per profile with its vendor, API and where each secret
/// comes from; the default marked `*`. Never a secret, a variable's value or a command.
fn profiles(path: &std::path::Path) -> Result<()> {
    let cfg = load_existing(path)?;
    if cfg.profiles.is_empty() {
        return Err(
            Failure::usage(format!("{} has no profiles", path.display()))
                .hint("add a [profiles.NAME] table with a vendor (see `calls config init`)")
                .into(),
        );
    }
    let mut rows = vec![[
        "PROFILE".to_string(),
        "VENDOR".into(),
        "API".into(),
        "SECRETS".into(),
    ]];
    for (name, p) in &cfg.profiles {
        let default = if cfg.default_profile.as_deref() == Some(name.as_str()) {
            " *"
        } else {
            ""
        };
        let shown = format!("{}{default}", crate::term::printable(name));
        let row = match resolve::from_config(name, p, path) {
            Ok(profile) => {
                let api = profile
                    .api
                    .clone()
                    .or_else(|| profile.vendor.traits().apis.first().map(|a| a.to_string()))
                    .unwrap_or_else(|| "-".into());
                // The secrets this vendor reads (a CALLS_* variable set for another vendor's
                // key is not this profile's).
                let auth = profile.vendor.traits().auth_secret;
                let reads = |key: config::SecretKey| {
                    key == auth
                        || (profile.vendor == crate::types::Vendor::Mycrm
                            && key != config::SecretKey::api_key)
                };
                let secrets: Vec<String> = profile
                    .secrets
                    .iter()
                    .filter(|(key, _)| reads(*key))
                    .map(|(key, source)| format!("{}: {}", key.name(), source.origin(*key)))
                    .collect();
                let secrets = if secrets.is_empty() {
                    "none configured".to_string()
                } else {
                    secrets.join(", ")
                };
                [
                    shown,
                    profile.vendor.id().to_string(),
                    crate::term::printable(&api).into_owned(),
                    secrets,
                ]
            }
            Err(e) => [
                shown,
                p.vendor.map_or("-", |v| v.id()).to_string(),
                "-".into(),
                format!(
                    "error: {} (calls config check)",
                    crate::term::printable(&crate::redact::scrub(&e.to_string()))
                ),
            ],
        };
        rows.push(row);
    }
    let widths: Vec<usize> = (0..3)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        crate::term::out_line(line.trim_end())?;
    }
    Ok(())
}

fn load_existing(path: &std::path::Path) -> Result<config::ConfigFile> {
    config::load(path)?.ok_or_else(|| {
        Failure::usage(format!("there is no config at {}", path.display()))
            .hint("create one with `calls config init`")
            .into()
    })
}

/// Checks every profile (`-p NAME`: that one only); with `online`, one cheap authenticated
/// request each. Exits with the most telling code among the failures.
async fn check(global: &Global, path: &std::path::Path, online: bool) -> Result<()> {
    let cfg = load_existing(path)?;
    let only = resolve::one_profile(global)?;
    if let Some(name) = only {
        known_profile(&cfg, name, path)?;
    }
    let mut worst: Option<Exit> = None;
    if let Some(name) = cfg.default_profile.as_ref().filter(|_| only.is_none()) {
        if !cfg.profiles.contains_key(name) {
            crate::term::out_line(&format!(
                "error  default_profile: there is no profile '{}'",
                crate::term::printable(name)
            ))?;
            worst = Some(Exit::Usage);
        }
    }
    // NOTE: the DEST read as `sync` would read it (a key=value string's keywords, sslmode,
    // the sslrootcert file), without connecting; printed redacted.
    if let Some(db) = cfg.database.as_deref().filter(|_| only.is_none()) {
        match crate::db::Dest::parse(db).and_then(|d| d.check().map(|()| d)) {
            Ok(dest) => crate::term::out_line(&crate::term::printable(&format!(
                "ok     database ({dest})"
            )))?,
            Err(e) => {
                let (exit, hint) = classify(&e);
                let hint = hint.map(|h| format!(" ({h})")).unwrap_or_default();
                crate::term::out_line(&crate::term::printable(&format!(
                    "error  database: {}{hint}",
                    crate::redact::scrub(&format!("{e:#}"))
                )))?;
                worst = Some(match (worst, exit) {
                    (Some(Exit::Auth), _) => Exit::Auth,
                    (Some(Exit::Usage), _) | (_, Exit::Usage) => Exit::Usage,
                    _ => exit,
                });
            }
        }
    }
    for (name, p) in &cfg.profiles {
        if only.is_some_and(|o| o != name) {
            continue;
        }
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
    let profile = resolve::from_config(name, p, path)?;
    let settings = resolve::settings(global, profile)?;
    let backend = Backend::new(&settings.profile, Http::new(settings.http.clone())?)?;
    if online {
        let mut q = resolve::query(&Default::default(), &settings, Some(1), false)?;
        q.from = settings.now - chrono::Duration::days(1);
        backend.ping(&q).await?;
    }
    Ok(settings.profile.vendor)
}
