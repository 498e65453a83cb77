//! `calls stats`: every matching call through the pager into per-group counters, then one table
//! (with a bar chart) or the numbers as CSV / JSON / NDJSON.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;

use crate::cli::StatsArgs;
use crate::http::Http;
use crate::output::{self, Format};
use crate::pager::Pager;
use crate::resolve::{self, Settings};
use crate::stats::{self, By, Tally};
use crate::term;
use crate::vendors::Backend;
use crate::when;

/// Counts are a few rows: `-o parquet` is for calls.
const PARQUET: &str = "-o parquet is for calls (export); stats prints -o csv, tsv, json or ndjson";

pub async fn run(s: &Settings, args: &StatsArgs) -> Result<()> {
    if args.filters.limit.is_some() {
        return Err(crate::error::Failure::usage(
            "stats counts every call of the window: --limit does not apply",
        )
        .hint("narrow the window with --from / --to, or the calls with a filter")
        .into());
    }
    let by = By::check(&args.by)?;
    let query = resolve::query(&args.filters, s, None, false)?;
    By::check_window(&by, query.from, query.to, query.tz)?;
    // As `list` / `export`: -o, else the --output file's extension, else by terminal.
    let to_terminal = args.output.is_none() && term::stdout_is_tty();
    let format = resolve::format(args.format, args.output.as_deref())?;
    resolve::no_header(args.no_header, format)?;
    let picked = stats::pick(&by, args.fields.as_deref())
        .map_err(|e| crate::error::Failure::usage(format!("--fields: {e}")))?;
    let mut out = output::Target::open(args.output.as_deref())?;
    if format == Format::Parquet {
        return crate::error::usage(PARQUET);
    }
    let backend = Backend::new(&s.profile, Http::new(s.http.clone())?)?;
    let plan = backend.plan(&query)?;
    if s.http.verbose > 0 {
        let z = when::Zone::Tz(query.tz);
        term::log(&format!(
            "{}: {} .. {} ({}); {}",
            backend.vendor(),
            when::time(query.from, z, false),
            when::time(query.to, z, false),
            query.tz,
            plan.describe()
        ));
        term::log(&stats::source(backend.vendor()));
    }
    let started = Instant::now();
    // Groups of time are read in the zone the query's dates were read in.
    let mut tally = Tally::new(&by, query.tz);
    let pager = Pager {
        backend: Arc::new(backend),
        query: Arc::new(query.clone()),
        plan: &plan,
        concurrency: s.concurrency,
        progress: s.progress,
    };
    pager.run(&mut tally).await?.warn_unmatched();
    let mut rows = tally.rows(query.from, query.to);
    let header = !args.no_header;
    // NOTE: SPEC "Output": on a terminal, vendor text in the group keys is shown escaped in the
    // machine formats too (JSON as `\uXXXX`, so that it reads back the same).
    let terminal = format != Format::Table && to_terminal;
    if terminal && matches!(format, Format::Csv | Format::Tsv) {
        stats::printable_keys(&mut rows);
    }
    match format {
        // As `list`: nothing matched is said on stderr, not shown as a header alone.
        Format::Table if tally.total().calls == 0 => term::log("no calls match"),
        Format::Table => {
            // NOTE: fitted to a terminal only; in a pipe every column is kept, as `list` does.
            let width =
                to_terminal.then(|| term::width().filter(|w| *w > 0).unwrap_or(80) as usize);
            let colour = to_terminal && term::colors();
            let names = stats::column_names(&by);
            let fields: Option<Vec<&str>> = args
                .fields
                .is_some()
                .then(|| picked.iter().map(|&i| names[i]).collect());
            let (lines, left_out) =
                stats::table(&by, &rows, tally.total(), width, colour, fields.as_deref());
            if !left_out.is_empty() {
                term::note(&format!(
                    "left out {} to fit {} columns\n  (a wider terminal or -o csv shows them)",
                    left_out.join(", ").to_lowercase(),
                    width.unwrap_or(0)
                ));
            }
            for line in lines {
                writeln!(out, "{line}")?;
            }
        }
        Format::Csv => stats::write_csv(&mut out, &by, &rows, &picked, header)?,
        Format::Tsv => stats::write_tsv(&mut out, &by, &rows, &picked, header)?,
        Format::Json | Format::Ndjson if terminal => {
            // As many rows as groups, never one per call.
            let mut text = Vec::new();
            if format == Format::Json {
                stats::write_json(&mut text, &by, &rows, &picked)?;
            } else {
                stats::write_ndjson(&mut text, &by, &rows, &picked)?;
            }
            out.write_all(output::terminal_json(&String::from_utf8_lossy(&text)).as_bytes())?;
        }
        Format::Json => stats::write_json(&mut out, &by, &rows, &picked)?,
        Format::Ndjson => stats::write_ndjson(&mut out, &by, &rows, &picked)?,
        Format::Parquet => return crate::error::usage(PARQUET),
    }
    // The file is whole, or untouched.
    out.commit()?;
    if !s.quiet {
        let groups = match by.len() {
            0 => String::new(),
            _ => format!(", {} rows", term::thousands(rows.len() as u64)),
        };
        term::log(&format!(
            "counted {}{groups} in {:.1} s",
            term::n_calls(tally.total().calls),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}
