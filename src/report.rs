//! `--report FILE` (sync and export): one JSON object per profile per run appended to FILE, for
//! a cron job or a monitoring system that alerts on failures and trends without reading stderr.
//!
//! NOTE: each line goes out in one `write` on a file opened with `O_APPEND`: the kernel puts
//! every such write whole at the end of the file, so profiles running at once (`--jobs`) and
//! several processes sharing one FILE never interleave within a line.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

use crate::error::classify;

/// One profile's run.
#[derive(Debug, Default, Serialize)]
pub struct Entry {
    pub profile: String,
    pub vendor: String,
    #[serde(serialize_with = "utc")]
    pub started_at: DateTime<Utc>,
    #[serde(serialize_with = "utc")]
    pub ended_at: DateTime<Utc>,
    /// The window read; `null` ends when the run failed before it had one.
    pub window: Window,
    pub requests: u64,
    /// sync: the counts of `Counts` (`gone`: calls found deleted at the source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gone: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<u64>,
    /// export: the calls written, and those a previous `--since-last` run had written already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exported: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<u64>,
    /// sync into PostgreSQL: another process held the profile (`being synced elsewhere`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub elsewhere: bool,
    /// The error, secrets scrubbed, and the exit code it means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit: Option<u8>,
}

#[derive(Debug, Default, Serialize)]
pub struct Window {
    #[serde(serialize_with = "utc_opt")]
    pub from: Option<DateTime<Utc>>,
    #[serde(serialize_with = "utc_opt")]
    pub to: Option<DateTime<Utc>>,
}

fn utc<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

fn utc_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => utc(t, s),
        None => s.serialize_none(),
    }
}

impl Entry {
    /// Ends the entry: the end time, and the error and its exit code if the run failed.
    pub fn end(mut self, result: &Result<()>) -> Entry {
        self.ended_at = Utc::now();
        if let Err(e) = result {
            self.error = Some(crate::redact::scrub(&format!("{e:#}")));
            self.exit = Some(classify(e).0 as u8);
        }
        self
    }
}

/// FILE opened for appending, created mode 0600 if missing.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Appends `entry` to `path` as one line, in one write.
pub fn append(path: &Path, entry: &Entry) -> Result<()> {
    let mut line = serde_json::to_vec(entry).context("cannot encode the report")?;
    line.push(b'\n');
    let mut file =
        open(path).with_context(|| format!("--report: cannot open {}", path.display()))?;
    let n = file
        .write(&line)
        .with_context(|| format!("--report: cannot write to {}", path.display()))?;
    if n != line.len() {
        // NOTE: a short write (a full disk) would leave half a line that the next one joins:
        // said, never retried as a second write that could interleave with another writer's.
        anyhow::bail!(
            "--report: {} took {n} of a {}-byte line (is the disk full?)",
            path.display(),
            line.len()
        );
    }
    Ok(())
}

/// Checks before a run that FILE can be appended to (creating it), so that a typo in its
/// folder fails at once (exit 2), not after the run's work.
pub fn check(path: &Path) -> Result<()> {
    if path.is_dir() {
        return crate::error::usage(format!("--report: {} is a folder", path.display()));
    }
    open(path).map(drop).map_err(|e| {
        crate::error::Failure::usage(format!(
            "--report: cannot append to {}: {e}",
            path.display()
        ))
        .hint("give a file in a folder that exists and that you can write to")
        .into()
    })
}
