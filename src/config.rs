//! The TOML config: profiles, secrets (`KEY`, `KEY_env`, `KEY_command`) and their resolution.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::error::Failure;
pub use crate::types::Secret;
use crate::types::Vendor;

/// The starter config `calls config init` writes (Famulor's profile active); the same text as
/// `config.example.toml`.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

/// The top of the starter config: what the file is, and every key.
const STARTER_HEAD: &str = "\
# calls configuration. `calls config path` prints where this file lives;
# `calls config check` validates it (add --online to test the credentials).
# Keep it private: chmod 600. Secrets can stay out of it entirely (see *_env, *_command).
#
# One profile is active; the other vendors' are below as comments: to use one, remove the
# `# ` before its [profiles.NAME] line and its keys (or run `calls config init --vendor V`
# for a file with V's profile active).

# The profile used when -p/--profile is not given.
default_profile = \"NAME\"

# Where `calls sync` writes when no DEST is given: a SQLite file (sqlite:PATH, or a path
# ending in .db, .sqlite or .sqlite3).
# database = \"calls.db\"

# One [profiles.NAME] table per account. Keys:
#   vendor        required: famulor, evolux, callcap, brightcall or mycrm
#   base_url      the vendor API's base URL (default: the vendor's public API; evolux has none:
#                 every customer has its own host, so it is required there)
#   timezone      IANA zone for reading --from/--to and for tables (default: the local zone);
#                 csv, tsv, json and ndjson print times in --tz alone, else UTC
#   vendor_timezone  IANA zone of the vendor's own times that carry no offset, such as
#                 famulor's \"2025-08-04 14:30:00\" (default UTC; callcap and brightcall say theirs)
#   country       ISO 3166 code national phone numbers are read in, to print them in E.164
#                 (default: famulor DE, evolux BR, callcap US, mycrm AE; brightcall none)
#   page_size     calls per request (default and maximum: the vendor's largest page:
#                 famulor 100, evolux 50, callcap 1000, brightcall 100 (v3: 500), mycrm 100)
#   concurrency   requests in flight, pages fetched ahead (default 4)
#   rate          at most this many requests per second (default: the vendor's documented
#                 limit on its own host, famulor 100 a minute; else no limit)
#   token_url     mycrm only: the OAuth2 token endpoint (also --token-url, CALLS_TOKEN_URL)
#                 (default https://auth.propertyfinder.com/auth/oauth/v1/token)
#
# Secrets: token (famulor, evolux, callcap, or a ready mycrm bearer token), api_key (brightcall),
# client_id + client_secret (mycrm). Each can be given as
#   KEY = \"...\"                  inline (least safe)
#   KEY_env = \"VARIABLE\"         read from an environment variable
#   KEY_command = \"pass show x\"  the trimmed stdout of a command
# The environment variables CALLS_TOKEN, CALLS_API_KEY, CALLS_CLIENT_ID and
# CALLS_CLIENT_SECRET win over this file.
";

/// Each vendor's starter profile: its name, its keys, and the environment variables its
/// secrets are read from (so that `config check` passes once they are set).
const STARTER_PROFILES: [(Vendor, &str, &str, &[&str]); 5] = [
    (
        Vendor::Famulor,
        "sales",
        "vendor = \"famulor\"
token_env = \"FAMULOR_API_KEY\"
timezone = \"Europe/Berlin\"
# vendor_timezone = \"Europe/Berlin\"   # if the account's zoneless times are not UTC
# api = \"v1\"   # Famulor Platform 2.0 (default classic)
",
        &["FAMULOR_API_KEY"],
    ),
    (
        Vendor::Evolux,
        "dialer",
        "vendor = \"evolux\"
base_url = \"https://acme.evolux.net.br\"   # your Evolux host
token_env = \"EVOLUX_TOKEN\"
timezone = \"America/Sao_Paulo\"
",
        &["EVOLUX_TOKEN"],
    ),
    (
        Vendor::Callcap,
        "tracking",
        "vendor = \"callcap\"
token_env = \"CALLCAP_TOKEN\"   # or token_command = \"pass show callcap\"
timezone = \"America/Chicago\"
page_size = 1000
concurrency = 4
rate = 5
",
        &["CALLCAP_TOKEN"],
    ),
    (
        Vendor::Brightcall,
        "convolo",
        "vendor = \"brightcall\"
api_key_env = \"BRIGHTCALL_API_KEY\"
# api = \"v3\"   # the dialer's v3 API (default v1; v3 by itself on api.dialer.brightcall.ai)
",
        &["BRIGHTCALL_API_KEY"],
    ),
    (
        Vendor::Mycrm,
        "pf",
        "vendor = \"mycrm\"
client_id_env = \"PF_CLIENT_ID\"
client_secret_env = \"PF_CLIENT_SECRET\"   # or client_secret_command = \"pass show pf-expert\"
# token_url = \"https://auth.propertyfinder.com/auth/oauth/v1/token\"
timezone = \"Asia/Dubai\"
",
        &["PF_CLIENT_ID", "PF_CLIENT_SECRET"],
    ),
];

/// The starter config `calls config init [--vendor V]` writes: `vendor`'s profile active and
/// the default, the other vendors' as comments. NOTE: one active profile, its secrets from
/// environment variables, so that the first `calls config check` passes once they are set
/// (five active profiles, one with `token_command = "pass show ..."`, failed it).
pub fn starter(vendor: Vendor) -> String {
    let (_, name, _, _) = starter_profile(vendor);
    let mut text = STARTER_HEAD.replace(
        "default_profile = \"NAME\"",
        &format!("default_profile = \"{name}\""),
    );
    let active = STARTER_PROFILES.iter().filter(|p| p.0 == vendor);
    let others = STARTER_PROFILES.iter().filter(|p| p.0 != vendor);
    for (i, (_, name, keys, _)) in active.chain(others).enumerate() {
        text.push('\n');
        let table = format!("[profiles.{name}]\n{keys}");
        if i == 0 {
            text.push_str(&table);
        } else {
            for line in table.lines() {
                // A key's own comment stays one `#` deep: `# # api = ...` reads badly.
                match line.strip_prefix("# ") {
                    Some(_) => text.push_str(line),
                    None => {
                        text.push_str("# ");
                        text.push_str(line);
                    }
                }
                text.push('\n');
            }
        }
    }
    text
}

/// `vendor`'s starter profile: (vendor, name, keys, environment variables of its secrets).
pub fn starter_profile(
    vendor: Vendor,
) -> (Vendor, &'static str, &'static str, &'static [&'static str]) {
    STARTER_PROFILES
        .iter()
        .copied()
        .find(|p| p.0 == vendor)
        .unwrap_or(STARTER_PROFILES[0])
}

/// The config file as written.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    /// Where `calls sync` writes without a DEST: `sqlite:PATH` or a `.db` path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, ProfileConfig>,
}

macro_rules! profile_config {
    ($($key:ident, $env:ident, $cmd:ident, $calls_env:literal;)*) => {
        /// One `[profiles.NAME]` table. Unknown keys are errors so typos do not go unnoticed.
        /// (Written out rather than flattened: serde's `flatten` would lose the line numbers.)
        #[derive(Debug, Default, Clone, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct ProfileConfig {
            pub vendor: Option<Vendor>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub base_url: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub timezone: Option<String>,
            /// The zone of the vendor's times that carry no offset, where its answer does not
            /// name one (Famulor classic's `2025-08-04 14:30:00`); default UTC.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub vendor_timezone: Option<String>,
            /// ISO 3166 code national phone numbers are read in (`DE`, `BR`).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub country: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub page_size: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub concurrency: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub rate: Option<f64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub token_url: Option<String>,
            /// Which of a vendor's APIs (`famulor`: classic or v1; `brightcall`: v1 or v3).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub api: Option<String>,
            $(
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $key: Option<String>,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $env: Option<String>,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $cmd: Option<String>,
            )*
        }

        impl ProfileConfig {
            /// (key, inline, env name, command) for each secret.
            fn secrets(&self) -> Vec<(SecretKey, Option<&String>, Option<&String>, Option<&String>)> {
                vec![$((SecretKey::$key, self.$key.as_ref(), self.$env.as_ref(), self.$cmd.as_ref()),)*]
            }

            fn redact_inline(&mut self) {
                $(if self.$key.is_some() { self.$key = Some("<redacted>".into()); })*
            }
        }

        /// A secret a vendor may need.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum SecretKey { $($key,)* }

        impl SecretKey {
            pub const ALL: &'static [SecretKey] = &[$(SecretKey::$key,)*];

            pub fn name(self) -> &'static str {
                match self { $(SecretKey::$key => stringify!($key),)* }
            }
            /// The environment variable that overrides the config for this secret.
            pub fn calls_env(self) -> &'static str {
                match self { $(SecretKey::$key => $calls_env,)* }
            }
        }
    };
}

profile_config! {
    token, token_env, token_command, "CALLS_TOKEN";
    api_key, api_key_env, api_key_command, "CALLS_API_KEY";
    client_id, client_id_env, client_id_command, "CALLS_CLIENT_ID";
    client_secret, client_secret_env, client_secret_command, "CALLS_CLIENT_SECRET";
}

/// Where a secret comes from, for resolving it and for naming it in hints (never its value).
#[derive(Debug, Clone, PartialEq)]
pub enum SecretSource {
    /// `CALLS_TOKEN` and friends.
    CallsEnv(&'static str),
    Inline {
        profile: String,
        value: Secret,
    },
    Env {
        profile: String,
        var: String,
    },
    Command {
        profile: String,
        command: String,
    },
    /// The embedded sandbox's own credentials.
    Sandbox(Secret),
}

impl SecretSource {
    /// "CALLS_TOKEN", "token_env FAMULOR_KEY in profile 'sales'", ...
    pub fn describe(&self, key: SecretKey) -> String {
        match self {
            SecretSource::CallsEnv(var) => format!("the environment variable {var}"),
            SecretSource::Inline { profile, .. } => {
                format!("`{}` in profile '{profile}'", key.name())
            }
            SecretSource::Env { profile, var } => {
                format!("`{}_env = \"{var}\"` in profile '{profile}'", key.name())
            }
            SecretSource::Command { profile, .. } => {
                format!("`{}_command` in profile '{profile}'", key.name())
            }
            SecretSource::Sandbox(_) => "the sandbox's built-in credentials".into(),
        }
    }
}

impl SecretSource {
    /// Where the secret comes from, in a few words, for `calls config profiles`: a variable's
    /// name, never its value, and never a command's text (it may hold a secret itself).
    pub fn origin(&self, key: SecretKey) -> String {
        match self {
            SecretSource::CallsEnv(var) => format!("env {var} (wins over the file)"),
            SecretSource::Inline { .. } => "config file".into(),
            SecretSource::Env { var, .. } => format!("env {var}"),
            SecretSource::Command { .. } => format!("{}_command", key.name()),
            SecretSource::Sandbox(_) => "sandbox".into(),
        }
    }
}

/// The profile a command runs with, settled from config, flags and environment.
#[derive(Debug, Clone)]
pub struct Profile {
    /// `None` for `--vendor` without a profile.
    pub name: Option<String>,
    pub vendor: Vendor,
    pub base_url: Option<String>,
    pub timezone: Option<String>,
    /// The zone of the vendor's zoneless times (checked when the config is read).
    pub vendor_timezone: Option<String>,
    /// Where national phone numbers are read (checked when read); else the vendor's default.
    pub country: Option<crate::phone::Country>,
    pub page_size: Option<u32>,
    pub concurrency: Option<u32>,
    pub rate: Option<f64>,
    pub token_url: Option<String>,
    /// Which of the vendor's APIs, as written in the config (checked by the vendor's backend).
    pub api: Option<String>,
    pub secrets: Vec<(SecretKey, SecretSource)>,
    /// An embedded sandbox's (`--sandbox`): its URL changes from run to run.
    pub sandbox: bool,
}

impl Profile {
    /// A profile from the environment only (`--vendor` without `--profile`).
    pub fn from_env(vendor: Vendor) -> Self {
        let secrets = SecretKey::ALL
            .iter()
            .filter(|key| std::env::var_os(key.calls_env()).is_some())
            .map(|&key| (key, SecretSource::CallsEnv(key.calls_env())))
            .collect();
        Profile {
            name: None,
            vendor,
            base_url: None,
            timezone: None,
            vendor_timezone: None,
            country: None,
            page_size: None,
            concurrency: None,
            rate: None,
            token_url: None,
            api: None,
            secrets,
            sandbox: false,
        }
    }

    /// A profile from `[profiles.NAME]`; `CALLS_*` secret variables win over the file.
    pub fn from_config(name: &str, cfg: &ProfileConfig, file: &Path) -> Result<Self> {
        let vendor = cfg.vendor.ok_or_else(|| {
            Failure::usage(format!(
                "{}: profile '{name}' has no `vendor` key",
                file.display()
            ))
            .hint(format!(
                "add e.g. vendor = \"famulor\" under [profiles.{name}]"
            ))
        })?;
        let mut secrets = Vec::new();
        for (key, inline, env, command) in cfg.secrets() {
            let given = [inline.is_some(), env.is_some(), command.is_some()];
            if given.iter().filter(|g| **g).count() > 1 {
                return Err(Failure::usage(format!(
                    "{}: profile '{name}' sets more than one of `{k}`, `{k}_env`, `{k}_command`",
                    file.display(),
                    k = key.name()
                ))
                .into());
            }
            let profile = name.to_string();
            let source = if std::env::var_os(key.calls_env()).is_some() {
                Some(SecretSource::CallsEnv(key.calls_env()))
            } else if let Some(value) = inline {
                Some(SecretSource::Inline {
                    profile,
                    value: Secret::new(value.clone()),
                })
            } else if let Some(var) = env {
                Some(SecretSource::Env {
                    profile,
                    var: var.clone(),
                })
            } else {
                command.map(|c| SecretSource::Command {
                    profile,
                    command: c.clone(),
                })
            };
            if let Some(source) = source {
                secrets.push((key, source));
            }
        }
        for (key, zone) in [
            ("timezone", &cfg.timezone),
            ("vendor_timezone", &cfg.vendor_timezone),
        ] {
            if let Some(tz) = zone {
                crate::when::parse_tz(tz).map_err(|e| {
                    Failure::usage(format!("{}: profiles.{name}.{key}: {e}", file.display()))
                })?;
            }
        }
        let country = cfg
            .country
            .as_deref()
            .map(crate::phone::Country::parse)
            .transpose()
            .map_err(|e| {
                Failure::usage(format!("{}: profiles.{name}.country: {e}", file.display()))
            })?;
        use crate::types::limits;
        // NOTE: page_size is checked against the vendor API's own largest page where the
        // profile is resolved (`resolve::from_config`): what a vendor serves is the vendors'
        // knowledge, and this module stays below them.
        for (key, value, max) in [
            ("page_size", cfg.page_size, u32::MAX),
            ("concurrency", cfg.concurrency, limits::CONCURRENCY as u32),
        ] {
            if value.is_some_and(|v| !(1..=max).contains(&v)) {
                return Err(Failure::usage(format!(
                    "{}: profiles.{name}.{key} must be from 1 to {max}",
                    file.display()
                ))
                .into());
            }
        }
        if cfg.rate.is_some_and(|r| !limits::in_range(r, limits::RATE)) {
            return Err(Failure::usage(format!(
                "{}: profiles.{name}.rate must be from {} to {} requests per second",
                file.display(),
                limits::RATE.0,
                limits::RATE.1
            ))
            .into());
        }
        Ok(Profile {
            name: Some(name.to_string()),
            vendor,
            base_url: cfg.base_url.clone(),
            timezone: cfg.timezone.clone(),
            vendor_timezone: cfg.vendor_timezone.clone(),
            country,
            page_size: cfg.page_size,
            concurrency: cfg.concurrency,
            rate: cfg.rate,
            token_url: cfg.token_url.clone(),
            api: cfg.api.clone(),
            secrets,
            sandbox: false,
        })
    }

    /// The country national phone numbers are read in: the profile's, else the vendor's default.
    pub fn phone_country(&self) -> Option<crate::phone::Country> {
        self.country
            .or_else(|| crate::phone::default_country(self.vendor))
    }

    /// Resolves a secret the vendor needs, or says exactly which key or variable to set.
    pub fn secret(&self, key: SecretKey) -> Result<Secret> {
        let Some((_, source)) = self.secrets.iter().find(|(k, _)| *k == key) else {
            let hint = match &self.name {
                Some(p) => format!(
                    "set `{k}`, `{k}_env` or `{k}_command` in profile '{p}', or the environment variable {}",
                    key.calls_env(),
                    k = key.name()
                ),
                None => format!("set the environment variable {}, or use a profile (`calls config init`)", key.calls_env()),
            };
            return Err(
                Failure::usage(format!("no {} for {}", key.name(), self.vendor))
                    .hint(hint)
                    .into(),
            );
        };
        let value =
            match source {
                SecretSource::CallsEnv(var) => std::env::var(var).unwrap_or_default(),
                SecretSource::Inline { value, .. } => value.expose().to_string(),
                SecretSource::Env { var, .. } => std::env::var(var).map_err(|_| {
                    Failure::usage(format!("the environment variable {var} is not set")).hint(
                        format!("it holds the {} for {}", key.name(), source.describe(key)),
                    )
                })?,
                SecretSource::Command { command, .. } => run_secret_command(command)
                    .with_context(|| format!("{} failed", source.describe(key)))?,
                SecretSource::Sandbox(secret) => secret.expose().to_string(),
            };
        let value = value.trim().to_string();
        if value.is_empty() {
            return Err(Failure::usage(format!(
                "the {} from {} is empty",
                key.name(),
                source.describe(key)
            ))
            .into());
        }
        // A line break or other control character cannot go into a header; say which secret
        // (never its value) instead of "failed to parse header value".
        if value.chars().any(char::is_control) {
            return Err(Failure::usage(format!(
                "the {} from {} contains a line break or another control character",
                key.name(),
                source.describe(key)
            ))
            .hint("a secret is one line; check for a stray newline or a second line of output")
            .into());
        }
        let secret = Secret::new(value);
        crate::redact::register(&secret);
        Ok(secret)
    }

    /// The zone the vendor's times without an offset are read in: the profile's
    /// `vendor_timezone` (checked when the config was read), else UTC. NOTE: never `--tz` or
    /// `timezone`, which are the user's zone for reading and printing, not the vendor's.
    pub fn vendor_zone(&self) -> chrono_tz::Tz {
        self.vendor_timezone
            .as_deref()
            .and_then(|z| crate::when::parse_tz(z).ok())
            .unwrap_or(chrono_tz::Tz::UTC)
    }

    /// Names the source of a secret for an auth hint ("the token from CALLS_TOKEN ...").
    pub fn secret_hint(&self, key: SecretKey) -> String {
        match self.secrets.iter().find(|(k, _)| *k == key) {
            Some((_, source)) => format!("the {} comes from {}", key.name(), source.describe(key)),
            None => format!("no {} is configured", key.name()),
        }
    }
}

/// How long a `*_command` may take: a `pass` waiting for a pinentry that never comes must not
/// hang a cron job forever.
pub const COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs a `*_command` and returns its trimmed stdout. Its stdout is never echoed; its stderr
/// (scrubbed of known secrets, cut short) is shown when it fails.
fn run_secret_command(command: &str) -> Result<String> {
    run_command(command, command_timeout())
}

/// `CALLS_SECRET_COMMAND_TIMEOUT` (seconds) overrides [`COMMAND_TIMEOUT`], for slow password
/// managers (and for tests).
fn command_timeout() -> std::time::Duration {
    std::env::var("CALLS_SECRET_COMMAND_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0 && *s <= 3600.0)
        .map(std::time::Duration::from_secs_f64)
        .unwrap_or(COMMAND_TIMEOUT)
}

fn run_command(command: &str, timeout: std::time::Duration) -> Result<String> {
    use std::io::Read;
    let mut cmd = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", command]);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", command]);
        c
    };
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    #[cfg(unix)]
    {
        // Its own process group, so that a timeout ends the command's children too.
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().context("could not start the command")?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut buf);
        buf
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().context("cannot wait for the command")? {
            break status;
        }
        if started.elapsed() >= timeout {
            kill_group(&mut child);
            let _ = child.wait();
            return Err(Failure::usage(format!(
                "the command did not finish within {} s",
                timeout.as_secs_f64()
            ))
            .hint("check that it runs unattended (no prompt); CALLS_SECRET_COMMAND_TIMEOUT=SECS allows more time")
            .into());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let said = String::from_utf8_lossy(&stderr);
        let said: String = crate::term::printable(said.trim())
            .chars()
            .take(300)
            .collect();
        let said = crate::redact::scrub(&said);
        let mut f = Failure::usage(format!("the command exited with {status}"));
        if !said.is_empty() {
            f = f.hint(format!("it said: {said}"));
        }
        return Err(f.into());
    }
    String::from_utf8(stdout)
        .map_err(|_| Failure::usage("the command printed something that is not UTF-8").into())
}

#[cfg(unix)]
fn kill_group(child: &mut std::process::Child) {
    // SAFETY: kill(2) with a negative pid signals the process group we created for the child.
    unsafe {
        libc::kill(-(child.id() as i32), libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// The default config path: `$XDG_CONFIG_HOME/calls/config.toml` or the OS equivalent.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "calls").map(|d| d.config_dir().join("config.toml"))
}

/// Reads and parses a config file; `Ok(None)` when it does not exist.
pub fn load(path: &Path) -> Result<Option<ConfigFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path.is_dir() => return Ok(None),
        Err(e) => {
            let why = if path.is_dir() {
                "it is a folder".to_string()
            } else if e.kind() == std::io::ErrorKind::InvalidData {
                "it is not UTF-8 text".to_string()
            } else {
                e.to_string()
            };
            return Err(
                Failure::usage(format!("cannot read config {}: {why}", path.display()))
                    .hint("--config (or CALLS_CONFIG) names the TOML file itself")
                    .into(),
            );
        }
    };
    warn_if_readable_by_others(path);
    parse(&text, path).map(Some)
}

/// Parses config text; errors name the file and, for syntax and keys, the line.
pub fn parse(text: &str, path: &Path) -> Result<ConfigFile> {
    toml::from_str::<ConfigFile>(text).map_err(|e| {
        let start = e.span().map(|s| s.start.min(text.len()));
        let line = start.map(|s| text[..s].matches('\n').count() + 1);
        let unknown = nearest_key(e.message().trim());
        let named = unknown.is_some();
        let message =
            unknown.unwrap_or_else(|| without_values(e.message().trim()).replace('\n', " "));
        // The key of the line the error points at, so a bad value is named by its key alone.
        let key = start
            .and_then(|s| text[s..].lines().next().zip(text[..s].rsplit('\n').next()))
            .and_then(|(after, before)| {
                format!("{before}{after}")
                    .split_once('=')
                    .map(|(k, _)| k.trim().to_string())
            })
            .filter(|k| !named && !k.is_empty() && !k.starts_with('['))
            .map(|k| format!(" `{k}`:"))
            .unwrap_or_default();
        let at = line.map(|l| format!(" line {l}")).unwrap_or_default();
        Failure::usage(format!("{}{at}:{key} {message}", path.display()))
            .hint("fix the config, or see `calls config init` / config.example.toml for every key")
            .into()
    })
}

/// serde's "unknown field `tokn`, expected one of `vendor`, ... (19 keys)" as "unknown key
/// `tokn` (did you mean token?)": the nearest key rather than all of them.
fn nearest_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let known: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let hint = match crate::suggest::nearest(key, known.iter().copied()) {
        Some(k) => format!(" (did you mean {k}?)"),
        None => String::new(),
    };
    Some(format!("unknown key `{key}`{hint}"))
}

/// A TOML error message without the offending value: "invalid type: integer `1234...`,
/// expected a string" would print a secret someone wrote without quotes.
fn without_values(message: &str) -> String {
    if !(message.starts_with("invalid type") || message.starts_with("invalid value")) {
        return message.to_string();
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`') else {
            break;
        };
        out.push_str(rest[..open].trim_end());
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            crate::term::warn(&format!(
                "{} is readable by group or others; it may hold secrets: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// The config with inline secrets replaced, for `calls config show`; with `only`, that profile
/// alone.
pub fn redacted(cfg: &ConfigFile, only: Option<&str>) -> String {
    let mut copy = match only {
        None => ConfigFile {
            default_profile: cfg.default_profile.clone(),
            database: cfg.database.as_deref().map(crate::redact::url_password),
            profiles: cfg.profiles.clone(),
        },
        Some(name) => ConfigFile {
            profiles: cfg
                .profiles
                .iter()
                .filter(|(n, _)| n.as_str() == name)
                .map(|(n, p)| (n.clone(), p.clone()))
                .collect(),
            ..ConfigFile::default()
        },
    };
    for p in copy.profiles.values_mut() {
        p.redact_inline();
        for url in [&mut p.base_url, &mut p.token_url].into_iter().flatten() {
            *url = match url::Url::parse(url) {
                Ok(u) => crate::redact::url(&u),
                Err(_) => crate::redact::scrub(url),
            };
        }
    }
    toml::to_string_pretty(&copy).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_line() {
        let text = "default_profile = \"a\"\n[profiles.a]\nvendor = \"famulor\"\ntoken = \n";
        let err = parse(text, Path::new("/x/config.toml")).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.starts_with("/x/config.toml line 4:"), "{msg}");
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let text = "[profiles.a]\nvendor = \"famulor\"\ntokn = \"x\"\n";
        let msg = format!("{:#}", parse(text, Path::new("c.toml")).unwrap_err());
        assert_eq!(
            msg,
            "c.toml line 3: unknown key `tokn` (did you mean token?)"
        );
        let text = "[profiles.a]\nvendor = \"famulor\"\nzzzzzz = 1\n";
        let msg = format!("{:#}", parse(text, Path::new("c.toml")).unwrap_err());
        assert_eq!(msg, "c.toml line 3: unknown key `zzzzzz`");
        let msg = format!(
            "{:#}",
            parse("default_profil = \"a\"\n", Path::new("c.toml")).unwrap_err()
        );
        assert_eq!(
            msg,
            "c.toml line 1: unknown key `default_profil` (did you mean default_profile?)"
        );
    }

    #[test]
    fn unknown_vendor_is_named() {
        let text = "[profiles.a]\nvendor = \"famulr\"\n";
        let msg = format!("{:#}", parse(text, Path::new("c.toml")).unwrap_err());
        assert!(msg.contains("line 2") && msg.contains("famulr"), "{msg}");
    }

    /// `config.example.toml` is what `calls config init` writes.
    #[test]
    fn the_example_config_is_the_starter() {
        assert_eq!(starter(Vendor::Famulor), EXAMPLE);
    }

    /// Each vendor's starter: one profile, that vendor's, the default; the other four vendors'
    /// tables are there as comments that become valid profiles when uncommented.
    #[test]
    fn each_starter_has_one_active_profile_and_the_others_as_comments() {
        for vendor in Vendor::ALL {
            let text = starter(vendor);
            let cfg = parse(&text, Path::new("c.toml")).unwrap();
            let (_, name, _, _) = starter_profile(vendor);
            assert_eq!(cfg.profiles.keys().collect::<Vec<_>>(), [name], "{vendor}");
            assert_eq!(cfg.default_profile.as_deref(), Some(name));
            let p = Profile::from_config(name, &cfg.profiles[name], Path::new("c.toml")).unwrap();
            assert_eq!(p.vendor, vendor);
            // From the first profile on, every line without its `# `.
            let first = text.find("\n[profiles.").unwrap();
            let uncommented: String = text[..first].to_string()
                + &text[first..]
                    .lines()
                    .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap_or(l)))
                    .collect::<String>();
            let all = parse(&uncommented, Path::new("c.toml")).unwrap();
            assert_eq!(all.profiles.len(), 5, "{vendor}: {uncommented}");
            for (n, p) in &all.profiles {
                Profile::from_config(n, p, Path::new("x")).unwrap();
            }
        }
    }

    #[test]
    fn the_example_config_parses() {
        let cfg = parse(EXAMPLE, Path::new("config.example.toml")).unwrap();
        assert!(!cfg.profiles.is_empty());
        for (name, p) in &cfg.profiles {
            Profile::from_config(name, p, Path::new("x")).unwrap();
        }
    }

    #[test]
    fn show_redacts_inline_secrets() {
        let cfg = parse(
            "[profiles.a]\nvendor = \"famulor\"\ntoken = \"s3cr3t-value\"\n",
            Path::new("c"),
        )
        .unwrap();
        let shown = redacted(&cfg, None);
        assert!(
            !shown.contains("s3cr3t-value") && shown.contains("<redacted>"),
            "{shown}"
        );
    }
}
