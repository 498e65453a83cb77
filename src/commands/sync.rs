//! `calls sync`: every call of each profile's window upserted into a database, one batch per
//! transaction, the profile's state advanced with its last batch; `--every` runs it in a loop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::call::Call;
use crate::cli::{Global, SyncArgs};
use crate::db::{self, Advance, Dest, Writer};
use crate::error::{classify, usage, Exit, Failure};
use crate::http::Http;
use crate::pager::{Pager, Sink};
use crate::resolve::{self, Settings};
use crate::sandbox::Sandbox;
use crate::term;
use crate::term::thousands;
use crate::types::Vendor;
use crate::vendors::Backend;
use crate::window;

static IDLE: AtomicBool = AtomicBool::new(false);

/// True while `sync --every` waits between runs: a signal then ends it with exit 0.
pub fn idle() -> bool {
    IDLE.load(Ordering::SeqCst)
}

pub async fn run(global: &Global, args: &SyncArgs, sandbox: Option<&Sandbox>) -> Result<()> {
    if args.filters.limit.is_some() {
        return usage("sync stores every call of the window: --limit does not apply");
    }
    if args.all_profiles && !global.profile.is_empty() {
        return usage("pass either -p NAME... or --all-profiles");
    }
    // The first round begins with the command, before the database is opened: processes
    // started together then all begin before any of them syncs a profile.
    let begun = Utc::now();
    let revisit = resolve::duration("--revisit", &args.revisit)?;
    let every = args
        .every
        .as_deref()
        .map(|w| resolve::interval("--every", w))
        .transpose()?;
    let cfg = if sandbox.is_some() && args.dest.is_some() {
        None
    } else {
        let path = resolve::config_path(global)?;
        crate::config::load(&path)?
    };
    let dest = match (&args.dest, cfg.as_ref().and_then(|c| c.database.as_ref())) {
        (Some(d), _) | (None, Some(d)) => Dest::parse(d)?,
        (None, None) => return Err(Failure::usage(
            "no DEST given and the config sets no database",
        )
        .hint("pass a path such as calls.db, or set database = \"calls.db\" in the config")
        .into()),
    };
    // Which profiles: `None` is the default one (or --vendor alone).
    let names: Vec<Option<String>> = if args.all_profiles {
        match (sandbox, &cfg) {
            (Some(_), _) => Vendor::ALL
                .iter()
                .map(|v| Some(v.id().to_string()))
                .collect(),
            (None, Some(cfg)) if !cfg.profiles.is_empty() => {
                cfg.profiles.keys().cloned().map(Some).collect()
            }
            (None, _) => return usage("--all-profiles: the config has no profiles"),
        }
    } else if global.profile.is_empty() {
        vec![None]
    } else {
        let mut names: Vec<Option<String>> = Vec::new();
        for p in &global.profile {
            if !names.iter().any(|n| n.as_deref() == Some(p)) {
                names.push(Some(p.clone()));
            }
        }
        names
    };
    if let Some(path) = &args.report {
        crate::report::check(path)?;
    }
    // NOTE: one database thread (and connection) per profile syncing at once, each with its own
    // bounded queue: PostgreSQL takes each profile on its own sessions; SQLite's connections
    // take turns at its one writer (each batch is one short IMMEDIATE transaction, waited for
    // under the busy timeout), while the profiles' pages are fetched side by side. Opened one
    // after another, so that only the first creates or migrates the schema.
    let jobs = usize::from(args.jobs).min(names.len()).max(1);
    let mut pool = Vec::with_capacity(jobs);
    for _ in 0..jobs {
        // NOTE: each lives on its own thread for the whole command; a signal drops this future
        // and with it the writers, and nothing waits for the threads (see db/writer.rs).
        pool.push(tokio::sync::Mutex::new(Writer::open(&dest).await?));
    }
    let close = |pool: Vec<tokio::sync::Mutex<Writer>>| async move {
        for writer in pool {
            writer.into_inner().close().await;
        }
    };
    let mut run = Run {
        since: begun,
        global,
        args,
        sandbox,
        dest: &dest,
        pool: &pool,
        revisit,
    };
    loop {
        let stamp = every.map(|_| {
            format!(
                "{} ",
                Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )
        });
        let result = run.round(&names, stamp.as_deref().unwrap_or("")).await;
        let Some(every) = every else {
            close(pool).await;
            return result;
        };
        if let Err(e) = result {
            let (code, _) = classify(&e);
            if code == Exit::Usage {
                close(pool).await;
                return Err(e);
            }
            term::error(&crate::redact::scrub(&format!("{e:#}")));
        }
        IDLE.store(true, Ordering::SeqCst);
        tokio::time::sleep(every.to_std().unwrap_or(std::time::Duration::from_secs(1))).await;
        IDLE.store(false, Ordering::SeqCst);
        run.since = Utc::now();
    }
}

/// What every profile's sync of one command shares.
struct Run<'a> {
    global: &'a Global,
    args: &'a SyncArgs,
    sandbox: Option<&'a Sandbox>,
    dest: &'a Dest,
    /// One database thread per profile syncing at once (`--jobs`).
    pool: &'a [tokio::sync::Mutex<Writer>],
    revisit: chrono::Duration,
    /// When this round began.
    since: DateTime<Utc>,
}

impl Run<'_> {
    /// One sync of every profile, up to `--jobs` at once: each its own state; a failing one
    /// does not stop the others. `stamp` starts each summary line (the time, with `--every`).
    async fn round(&self, names: &[Option<String>], stamp: &str) -> Result<()> {
        use futures_util::StreamExt;
        let results: Vec<(String, Result<()>)> = futures_util::stream::iter(names)
            .map(|name| self.profile(name, names.len(), stamp))
            .buffered(self.pool.len())
            .collect()
            .await;
        let mut failed: Vec<(String, anyhow::Error)> = Vec::new();
        for (label, result) in results {
            if let Err(e) = result {
                if names.len() == 1 {
                    return Err(e);
                }
                failed.push((label, e));
            }
        }
        if failed.is_empty() {
            return Ok(());
        }
        let all = failed.len() == names.len();
        let message = failed
            .iter()
            .map(|(name, e)| format!("{name}: {e:#}"))
            .collect::<Vec<_>>()
            .join("; ");
        let done = names.len() - failed.len();
        Err(Failure::new(
            if all {
                classify(&failed[0].1).0
            } else {
                Exit::Partial
            },
            format!(
                "sync failed for {} of {} ({done} done): {message}",
                failed.len(),
                crate::term::count(names.len() as u64, "profile", "profiles")
            ),
        )
        .hint("the profiles that failed keep their state: the next run retries them")
        .into())
    }

    /// One profile's sync on a free database thread, and its `--report` line.
    async fn profile(
        &self,
        name: &Option<String>,
        profiles: usize,
        stamp: &str,
    ) -> (String, Result<()>) {
        let label = name
            .as_deref()
            .map_or_else(|| "-".into(), |n| term::printable(n).into_owned());
        let mut entry = crate::report::Entry {
            profile: name.clone().unwrap_or_default(),
            started_at: Utc::now(),
            ..Default::default()
        };
        let result = async {
            let mut profile = match (self.sandbox, name) {
                // With --sandbox, --all-profiles names the vendors.
                (Some(sb), Some(n)) if self.global.profile.is_empty() => sb.profile(
                    Vendor::ALL
                        .into_iter()
                        .find(|v| v.id() == n)
                        .ok_or_else(|| Failure::usage(format!("no vendor {n}")))?,
                ),
                _ => resolve::profile_named(self.global, name.as_deref(), self.sandbox)?,
            };
            // NOTE: with --sandbox the profile column is the sandbox profile's name: the
            // vendor id, and `famulor-v1` for a second API, whose ids are not the first's
            // (one column for both would take either's calls for deleted by the other).
            if profile.sandbox {
                profile.name = profile
                    .api
                    .as_ref()
                    .map(|api| format!("{}-{api}", profile.vendor.id()));
            }
            let mut s = resolve::settings(self.global, profile)?;
            // NOTE: one progress bar is one profile's; profiles side by side would fight
            // over it.
            if profiles > 1 && self.pool.len() > 1 {
                s.progress = false;
            }
            let database = take(self.pool).await;
            one(&s, self, &database, &mut entry, stamp).await
        }
        .await;
        if let Some(path) = &self.args.report {
            let entry = entry.end(&result);
            if let Err(e) = crate::report::append(path, &entry) {
                return (label, result.and(Err(e)));
            }
        }
        (label, result)
    }
}

/// A database thread no profile is using. NOTE: with at most as many profiles at once as
/// threads (`buffered(pool.len())`) one is always free; waiting for the first is right anyway.
async fn take(pool: &[tokio::sync::Mutex<Writer>]) -> tokio::sync::MutexGuard<'_, Writer> {
    for writer in pool {
        if let Ok(guard) = writer.try_lock() {
            return guard;
        }
    }
    pool[0].lock().await
}

/// Syncs one profile: its lock taken on the database's thread, and released there before the
/// summary is printed, however the run ends.
async fn one(
    s: &Settings,
    run: &Run<'_>,
    database: &Writer,
    entry: &mut crate::report::Entry,
    stamp: &str,
) -> Result<()> {
    let (args, dest, revisit) = (run.args, run.dest, run.revisit);
    // The profile column: the profile's name; the vendor id with --vendor or --sandbox.
    let profile = s
        .profile
        .name
        .clone()
        .unwrap_or_else(|| s.profile.vendor.id().to_string());
    entry.profile.clone_from(&profile);
    entry.vendor = s.profile.vendor.id().to_string();
    // NOTE: a profile's name is the user's and may hold a newline or an escape sequence:
    // every message shows it escaped (the database stores it as it is).
    let shown = term::printable(&profile).into_owned();
    let query = resolve::query(&args.filters, s, None, true)?;
    entry.window.from = Some(query.from);
    entry.window.to = Some(query.to);
    let filters = window::filter_set(s, &query);
    let started = Instant::now();
    let now = Utc::now();
    if let Err(e) = database.begin(&profile, now).await {
        // NOTE: SPEC (sync): processes sharing one PostgreSQL database share the profiles; one
        // that another holds is theirs this round, not a failure.
        if e.downcast_ref::<db::Elsewhere>().is_some() {
            entry.elsewhere = true;
            if !s.quiet {
                term::log(&format!("{stamp}{shown}: being synced elsewhere, skipped"));
            }
            return Ok(());
        }
        return Err(e);
    }
    // NOTE: ... and one that another process began to sync after this round began is theirs
    // too: processes started together (within the time it takes one to open the database and
    // start a profile) then sync each profile once per round, not once more each when one of
    // them comes to it after another finished it (the lock alone cannot tell).
    if matches!(dest, Dest::Postgres(_)) {
        let synced = database
            .resume(&filters)
            .await
            .map(|p| p.and_then(|p| p.synced_at).is_some_and(|t| t >= run.since));
        if !matches!(synced, Ok(false)) {
            database.release().await?;
        }
        if synced? {
            entry.elsewhere = true;
            if !s.quiet {
                term::log(&format!(
                    "{stamp}{shown}: synced elsewhere this round, skipped"
                ));
            }
            return Ok(());
        }
    }
    db::note_stored(&profile, &db::Counts::default());
    let http = Http::new(s.http.clone())?;
    let read = read(
        s, args, dest, database, &profile, &filters, &query, revisit, &http, now,
    )
    .await;
    entry.requests = http.requests();
    let store = match read {
        Ok(store) => store,
        Err(e) => {
            // A batch that failed is the cause (the sink only saw that it did); else the
            // vendor's error, or ours.
            let released = database.release().await;
            // After the release: every batch sent before it has been written by then.
            crate::stop::forget(&profile);
            released?;
            return Err(e);
        }
    };
    // NOTE: the stored position never moves back: a run of an older window (`--from ...
    // --to ...`, `--full`) keeps what later ones reached.
    let previous = store.previous.as_ref();
    let newest = store.newest.max(previous.and_then(|p| p.newest));
    let newest_modified = store
        .newest_modified
        .max(previous.and_then(|p| p.newest_modified));
    let before = previous.map(|p| (covered_from(p), p.upper));
    let (covered_from, upper) = window::cover(before, store.read_from, query.to);
    let counts = database
        .finish(
            store.batch,
            Advance {
                filters,
                newest,
                upper,
                newest_modified,
                covered_from,
                sweep: store
                    .sweep
                    .filter(|s| !s.windows.is_empty())
                    .map(|s| Arc::new(s.settle())),
            },
        )
        .await;
    crate::stop::forget(&profile);
    let counts = counts?;
    entry.new = Some(counts.new);
    entry.changed = Some(counts.changed);
    entry.gone = Some(counts.gone);
    entry.unchanged = Some(counts.unchanged);
    if s.http.verbose > 0 {
        let n = http.requests();
        let plural = if n == 1 { "" } else { "s" };
        term::log(&format!("{stamp}{shown}: {} request{plural}", thousands(n)));
    }
    if !s.quiet {
        term::log(&format!(
            "{stamp}{shown}: {} new, {} changed, {} gone, {} unchanged ({:.1} s)",
            thousands(counts.new),
            thousands(counts.changed),
            thousands(counts.gone),
            thousands(counts.unchanged),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}

/// Reads what `window::reads` says of the profile's window, handing full batches to the
/// database's thread: the sink with the last calls (less than a batch), for [`Writer::finish`].
#[allow(clippy::too_many_arguments)]
async fn read(
    s: &Settings,
    args: &SyncArgs,
    dest: &Dest,
    database: &Writer,
    profile: &str,
    filters: &str,
    query: &crate::query::Query,
    revisit: chrono::Duration,
    http: &Http,
    now: DateTime<Utc>,
) -> Result<Store> {
    let previous = database.resume(filters).await?;
    let last = previous
        .as_ref()
        .filter(|_| !args.full)
        .map(|p| window::Mark {
            newest: p.newest,
            upper: Some(p.upper),
            newest_modified: p.newest_modified,
        });
    let backend = Arc::new(Backend::new(&s.profile, http.clone())?);
    let reads = window::reads(
        query,
        &window::Since {
            last: last.as_ref(),
            revisit,
            explicit_from: args.filters.from.is_some(),
            by_modification: backend.traits().lists_by_modification,
            oldest: previous.as_ref().and_then(|p| p.oldest),
            covered_from: previous.as_ref().map(covered_from),
        },
    );
    let mut store = Store {
        batches: database.batches(),
        batch: Vec::with_capacity(db::BATCH),
        newest: last.as_ref().and_then(|l| l.newest),
        newest_modified: last.as_ref().and_then(|l| l.newest_modified),
        now,
        read_from: window::read_whole_from(&reads).unwrap_or(query.to),
        previous: previous.clone(),
        shown: term::printable(profile).into_owned(),
        // NOTE: a filtered run cannot tell a deleted call from one that stopped matching.
        sweep: (!query.narrowed()).then(db::Sweep::default),
    };
    for read in reads.iter().filter(|r| r.query.from < r.query.to) {
        let plan = backend.plan(&read.query)?;
        if s.http.verbose > 0 {
            let z = crate::when::Zone::Tz(read.query.tz);
            let since = read
                .query
                .modified_since
                .map(|m| format!(", modified since {}", crate::when::time(m, z, false)))
                .unwrap_or_default();
            term::log(&format!(
                "{}: {} .. {}{since} into {dest} ({}); {}",
                store.shown,
                crate::when::time(read.query.from, z, false),
                crate::when::time(read.query.to, z, false),
                read.kind.describe(),
                plan.describe()
            ));
        }
        let pager = Pager {
            backend: backend.clone(),
            query: Arc::new(read.query.clone()),
            plan: &plan,
            concurrency: s.concurrency,
            progress: s.progress,
        };
        let stats = pager.run(&mut store).await?;
        if let Some(sweep) = store.sweep.as_mut() {
            if stats.complete && !read.query.narrowed() {
                sweep.read_whole(read.query.from, read.query.to);
            } else if s.http.verbose > 0 {
                term::log(&format!(
                    "{}: {} .. {} not read whole by the vendor's count: no call in it is taken \
                     for deleted",
                    store.shown,
                    db::time(read.query.from),
                    db::time(read.query.to)
                ));
            }
        }
    }
    // NOTE: a run the vendor listed no call at all marks nothing: an empty answer is more
    // often the vendor's fault (another account behind the token, an outage answering `[]`)
    // than every call deleted.
    if let Some(sweep) = store.sweep.as_mut().filter(|s| s.saw_none()) {
        if !sweep.windows.is_empty() && s.http.verbose > 0 {
            term::log(&format!(
                "{}: the vendor listed no call at all: no call is taken for deleted",
                store.shown
            ));
        }
        sweep.windows.clear();
    }
    Ok(store)
}

/// Where the window a job's earlier runs read completely begins. NOTE: a state written before
/// `calls` kept it says nothing: the oldest call stored stands in (else its window's end, so
/// the whole of a later window counts as never read).
fn covered_from(p: &db::Resume) -> DateTime<Utc> {
    p.covered_from.or(p.oldest).unwrap_or(p.upper)
}

/// The pager's sink: calls gathered into batches, each handed to the database's thread, which
/// writes it in its own transaction while the next ones are fetched.
struct Store {
    /// Where this run reads the window whole from.
    read_from: DateTime<Utc>,
    /// The state the run started from (also with `--full`).
    previous: Option<db::Resume>,
    batches: db::writer::Batches,
    batch: Vec<db::Row>,
    newest: Option<DateTime<Utc>>,
    /// The newest modification time the vendor gave, where it gives one.
    newest_modified: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    /// The profile's name as messages show it.
    shown: String,
    /// What the run can tell of deletes at the source: `None` for a filtered run.
    sweep: Option<db::Sweep>,
}

impl Sink for Store {
    fn arrived(&mut self, id: &str) {
        if let Some(sweep) = self.sweep.as_mut() {
            sweep.see(id);
        }
    }

    fn call(&mut self, call: Call) -> Result<()> {
        self.newest = Some(
            self.newest
                .map_or(call.started_at, |n| n.max(call.started_at)),
        );
        self.newest_modified = window::newest_modified(self.newest_modified, &call, self.now);
        let row = self.batches.row(call);
        if row.mended {
            term::debug(&format!(
                "{}: call {}: text the database cannot store as given (a NUL, a lone \
                 surrogate) stored with U+FFFD in its place",
                self.shown,
                term::printable(row.id())
            ));
        }
        self.batch.push(row);
        if self.batch.len() >= db::BATCH {
            let full = std::mem::replace(&mut self.batch, Vec::with_capacity(db::BATCH));
            self.batches.send(full)?;
        }
        Ok(())
    }
}
