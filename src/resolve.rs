//! Parse, resolve, run: turns the parsed words into plain settings once. Config defaults,
//! terminal detection, time zones and flag conflicts are settled here and nowhere else.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::call::{Direction, Field, Status};
use crate::cli::{FilterArgs, Global, OutputArgs};
use crate::config::{self, Profile};
use crate::error::{usage, Failure};
use crate::http::HttpOptions;
use crate::output::{Format, OutputOptions, Zone};
use crate::query::Query;
use crate::sandbox::Sandbox;
use crate::term;
use crate::when::{self, End};

/// Everything a vendor command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Profile,
    pub http: HttpOptions,
    pub concurrency: usize,
    /// The zone dates are read in and tables print in (`--tz`, else the profile's), if any.
    pub tz: Option<Tz>,
    /// The zone `--tz` names, if given: machine formats print in it, else in UTC, never in a
    /// profile's `timezone` (an appended CSV keeps one offset form whatever the profile says).
    pub machine_tz: Option<Tz>,
    pub quiet: bool,
    pub progress: bool,
    /// Pinned when the command started.
    pub now: DateTime<Utc>,
}

/// The config path in effect.
pub fn config_path(global: &Global) -> Result<PathBuf> {
    match &global.config {
        Some(p) => Ok(p.clone()),
        None => config::default_path().ok_or_else(|| {
            Failure::usage("cannot find a config directory (no HOME?)")
                .hint("pass --config PATH")
                .into()
        }),
    }
}

/// Picks the profile: `--sandbox`, else `--profile`, else `--vendor` alone, else the config's
/// `default_profile` (or its only profile).
pub fn profile(global: &Global, sandbox: Option<&Sandbox>) -> Result<Profile> {
    profile_named(global, one_profile(global)?, sandbox)
}

/// The one `-p NAME` given, if any: only `sync` takes several.
pub fn one_profile(global: &Global) -> Result<Option<&str>> {
    match global.profile.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(Failure::usage(format!(
            "-p is given {} times: only `calls sync` takes several profiles",
            many.len()
        ))
        .hint("pass one -p NAME")
        .into()),
    }
}

/// Like [`profile`], for the profile `name` (`None`: `--vendor` alone or the default).
pub fn profile_named(
    global: &Global,
    name: Option<&str>,
    sandbox: Option<&Sandbox>,
) -> Result<Profile> {
    if let Some(sb) = sandbox {
        let vendor = global.vendor.unwrap_or(crate::types::Vendor::Famulor);
        // The sandbox's own profiles (`-p famulor-v1`, as `calls sandbox` prints them) are known.
        // NOTE: a name it does not serve is refused: serving Famulor instead of a misspelt
        // `-p calcap` answered the wrong vendor's calls with exit 0.
        let named = match name {
            None => None,
            Some(name) => {
                let Some(p) = sb.named_profile(name) else {
                    let known: Vec<String> = crate::types::Vendor::ALL
                        .iter()
                        .map(|v| v.id().to_string())
                        .chain(
                            crate::sandbox::SECOND_APIS
                                .iter()
                                .map(|(v, api)| format!("{v}-{api}")),
                        )
                        .collect();
                    return Err(Failure::usage(format!(
                        "--sandbox has no profile '{name}'{}",
                        crate::suggest::did_you_mean(name, known.iter().map(String::as_str))
                    ))
                    .hint(format!("its profiles: {}", known.join(", ")))
                    .into());
                };
                if let Some(v) = global.vendor.filter(|v| *v != p.vendor) {
                    return usage(format!(
                        "sandbox profile '{name}' is for {}, not {v}",
                        p.vendor
                    ));
                }
                Some(p)
            }
        };
        // The sandbox brings its own credentials; say so rather than let a set variable look
        // like it was tried (e.g. a wrong CALLS_TOKEN that still "works").
        let ignored: Vec<&str> = config::SecretKey::ALL
            .iter()
            .map(|k| k.calls_env())
            .filter(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
            .chain(global.base_url.as_ref().map(|_| "--base-url"))
            .chain(global.token_url.as_ref().map(|_| "--token-url"))
            .collect();
        if !ignored.is_empty() && !global.quiet {
            term::warn(&format!(
                "--sandbox uses its own URLs and credentials; ignoring {}",
                ignored.join(", ")
            ));
        }
        return Ok(named.unwrap_or_else(|| sb.profile(vendor)));
    }
    let path = config_path(global)?;
    let cfg = config::load(&path)?;
    let mut profile = match (name, global.vendor, &cfg) {
        (Some(name), vendor, Some(cfg)) => {
            let p = named(name, cfg, &path)?;
            if let Some(v) = vendor.filter(|v| *v != p.vendor) {
                return usage(format!("profile '{name}' is for {}, not {v}", p.vendor));
            }
            p
        }
        (Some(name), _, None) => {
            return Err(Failure::usage(format!("no profile '{name}': there is no config file at {}", path.display()))
                .hint("create one with `calls config init`, or pass --config PATH")
                .into())
        }
        (None, Some(vendor), _) => Profile::from_env(vendor),
        (None, None, Some(cfg)) => match (&cfg.default_profile, cfg.profiles.len()) {
            (Some(name), _) => named(name, cfg, &path).map_err(|e| e.context("default_profile"))?,
            (None, 0) => {
                return Err(Failure::usage(format!("{} has no profiles", path.display()))
                    .hint("add a [profiles.NAME] table with a vendor (see config.example.toml), or pass --vendor ID")
                    .into())
            }
            (None, 1) => {
                let (name, p) = cfg.profiles.iter().next().expect("one profile");
                from_config(name, p, &path)?
            }
            (None, _) => {
                return Err(Failure::usage(format!("no profile chosen and {} sets no default_profile", path.display()))
                    .hint("pass -p NAME, or set default_profile in the config")
                    .into())
            }
        },
        (None, None, None) => {
            return Err(Failure::usage(format!("no vendor chosen and no config at {}", path.display()))
                .hint("try `calls --sandbox list`, pass --vendor famulor with CALLS_TOKEN set, or run `calls config init`")
                .into())
        }
    };
    if let Some(url) = &global.base_url {
        profile.base_url = Some(url.clone());
    }
    // Read by myCRM alone (the one vendor with a token endpoint).
    if let Some(url) = &global.token_url {
        profile.token_url = Some(url.clone());
    }
    Ok(profile)
}

fn named(name: &str, cfg: &config::ConfigFile, path: &Path) -> Result<Profile> {
    let p = cfg.profiles.get(name).ok_or_else(|| {
        let known: Vec<&str> = cfg.profiles.keys().map(String::as_str).collect();
        Failure::usage(format!(
            "unknown profile '{name}' in {}{}",
            path.display(),
            crate::suggest::did_you_mean(name, known.iter().copied())
        ))
        .hint(if known.is_empty() {
            "the config has no profiles yet".to_string()
        } else {
            format!("profiles: {}", known.join(", "))
        })
    })?;
    from_config(name, p, path)
}

/// A profile from `[profiles.NAME]` (`Profile::from_config`), its `page_size` checked against
/// the largest page its vendor's API serves.
pub fn from_config(name: &str, p: &config::ProfileConfig, path: &Path) -> Result<Profile> {
    let profile = Profile::from_config(name, p, path)?;
    let max = profile.traits().max_page_size;
    if let Some(size) = profile.page_size.filter(|s| *s > max) {
        return Err(Failure::usage(format!(
            "{}: profiles.{name}.page_size must be from 1 to {max}",
            path.display()
        ))
        .hint(format!(
            "{size} is more than {} serves in a page",
            profile.vendor
        ))
        .into());
    }
    Ok(profile)
}

pub fn settings(global: &Global, profile: Profile) -> Result<Settings> {
    let machine_tz = global
        .tz
        .as_deref()
        .map(|z| when::parse_tz(z).map_err(|e| Failure::usage(format!("--tz: {e}"))))
        .transpose()?;
    let tz = match (machine_tz, &profile.timezone) {
        (Some(z), _) => Some(z),
        (None, Some(z)) => Some(when::parse_tz(z).map_err(Failure::usage)?),
        (None, None) => None,
    };
    // The flags' ranges are checked by clap, the profile's by config.rs.
    // A rate given wins; else the vendor's documented limit, when talking to its own host (a
    // sandbox or a proxy has its own limits, which its headers tell).
    let traits = profile.vendor.traits();
    let own_host = profile
        .base_url
        .as_deref()
        .is_none_or(|b| Some(b.trim_end_matches('/')) == traits.default_base_url);
    let (rate, burst) = match (global.rate.or(profile.rate), traits.documented_rate) {
        (Some(rate), _) => (Some(rate), 1),
        (None, Some((rate, burst))) if own_host && !profile.sandbox => (Some(rate), burst),
        (None, _) => (None, 1),
    };
    let concurrency = global.concurrency.or(profile.concurrency).unwrap_or(4);
    // Notes printed deep down (a table leaving out columns) follow -q too.
    term::set_quiet(global.quiet);
    term::set_verbose(global.verbose > 0);
    Ok(Settings {
        http: HttpOptions {
            timeout: Duration::from_secs_f64(global.timeout),
            retries: global.retries,
            verbose: global.verbose,
            rate,
            burst,
        },
        concurrency: concurrency as usize,
        tz,
        machine_tz,
        quiet: global.quiet,
        progress: !global.quiet && !global.no_progress && crate::term::stderr_is_tty(),
        now: Utc::now(),
        profile,
    })
}

/// The normalized query from filter flags; `default_limit` is `list`'s 25.
pub fn query(
    f: &FilterArgs,
    s: &Settings,
    default_limit: Option<u64>,
    keep_raw: bool,
) -> Result<Query> {
    // One zone per run: dates are read in the zone a table prints in.
    let tz = s.tz.unwrap_or_else(when::local_zone);
    let when = |word: &Option<String>, flag: &str, end: End| -> Result<Option<DateTime<Utc>>> {
        word.as_deref()
            .map(|w| {
                when::parse(w, tz, s.now, end)
                    .map_err(|e| Failure::usage(format!("{flag}: {e}")).into())
            })
            .transpose()
    };
    let from = when(&f.from, "--from", End::From)?.unwrap_or(s.now - chrono::Duration::days(30));
    // A period given to --from alone is the whole period (`--from last-month`), up to now.
    let period_end = f
        .from
        .as_deref()
        .and_then(|w| when::period(w, tz, s.now))
        .map(|(_, next)| next.min(s.now));
    let to = when(&f.to, "--to", End::To)?
        .or(period_end)
        .unwrap_or(s.now);
    if from >= to {
        return Err(Failure::usage(format!(
            "--from ({}) is not before --to ({})",
            crate::when::time(from, Zone::Tz(tz), false),
            crate::when::time(to, Zone::Tz(tz), false)
        ))
        .hint("--from is inclusive, a date-only --to includes that day, and the defaults are 30 days ago and now")
        .into());
    }
    let direction = f
        .direction
        .as_deref()
        .map(|d| {
            d.parse::<Direction>()
                .map_err(|e| Failure::usage(format!("--direction: {e}")))
        })
        .transpose()?;
    if direction == Some(Direction::Unknown) {
        return usage("--direction: expected one of inbound, outbound, internal, web");
    }
    // NOTE: an empty or separator-only value (`--status ""`, `--status ,`, `--search ""`)
    // would select everything where the user meant to narrow: on `delete`, every call.
    for (flag, values) in [
        ("--status", &f.status),
        ("--agent", &f.agent),
        ("--campaign", &f.campaign),
        ("--search", &f.search.iter().cloned().collect::<Vec<_>>()),
        (
            "--direction",
            &f.direction.iter().cloned().collect::<Vec<_>>(),
        ),
        ("--number", &f.number.iter().cloned().collect::<Vec<_>>()),
    ] {
        if let Some(v) = values
            .iter()
            .find(|v| !v.chars().any(char::is_alphanumeric))
        {
            return Err(Failure::usage(format!("{flag} {v:?}: the value is empty"))
                .hint(format!("leave {flag} out to match every call"))
                .into());
        }
    }
    let mut statuses = Vec::new();
    for s in &f.status {
        let st = s
            .parse::<Status>()
            .map_err(|e| Failure::usage(format!("--status: {e}")))?;
        if !statuses.contains(&st) {
            statuses.push(st);
        }
    }
    if let Some(n) = &f.number {
        if crate::call::phone_digits(n).is_empty() {
            return usage(format!("--number: '{n}' has no digits"));
        }
    }
    if let (Some(min), Some(max)) = (f.min_duration, f.max_duration) {
        if min > max {
            return usage(format!(
                "--min-duration ({min}) is above --max-duration ({max})"
            ));
        }
    }
    let mut params = Vec::new();
    for p in &f.param {
        match p.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                params.push((k.trim().to_string(), v.to_string()))
            }
            _ => return usage(format!("--param '{p}': expected KEY=VALUE")),
        }
    }
    // A profile's page_size was checked against the vendor's maximum when it was read.
    let page_size = s
        .profile
        .page_size
        .unwrap_or(s.profile.traits().max_page_size);
    Ok(Query {
        from,
        to,
        tz,
        direction,
        statuses,
        // One form for the vendor and the client check: E.164 where the number reads as one.
        number: f
            .number
            .as_deref()
            .map(|n| crate::phone::normalize(n, s.profile.phone_country()).into_owned()),
        agents: f.agent.clone(),
        campaigns: f.campaign.clone(),
        min_duration: f.min_duration,
        max_duration: f.max_duration,
        search: f.search.clone(),
        limit: f.limit.or(default_limit),
        params,
        page_size,
        keep_raw: keep_raw || f.search.is_some(),
        modified_since: None,
    })
}

/// A `--every` interval: `30s`, or what `when::parse_duration` reads (30m, 2h, 1d).
pub fn interval(flag: &str, word: &str) -> Result<chrono::Duration> {
    let w = word.trim();
    if let Some(n) = w.strip_suffix('s').and_then(|n| n.parse::<i64>().ok()) {
        if (1..=366 * 86_400).contains(&n) {
            return Ok(chrono::Duration::seconds(n));
        }
    }
    let d = when::parse_duration(w)
        .map_err(|e| Failure::usage(format!("{flag}: {e} (or seconds: 30s)")))?;
    if d.num_seconds() < 1 {
        return usage(format!("{flag} must be at least 1s"));
    }
    Ok(d)
}

/// A length of time such as `--revisit 24h` or `--lookback 10m` (what `when::parse_duration`
/// reads), or exit 2 naming the flag.
pub fn duration(flag: &str, word: &str) -> Result<chrono::Duration> {
    when::parse_duration(word).map_err(|e| Failure::usage(format!("{flag}: {e}")).into())
}

/// The format: `-o`, else the `--output` file's extension, else a table on a terminal and
/// NDJSON elsewhere (`list`, `export`, `show`, `stats`).
pub fn format(format: Option<Format>, output: Option<&Path>) -> Result<Format> {
    // NOTE: a file name whose extension names no format (`calls.tsv`, `x.xlsx`, `calls`) once
    // got NDJSON silently; SPEC "Output": exit 2 without `-o`.
    Ok(match (format, output) {
        (Some(f), _) => f,
        (None, Some(path)) if path.as_os_str() != "-" => {
            Format::from_extension(path).ok_or_else(|| {
                let what = match path.extension() {
                    Some(ext) => format!("its extension .{} names no format", ext.to_string_lossy()),
                    None => "it has no extension to pick a format".to_string(),
                };
                Failure::usage(format!("--output {}: {what}", path.display())).hint(format!(
                    "the extension picks {}; for any other name pass -o FORMAT (-o csv, -o ndjson, ...)",
                    Format::extensions_described()
                ))
            })?
        }
        (None, _) if output.is_none() && crate::term::stdout_is_tty() => Format::Table,
        (None, _) => Format::Ndjson,
    })
}

/// `--no-header` with a format that has a header line.
pub fn no_header(no_header: bool, format: Format) -> Result<()> {
    if no_header && !matches!(format, Format::Csv | Format::Tsv) {
        return usage("--no-header works with -o csv and -o tsv");
    }
    Ok(())
}

/// Output settings: the format defaults to a table on a terminal, else NDJSON (or what the
/// `--output` file's extension says). A table prints times in `s.tz` (else the local zone),
/// machine formats in `--tz` alone (else UTC): SPEC "Output".
pub fn output(o: &OutputArgs, s: &Settings) -> Result<OutputOptions> {
    let format = format(o.format, o.output.as_deref())?;
    if o.raw && !matches!(format, Format::Json | Format::Ndjson | Format::Parquet) {
        return usage("--raw works with -o json, ndjson and parquet");
    }
    no_header(o.no_header, format)?;
    let mut fields = match &o.fields {
        Some(list) => {
            Field::parse_list(list).map_err(|e| Failure::usage(format!("--fields: {e}")))?
        }
        None if format == Format::Table => OutputOptions::TABLE_FIELDS.to_vec(),
        None => Field::NORMALIZED.to_vec(),
    };
    if fields.contains(&Field::Raw)
        && !matches!(format, Format::Json | Format::Ndjson | Format::Parquet)
    {
        return usage("the raw field works with -o json, ndjson and parquet");
    }
    if o.raw && !fields.contains(&Field::Raw) {
        fields.push(Field::Raw);
    }
    Ok(OutputOptions {
        format,
        // NOTE: a profile's `timezone` once switched CSV and NDJSON from `Z` to `+01:00`, so
        // an `--append`ed CSV changed offsets halfway (issue 20 §2): it is for reading only.
        zone: Zone::Tz(if format == Format::Table {
            s.tz.unwrap_or_else(when::local_zone)
        } else {
            s.machine_tz.unwrap_or(Tz::UTC)
        }),
        width: if format == Format::Table {
            crate::term::width()
        } else {
            None
        },
        path: o.output.clone().filter(|p| p.as_os_str() != "-"),
        // Colour only where a person reads it: a table on stdout.
        color: format == Format::Table
            && o.output.as_ref().is_none_or(|p| p.as_os_str() == "-")
            && term::colors(),
        header: !o.no_header,
        // NOTE: SPEC "Output": vendor text never drives the terminal, in machine formats too.
        terminal: format != Format::Table
            && o.output.as_ref().is_none_or(|p| p.as_os_str() == "-")
            && term::stdout_is_tty(),
        raw: fields.contains(&Field::Raw),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> (Cli, Settings) {
        let cli =
            Cli::try_parse_from(std::iter::once("calls").chain(args.iter().copied())).unwrap();
        let mut profile = Profile::from_env(crate::types::Vendor::Famulor);
        profile.timezone = Some("Europe/Berlin".into());
        let mut s = settings(&cli.global, profile).unwrap();
        s.now = DateTime::parse_from_rfc3339("2024-06-15T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        (cli, s)
    }

    fn list_query(args: &[&str]) -> Result<Query> {
        let (cli, s) = parse(args);
        let Command::List(l) = &cli.command else {
            panic!()
        };
        query(&l.filters, &s, Some(25), l.output.raw)
    }

    #[test]
    fn lengths_of_time_are_settled_here_naming_their_flag() {
        assert_eq!(
            interval("--every", "30s").unwrap(),
            chrono::Duration::seconds(30)
        );
        assert_eq!(
            interval("--every", "2h").unwrap(),
            chrono::Duration::hours(2)
        );
        for bad in ["0s", "x", ""] {
            let e = format!("{:#}", interval("--every", bad).unwrap_err());
            assert!(e.starts_with("--every"), "{e}");
        }
        assert_eq!(
            duration("--revisit", "24h").unwrap(),
            chrono::Duration::hours(24)
        );
        let e = duration("--lookback", "ten").unwrap_err();
        assert_eq!(crate::error::classify(&e).0, crate::error::Exit::Usage);
        assert!(format!("{e:#}").starts_with("--lookback: "), "{e:#}");
    }

    #[test]
    fn filters_resolve_to_a_query() {
        let q = list_query(&[
            "list",
            "--from",
            "2024-06-01",
            "--to",
            "2024-06-02",
            "--status",
            "missed,busy",
            "--status",
            "missed",
            "--direction",
            "inbound",
            "--agent",
            "7",
            "--param",
            "x=y=z",
            "--min-duration",
            "10",
        ])
        .unwrap();
        // Profile zone Europe/Berlin: dates are Berlin days; --to includes the whole day.
        assert_eq!(q.from.to_rfc3339(), "2024-05-31T22:00:00+00:00");
        assert_eq!(q.to.to_rfc3339(), "2024-06-02T22:00:00+00:00");
        assert_eq!(q.statuses, vec![Status::Missed, Status::Busy]);
        assert_eq!(q.direction, Some(Direction::Inbound));
        assert_eq!(q.agents, vec!["7"]);
        assert_eq!(q.params, vec![("x".to_string(), "y=z".to_string())]);
        assert_eq!(q.limit, Some(25));
        assert_eq!(q.page_size, 100);
        assert_eq!(q.min_duration, Some(10));
    }

    #[test]
    fn defaults_are_thirty_days_to_now_and_tz_flag_beats_profile() {
        let q = list_query(&["list", "--tz", "UTC", "--limit", "3"]).unwrap();
        assert_eq!(q.to.to_rfc3339(), "2024-06-15T12:00:00+00:00");
        assert_eq!(q.from.to_rfc3339(), "2024-05-16T12:00:00+00:00");
        assert_eq!(q.tz, Tz::UTC);
        assert_eq!(q.limit, Some(3));
    }

    #[test]
    fn a_period_given_to_from_alone_is_the_whole_period_up_to_now() {
        // 2024-06-15 (a Saturday), read in the profile's Europe/Berlin.
        for (word, from, to) in [
            (
                "last-month",
                "2024-04-30T22:00:00+00:00",
                "2024-05-31T22:00:00+00:00",
            ),
            (
                "this-month",
                "2024-05-31T22:00:00+00:00",
                "2024-06-15T12:00:00+00:00",
            ),
            (
                "last-week",
                "2024-06-02T22:00:00+00:00",
                "2024-06-09T22:00:00+00:00",
            ),
            (
                "this-week",
                "2024-06-09T22:00:00+00:00",
                "2024-06-15T12:00:00+00:00",
            ),
            (
                "last-year",
                "2022-12-31T23:00:00+00:00",
                "2023-12-31T23:00:00+00:00",
            ),
            (
                "This-Year",
                "2023-12-31T23:00:00+00:00",
                "2024-06-15T12:00:00+00:00",
            ),
        ] {
            let q = list_query(&["list", "--from", word]).unwrap();
            assert_eq!(
                (q.from.to_rfc3339().as_str(), q.to.to_rfc3339().as_str()),
                (from, to),
                "{word}"
            );
        }
        // A --to of its own wins; a period given to --to is its end.
        let q = list_query(&["list", "--from", "last-month", "--to", "2024-05-10"]).unwrap();
        assert_eq!(q.to.to_rfc3339(), "2024-05-10T22:00:00+00:00");
        let q = list_query(&["list", "--from", "2024-01-01", "--to", "last-month"]).unwrap();
        assert_eq!(q.to.to_rfc3339(), "2024-05-31T22:00:00+00:00");
        // Ages in months and years keep the time of day; no period, so --to stays now.
        let q = list_query(&["list", "--from", "3mo"]).unwrap();
        assert_eq!(q.from.to_rfc3339(), "2024-03-15T13:00:00+00:00");
        assert_eq!(q.to.to_rfc3339(), "2024-06-15T12:00:00+00:00");
        let q = list_query(&["list", "--from", "1y", "--tz", "UTC"]).unwrap();
        assert_eq!(q.from.to_rfc3339(), "2023-06-15T12:00:00+00:00");
        let err = list_query(&["list", "--from", "this-week", "--to", "last-week"]).unwrap_err();
        assert_eq!(crate::error::classify(&err).0, crate::error::Exit::Usage);
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        for args in [
            &["list", "--from", "2024-06-03", "--to", "2024-06-02"][..],
            &["list", "--from", "tomorrow-ish"],
            &["list", "--status", "happy"],
            &["list", "--direction", "sideways"],
            &["list", "--number", "abc"],
            &["list", "--param", "novalue"],
            &["list", "--min-duration", "60", "--max-duration", "10"],
        ] {
            let err = list_query(args).unwrap_err();
            assert_eq!(
                crate::error::classify(&err).0,
                crate::error::Exit::Usage,
                "{args:?}: {err:#}"
            );
        }
    }

    #[test]
    fn the_documented_limit_is_the_default_rate_on_the_vendors_own_host() {
        let (_, s) = parse(&["list"]);
        assert_eq!((s.http.rate, s.http.burst), (Some(1.5), 5));
        let (_, s) = parse(&["--rate", "7", "list"]);
        assert_eq!((s.http.rate, s.http.burst), (Some(7.0), 1));
        let cli = Cli::try_parse_from(["calls", "list"]).unwrap();
        for base in ["http://127.0.0.1:8787/famulor", "https://proxy.example"] {
            let mut p = Profile::from_env(crate::types::Vendor::Famulor);
            p.base_url = Some(base.into());
            let s = settings(&cli.global, p).unwrap();
            assert_eq!(s.http.rate, None, "{base}: its headers tell");
        }
        let mut p = Profile::from_env(crate::types::Vendor::Famulor);
        p.base_url = Some("https://app.famulor.de/".into());
        assert_eq!(settings(&cli.global, p).unwrap().http.rate, Some(1.5));
        let p = Profile::from_env(crate::types::Vendor::Callcap);
        assert_eq!(
            settings(&cli.global, p).unwrap().http.rate,
            None,
            "no documented limit"
        );
    }

    #[test]
    fn numbers_out_of_range_are_refused_when_parsed() {
        for args in [
            &["list", "--limit", "0"][..],
            &["list", "--min-duration", "-1"],
            &["--timeout", "0", "list"],
            &["--retries", "101", "list"],
            &["--concurrency", "0", "list"],
            &["--rate", "0", "list"],
        ] {
            let err = Cli::try_parse_from(std::iter::once("calls").chain(args.iter().copied()))
                .unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn output_defaults_follow_the_file_extension_and_flags() {
        let (cli, s) = parse(&["list", "--output", "x.csv", "--fields", "id,status"]);
        let Command::List(l) = &cli.command else {
            panic!()
        };
        let o = output(&l.output, &s).unwrap();
        assert_eq!(o.format, Format::Csv);
        assert_eq!(o.fields, vec![Field::Id, Field::Status]);
        let (cli, s) = parse(&["list", "-o", "csv", "--raw"]);
        let Command::List(l) = &cli.command else {
            panic!()
        };
        assert!(output(&l.output, &s).is_err());
        let (cli, s) = parse(&["list", "-o", "ndjson", "--raw"]);
        let Command::List(l) = &cli.command else {
            panic!()
        };
        let o = output(&l.output, &s).unwrap();
        assert_eq!(o.fields.last(), Some(&Field::Raw));
    }

    #[test]
    fn machine_formats_print_in_tz_alone_and_tables_in_the_profiles_zone() {
        // The profile says Europe/Berlin (see `parse`).
        let berlin = Zone::Tz("Europe/Berlin".parse().unwrap());
        let tokyo = Zone::Tz("Asia/Tokyo".parse().unwrap());
        for (args, want) in [
            (&["list", "-o", "csv"][..], Zone::Tz(Tz::UTC)),
            (&["list", "-o", "tsv"][..], Zone::Tz(Tz::UTC)),
            (&["list", "-o", "json"][..], Zone::Tz(Tz::UTC)),
            (&["list", "-o", "ndjson"][..], Zone::Tz(Tz::UTC)),
            (&["list", "--output", "x.csv"][..], Zone::Tz(Tz::UTC)),
            (&["list", "-o", "table"][..], berlin),
            (&["--tz", "Asia/Tokyo", "list", "-o", "csv"][..], tokyo),
            (&["--tz", "Asia/Tokyo", "list", "-o", "ndjson"][..], tokyo),
            (&["--tz", "Asia/Tokyo", "list", "-o", "table"][..], tokyo),
        ] {
            let (cli, s) = parse(args);
            let Command::List(l) = &cli.command else {
                panic!()
            };
            assert_eq!(output(&l.output, &s).unwrap().zone, want, "{args:?}");
            // Dates are read in the profile's zone all the same.
            let q = query(&l.filters, &s, None, false).unwrap();
            let reading = if args.contains(&"Asia/Tokyo") {
                tokyo
            } else {
                berlin
            };
            assert_eq!(Zone::Tz(q.tz), reading, "{args:?}");
        }
    }
}
