//! `calls export --follow`: the window, then a poll every `--every` of the last `--revisit`,
//! printing each new call once and each call again when it changed; memory bounded by what
//! started within the revisit window.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::call::Call;
use crate::cli::ExportArgs;
use crate::db::Row;
use crate::error::{usage, Failure};
use crate::http::Http;
use crate::output::{CallWriter, Format, Target};
use crate::pager::{Pager, Sink};
use crate::resolve::{self, Settings};
use crate::vendors::Backend;

pub async fn run(s: &Settings, args: &ExportArgs) -> Result<()> {
    let out = resolve::output(&args.list.output, s.tz)?;
    if !matches!(out.format, Format::Csv | Format::Ndjson) {
        return usage("--follow works with -o csv and -o ndjson (one line per call)");
    }
    if args.cron.since_last || args.cron.append || args.list.filters.limit.is_some() {
        return usage("--follow cannot be combined with --since-last, --append or --limit");
    }
    if out
        .path
        .as_deref()
        .and_then(crate::output::regular)
        .is_some()
    {
        return Err(Failure::usage(
            "--follow writes to stdout or a pipe, not a file that is replaced when complete",
        )
        .hint("calls export --follow >> FILE, or calls sync for a database")
        .into());
    }
    let parse = |flag: &str, w: &str| {
        crate::when::parse_duration(w).map_err(|e| Failure::usage(format!("{flag}: {e}")))
    };
    let every = super::sync::interval("--every", args.follow.every.as_deref().unwrap_or("30s"))?;
    let revisit = parse("--revisit", args.follow.revisit.as_deref().unwrap_or("2h"))?;
    let mut query = resolve::query(&args.list.filters, s, None, out.raw)?;
    let backend = Arc::new(Backend::new(&s.profile, Http::new(s.http.clone())?)?);
    let mut sink = Follow {
        writer: CallWriter::new(Target::open(out.path.as_deref())?, &out, true)?,
        seen: HashMap::new(),
        floor: query.to - revisit,
    };
    loop {
        let plan = backend.plan(&query)?;
        let pager = Pager {
            backend: backend.clone(),
            query: Arc::new(query.clone()),
            plan: &plan,
            concurrency: s.concurrency,
            progress: false,
        };
        pager.run(&mut sink).await?;
        sink.writer.flush()?;
        tokio::time::sleep(every.to_std().unwrap_or(std::time::Duration::from_secs(1))).await;
        let now = Utc::now();
        // The next window: the last --revisit, but never before the first window's start.
        query.from = (now - revisit).max(query.from);
        query.to = now;
        sink.floor = query.from;
        sink.seen.retain(|_, (started, _)| *started >= query.from);
    }
}

/// Prints a call the first time and again whenever its record changed.
struct Follow<W: std::io::Write> {
    writer: CallWriter<W>,
    /// Calls started within the revisit window: their start and a hash of what was printed.
    seen: HashMap<String, (DateTime<Utc>, i64)>,
    /// Calls older than this are printed but not remembered (they are not read again).
    floor: DateTime<Utc>,
}

impl<W: std::io::Write> Sink for Follow<W> {
    fn call(&mut self, call: &Call) -> Result<()> {
        let hash = Row::new(call).hash;
        if self.seen.get(&call.id).is_some_and(|(_, h)| *h == hash) {
            return Ok(());
        }
        if call.started_at >= self.floor {
            self.seen.insert(call.id.clone(), (call.started_at, hash));
        }
        self.writer.write(call)?;
        // One line at a time reaches the reader (`| while read`), whole.
        self.writer.flush()
    }
}
