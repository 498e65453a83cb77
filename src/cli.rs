//! The parsed words: clap derive structs and nothing else. `resolve` turns them into settings.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;
use crate::types::limits;
use crate::types::Vendor;

/// SPEC's exit codes: the end of `calls --help` and the man pages' EXIT STATUS section.
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0    done
  1    failed (network, vendor error after retries, I/O)
  2    bad usage, bad input or bad config (the message says what and where)
  3    the vendor rejected the credentials (401/403); the hint names the secret
  4    the vendor does not support this command
  5    partly done: some items failed, the rest succeeded (the summary lists them)
  130  interrupted (Ctrl-C): no partial output file, state not advanced
  143  terminated (SIGTERM): as 130"
    };
}

/// SPEC's exit codes, as `calls --help` ends with them.
pub const EXIT_CODES: &str = exit_codes!();

/// The first thing to try, at the end of `calls -h` and `calls --help`.
pub const TRY_IT: &str = "Try it without an account:  calls --sandbox --vendor famulor list";

/// `calls --version`: with the commit and its date when built from git (see build.rs).
const LONG_VERSION: &str = env!("CALLS_LONG_VERSION");

/// Call history from Famulor, Evolux, Callcap, Brightcall and myCRM into files, pipes and databases.
#[derive(Debug, Parser)]
#[command(name = "calls", version, long_version = LONG_VERSION, about, max_term_width = 100)]
#[command(
    after_help = TRY_IT,
    after_long_help = concat!(
        "Try it without an account:  calls --sandbox --vendor famulor list\n\n",
        exit_codes!()
    )
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The flags every command takes: shown last in each command's help, under their own heading.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Profile from the config [default: the config's default_profile]; `sync` takes several
    #[arg(
        short,
        long,
        env = "CALLS_PROFILE",
        hide_env_values = true,
        global = true,
        value_name = "NAME",
        action = clap::ArgAction::Append
    )]
    pub profile: Vec<String>,
    /// Use a vendor without a profile; secrets come from CALLS_TOKEN and friends
    #[arg(
        long,
        env = "CALLS_VENDOR",
        hide_env_values = true,
        global = true,
        value_name = "ID"
    )]
    pub vendor: Option<Vendor>,
    /// Config file [default: the OS config dir, e.g. ~/.config/calls/config.toml]
    #[arg(
        long,
        env = "CALLS_CONFIG",
        hide_env_values = true,
        global = true,
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,
    /// Override the vendor API's base URL
    #[arg(
        long,
        env = "CALLS_BASE_URL",
        hide_env_values = true,
        global = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// myCRM's OAuth2 token endpoint, required with a base URL of one's own [default: the
    /// profile's token_url, else the vendor's]
    #[arg(
        long,
        env = "CALLS_TOKEN_URL",
        hide_env_values = true,
        global = true,
        value_name = "URL"
    )]
    pub token_url: Option<String>,
    /// Run against an embedded sandbox started in-process (no config or secrets needed)
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// IANA zone for reading dates and printing times [default: reading dates and tables: the
    /// profile's timezone, else the local zone; csv, tsv, json, ndjson: UTC]
    #[arg(
        long,
        env = "CALLS_TZ",
        hide_env_values = true,
        global = true,
        value_name = "ZONE"
    )]
    pub tz: Option<String>,
    /// Log requests to stderr (method, redacted URL, status, time, retries); -vv adds headers
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// No progress, no summary; errors only
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// No progress bars (they are also off when stderr is not a terminal)
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Seconds per request
    #[arg(long, global = true, value_name = "SECS", default_value_t = 30.0,
          value_parser = ranged(limits::TIMEOUT, "seconds"))]
    pub timeout: f64,
    /// Retries per request, for 429 / 5xx / connection errors (backoff with jitter, Retry-After honoured)
    #[arg(long, global = true, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(0..=limits::RETRIES))]
    pub retries: u32,
    /// Requests in flight (pages fetched ahead) [default: the profile's, else 4]
    #[arg(long, global = true, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=limits::CONCURRENCY))]
    pub concurrency: Option<u32>,
    /// At most N requests per second to the vendor API [default: the profile's, else the
    /// vendor's documented limit on its own host (famulor: 100 a minute), else none]
    #[arg(long, global = true, value_name = "N",
          value_parser = ranged(limits::RATE, "requests per second"))]
    pub rate: Option<f64>,
    /// Colour on stdout and stderr: auto (only on a terminal, and not when NO_COLOR is set),
    /// always, never
    #[arg(long, global = true, value_name = "WHEN", value_enum, default_value_t = crate::term::ColorChoice::Auto)]
    pub color: crate::term::ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The most recent matching calls, newest first
    #[command(after_long_help = examples::LIST)]
    List(ListArgs),
    /// Every matching call, all pages, streamed: for files, pipes and cron
    #[command(after_long_help = examples::EXPORT)]
    Export(ExportArgs),
    /// Keep a database (SQLite or PostgreSQL) up to date: new calls inserted, changed calls
    /// updated
    #[command(after_long_help = examples::SYNC)]
    Sync(SyncArgs),
    /// Counts, answer rate and talk time per day, hour, agent, campaign, ... with a bar chart
    #[command(after_long_help = examples::STATS)]
    Stats(StatsArgs),
    /// One call in full (transcript, evaluation, all vendor fields)
    #[command(after_long_help = examples::SHOW)]
    Show(ShowArgs),
    /// Download recordings: of the given ids, or of every matching call
    #[command(after_long_help = examples::RECORDING)]
    Recording(RecordingArgs),
    /// Assign call records to a user, property or lead, or mark them seen (myCRM)
    #[command(after_long_help = examples::ASSIGN)]
    Assign(AssignArgs),
    /// Delete call records (Famulor, myCRM): by ids, or every call matching the filters
    #[command(after_long_help = examples::DELETE)]
    Delete(DeleteArgs),
    /// The vendors and what each supports
    #[command(after_long_help = examples::VENDORS)]
    Vendors(VendorsArgs),
    /// Write, locate, print or check the config file; list its profiles
    #[command(subcommand, after_long_help = examples::CONFIG)]
    Config(ConfigCommand),
    /// Print a shell completion script (profile names are completed from the config)
    #[command(after_long_help = examples::COMPLETIONS)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Serve the built-in fake vendor APIs on 127.0.0.1
    #[command(after_long_help = examples::SANDBOX)]
    Sandbox(SandboxArgs),
}

/// The recipes each command's long help (`calls help CMD`, `calls CMD --help`) ends with.
mod examples {
    pub const LIST: &str = "\
Examples:
  calls list                                   the 25 newest calls of the last 30 days
  calls list --from today --status missed      today's missed calls
  calls list --from 2w --fields id,started_at,customer_number -o csv
  calls --sandbox list                         try it without an account";

    pub const EXPORT: &str = "\
Examples:
  calls export --from 2025-01-01 --to 2025-03-31 --output q1.csv
      every call of the first quarter, as CSV (written whole, or not at all)
  calls export --from last-week --status missed --output missed.csv
      last week's missed calls (Monday to Sunday, in your zone), as CSV
  calls export --from 7d -o ndjson | jq -r 'select(.status == \"missed\") | .customer_number'
      the numbers that called and missed, for a script
  calls -p sales export --since-last --append --output /data/calls.csv
      from cron: only what is new since the last successful run, appended
  calls export --follow --status missed
      keep printing missed calls as they come in (tail -f for calls)";

    pub const SYNC: &str = "\
Examples:
  calls sync calls.db                          the last 30 days into SQLite, then only changes
  calls sync calls.db --all-profiles --every 15m
  calls sync postgres://calls@db/calls -p sales -p support";

    pub const STATS: &str = "\
Examples:
  calls stats --from 7d                        one total row: calls, answer rate, talk time
  calls stats --by agent                       calls per agent, as a chart
  calls stats --by day --status missed         missed calls per day
  calls stats --by agent --by day -o csv --output agents.csv";

    pub const SHOW: &str = "\
Examples:
  calls show 1042                              one call: fields, transcript, evaluation
  calls show 1042 -o json | jq .raw            the vendor's own record";

    pub const RECORDING: &str = "\
Examples:
  calls recording 1042 1043                    two calls' recordings into the current folder
  calls recording --from 7d --dir rec/ --manifest rec/manifest.csv
  calls recording --status answered --name '{date}/{id}.{ext}' --dir rec/
  calls recording 1042 --output - | mpv -      listen without saving";

    pub const ASSIGN: &str = "\
Examples:
  calls -p pf assign 1042 1043 --user 7 --dry-run   the requests, sent nowhere
  calls -p pf assign 1042 --lead 99 --seen";

    pub const DELETE: &str = "\
Examples:
  calls delete 1042 1043                       asks first, on a terminal
  calls delete --to 2024-12-31 --status missed --dry-run
  calls delete --to 2024-12-31 --status missed --yes   from a script";

    pub const VENDORS: &str = "\
Examples:
  calls vendors                                what each vendor supports
  calls vendors -o json | jq -r '.[] | select(.operations | index(\"delete\")) | .vendor'";

    pub const CONFIG: &str = "\
Examples:
  calls config init                            a commented starter config (mode 0600)
  calls config profiles                        profiles, vendors and where each secret comes from
  calls config show -p sales                   one profile, secrets redacted
  calls config check --online                  one cheap authenticated request per profile";

    pub const COMPLETIONS: &str = "\
Examples:
  calls completions bash > ~/.local/share/bash-completion/completions/calls
  calls completions zsh > ~/.zfunc/_calls
  calls completions fish > ~/.config/fish/completions/calls.fish";

    pub const SANDBOX: &str = "\
Examples:
  calls sandbox > sandbox.toml                 serve, and save the config it prints
  calls --config sandbox.toml -p callcap list  (in another terminal)
  calls sandbox --port 0 --fail-rate 0.1       any free port, one request in ten fails";
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub list: ListArgs,
    #[command(flatten)]
    pub cron: CronArgs,
    #[command(flatten)]
    pub follow: FollowArgs,
}

#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Follow")]
pub struct FollowArgs {
    /// After the window, keep polling: print each new call, and each changed call again
    /// (a table row on a terminal, or -o csv, tsv, ndjson; one line each, flushed)
    #[arg(long)]
    pub follow: bool,
    /// How often --follow polls [default: 30s]
    #[arg(long, value_name = "DURATION", requires = "follow")]
    pub every: Option<String>,
    /// How far back --follow looks for changed calls [default: 2h] (Callcap and Famulor
    /// Platform 2.0 see changes to older calls too)
    #[arg(long, value_name = "DURATION", requires = "follow")]
    pub revisit: Option<String>,
}

#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Incremental (cron)")]
pub struct CronArgs {
    /// Resume after the last successful run of this profile, filter set and destination
    #[arg(long)]
    pub since_last: bool,
    /// State file for --since-last [default: the OS data dir, e.g. ~/.local/share/calls/state/]
    #[arg(long, value_name = "FILE", requires = "since_last")]
    pub state: Option<PathBuf>,
    /// How far before the newest call already exported the next run starts, for calls the
    /// vendor records late: 30m, 2h, 1d
    #[arg(long, value_name = "DURATION", default_value = "10m")]
    pub lookback: String,
    /// Append to an existing --output file (no second CSV header; csv and ndjson only)
    #[arg(long, requires = "output")]
    pub append: bool,
    /// Append one JSON line per run to FILE (NDJSON: profile, window, requests, calls
    /// exported, the error and exit code of a failed run), for monitoring
    #[arg(long, value_name = "FILE", conflicts_with = "follow")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
// `--limit` is refused by sync (it stores every call of the window): not offered in its help.
#[command(mut_arg("limit", |a| a.hide(true)))]
pub struct SyncArgs {
    /// SQLite: sqlite:PATH, or a PATH ending in .db, .sqlite or .sqlite3; PostgreSQL:
    /// postgres://USER@HOST/DB [default: the config's database]
    #[arg(value_name = "DEST")]
    pub dest: Option<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Every profile of the config (with --sandbox: every vendor)
    #[arg(long, help_heading = "Sync")]
    pub all_profiles: bool,
    /// How far before the newest call already stored the next run starts, for calls that
    /// change late: 30m, 2h, 1d (not for APIs that list by modification time: Callcap and
    /// Famulor Platform 2.0 read what changed since, however old)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "24h",
        help_heading = "Sync"
    )]
    pub revisit: String,
    /// Read the whole --from window again, not only what is new
    #[arg(long, help_heading = "Sync")]
    pub full: bool,
    /// Keep running: one sync every DURATION (SIGTERM or Ctrl-C between runs exits 0); each
    /// run's summary lines start with the time
    #[arg(long, value_name = "DURATION", help_heading = "Sync")]
    pub every: Option<String>,
    /// How many profiles sync at once (1 to 64); into PostgreSQL, a profile another process
    /// is syncing is skipped with a note
    #[arg(
        long,
        value_name = "N",
        default_value_t = 4,
        value_parser = clap::value_parser!(u8).range(1..=64),
        help_heading = "Sync"
    )]
    pub jobs: u8,
    /// Append one JSON line per profile per run to FILE (NDJSON: counts, window, requests, the
    /// error and exit code of a failed profile), for monitoring
    #[arg(long, value_name = "FILE", help_heading = "Sync")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
// `--limit` is refused by stats (it counts every call of the window): not offered in its help.
#[command(mut_arg("limit", |a| a.hide(true)))]
pub struct StatsArgs {
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Group by day, week, month, hour, weekday, agent, campaign, line, direction or status;
    /// given twice, groups nest (--by agent --by day) [default: one total row]
    #[arg(
        long,
        value_enum,
        value_name = "G",
        value_delimiter = ',',
        help_heading = "Stats"
    )]
    pub by: Vec<crate::stats::By>,
    /// Output format [default: table (with a chart) on a terminal, else ndjson]
    #[arg(
        short = 'o',
        long,
        value_enum,
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub format: Option<Format>,
    /// Write to FILE atomically (replaced only when complete); the format from its extension
    /// unless -o
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Pick and order columns, e.g. agent,calls,answer_rate (the csv header's names; in a
    /// table, which numbers show)
    #[arg(long, value_name = "A,B,C", value_parser = Hinted(crate::stats::COLUMNS), hide_possible_values = true, help_heading = "Output")]
    pub fields: Option<String>,
    /// No header line (csv, tsv)
    #[arg(long, help_heading = "Output")]
    pub no_header: bool,
}

#[derive(Debug, Default, Clone, Args, PartialEq)]
#[command(next_help_heading = "Filters")]
pub struct FilterArgs {
    /// Start (inclusive): YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], an RFC 3339 datetime, now, today,
    /// yesterday, an age (30m, 12h, 7d, 2w, 3mo, 1y ago), or a period: this-week, last-week,
    /// this-month, last-month, this-year, last-year (alone: the whole period; weeks start on
    /// Monday). Read in --tz, else the profile's timezone, else the local zone [default: 30d]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true,
          value_parser = Hinted(crate::when::WORDS), hide_possible_values = true)]
    pub from: Option<String>,
    /// End, in the forms of --from: a date includes that whole day, a period ends with it, a
    /// datetime is exclusive [default: now, or the end of a --from period]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true,
          value_parser = Hinted(crate::when::WORDS), hide_possible_values = true)]
    pub to: Option<String>,
    /// inbound, outbound, internal or web
    #[arg(long, value_name = "D", value_parser = Hinted(crate::call::Direction::FILTERS), hide_possible_values = true)]
    pub direction: Option<String>,
    /// answered, missed, busy, failed, voicemail, canceled, in-progress, unknown (repeatable, or a,b)
    #[arg(long, value_name = "S", value_delimiter = ',', value_parser = Hinted(crate::call::Status::NAMES), hide_possible_values = true)]
    pub status: Vec<String>,
    /// The customer's number; spaces, dashes and + are ignored
    #[arg(long, value_name = "PHONE")]
    pub number: Option<String>,
    /// Agent / assistant: a name as shown (any case) or an id (repeatable)
    #[arg(long, value_name = "WHO")]
    pub agent: Vec<String>,
    /// Campaign / project: a name as shown (any case) or an id (repeatable)
    #[arg(long, value_name = "WHAT")]
    pub campaign: Vec<String>,
    /// Only calls lasting at least this long: seconds (90), or 2m, 1m30s, 1h
    #[arg(long, value_name = "SECS", value_parser = call_seconds)]
    pub min_duration: Option<i64>,
    /// Only calls lasting at most this long: seconds (90), or 2m, 1m30s, 1h
    #[arg(long, value_name = "SECS", value_parser = call_seconds)]
    pub max_duration: Option<i64>,
    /// Free text: the vendor's search where it has one, else every field of the record
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Stop after N calls [list default: 25]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Raw vendor query parameter, sent as given (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub param: Vec<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, else ndjson]
    #[arg(short = 'o', long, value_name = "FORMAT", value_parser = FormatParser)]
    pub format: Option<Format>,
    /// Pick and order fields, e.g. id,started_at,status (all formats)
    #[arg(long, value_name = "A,B,C", value_parser = Hinted(crate::call::Field::NAMES), hide_possible_values = true)]
    pub fields: Option<String>,
    /// Write to FILE atomically (replaced only when complete); -o parquet: a FILE, or DIR/ for a
    /// new file per run
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Add the vendor's original record as `raw` (json, ndjson, parquet)
    #[arg(long)]
    pub raw: bool,
    /// No header line (csv, tsv)
    #[arg(long)]
    pub no_header: bool,
}

#[derive(Debug, Args)]
pub struct RecordingArgs {
    /// Call ids [default: every call matching the filters; without ids, give at least one]
    pub ids: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Folder to save into
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".",
        help_heading = "Recordings"
    )]
    pub dir: PathBuf,
    /// File name: {vendor} {id} {date} {time} {direction} {status} {customer_number} {agent}
    /// {campaign} {ext} (what the file is: wav, mp3, ...); '/' makes folders
    #[arg(long, value_name = "TEMPLATE", default_value = crate::recording::DEFAULT_TEMPLATE, help_heading = "Recordings")]
    pub name: String,
    /// '-': write the audio of a single id to stdout
    #[arg(long, value_name = "-", help_heading = "Recordings")]
    pub output: Option<String>,
    /// Download again files that are already complete
    #[arg(long, help_heading = "Recordings")]
    pub overwrite: bool,
    /// Write a CSV of id,path,bytes,sha256,status
    #[arg(long, value_name = "FILE", help_heading = "Recordings")]
    pub manifest: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// Call ids
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Assign to this user id
    #[arg(long, value_name = "N")]
    pub user: Option<u64>,
    /// Assign to this property id
    #[arg(long, value_name = "N")]
    pub property: Option<u64>,
    /// Assign to this lead id
    #[arg(long, value_name = "N")]
    pub lead: Option<u64>,
    /// Mark as seen
    #[arg(long)]
    pub seen: bool,
    /// Print the requests that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Call ids [default: every call matching the filters, listed first]
    pub ids: Vec<String>,
    // NOTE: before the filters: fields after a flattened group would take its heading.
    /// Print the requests that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask (required when stdin is not a terminal)
    #[arg(short, long)]
    pub yes: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The vendor's call id
    pub id: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct VendorsArgs {
    /// Output format [default: table on a terminal, else json]
    #[arg(short = 'o', long, value_name = "FORMAT", value_parser = FormatParser)]
    pub format: Option<Format>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented starter config (mode 0600): one active profile, Famulor's or
    /// --vendor V's, and the other vendors' as comments
    Init {
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
    /// Print the config file's path
    Path,
    /// Print the config with secrets redacted (-p NAME: that profile only)
    Show,
    /// List the profiles: vendor, API, and where each secret comes from (never the secret)
    Profiles,
    /// Validate the config and every profile (-p NAME: that profile only)
    Check {
        /// Also make one cheap authenticated request per profile
        #[arg(long)]
        online: bool,
    },
}

#[derive(Debug, Args, Clone)]
pub struct SandboxArgs {
    /// Port for the vendor APIs (0: any free port); recordings are served on another port
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Calls per vendor
    #[arg(long, default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(0..=limits::SANDBOX_CALLS))]
    pub calls: u64,
    /// Seed for the generated data
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Calls spread over the 90 days before this date [default: now]
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Milliseconds each API answer takes, counted from the request's arrival
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=limits::LATENCY_MS))]
    pub latency: u64,
    /// Share of API requests that fail (500/503, 429 with Retry-After, cut bodies)
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = ranged(limits::SHARE, "(a share)"))]
    pub fail_rate: f64,
    /// Seconds after which the myCRM API refuses an access token (its answer still says 1800)
    #[arg(long, value_name = "SECS", default_value_t = 1800,
          value_parser = clap::value_parser!(u64).range(1..=limits::TOKEN_TTL))]
    pub token_ttl: u64,
    /// Share of recording links that are broken (expired, or a 200 with an error page)
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = ranged(limits::SHARE, "(a share)"))]
    pub recording_faults: f64,
    /// Share of calls that change after they are first served, within 2 h of their start: an
    /// in-progress call finishes, a status is corrected, a recording appears
    #[arg(long, value_name = "F", default_value_t = crate::sandbox::CHANGE_RATE, value_parser = ranged(limits::SHARE, "(a share)"))]
    pub change_rate: f64,
    /// Rate limit per credential, as Famulor documents its own: N requests per window (100/60s,
    /// 30/3s), with X-RateLimit-* headers and a 429 whose JSON body says retry_after
    #[arg(long, value_name = "N/DUR")]
    pub rate_limit: Option<crate::sandbox::limit::RateLimit>,
    /// With --rate-limit: send no X-RateLimit-* headers (only the 429's body says when)
    #[arg(long, requires = "rate_limit")]
    pub rate_limit_silent: bool,
    /// Serve the second page of a listing with a record missing (its counts still say the full
    /// page): the first time only, or every time
    #[arg(long, value_name = "WHEN")]
    pub short_page: Option<crate::sandbox::ShortPage>,
    /// Serve listings in this order whatever the client asks: oldest-first, newest-first, or
    /// shuffled (a vendor that ignores `sort`)
    #[arg(long, value_name = "ORDER")]
    pub order: Option<crate::sandbox::Order>,
}

/// `--min-duration` / `--max-duration`: seconds, or `2m`, `1m30s`.
fn call_seconds(text: &str) -> Result<i64, String> {
    crate::when::parse_seconds(text, limits::CALL_SECONDS)
}

/// A free-text flag whose usual values the completion scripts offer (`--status`, `--fields`);
/// the value itself is checked later, by `resolve`, with a message naming the flag.
#[derive(Clone)]
struct Hinted(&'static [&'static str]);

impl TypedValueParser for Hinted {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(|v| PossibleValue::new(*v))))
    }
}

/// `-o FORMAT`, where a file name (`-o calls.csv`) gets "did you mean --output calls.csv?".
#[derive(Clone)]
struct FormatParser;

impl TypedValueParser for FormatParser {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        use clap::error::{ContextKind, ContextValue};
        clap::builder::EnumValueParser::<Format>::new()
            .parse_ref(cmd, arg, value)
            .map_err(|mut e| {
                let text = value.to_string_lossy();
                let names: Vec<String> = Format::value_variants()
                    .iter()
                    .filter_map(|f| f.to_possible_value())
                    .map(|v| v.get_name().to_string())
                    .collect();
                let suggestion = if text.contains(['.', '/']) {
                    Some(format!("did you mean --output {text}?"))
                } else if e.get(ContextKind::SuggestedValue).is_none() {
                    crate::suggest::nearest(&text, names.iter().map(String::as_str))
                        .map(|f| format!("did you mean -o {f}?"))
                } else {
                    None
                };
                if let Some(s) = suggestion {
                    e.insert(
                        ContextKind::Suggested,
                        ContextValue::StyledStrs(vec![s.into()]),
                    );
                }
                e
            })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            Format::value_variants()
                .iter()
                .filter_map(|f| f.to_possible_value()),
        ))
    }
}

/// A parser for a decimal flag within `range`, inclusive: the message says the range.
fn ranged(
    range: (f64, f64),
    unit: &'static str,
) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let (min, max) = range;
        let outside = || format!("expected a number from {min} to {max} {unit}");
        let v: f64 = text.trim().parse().map_err(|_| outside())?;
        if !(min..=max).contains(&v) {
            return Err(outside());
        }
        Ok(v)
    }
}

impl FilterArgs {
    /// True when no filter flag was given.
    pub fn is_empty(&self) -> bool {
        *self == FilterArgs::default()
    }
}
