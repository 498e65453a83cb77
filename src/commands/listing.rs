//! `calls list` and `calls export`: one query, every page, one writer; for `export`, optionally
//! incremental (`--since-last`) and appending (`--append`).

use std::time::Instant;

use anyhow::Result;

use crate::call::{Call, Status};
use crate::cli::{CronArgs, ListArgs};
use crate::error::{usage, Failure};
use crate::http::Http;
use crate::output::{self, CallWriter, Format, OutputOptions, Target};
use crate::pager::{Pager, Sink};
use crate::query::Query;
use crate::resolve::{self, Settings};
use crate::state;
use crate::term;
use crate::term::{n_calls, thousands};
use crate::vendors::Backend;
use crate::when;

pub async fn run(
    s: &Settings,
    args: &ListArgs,
    cron: &CronArgs,
    default_limit: Option<u64>,
    summary: bool,
) -> Result<()> {
    let Some(path) = &cron.report else {
        return listing(s, args, cron, default_limit, summary, &mut Done::default()).await;
    };
    crate::report::check(path)?;
    let started_at = chrono::Utc::now();
    let mut done = Done::default();
    let result = listing(s, args, cron, default_limit, summary, &mut done).await;
    let entry = crate::report::Entry {
        profile: s
            .profile
            .name
            .clone()
            .unwrap_or_else(|| s.profile.vendor.id().to_string()),
        vendor: s.profile.vendor.id().to_string(),
        started_at,
        window: crate::report::Window {
            from: done.window.map(|w| w.0),
            to: done.window.map(|w| w.1),
        },
        requests: done.http.as_ref().map_or(0, Http::requests),
        exported: Some(done.exported),
        skipped: Some(done.skipped),
        ..Default::default()
    }
    .end(&result);
    // NOTE: a report that cannot be written fails the command, after the export (its output
    // stands): a monitor that reads FILE must not miss a run silently.
    crate::report::append(path, &entry)?;
    result
}

/// What a run did, for its `--report` line (filled as far as the run got).
#[derive(Default)]
struct Done {
    window: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    http: Option<Http>,
    exported: u64,
    skipped: u64,
}

async fn listing(
    s: &Settings,
    args: &ListArgs,
    cron: &CronArgs,
    default_limit: Option<u64>,
    summary: bool,
    done: &mut Done,
) -> Result<()> {
    let mut out = resolve::output(&args.output, s)?;
    // `-o parquet` into a folder: the folder, where this run adds a new file.
    let folder = if out.format == Format::Parquet {
        parquet_output(&mut out, cron, summary)?
    } else {
        None
    };
    let mut query = resolve::query(&args.filters, s, default_limit, out.raw)?;
    if cron.append && !matches!(out.format, Format::Csv | Format::Ndjson) {
        return usage(
            "--append works with -o csv and -o ndjson (a JSON array or a table cannot grow)",
        );
    }
    if cron.since_last && args.filters.limit.is_some() {
        // The next run would start after the newest call of a cut-short export and skip the rest.
        return usage("--since-last cannot be combined with --limit: every call of the window must be exported");
    }
    let mut incremental = if cron.since_last {
        let (job, legacy) = job(s, &query, &out);
        let profile = s.profile.name.as_deref().unwrap_or(s.profile.vendor.id());
        let path = match &cron.state {
            Some(p) => p.clone(),
            None => {
                let path = state::default_path(profile, &job)?;
                state::adopt(&path, &state::default_path(profile, &legacy)?, &legacy)?;
                path
            }
        };
        let lookback = resolve::duration("--lookback", &cron.lookback)?;
        let mut run = state::Run::open(path, job, &legacy, lookback)?;
        run.window(&mut query, args.filters.from.is_some());
        Some(run)
    } else {
        None
    };
    let http = Http::new(s.http.clone())?;
    done.window = Some((query.from, query.to));
    done.http = Some(http.clone());
    let backend = Backend::new(&s.profile, http)?;
    let plan = backend.plan(&query)?;
    if s.http.verbose > 0 {
        let z = when::Zone::Tz(query.tz);
        term::log(&format!(
            "{}: {} .. {}; {}",
            backend.vendor(),
            when::time(query.from, z, false),
            when::time(query.to, z, false),
            plan.describe()
        ));
        if let Some(run) = &incremental {
            let resumed = if run.previous.is_some() {
                "resuming"
            } else {
                "first run"
            };
            term::log(&format!("state: {} ({resumed})", run.path.display()));
        }
    }
    let started = Instant::now();
    let target = match (&out.path, cron.append) {
        (Some(path), true) => {
            output::writable("--output", path)?;
            match output::regular(path)? {
                Some(path) => {
                    let recorded = incremental.as_ref().map(|r| r.recorded());
                    let start = output::append::prepare(&path, &recorded.unwrap_or_default())?;
                    if start.removed > 0 {
                        term::warn(&format!(
                            "{}: removed the {} bytes this job's interrupted run had appended after byte {} (they are exported again now)",
                            path.display(),
                            thousands(start.removed),
                            thousands(start.mark.len)
                        ));
                    }
                    if let Some(run) = incremental.as_mut() {
                        run.settle()?;
                    }
                    let header = start.empty || output::append_needs_header(&path, &out)?;
                    (
                        Target::append(&path, start, incremental.as_ref().map(|r| r.spool()))?,
                        header,
                    )
                }
                // A FIFO or device: written to as it is.
                None => (Target::open(Some(path))?, true),
            }
        }
        _ => match &folder {
            Some(dir) => (Target::open(Some(&output::new_parquet_file(dir)?))?, true),
            None => (Target::open(out.path.as_deref())?, true),
        },
    };
    let (target, header) = target;
    let mut sink = Export {
        writer: CallWriter::new(target, &out, header)?,
        incremental: incremental.as_mut(),
        skipped: 0,
        written: 0,
        // Asked for by status (`--status in-progress` among them), calls are written as they are.
        hold_in_progress: query.statuses.is_empty(),
    };
    let pager = Pager {
        backend: std::sync::Arc::new(backend),
        query: std::sync::Arc::new(query.clone()),
        plan: &plan,
        concurrency: s.concurrency,
        progress: s.progress,
    };
    let stats = pager.run(&mut sink).await?;
    stats.warn_unmatched();
    let skipped = sink.skipped;
    // NOTE: SPEC "Output": a run with no new calls adds no file to a parquet folder (the
    // temporary file goes with the dropped target).
    let no_file = folder.is_some() && sink.written == 0;
    let held = sink.incremental.as_ref().map_or(0, |r| r.held());
    // Output first, complete and on disk; only then the state.
    let target = sink.writer.finish()?;
    let file = match &target {
        Target::Replace { path, .. } => Some(path.clone()),
        _ => None,
    };
    match incremental {
        Some(run) if no_file => run.save(query.to, None)?,
        Some(run) => {
            let mark = target.commit_append(|intent| run.begin_append(intent))?;
            run.save(query.to, mark)?;
        }
        None if no_file => {}
        None => target.commit()?,
    }
    done.exported = stats.calls - skipped - held as u64;
    done.skipped = skipped;
    if let Some(line) = more_than_shown(&out, &query, &plan, &stats, summary || s.quiet) {
        term::log(&line);
    }
    if summary && !s.quiet {
        let secs = started.elapsed().as_secs_f64();
        let to = match (&folder, &file) {
            (Some(dir), _) if no_file => {
                format!(" (nothing new: no file added to {})", dir.display())
            }
            (Some(_), Some(file)) => format!(" to {}", file.display()),
            _ => out
                .path
                .as_ref()
                .map(|p| format!(" to {}", p.display()))
                .unwrap_or_default(),
        };
        let mut notes = Vec::new();
        if skipped > 0 {
            let verb = if skipped == 1 { "was" } else { "were" };
            notes.push(format!("{skipped} already exported {verb} skipped"));
        }
        if held > 0 {
            let verb = if held == 1 { "is" } else { "are" };
            notes.push(format!(
                "{held} still in progress {verb} left for the next run"
            ));
        }
        let again = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        term::log(&format!(
            "exported {}{to} in {secs:.1} s{again}",
            n_calls(done.exported)
        ));
    }
    Ok(())
}

/// `list` on a terminal, cut short by `--limit` where the vendor said how many calls the window
/// holds: `25 of 4,211 calls (use --limit or export)`; `~` where the vendor's count is taken
/// before filters it applies only roughly or not at all. `None` elsewhere (`export`, `-q`, a
/// file or pipe).
fn more_than_shown(
    out: &OutputOptions,
    query: &Query,
    plan: &crate::query::Plan,
    stats: &crate::pager::Stats,
    silent: bool,
) -> Option<String> {
    let total = stats.total?;
    let cut = query.limit.is_some_and(|l| stats.calls >= l);
    if silent || !cut || total <= stats.calls || out.format != Format::Table || out.path.is_some() {
        return None;
    }
    let about = if plan.vendor_counts_exactly() {
        ""
    } else {
        "~"
    };
    Some(format!(
        "{} of {about}{} (use --limit or export)",
        thousands(stats.calls),
        n_calls(total)
    ))
}

/// Writes calls, skipping those a previous run already exported.
struct Export<'a, W: std::io::Write + Send> {
    writer: CallWriter<W>,
    incremental: Option<&'a mut state::Run>,
    skipped: u64,
    /// Calls handed to the writer.
    written: u64,
    hold_in_progress: bool,
}

impl<W: std::io::Write + Send> Sink for Export<'_, W> {
    fn call(&mut self, call: Call) -> Result<()> {
        if let Some(run) = self.incremental.as_deref_mut() {
            if run.seen(&call.id) {
                self.skipped += 1;
                return Ok(());
            }
            // Written once it has finished, so the file gets its final status and duration.
            if self.hold_in_progress
                && call.status == Status::InProgress
                && run.hold(&call.id, call.started_at)
            {
                return Ok(());
            }
            run.exported(&call.id, call.started_at);
        }
        self.written += 1;
        self.writer.write(&call)
    }
    fn page_done(&mut self) -> Result<()> {
        self.writer.flush()
    }
}

/// What identifies an incremental job: profile, vendor, API, filters and destination; and the
/// same as states were keyed before (`window::legacy_filter_set`).
fn job(s: &Settings, q: &Query, out: &OutputOptions) -> (String, String) {
    let dest = out
        .path
        .as_ref()
        .map(|p| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string()
        })
        .unwrap_or_else(|| "stdout".into());
    (
        format!("{} output={dest}", crate::window::filter_set(s, q)),
        format!("{} output={dest}", crate::window::legacy_filter_set(s, q)),
    )
}

/// Checks `-o parquet`'s target before any request: `export` only, a file or a folder, never
/// stdout or a terminal, never `--append`. Returns the folder when `--output` names one (an
/// existing folder, or a path ending in `/`), after pointing `out.path` at it without the slash
/// (the job's state is keyed by it).
fn parquet_output(
    out: &mut OutputOptions,
    cron: &CronArgs,
    export: bool,
) -> Result<Option<std::path::PathBuf>> {
    use std::io::IsTerminal;
    let into = "give --output calls.parquet, or --output DIR/ for a new file per run";
    if !export {
        return Err(
            Failure::usage("-o parquet works with export (list prints to a terminal)")
                .hint(format!("calls export -o parquet: {into}"))
                .into(),
        );
    }
    if cron.append {
        return Err(
            Failure::usage("--append cannot add to a Parquet file (its footer ends it)")
                .hint("--since-last --output DIR/ adds a new file per run to the folder DIR")
                .into(),
        );
    }
    let Some(path) = out.path.clone() else {
        return Err(
            Failure::usage("-o parquet writes a file, never stdout or a terminal")
                .hint(into)
                .into(),
        );
    };
    let slash = path.as_os_str().as_encoded_bytes().ends_with(b"/");
    if slash || path.is_dir() {
        if !path.is_dir() {
            return Err(Failure::usage(format!(
                "--output {}: there is no such folder",
                path.display()
            ))
            .hint(format!("create it first (mkdir -p {})", path.display()))
            .into());
        }
        let dir: std::path::PathBuf = path.components().collect();
        out.path = Some(dir.clone());
        return Ok(Some(dir));
    }
    if output::regular(&path)?.is_none()
        && std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .is_ok_and(|f| f.is_terminal())
    {
        return Err(Failure::usage(format!(
            "-o parquet cannot write to the terminal {}",
            path.display()
        ))
        .hint(into)
        .into());
    }
    Ok(None)
}
