//! `export --since-last`: what the last successful run of the same job exported, kept per
//! profile, filter set and destination in the OS data dir (or `--state FILE`), replaced
//! atomically and only after the output is complete and on disk.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Failure;
use crate::output::append::{Intent, Mark, Recorded};
use crate::query::Query;

/// The saved state of one export job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    /// What this state is for, in words (profile, vendor, filters, destination).
    pub job: String,
    /// The upper bound of the last run, pinned when it started; `None` while no run has
    /// completed (a first run that was appending when it was interrupted).
    pub upper: Option<DateTime<Utc>>,
    /// The newest `started_at` exported so far.
    pub newest: Option<DateTime<Utc>>,
    /// Calls exported within the lookback of `newest`: the next run skips them.
    pub recent: Vec<(String, DateTime<Utc>)>,
    /// The output file's length after the last append, to detect an append cut short.
    #[serde(default)]
    pub output_len: Option<u64>,
    /// The SHA-256 of the output file's last bytes then (`append::Mark`): a file someone else
    /// changed is refused, not cut.
    #[serde(default)]
    pub output_tail: Option<String>,
    /// Calls seen still in progress and held back: the next run reaches back to them and
    /// exports them once they have finished.
    #[serde(default)]
    pub pending: Vec<(String, DateTime<Utc>)>,
    /// An append to the output in flight, saved before its first byte is written: the next run
    /// cuts back exactly those bytes if it did not finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appending: Option<Intent>,
}

impl State {
    /// The state of a job no run of which has completed.
    fn blank(job: &str) -> State {
        State {
            version: 1,
            job: job.to_string(),
            upper: None,
            newest: None,
            recent: Vec::new(),
            output_len: None,
            output_tail: None,
            pending: Vec::new(),
            appending: None,
        }
    }
}

/// How long after its start a call still `in-progress` is held back for a later run; after that
/// it is exported as it stands (some vendors never close a record).
pub const HOLD_IN_PROGRESS: Duration = Duration::hours(2);

/// Tracks a run: which calls to skip, and what the next state will be.
#[derive(Debug)]
pub struct Run {
    pub path: PathBuf,
    pub job: String,
    pub lookback: Duration,
    /// The state the last successful run left (`None`: a first run).
    pub previous: Option<State>,
    /// The append an interrupted run of this job had begun (see `append::prepare`).
    pub interrupted: Option<Intent>,
    spool: PathBuf,
    skip: std::collections::HashSet<String>,
    newest: Option<DateTime<Utc>>,
    recent: Vec<(String, DateTime<Utc>)>,
    pending: Vec<(String, DateTime<Utc>)>,
    /// This run's upper bound.
    upper: Option<DateTime<Utc>>,
    /// Held for the whole run: two runs of one job at once would both export the same calls.
    _lock: Lock,
}

impl Run {
    /// Loads the state at `path` (none yet: a first run). A state written by another job is
    /// refused (exit 2): its window and its skipped ids are that job's, and reusing them would
    /// skip calls of this one. `legacy` is this job's key as states were keyed before
    /// [`crate::window::FilterSet`]; a state under it is this job's too.
    pub fn open(path: PathBuf, job: String, legacy: &str, lookback: Duration) -> Result<Run> {
        let lock = lock(&path)?;
        let mut previous = read(&path)?;
        if let Some(p) = previous.as_ref() {
            if p.job != job && p.job != legacy {
                return Err(Failure::usage(format!(
                    "the state file {} belongs to another job: it was written by {} (this job is {})",
                    path.display(),
                    p.job,
                    job
                ))
                .hint("give each job its own --state FILE (or leave --state out: each job then gets its own)")
                .into());
            }
        }
        let interrupted = previous.as_mut().and_then(|p| p.appending.take());
        let previous = previous.filter(|p| p.upper.is_some());
        let (newest, recent) = previous
            .as_ref()
            .map_or((None, Vec::new()), |p| (p.newest, p.recent.clone()));
        let spool = beside(&path, ".out");
        Ok(Run {
            path,
            job,
            lookback,
            previous,
            interrupted,
            spool,
            skip: Default::default(),
            newest,
            recent,
            pending: Vec::new(),
            upper: None,
            _lock: lock,
        })
    }

    /// Narrows the query to what is new: from the newest call exported minus the lookback (or
    /// the last upper bound when nothing was exported), but not before an explicit `--from`.
    /// It reaches further back to the oldest call the last run held back as still in progress.
    pub fn window(&mut self, q: &mut Query, explicit_from: bool) {
        self.upper = Some(q.to);
        let Some(prev) = &self.previous else { return };
        let last = crate::window::Mark {
            newest: prev.newest,
            upper: prev.upper,
            newest_modified: None,
        };
        let reach = prev.pending.iter().map(|(_, t)| *t).min();
        crate::window::resume(q, &last, self.lookback, explicit_from, reach);
        self.skip = prev
            .recent
            .iter()
            .filter(|(_, t)| *t >= q.from)
            .map(|(id, _)| id.clone())
            .collect();
    }

    /// True when this call was exported by the last run (the overlap).
    pub fn seen(&self, id: &str) -> bool {
        self.skip.contains(id)
    }

    /// Holds back a call still in progress that started within `HOLD_IN_PROGRESS` of the upper
    /// bound: it is not written now, and the next run reaches back to it. False: export it.
    pub fn hold(&mut self, id: &str, started_at: DateTime<Utc>) -> bool {
        let recent = self
            .upper
            .is_none_or(|upper| started_at >= upper - HOLD_IN_PROGRESS);
        if recent {
            self.pending.push((id.to_string(), started_at));
        }
        recent
    }

    /// Calls held back this run.
    pub fn held(&self) -> usize {
        self.pending.len()
    }

    /// The oldest start the next run will reach back to; exported calls from there on are
    /// remembered so that it skips them.
    fn floor(&self) -> Option<DateTime<Utc>> {
        let newest = self.newest.map(|n| n - self.lookback);
        self.pending.iter().map(|(_, t)| *t).chain(newest).min()
    }

    /// Notes an exported call. Memory stays bounded by the calls from the floor on. During the
    /// run the floor may still drop to a call held back later (pages come newest first), so
    /// everything within `HOLD_IN_PROGRESS` of the upper bound is kept until `save`.
    pub fn exported(&mut self, id: &str, started_at: DateTime<Utc>) {
        if self.newest.is_none_or(|n| started_at > n) {
            self.newest = Some(started_at);
        }
        let held_back_to = self.upper.map(|u| u - HOLD_IN_PROGRESS);
        let floor = self
            .floor()
            .into_iter()
            .chain(held_back_to)
            .min()
            .expect("newest is set");
        if started_at >= floor {
            self.recent.push((id.to_string(), started_at));
        }
        if self.recent.len() > 4096 {
            self.recent.retain(|(_, t)| *t >= floor);
        }
    }

    /// What the state says about the output file, for `append::prepare`.
    pub fn recorded(&self) -> Recorded<'_> {
        Recorded {
            mark: self.previous.as_ref().and_then(|p| {
                p.output_len.map(|len| Mark {
                    len,
                    tail: p.output_tail.clone(),
                })
            }),
            intent: self.interrupted.as_ref(),
            witness: Some(&self.spool),
        }
    }

    /// Where the run's output is collected before it is appended: `<state>.out`, one per job
    /// (the lock keeps it to one run at a time). A run killed while appending leaves it behind,
    /// and the next run compares it with what it finds after the file's recorded end.
    pub fn spool(&self) -> &Path {
        &self.spool
    }

    /// Records, before the first byte is appended, what is about to be: the last successful
    /// run's state, plus this append.
    pub fn begin_append(&self, intent: &Intent) -> Result<()> {
        let mut state = self.base();
        state.appending = Some(intent.clone());
        write(&self.path, &state)
    }

    /// Forgets an interrupted append once `append::prepare` has dealt with it.
    pub fn settle(&mut self) -> Result<()> {
        if self.interrupted.take().is_some() {
            write(&self.path, &self.base())?;
        }
        Ok(())
    }

    /// The state as the last successful run left it.
    fn base(&self) -> State {
        self.previous
            .clone()
            .unwrap_or_else(|| State::blank(&self.job))
    }

    /// Writes the new state atomically (temp file, fsync, rename). `output`: where this run's
    /// append left the file.
    pub fn save(mut self, upper: DateTime<Utc>, output: Option<Mark>) -> Result<()> {
        if let Some(floor) = self.floor() {
            self.recent.retain(|(_, t)| *t >= floor);
            self.recent.sort();
            self.recent.dedup();
        }
        let (output_len, output_tail) = output.map_or((None, None), |m| (Some(m.len), m.tail));
        // NOTE: a run with an older --to never moves the stored position back.
        let upper = self
            .previous
            .as_ref()
            .and_then(|p| p.upper)
            .map_or(upper, |p| p.max(upper));
        let state = State {
            version: 1,
            job: std::mem::take(&mut self.job),
            upper: Some(upper),
            newest: self.newest,
            recent: std::mem::take(&mut self.recent),
            output_len,
            output_tail,
            pending: std::mem::take(&mut self.pending),
            appending: None,
        };
        write(&self.path, &state).with_context(|| {
            format!(
                "the output is complete, but the state {} could not be saved",
                self.path.display()
            )
        })
    }
}

/// The state at `path`, `None` when there is none yet.
fn read(path: &Path) -> Result<Option<State>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice::<State>(&bytes).map_err(|e| {
            Failure::new(crate::error::Exit::Failed, format!("the state file {} is damaged: {e}", path.display()))
                .hint("move it away to start over from --from (calls already exported may then be exported again)")
        })?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read the state file {}", path.display())),
    }
}

/// Carries a job's state over from where an earlier `calls` kept it (`legacy`, its file under
/// the old key) to `path`, once: when `path` has none and the old file is this job's. Its staged
/// output (`.out`) moves with it, so an interrupted append is still repaired.
pub fn adopt(path: &Path, legacy: &Path, legacy_job: &str) -> Result<()> {
    if path == legacy || path.exists() || !legacy.exists() {
        return Ok(());
    }
    let _held = lock(legacy)?;
    let Some(old) = read(legacy)? else {
        return Ok(());
    };
    if old.job != legacy_job {
        return Ok(());
    }
    let spool = beside(legacy, ".out");
    if spool.exists() {
        std::fs::rename(&spool, beside(path, ".out"))
            .with_context(|| format!("cannot move {}", spool.display()))?;
    }
    std::fs::rename(legacy, path).with_context(|| {
        format!(
            "cannot move the state {} to {}",
            legacy.display(),
            path.display()
        )
    })?;
    crate::term::debug(&format!(
        "state: carried over {} to {}",
        legacy.display(),
        path.display()
    ));
    Ok(())
}

/// `<state><suffix>`
fn beside(state: &Path, suffix: &str) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Replaces the state file atomically: a temporary file beside it, synced, renamed, and the
/// folder synced so that the rename itself survives a power cut.
fn write(path: &Path, state: &State) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = crate::output::temp_file(dir, path)?;
    serde_json::to_writer_pretty(&mut tmp, state)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write the state {}", path.display()))?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `<state>.lock`, held for a run: private (0600), and gone from the folder when released, so
/// that one lock file does not stay behind per job.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// Closed after the path is removed (fields drop after `drop` ran).
    _file: std::fs::File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // NOTE: removed while still held, then unlocked by the close: a run that opened this
        // file meanwhile either fails to take it (a run is still going, as it was) or takes it
        // after the close and then sees that the path no longer names it (see `lock`).
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Takes `<state>.lock` for the run (released when the run ends, and by the system when the
/// process ends, however it ends). NOTE: a lock file is removed by the run that releases it, so
/// the file a run opened may have been removed (and another made in its place) before its lock
/// took: the lock counts only when the path still names the file locked, else it is taken
/// again on the new file. Two runs never both hold one job's lock.
fn lock(state: &Path) -> Result<Lock> {
    let path = beside(state, ".lock");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    loop {
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Failure::new(
                    crate::error::Exit::Failed,
                    format!(
                        "another run of this export is still going (it holds {})",
                        path.display()
                    ),
                )
                .hint("let it finish; a cron job can skip overlapping runs with flock -n")
                .into())
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
        if names(&path, &file) {
            return Ok(Lock { path, _file: file });
        }
    }
}

/// True when `path` still is `file` (not removed, nor replaced by another file).
fn names(path: &Path, file: &std::fs::File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(path), file.metadata()) {
            (Ok(named), Ok(held)) => (named.dev(), named.ino()) == (held.dev(), held.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// The default state file: `<data dir>/state/<profile>-<hash of the job>.json`.
pub fn default_path(profile: &str, job: &str) -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "calls").ok_or_else(|| {
        Failure::usage("cannot find a data directory (no HOME?)").hint("pass --state FILE")
    })?;
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(dirs
        .data_dir()
        .join("state")
        .join(format!("{safe}-{:016x}.json", fnv1a(job.as_bytes()))))
}

/// A stable 64-bit hash (FNV-1a): the same job maps to the same file on every run and build.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_next_window_starts_a_lookback_before_the_newest_call() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut run = Run::open(path.clone(), "job".into(), "", Duration::minutes(10)).unwrap();
        for (id, t) in [
            ("a", "2025-01-01T10:00:00Z"),
            ("b", "2025-01-01T09:55:00Z"),
            ("c", "2025-01-01T09:00:00Z"),
        ] {
            run.exported(id, at(t));
        }
        run.save(at("2025-01-01T10:30:00Z"), None).unwrap();

        let mut q = Query::everything(chrono_tz::Tz::UTC, 10);
        let mut next = Run::open(path, "job".into(), "", Duration::minutes(10)).unwrap();
        next.window(&mut q, false);
        assert_eq!(q.from, at("2025-01-01T09:50:00Z"));
        assert!(next.seen("a") && next.seen("b") && !next.seen("c"));
        let prev = next.previous.as_ref().unwrap();
        assert_eq!(
            prev.recent
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>(),
            vec!["a", "b"]
        );
        // An explicit --from later than the resume point wins.
        let mut q2 = Query {
            from: at("2025-01-01T09:58:00Z"),
            ..q.clone()
        };
        next.window(&mut q2, true);
        assert_eq!(q2.from, at("2025-01-01T09:58:00Z"));
    }

    /// Newest first: 10:00, 09:55, 09:30, then 09:20 still in progress, then 09:10. The next run
    /// reaches back to 09:20 and must skip 09:30, although the lookback alone would have
    /// forgotten it before 09:20 was seen.
    #[test]
    fn a_call_held_in_progress_pulls_the_next_window_back_without_repeating_calls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut q = Query::everything(chrono_tz::Tz::UTC, 10);
        q.to = at("2025-01-01T10:30:00Z");
        let mut run = Run::open(path.clone(), "job".into(), "", Duration::minutes(10)).unwrap();
        run.window(&mut q, false);
        for (id, t) in [
            ("a", "2025-01-01T10:00:00Z"),
            ("b", "2025-01-01T09:55:00Z"),
            ("c", "2025-01-01T09:30:00Z"),
        ] {
            run.exported(id, at(t));
        }
        assert!(run.hold("live", at("2025-01-01T09:20:00Z")));
        run.exported("d", at("2025-01-01T09:10:00Z"));
        // Too old to wait for: exported as it stands.
        assert!(!run.hold("stale", at("2025-01-01T08:00:00Z")));
        assert_eq!(run.held(), 1);
        run.save(q.to, None).unwrap();

        let mut next = Run::open(path, "job".into(), "", Duration::minutes(10)).unwrap();
        let mut q2 = Query::everything(chrono_tz::Tz::UTC, 10);
        next.window(&mut q2, false);
        assert_eq!(q2.from, at("2025-01-01T09:20:00Z"));
        assert!(next.seen("a") && next.seen("b") && next.seen("c"));
        assert!(!next.seen("live") && !next.seen("d"));
    }

    #[test]
    fn a_run_without_calls_resumes_from_the_last_upper_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        Run::open(path.clone(), "j".into(), "", Duration::minutes(10))
            .unwrap()
            .save(
                at("2025-01-01T10:30:00Z"),
                Some(Mark { len: 7, tail: None }),
            )
            .unwrap();
        let mut next = Run::open(path, "j".into(), "", Duration::minutes(10)).unwrap();
        let mut q = Query::everything(chrono_tz::Tz::UTC, 10);
        next.window(&mut q, false);
        assert_eq!(q.from, at("2025-01-01T10:20:00Z"));
        assert_eq!(next.previous.unwrap().output_len, Some(7));
    }

    #[test]
    fn a_damaged_state_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "{not json").unwrap();
        let err = Run::open(path, "j".into(), "", Duration::minutes(10)).unwrap_err();
        assert!(format!("{err:#}").contains("is damaged"), "{err:#}");
    }

    #[test]
    fn one_run_of_a_job_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let first = Run::open(path.clone(), "j".into(), "", Duration::minutes(10)).unwrap();
        let err = Run::open(path.clone(), "j".into(), "", Duration::minutes(10)).unwrap_err();
        assert!(
            format!("{err:#}").starts_with("another run of this export is still going"),
            "{err:#}"
        );
        // Private while held, and gone once released: lock files do not pile up.
        let lock_file = dir.path().join("s.json.lock");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&lock_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(first);
        assert!(
            !lock_file.exists(),
            "the lock file is removed when released"
        );
        let again = Run::open(path, "j".into(), "", Duration::minutes(10)).unwrap();
        assert!(lock_file.exists());
        drop(again);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// Runs that take and release one job's lock as fast as they can, from many threads: a
    /// lock file removed on release never lets two of them hold the lock at once (one that
    /// opened the removed file takes a lock on a file no longer at the path, and tries again).
    #[test]
    fn a_removed_lock_file_never_lets_two_runs_hold_the_lock() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s.json");
        let holders = AtomicUsize::new(0);
        let taken = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..300 {
                        let Ok(held) = lock(&state) else { continue };
                        assert_eq!(holders.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                        taken.fetch_add(1, Ordering::SeqCst);
                        std::thread::yield_now();
                        holders.fetch_sub(1, Ordering::SeqCst);
                        drop(held);
                    }
                });
            }
        });
        assert!(taken.load(Ordering::SeqCst) > 0);
        assert!(!dir.path().join("s.json.lock").exists());
    }

    #[test]
    fn a_state_of_another_job_is_refused_and_one_under_the_old_key_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let first = Run::open(path.clone(), "old key".into(), "", Duration::minutes(10)).unwrap();
        first.save(at("2025-01-01T10:30:00Z"), None).unwrap();
        let err = Run::open(
            path.clone(),
            "new key".into(),
            "other",
            Duration::minutes(10),
        )
        .unwrap_err();
        let (code, _) = crate::error::classify(&err);
        assert_eq!(code, crate::error::Exit::Usage);
        assert!(
            format!("{err:#}").ends_with(
                "belongs to another job: it was written by old key (this job is new key)"
            ),
            "{err:#}"
        );
        // This job's key as it was before: the state is its own, and is saved under the new one.
        let run = Run::open(
            path.clone(),
            "new key".into(),
            "old key",
            Duration::minutes(10),
        )
        .unwrap();
        assert_eq!(
            run.previous.as_ref().unwrap().upper,
            Some(at("2025-01-01T10:30:00Z"))
        );
        // An older --to never moves the stored position back.
        run.save(at("2025-01-01T08:00:00Z"), None).unwrap();
        let saved: State = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            (saved.job.as_str(), saved.upper),
            ("new key", Some(at("2025-01-01T10:30:00Z")))
        );
    }

    #[test]
    fn a_state_under_the_old_key_is_carried_over_once_with_its_staged_output() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
        Run::open(old.clone(), "legacy".into(), "", Duration::minutes(10))
            .unwrap()
            .save(at("2025-01-01T10:30:00Z"), None)
            .unwrap();
        std::fs::write(beside(&old, ".out"), "staged").unwrap();
        // Another job's old state is left alone.
        adopt(&new, &old, "someone else").unwrap();
        assert!(old.exists() && !new.exists());
        adopt(&new, &old, "legacy").unwrap();
        assert!(!old.exists() && new.exists());
        assert_eq!(
            std::fs::read_to_string(beside(&new, ".out")).unwrap(),
            "staged"
        );
        let run = Run::open(
            new.clone(),
            "current".into(),
            "legacy",
            Duration::minutes(10),
        )
        .unwrap();
        assert_eq!(
            run.previous.as_ref().unwrap().upper,
            Some(at("2025-01-01T10:30:00Z"))
        );
        drop(run);
        // Once there is a state under the new key, an old one is never taken over it.
        Run::open(old.clone(), "legacy".into(), "", Duration::minutes(10))
            .unwrap()
            .save(at("2024-01-01T00:00:00Z"), None)
            .unwrap();
        adopt(&new, &old, "legacy").unwrap();
        assert!(old.exists());
    }

    #[test]
    fn state_names_are_stable() {
        assert_eq!(fnv1a(b"abc"), 0xe71f_a219_0541_574b);
    }
}
