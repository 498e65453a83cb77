//! `calls export --follow`: the window, then a poll every `--every` of what `window::reads` says
//! (the calls started since minus `--revisit`; where the API lists by modification time, those
//! started since and those modified since), printing each new call once and each call again when
//! it changed; memory bounded by what the next poll reads again.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::call::Call;
use crate::cli::ExportArgs;
use crate::db;
use crate::error::{usage, Failure};
use crate::http::Http;
use crate::output::{CallWriter, Format, Target};
use crate::pager::{Pager, Sink};
use crate::resolve::{self, Settings};
use crate::vendors::Backend;
use crate::window;

pub async fn run(s: &Settings, args: &ExportArgs) -> Result<()> {
    let out = resolve::output(&args.list.output, s)?;
    // NOTE: on a terminal (the default table), each call is a table row as it comes, the
    // header once: the help's own `calls export --follow --status missed` works as typed.
    if !matches!(
        out.format,
        Format::Table | Format::Csv | Format::Tsv | Format::Ndjson
    ) {
        return usage(
            "--follow prints one line per call: a table on a terminal, or -o csv, tsv or ndjson",
        );
    }
    if args.cron.since_last || args.cron.append || args.list.filters.limit.is_some() {
        return usage("--follow cannot be combined with --since-last, --append or --limit");
    }
    if out
        .path
        .as_deref()
        .map(crate::output::regular)
        .transpose()?
        .flatten()
        .is_some()
    {
        return Err(Failure::usage(
            "--follow writes to stdout or a pipe, not a file that is replaced when complete",
        )
        .hint("calls export --follow >> FILE, or calls sync for a database")
        .into());
    }
    let every = resolve::interval("--every", args.follow.every.as_deref().unwrap_or("30s"))?;
    let revisit = resolve::duration("--revisit", args.follow.revisit.as_deref().unwrap_or("2h"))?;
    let mut query = resolve::query(&args.list.filters, s, None, out.raw)?;
    let backend = Arc::new(Backend::new(&s.profile, Http::new(s.http.clone())?)?);
    let by_modification = backend.traits().lists_by_modification;
    let first_from = query.from;
    let mut sink = Follow {
        writer: CallWriter::new(Target::open(out.path.as_deref())?, &out, true)?,
        seen: HashMap::new(),
        floor: query.from,
        newest_modified: None,
        streaming: false,
    };
    // From here a signal is how it ends: 130 / 143 without an `error:` line.
    crate::stop::quiet();
    // NOTE: polls resume from the last poll's end (this machine's clock), not from the newest
    // call: what the next poll reads again by start is known before this one reads, so what is
    // remembered is bounded by it.
    let back = revisit.max(window::OVERLAP);
    let mut last: Option<window::Mark> = None;
    loop {
        let reads = window::reads(
            &query,
            &window::Since {
                last: last.as_ref(),
                revisit,
                explicit_from: true,
                by_modification,
                oldest: Some(first_from),
                covered_from: None,
            },
        );
        // Calls started before this are not read again by the next poll (unless modified).
        sink.floor = query.to - back;
        for read in reads.iter().filter(|r| r.query.from < r.query.to) {
            let plan = backend.plan(&read.query)?;
            let pager = Pager {
                backend: backend.clone(),
                query: Arc::new(read.query.clone()),
                plan: &plan,
                concurrency: s.concurrency,
                progress: false,
            };
            pager.run(&mut sink).await?;
        }
        // The window's calls settle the table's columns; later calls are printed as they come.
        sink.writer.flush_rows()?;
        sink.streaming = true;
        let (floor, modified_floor) = (sink.floor, sink.modified_floor());
        sink.seen.retain(|_, seen| seen.kept(floor, modified_floor));
        last = Some(window::Mark {
            newest: None,
            upper: Some(query.to),
            newest_modified: sink.newest_modified,
        });
        tokio::time::sleep(every.to_std().unwrap_or(std::time::Duration::from_secs(1))).await;
        query.to = Utc::now();
    }
}

/// A call printed: what is needed to know whether a later read shows it changed.
struct Seen {
    started_at: DateTime<Utc>,
    modified_at: Option<DateTime<Utc>>,
    hash: i64,
}

impl Seen {
    /// Still read again by the next poll: started since `floor`, or modified since
    /// `modified_floor`.
    fn kept(&self, floor: DateTime<Utc>, modified_floor: Option<DateTime<Utc>>) -> bool {
        self.started_at >= floor
            || self
                .modified_at
                .zip(modified_floor)
                .is_some_and(|(m, f)| m >= f)
    }
}

/// Prints a call the first time and again whenever its record changed.
struct Follow<W: std::io::Write + Send> {
    writer: CallWriter<W>,
    /// The calls the next poll reads again, and a hash of what was printed: memory bounded by
    /// the calls started within the revisit window (or, by modification time, since the newest
    /// start minus `window::OVERLAP`), and those modified within the overlap.
    seen: HashMap<String, Seen>,
    floor: DateTime<Utc>,
    /// The newest modification time the vendor gave, where it gives one.
    newest_modified: Option<DateTime<Utc>>,
    /// Past the first window: each call is printed at once (a table row too).
    streaming: bool,
}

impl<W: std::io::Write + Send> Follow<W> {
    /// Calls modified since this are read again by the next poll (by modification time).
    fn modified_floor(&self) -> Option<DateTime<Utc>> {
        self.newest_modified.map(|m| m - window::OVERLAP)
    }
}

impl<W: std::io::Write + Send> Sink for Follow<W> {
    fn call(&mut self, call: Call) -> Result<()> {
        self.newest_modified = window::newest_modified(self.newest_modified, &call, Utc::now());
        let hash = db::hash(&call);
        if self.seen.get(&call.id).is_some_and(|s| s.hash == hash) {
            return Ok(());
        }
        let seen = Seen {
            started_at: call.started_at,
            modified_at: call.modified_at,
            hash,
        };
        if seen.kept(self.floor, self.modified_floor()) {
            self.seen.insert(call.id.clone(), seen);
        }
        self.writer.write(&call)?;
        // One line at a time reaches the reader (`| while read`), whole.
        if self.streaming {
            self.writer.flush_rows()
        } else {
            self.writer.flush()
        }
    }
}
