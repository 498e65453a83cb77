//! `--append`: a run's output goes to the end of the file, and no byte the job did not write is
//! ever removed or rewritten. What the job left in the file (its length and a hash of its last
//! bytes) and an append in flight (recorded before its first byte is written) live in the job's
//! state; the file is checked against them before a run starts and again before it appends.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Exit, Failure};

/// How much of the end of the file a `Mark` hashes.
// NOTE: the last 64 KiB rather than the whole file: a cron job runs every few minutes on a file
// that only grows, and an editor or another writer changes the end of it (or its length).
pub const TAIL: u64 = 64 * 1024;

/// Where a job left its output file: the length, and the SHA-256 of the bytes before it (the
/// last `TAIL` of them). `tail` is `None` in states written before it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub len: u64,
    pub tail: Option<String>,
}

/// An append in flight: saved in the job's state before the first byte is written, so that the
/// next run can tell the bytes of its own interrupted run from anyone else's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// Where the file stood when the append began.
    pub at: Mark,
    /// How many bytes were being appended, and their SHA-256.
    pub len: u64,
    pub sha256: String,
}

/// What the job's state says about the file.
#[derive(Debug, Default)]
pub struct Recorded<'a> {
    /// Where the last complete run left it (`None`: no run appended yet).
    pub mark: Option<Mark>,
    /// The append an interrupted run had begun.
    pub intent: Option<&'a Intent>,
    /// That run's spool (the bytes it was appending), when it is still there.
    pub witness: Option<&'a Path>,
}

/// The outcome of `prepare` for a regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The file as this run found it (after a repair): the append must find it so again.
    pub mark: Mark,
    /// The file is empty (or missing): a CSV header is owed.
    pub empty: bool,
    /// Bytes of this job's interrupted append that were cut back.
    pub removed: u64,
}

/// Checks a regular file (or a missing one) before a run appends to it: an append this job had
/// begun and did not finish is cut back to where it began; anything else that differs from what
/// the job recorded, or a last line without its newline, is refused with exit 1.
pub fn prepare(path: &Path, job: &Recorded) -> Result<Start> {
    let mut file = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(f) => f,
        // A new file, or one moved away (rotated): nothing in it to protect.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Start {
                mark: mark(&mut io::Cursor::new([0u8; 0]), 0)?,
                empty: true,
                removed: 0,
            })
        }
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    // Another job appending to the same file waits for this check (and the other way round).
    lock(&file, path)?;
    let shown = path.display().to_string();
    let mut removed = 0;
    let expected = match job.intent {
        Some(intent) => {
            removed = recover(&mut file, &shown, intent, job.witness)?;
            Some(&intent.at)
        }
        None => job.mark.as_ref(),
    };
    let len = file.metadata()?.len();
    if let Some(exp) = expected {
        // Emptied or rotated since: nothing of anyone's is at stake.
        if len != 0 {
            check(&mut file, &shown, exp, len)?;
        }
    }
    refuse_partial_line(&mut file, &shown, len)?;
    Ok(Start {
        mark: mark(&mut file, len)?,
        empty: len == 0,
        removed,
    })
}

/// Appends `spool` to the file under its lock, after checking that the file is still as `start`
/// found it, and after `intent` has recorded what is about to be appended. On a failure the file
/// is cut back to where it was. Returns where the file now ends.
pub fn append(
    spool: &mut File,
    path: &Path,
    start: &Mark,
    intent: impl FnOnce(&Intent) -> Result<()>,
) -> Result<Mark> {
    let shown = path.display().to_string();
    spool.sync_all().context("cannot sync the output")?;
    let n = spool.metadata()?.len();
    let mut dst = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("cannot open {shown}"))?;
    lock(&dst, path)?;
    let len = dst.metadata()?.len();
    let now = mark(&mut dst, len)?;
    if now != *start {
        return Err(changed(&shown, start.len, len, "during this run").into());
    }
    if n == 0 {
        return Ok(now);
    }
    spool.seek(SeekFrom::Start(0))?;
    let sha256 = hash(&mut *spool, n)?;
    intent(&Intent {
        at: start.clone(),
        len: n,
        sha256,
    })?;
    spool.seek(SeekFrom::Start(0))?;
    dst.seek(SeekFrom::Start(len))?;
    let copied = io::copy(&mut Read::take(&mut *spool, n), &mut dst).and_then(|c| {
        dst.sync_all()?;
        Ok(c)
    });
    match copied {
        Ok(c) if c == n => {
            if len == 0 {
                sync_dir(path);
            }
            Ok(mark(&mut dst, len + n)?)
        }
        other => {
            // Leave the file as it was; the intent lets the next run finish the job if this fails.
            let undo = dst.set_len(len).and_then(|_| dst.sync_all());
            let e = match other {
                Err(e) => anyhow::Error::new(e),
                Ok(c) => anyhow::anyhow!("only {c} of {n} bytes were written"),
            };
            let e = e.context(format!("cannot append to {shown}"));
            Err(match undo {
                Ok(()) => e,
                Err(u) => e.context(format!(
                    "and cutting {shown} back to {len} bytes failed too ({u}); the next run repairs it"
                )),
            })
        }
    }
}

/// Takes the file's exclusive lock (advisory: it keeps two `calls` jobs from checking and
/// appending at once). A file system without locks does without.
fn lock(file: &File, path: &Path) -> Result<()> {
    match file.lock() {
        Err(e) if e.kind() != io::ErrorKind::Unsupported => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// The `Mark` of the first `len` bytes of `file`.
pub fn mark<F: Read + Seek>(file: &mut F, len: u64) -> io::Result<Mark> {
    let from = len.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(from))?;
    Ok(Mark {
        len,
        tail: Some(hash(file, len - from)?),
    })
}

/// SHA-256 (hex) of the next `n` bytes; an error if there are fewer.
fn hash<R: Read>(r: &mut R, n: u64) -> io::Result<String> {
    let mut h = Sha256::new();
    let got = io::copy(&mut Read::take(&mut *r, n), &mut HashWriter(&mut h))?;
    if got != n {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the file is shorter than expected",
        ));
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The file matches where the job left it: same length, same last bytes.
fn check(file: &mut File, shown: &str, exp: &Mark, len: u64) -> Result<()> {
    if len != exp.len {
        return Err(changed(shown, exp.len, len, "since this job's last run").into());
    }
    if exp.tail.is_some() && mark(file, len)?.tail != exp.tail {
        return Err(Failure::new(
            Exit::Failed,
            format!(
                "{shown} was changed since this job's last run: it still has {} bytes, but its last {} are not what this job left there",
                crate::term::thousands(len),
                crate::term::thousands(len.min(TAIL)),
            ),
        )
        .hint(HINT)
        .into());
    }
    Ok(())
}

const HINT: &str = "appending is refused so that nothing in it is lost: give each job its own --output file, or keep one database up to date with `calls sync`";

fn changed(shown: &str, then: u64, now: u64, since: &str) -> Failure {
    let t = crate::term::thousands;
    let what = if now > then {
        format!("{} bytes were added", t(now - then))
    } else {
        format!("{} bytes were removed", t(then - now))
    };
    Failure::new(
        Exit::Failed,
        format!(
            "{shown} was changed by someone else {since}: {what} (it had {} bytes, now {})",
            t(then),
            t(now)
        ),
    )
    .hint(HINT)
}

/// The bytes after `intent.at` are cut back when they are exactly a beginning of what the
/// interrupted run was appending (compared with its spool, or, without one, by their hash when
/// the append had completed). Anything else there is someone else's: refused.
fn recover(file: &mut File, shown: &str, intent: &Intent, witness: Option<&Path>) -> Result<u64> {
    let t = crate::term::thousands;
    let len = file.metadata()?.len();
    let at = intent.at.len;
    if len == 0 {
        return Ok(0);
    }
    if len < at {
        return Err(changed(shown, at, len, "since this job's interrupted run").into());
    }
    if mark(file, at)?.tail != intent.at.tail {
        return Err(Failure::new(
            Exit::Failed,
            format!(
                "{shown} was changed since this job's interrupted run: its bytes before byte {} (where that run was appending) are not what they were",
                t(at)
            ),
        )
        .hint(HINT)
        .into());
    }
    let extra = len - at;
    if extra == 0 {
        return Ok(0);
    }
    let refuse = |why: &str| -> anyhow::Error {
        Failure::new(
            Exit::Failed,
            format!(
                "{shown} has {} bytes after byte {}, where this job's interrupted run was appending {} bytes, and {why}",
                t(extra),
                t(at),
                t(intent.len),
            ),
        )
        .hint(HINT)
        .into()
    };
    if extra > intent.len {
        return Err(refuse(
            "that is more than it was writing: someone else appended since",
        ));
    }
    // The spool counts only when it is whole: exactly the bytes the intent describes.
    let mut spool = witness.and_then(|w| File::open(w).ok());
    if let Some(w) = spool.as_mut() {
        if w.metadata()?.len() != intent.len || hash(w, intent.len)? != intent.sha256 {
            spool = None;
        }
    }
    let ours = match spool {
        Some(mut w) => {
            w.seek(SeekFrom::Start(0))?;
            file.seek(SeekFrom::Start(at))?;
            same(&mut Read::take(&mut *file, extra), &mut w.take(extra))?
        }
        None => {
            file.seek(SeekFrom::Start(at))?;
            extra == intent.len && hash(file, extra)? == intent.sha256
        }
    };
    if !ours {
        return Err(refuse("they are not what it was writing"));
    }
    file.set_len(at)?;
    file.sync_all()?;
    Ok(extra)
}

/// Whether two readers yield the same bytes.
fn same<A: Read, B: Read>(a: &mut A, b: &mut B) -> io::Result<bool> {
    let (mut x, mut y) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = read_full(a, &mut x)?;
        let m = read_full(b, &mut y)?;
        if n != m || x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A file whose last line has no newline: the next record would be glued onto it.
fn refuse_partial_line(file: &mut File, shown: &str, len: u64) -> Result<()> {
    if len == 0 {
        return Ok(());
    }
    let from = len.saturating_sub(TAIL);
    file.seek(SeekFrom::Start(from))?;
    let mut buf = Vec::new();
    Read::take(&mut *file, len - from).read_to_end(&mut buf)?;
    if buf.last() == Some(&b'\n') {
        return Ok(());
    }
    let partial = buf.iter().rev().take_while(|b| **b != b'\n').count();
    let partial = if partial == buf.len() && from > 0 {
        format!("more than {}", crate::term::thousands(partial as u64))
    } else {
        crate::term::thousands(partial as u64)
    };
    Err(Failure::new(
        Exit::Failed,
        format!(
            "{shown} ends in a partial line ({partial} bytes after its last newline) that this job did not write: appending would glue the next call onto it"
        ),
    )
    .hint("repair the file's last line (or move the file away), or write to a new file; give each job its own --output file, or keep one database with `calls sync`")
    .into())
}

/// Makes a new file's name durable (best effort: not every system can sync a folder).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sha(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn mark_of(bytes: &[u8]) -> Mark {
        mark(&mut io::Cursor::new(bytes), bytes.len() as u64).unwrap()
    }

    /// Complete lines, as a writer of either format leaves them.
    fn lines(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec("[a-z0-9,\"{}:]{0,30}", n).prop_map(|v| {
            v.into_iter()
                .flat_map(|l| format!("{l}\n").into_bytes())
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// A run of the job was appending `ours` after `before` when it died, `k` bytes in; then
        /// perhaps someone else appended `other`, or changed a byte of `before`. The repair cuts
        /// back exactly the job's own bytes when it can tell they are its own, and otherwise
        /// leaves the file exactly as it found it.
        #[test]
        fn the_repair_removes_only_the_jobs_own_bytes(
            before in lines(0..6),
            ours in lines(1..8),
            k in any::<prop::sample::Index>(),
            other in prop::option::of(prop::collection::vec(any::<u8>(), 1..40)),
            edit in prop::option::of(any::<prop::sample::Index>()),
            witness in any::<bool>(),
        ) {
            let k = k.index(ours.len() + 1);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("calls.ndjson");
            let mut original = before.clone();
            let edited = match edit {
                Some(i) if !before.is_empty() => {
                    let i = i.index(before.len());
                    original[i] ^= 0x20;
                    true
                }
                _ => false,
            };
            original.extend_from_slice(&ours[..k]);
            if let Some(o) = &other {
                original.extend_from_slice(o);
            }
            std::fs::write(&path, &original).unwrap();
            let spool = dir.path().join("job.out");
            if witness {
                std::fs::write(&spool, &ours).unwrap();
            }
            let intent = Intent {
                at: mark_of(&before),
                len: ours.len() as u64,
                sha256: sha(&ours),
            };
            let job = Recorded { mark: None, intent: Some(&intent), witness: Some(&spool) };
            let result = prepare(&path, &job);
            let after = std::fs::read(&path).unwrap();
            match &result {
                Ok(start) => {
                    // Only ever back to where the job's append began, and only its own bytes.
                    prop_assert_eq!(&after[..], &before[..]);
                    prop_assert!(!edited);
                    let removed = &original[before.len()..];
                    prop_assert!(ours.starts_with(removed), "removed bytes that were not the job's");
                    prop_assert_eq!(start.removed, removed.len() as u64);
                    prop_assert_eq!(&start.mark, &mark_of(&before));
                }
                Err(e) => {
                    prop_assert_eq!(&after, &original, "a refusal changes nothing");
                    let (exit, hint) = crate::error::classify(e);
                    prop_assert_eq!(exit, Exit::Failed);
                    prop_assert!(hint.is_some_and(|h| h.contains("calls sync")));
                }
            }
            // What the job can tell is its own is always repaired.
            if !edited && other.is_none() && (witness || k == 0 || k == ours.len()) {
                prop_assert!(result.is_ok(), "{:#}", result.unwrap_err());
            }
        }

        /// Without an append in flight: the file must be where the job left it (or, on a first
        /// run, end in a complete line); anything else is refused and the file left alone.
        #[test]
        fn a_file_changed_by_someone_else_is_refused_and_left_alone(
            before in lines(0..6),
            other in prop::collection::vec(any::<u8>(), 0..40),
            recorded in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("calls.csv");
            let mut original = before.clone();
            original.extend_from_slice(&other);
            std::fs::write(&path, &original).unwrap();
            let job = Recorded {
                mark: recorded.then(|| mark_of(&before)),
                ..Default::default()
            };
            let result = prepare(&path, &job);
            prop_assert_eq!(std::fs::read(&path).unwrap(), original.clone());
            let acceptable = if recorded {
                other.is_empty()
            } else {
                original.is_empty() || original.ends_with(b"\n")
            };
            prop_assert_eq!(result.is_ok(), acceptable);
            if let Ok(start) = result {
                prop_assert_eq!(start.mark, mark_of(&original));
                prop_assert_eq!(start.empty, original.is_empty());
            }
        }
    }

    #[test]
    fn the_intent_is_recorded_before_the_first_byte_is_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.ndjson");
        std::fs::write(&path, b"{\"a\":1}\n").unwrap();
        let start = prepare(&path, &Recorded::default()).unwrap();
        let mut spool = tempfile::tempfile().unwrap();
        spool.write_all(b"{\"b\":2}\n").unwrap();
        let mut seen = None;
        let end = append(&mut spool, &path, &start.mark, |intent| {
            seen = Some((intent.clone(), std::fs::read(&path).unwrap()));
            Ok(())
        })
        .unwrap();
        let (intent, file_then) = seen.unwrap();
        assert_eq!(file_then, b"{\"a\":1}\n", "nothing appended yet");
        assert_eq!(intent.at, start.mark);
        assert_eq!((intent.len, intent.sha256), (8, sha(b"{\"b\":2}\n")));
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(end, mark_of(b"{\"a\":1}\n{\"b\":2}\n"));

        // A state that cannot record the intent: nothing is appended.
        let err = append(&mut spool, &path, &end, |_| anyhow::bail!("disk full")).unwrap_err();
        assert_eq!(format!("{err:#}"), "disk full");
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":1}\n{\"b\":2}\n");

        // Someone appended during the run: refused at commit, before the intent.
        std::fs::write(&path, b"{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n").unwrap();
        let err = append(&mut spool, &path, &end, |_| panic!("no intent")).unwrap_err();
        assert!(
            format!("{err:#}").contains("changed by someone else during this run: 8 bytes were added (it had 16 bytes, now 24)"),
            "{err:#}"
        );
    }
}
