//! `calls recording`: names from a template that cannot leave `--dir`, downloads that land
//! under their final name only when complete and verified, files already there skipped without
//! a request, and a manifest of what happened.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono_tz::Tz;
use futures_util::stream::{self, StreamExt};
use indicatif::ProgressBar;

use crate::call::Call;
use crate::error::Failure;
use crate::http::DownloadTo;
use crate::types::Vendor;
use crate::vendors::Backend;

/// `{vendor}-{id}.{ext}` and the like, parsed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Var(Var),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Var {
    Vendor,
    Id,
    Date,
    Time,
    Direction,
    Status,
    CustomerNumber,
    Agent,
    Campaign,
    Ext,
}

const VARS: [(&str, Var); 10] = [
    ("vendor", Var::Vendor),
    ("id", Var::Id),
    ("date", Var::Date),
    ("time", Var::Time),
    ("direction", Var::Direction),
    ("status", Var::Status),
    ("customer_number", Var::CustomerNumber),
    ("agent", Var::Agent),
    ("campaign", Var::Campaign),
    ("ext", Var::Ext),
];

pub const DEFAULT_TEMPLATE: &str = "{vendor}-{id}.{ext}";

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        if text.starts_with('/') || text.starts_with('\\') {
            return Err("the name must be relative to --dir".into());
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let close = rest[open..].find('}').ok_or("an unclosed '{'")? + open;
            let name = &rest[open + 1..close];
            let var = VARS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    let names: Vec<String> = VARS.iter().map(|(n, _)| format!("{{{n}}}")).collect();
                    format!(
                        "unknown placeholder {{{name}}} (placeholders: {})",
                        names.join(" ")
                    )
                })?;
            parts.push(Part::Var(var));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        for part in &parts {
            if let Part::Text(t) = part {
                if t.split(['/', '\\']).any(|c| c == "..") {
                    return Err("the name may not contain '..'".into());
                }
            }
        }
        if parts.is_empty() {
            return Err("the name is empty".into());
        }
        Ok(Template {
            text: text.to_string(),
            parts,
        })
    }

    /// The paths a complete recording of `call` may have (one per audio kind the name can end
    /// in; one when the template has no `{ext}`).
    fn candidates(&self, call: &Call, tz: Tz) -> Vec<PathBuf> {
        if !self.parts.iter().any(|p| matches!(p, Part::Var(Var::Ext))) {
            return vec![self.path(call, "", tz)];
        }
        crate::http::AUDIO_EXTENSIONS
            .iter()
            .map(|ext| self.path(call, ext, tz))
            .collect()
    }

    /// The file's path below `--dir`: every value made filename-safe, `/` in the template making
    /// folders, and no component that could climb out (`..`, empty, absolute).
    pub fn path(&self, call: &Call, ext: &str, tz: Tz) -> PathBuf {
        let local = call.started_at.with_timezone(&tz);
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Var(v) => {
                    let value = match v {
                        Var::Vendor => call.vendor.id().to_string(),
                        Var::Id => call.id.clone(),
                        Var::Date => local.format("%Y-%m-%d").to_string(),
                        Var::Time => local.format("%H-%M-%S").to_string(),
                        Var::Direction => call.direction.as_str().to_string(),
                        Var::Status => call.status.as_str().to_string(),
                        Var::CustomerNumber => call
                            .customer_number
                            .clone()
                            .unwrap_or_else(|| "unknown".into()),
                        Var::Agent => call.agent.clone().unwrap_or_else(|| "unknown".into()),
                        Var::Campaign => call.campaign.clone().unwrap_or_else(|| "none".into()),
                        Var::Ext => ext.to_string(),
                    };
                    text.push_str(&safe(&value));
                }
            }
        }
        text.split(['/', '\\'])
            .map(|c| match c {
                "" | "." | ".." => "_".to_string(),
                c => fit(c),
            })
            .collect()
    }

    /// The template as the user wrote it, for messages.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A value as (part of) one path component, escaped so that two different values never look
/// the same: `%` and every byte a file name should not hold become `%XX` (their UTF-8 bytes),
/// reversibly, never replaced. Escaped: separators, control characters, what the common file
/// systems refuse (`:` is in Callcap ids), bidirectional and invisible format characters (a
/// name that displays as something else), and a `.` that starts the value or follows another
/// (no `.`, `..` or hidden file from a value).
pub fn safe(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut prev = None;
    for c in value.chars() {
        let escape = c == '%'
            || c.is_control()
            || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            || invisible(c)
            || (c == '.' && matches!(prev, None | Some('.')));
        if escape {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

/// Characters that change how a name displays without showing themselves: the bidirectional
/// embeddings, overrides and isolates (U+202E makes `evil\u{202E}3pm.exe` read as `exe.mp3`),
/// the directional marks, line and paragraph separators, zero-width characters and the BOM.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}')
}

/// The longest path component written, in bytes: file systems allow 255, and `.part` is added
/// while a download runs.
pub const MAX_COMPONENT: usize = 255 - ".part".len();

/// A component cut to [`MAX_COMPONENT`] bytes, keeping its extension (a short tail after the
/// last `.`): the stem is cut, never inside a `%XX` escape, and a hash of the whole component
/// is added so that two long names that differ only past the cut still differ.
fn fit(c: &str) -> String {
    if c.len() <= MAX_COMPONENT {
        return c.to_string();
    }
    use sha2::Digest;
    let (stem, ext) = match c.rfind('.') {
        Some(i) if i > 0 && c.len() - i <= 16 => c.split_at(i),
        _ => (c, ""),
    };
    let digest = sha2::Sha256::digest(c.as_bytes());
    let tag: String = std::iter::once("~".to_string())
        .chain(digest.iter().take(8).map(|b| format!("{b:02x}")))
        .collect();
    let mut end = MAX_COMPONENT - ext.len() - tag.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(p) = stem[..end].rfind('%').filter(|p| end - p < 3) {
        end = p;
    }
    format!("{}{tag}{ext}", &stem[..end])
}

/// True when `path` stays inside `dir` by its components alone.
pub fn inside(dir: &Path, path: &Path) -> bool {
    path.strip_prefix(dir)
        .is_ok_and(|rel| rel.components().all(|c| matches!(c, Component::Normal(_))))
}

/// The extension a recording is expected to have before it is fetched (its `.part` name): the
/// URL's, if it names an audio type, else the vendor's usual one. The file is saved with the
/// extension of what it turns out to be (`Download::ext`).
pub fn extension(url: Option<&str>, vendor: Vendor) -> String {
    const AUDIO: [&str; 9] = [
        "mp3", "wav", "ogg", "opus", "m4a", "flac", "gsm", "aac", "webm",
    ];
    url.and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| {
            u.path()
                .rsplit('/')
                .next()
                .and_then(|f| f.rsplit_once('.'))
                .map(|(_, e)| e.to_ascii_lowercase())
        })
        .filter(|e| AUDIO.contains(&e.as_str()))
        .unwrap_or_else(|| vendor.traits().recording_ext.to_string())
}

/// What became of one call's recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Downloaded,
    Skipped,
    NoRecording,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Downloaded => "downloaded",
            Status::Skipped => "skipped",
            Status::NoRecording => "no-recording",
            Status::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: String,
    pub path: Option<PathBuf>,
    pub bytes: u64,
    pub sha256: Option<String>,
    pub status: Status,
    pub error: Option<String>,
}

/// How to download.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    pub template: Template,
    pub overwrite: bool,
    pub concurrency: usize,
    /// Hash files that are skipped too (for the manifest).
    pub hash_skipped: bool,
    pub progress: bool,
    pub tz: Tz,
}

/// Removes a `.part` file unless the download completed (also when a Ctrl-C drops the task).
struct PartFile(PathBuf, bool);

impl Drop for PartFile {
    fn drop(&mut self) {
        if !self.1 {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// One call and where its recording goes below `--dir` (none without a recording).
struct Job {
    call: Call,
    rel: Option<PathBuf>,
}

/// Where each call's recording goes. A call listed twice is downloaded once; two calls that
/// the template gives one name are refused (exit 2) before anything is downloaded, so no two
/// downloads ever share a `.part` file or a final name, and no rerun takes one call's file for
/// another's. NOTE: names are compared with one extension for all, since what a file is (and
/// so its extension) is known only once it arrives.
fn plan(calls: Vec<Call>, opts: &Options) -> Result<Vec<Job>> {
    let mut ids = HashSet::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut jobs = Vec::new();
    for call in calls {
        if !ids.insert(call.id.clone()) {
            continue;
        }
        let rel = call.recording_url.as_deref().map(|url| {
            opts.template
                .path(&call, &extension(Some(url), call.vendor), opts.tz)
        });
        if rel.is_some() {
            let rel = opts.template.path(&call, "audio", opts.tz);
            match names.entry(name_key(&rel)) {
                Entry::Occupied(other) => {
                    return Err(Failure::usage(format!(
                        "--name '{}' gives two calls the same file: {:?} and {:?} both become {}",
                        opts.template.as_str(),
                        other.get(),
                        call.id,
                        opts.dir.join(&rel).display()
                    ))
                    .hint("put {id} in the name, e.g. --name '{date}-{id}.{ext}': ids are unique")
                    .into())
                }
                Entry::Vacant(slot) => {
                    slot.insert(call.id.clone());
                }
            }
        }
        jobs.push(Job { call, rel });
    }
    Ok(jobs)
}

/// Names that are one file on this system's usual file systems: case-folded where those ignore
/// case (macOS, Windows).
fn name_key(rel: &Path) -> String {
    let text = rel.to_string_lossy();
    if cfg!(any(target_os = "macos", windows)) {
        text.to_lowercase()
    } else {
        text.into_owned()
    }
}

/// Downloads the recordings of `calls`, `concurrency` at a time; outcomes in the calls' order.
pub async fn download_all(
    backend: Arc<Backend>,
    calls: Vec<Call>,
    opts: &Options,
) -> Result<Vec<Outcome>> {
    let jobs = plan(calls, opts)?;
    // Every folder written to must resolve below this (a symlink planted in --dir may not lead
    // out of it).
    let root = tokio::fs::canonicalize(&opts.dir)
        .await
        .with_context(|| format!("cannot open {}", opts.dir.display()))?;
    let auth = Arc::new(backend.auth_headers().await?);
    let bar = opts.progress.then(|| {
        let bar = ProgressBar::with_draw_target(Some(jobs.len() as u64), crate::term::bar_target());
        bar.set_style(crate::term::bar_style());
        bar.set_message("recordings");
        bar
    });
    let shown = crate::term::show_bar(bar.clone());
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let start = Tally {
        of: jobs.len(),
        ..Tally::default()
    };
    crate::stop::done("recording", tally_line(&start));
    let tally = std::sync::Mutex::new(start);
    let root = &root;
    let mut outcomes: Vec<(usize, Outcome)> = stream::iter(jobs.into_iter().enumerate())
        .map(|(i, job)| {
            let (backend, auth, bar, bytes) = (backend.clone(), auth.clone(), bar.clone(), &bytes);
            let tally = &tally;
            async move {
                let outcome = one(&backend, &auth, &job, root, opts).await;
                let total = bytes.fetch_add(outcome.bytes, std::sync::atomic::Ordering::Relaxed)
                    + outcome.bytes;
                if let Some(bar) = &bar {
                    bar.inc(1);
                    bar.set_message(format!("recordings, {}", crate::http::human_bytes(total)));
                }
                {
                    let mut t = tally.lock().unwrap_or_else(|e| e.into_inner());
                    t.add(&outcome);
                    crate::stop::done("recording", tally_line(&t));
                }
                if outcome.status == Status::Failed {
                    crate::term::log(&format!(
                        "failed {}: {}",
                        outcome.id,
                        outcome.error.as_deref().unwrap_or("")
                    ));
                }
                (i, outcome)
            }
        })
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    drop(shown);
    // The summary says it from here.
    crate::stop::forget("recording");
    outcomes.sort_by_key(|(i, _)| *i);
    Ok(outcomes.into_iter().map(|(_, o)| o).collect())
}

/// What the downloads have done so far, said if a signal stops them.
#[derive(Debug, Default)]
struct Tally {
    of: usize,
    downloaded: usize,
    bytes: u64,
    skipped: usize,
    without: usize,
    failed: usize,
}

impl Tally {
    fn add(&mut self, o: &Outcome) {
        match o.status {
            Status::Downloaded => {
                self.downloaded += 1;
                self.bytes += o.bytes;
            }
            Status::Skipped => self.skipped += 1,
            Status::NoRecording => self.without += 1,
            Status::Failed => self.failed += 1,
        }
    }
}

fn tally_line(t: &Tally) -> String {
    let n = |n: usize| crate::term::thousands(n as u64);
    let done = t.downloaded + t.skipped + t.without + t.failed;
    format!(
        "before it stopped: downloaded {} ({}), skipped {} complete, without recording {}, failed {}; {} of {} calls not done",
        n(t.downloaded),
        crate::http::human_bytes(t.bytes),
        n(t.skipped),
        n(t.without),
        n(t.failed),
        n(t.of.saturating_sub(done)),
        n(t.of)
    )
}

async fn one(
    backend: &Backend,
    auth: &reqwest::header::HeaderMap,
    job: &Job,
    root: &Path,
    opts: &Options,
) -> Outcome {
    let call = &job.call;
    let mut outcome = Outcome {
        id: call.id.clone(),
        path: None,
        bytes: 0,
        sha256: None,
        status: Status::Failed,
        error: None,
    };
    let (Some(url), Some(rel)) = (call.recording_url.as_deref(), job.rel.as_deref()) else {
        outcome.status = Status::NoRecording;
        return outcome;
    };
    outcome.path = Some(opts.dir.join(rel));
    let result = async {
        if !opts.overwrite {
            // A final name only ever appears complete: no request for it. Only a regular file
            // counts (a symlink planted under the name is replaced, never read or followed).
            // The name ends in what the file was, whichever kind of audio that is.
            for rel in opts.template.candidates(call, opts.tz) {
                let Some(dir) = folder(root, &rel, false).await? else {
                    continue;
                };
                let file = dir.join(rel.file_name().unwrap_or_default());
                if tokio::fs::symlink_metadata(&file)
                    .await
                    .is_ok_and(|m| m.is_file())
                {
                    let (bytes, sha) = if opts.hash_skipped {
                        let (bytes, sha) = hash_file(&file).await?;
                        (bytes, Some(sha))
                    } else {
                        (tokio::fs::metadata(&file).await?.len(), None)
                    };
                    return Ok((Status::Skipped, bytes, sha, opts.dir.join(rel)));
                }
            }
        }
        let (d, rel) = fetch(backend, auth, call, url, root, rel, opts).await?;
        Ok::<_, anyhow::Error>((
            Status::Downloaded,
            d.bytes,
            Some(d.sha256),
            opts.dir.join(rel),
        ))
    }
    .await;
    match result {
        Ok((status, bytes, sha256, path)) => {
            outcome.path = Some(path);
            outcome.status = status;
            outcome.bytes = bytes;
            outcome.sha256 = sha256;
        }
        Err(e) => outcome.error = Some(crate::redact::scrub(&format!("{e:#}"))),
    }
    outcome
}

/// `--manifest FILE` inside `--dir DIR`: FILE's path below DIR (`rec/logs/m.csv` with `--dir
/// rec`: `logs/m.csv`), whose folders calls may make as it makes DIR's; `None` when FILE lies
/// elsewhere or its path goes through `..`.
pub fn below_dir(dir: &Path, file: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    let file = std::path::absolute(file).ok()?;
    let rel = file.strip_prefix(&dir).ok()?;
    rel.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        .then(|| rel.to_path_buf())
        .filter(|rel| !rel.as_os_str().is_empty())
}

/// Makes the folders of `rel`'s file below `dir` by the rules downloads follow: nothing is
/// made in a folder that resolves outside `dir` (a symlink planted there).
pub async fn make_folders(dir: &Path, rel: &Path) -> Result<()> {
    let root = tokio::fs::canonicalize(dir)
        .await
        .with_context(|| format!("cannot open {}", dir.display()))?;
    folder(&root, rel, true).await.map(|_| ())
}

/// The real folder of `rel`'s file: each folder below the (canonical) `root` in turn, made if
/// missing and `create`, and refused if it resolves outside `root` (a symlink planted in
/// `--dir`), before anything is made inside it. `None`: a folder is missing (and not `create`).
async fn folder(root: &Path, rel: &Path, create: bool) -> Result<Option<PathBuf>> {
    let mut at = root.to_path_buf();
    let Some(parent) = rel.parent() else {
        return Ok(Some(at));
    };
    for part in parent.components() {
        let next = at.join(part);
        if create {
            match tokio::fs::create_dir(&next).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(
                        anyhow::Error::new(e).context(format!("cannot create {}", next.display()))
                    )
                }
            }
        }
        let real = match tokio::fs::canonicalize(&next).await {
            Ok(real) => real,
            Err(e) if !create && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("cannot open {}", next.display())))
            }
        };
        if !real.starts_with(root) {
            anyhow::bail!(
                "{} leads to {}, outside --dir {} (a symbolic link?): nothing is written there",
                next.display(),
                real.display(),
                root.display()
            );
        }
        if !tokio::fs::metadata(&real).await.is_ok_and(|m| m.is_dir()) {
            anyhow::bail!("{} is not a folder", next.display());
        }
        at = real;
    }
    Ok(Some(at))
}

/// A fresh `.part` file, made exclusively: whatever is under that name (the `.part` of an
/// earlier run, or a symlink planted there) is removed first, without following it, and the
/// file is then created only if nothing has reappeared (`O_CREAT | O_EXCL`, and `O_NOFOLLOW`).
async fn create_part(path: &Path) -> Result<tokio::fs::File> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot replace {}", path.display())))
        }
    }
    let mut open = tokio::fs::OpenOptions::new();
    open.read(true).write(true).create_new(true);
    #[cfg(unix)]
    open.custom_flags(libc::O_NOFOLLOW);
    open.open(path)
        .await
        .with_context(|| format!("cannot create {}", path.display()))
}

/// Downloads to `NAME.part`, puts it on disk and checks it there, renames it to the name with
/// the extension of what it is (its path below `--dir` returned). myCRM's listed links expire:
/// when one fails, a fresh link is asked for once.
async fn fetch(
    backend: &Backend,
    auth: &reqwest::header::HeaderMap,
    call: &Call,
    url: &str,
    root: &Path,
    rel: &Path,
    opts: &Options,
) -> Result<(crate::http::Download, PathBuf)> {
    let dir = folder(root, rel, true)
        .await?
        .context("the folder was not made")?;
    let path = dir.join(rel.file_name().context("a file name")?);
    let mut part_name = path.as_os_str().to_owned();
    part_name.push(".part");
    let mut part = PartFile(PathBuf::from(part_name), false);
    let origin = backend.conn().base.origin();
    let mut attempt_url = url.to_string();
    let mut refreshed = false;
    loop {
        let parsed = url::Url::parse(&attempt_url)
            .with_context(|| format!("'{attempt_url}' is not a URL"))?;
        let mut file = create_part(&part.0).await?;
        let result = backend
            .conn()
            .http
            .download(parsed, &origin, auth, DownloadTo::File(&mut file))
            .await;
        match result {
            Ok(d) => {
                let d = settle(&mut file, d, &part.0).await?;
                drop(file);
                let rel = opts.template.path(call, d.ext, opts.tz);
                let dir = folder(root, &rel, true)
                    .await?
                    .context("the folder was not made")?;
                let path = dir.join(rel.file_name().context("a file name")?);
                tokio::fs::rename(&part.0, &path)
                    .await
                    .with_context(|| format!("cannot rename to {}", path.display()))?;
                part.1 = true;
                if let Err(e) = sync_dir(&dir).await {
                    // Not durably there: no complete-looking file for a rerun to skip.
                    let _ = tokio::fs::remove_file(&path).await;
                    return Err(e.context(format!("cannot sync {}", dir.display())));
                }
                return Ok((d, rel));
            }
            // A vendor whose links expire (myCRM) hands out a new one; the others give the same
            // link back, and the failure stands.
            Err(e) if !refreshed => match backend.recording_url(call, true).await {
                Ok(Some(u)) if u != attempt_url => {
                    attempt_url = u;
                    refreshed = true;
                }
                _ => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
}

/// Puts a downloaded `.part` on disk (flush, fsync, each checked) and reads it back: the size
/// and SHA-256 returned, and put in the manifest, are of the file as it is on disk, and a file
/// that is short (a full disk) or differs from what was received never gets its final name.
async fn settle(
    file: &mut tokio::fs::File,
    got: crate::http::Download,
    path: &Path,
) -> Result<crate::http::Download> {
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};
    let context = || format!("cannot write {}", path.display());
    file.flush().await.with_context(context)?;
    file.sync_all().await.with_context(context)?;
    file.seek(std::io::SeekFrom::Start(0))
        .await
        .with_context(context)?;
    let (bytes, sha256) = hash_reader(&mut *file)
        .await
        .with_context(|| format!("cannot read back {}", path.display()))?;
    if bytes != got.bytes {
        anyhow::bail!(
            "only {bytes} of {} bytes reached {} (is the disk full?)",
            got.bytes,
            path.display()
        );
    }
    if sha256 != got.sha256 {
        anyhow::bail!(
            "{} does not hold the bytes received (its SHA-256 differs)",
            path.display()
        );
    }
    #[cfg(unix)]
    {
        // The name still is the file written (nobody replaced it meanwhile).
        use std::os::unix::fs::MetadataExt;
        let ours = file.metadata().await.with_context(context)?;
        let named = tokio::fs::symlink_metadata(path)
            .await
            .with_context(context)?;
        if (ours.dev(), ours.ino()) != (named.dev(), named.ino()) {
            anyhow::bail!("{} was replaced while downloading", path.display());
        }
    }
    Ok(crate::http::Download {
        bytes,
        sha256,
        ext: got.ext,
    })
}

/// Makes a rename in `dir` durable.
async fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    tokio::fs::File::open(dir).await?.sync_all().await?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The size and hex SHA-256 of a file, read in blocks (never whole into memory).
async fn hash_file(path: &Path) -> Result<(u64, String)> {
    let file = tokio::fs::File::open(path)
        .await
        .with_context(|| format!("cannot read {}", path.display()))?;
    hash_reader(file)
        .await
        .with_context(|| format!("cannot read {}", path.display()))
}

async fn hash_reader(mut r: impl tokio::io::AsyncRead + Unpin) -> std::io::Result<(u64, String)> {
    use sha2::Digest;
    use tokio::io::AsyncReadExt;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = r.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((bytes, hex))
}

/// The summary line, and the exit: 5 when some failed and others did not, 1 when all failed.
pub fn verdict(outcomes: &[Outcome]) -> (String, Option<Failure>) {
    let count = |s: Status| outcomes.iter().filter(|o| o.status == s).count();
    let bytes: u64 = outcomes
        .iter()
        .filter(|o| o.status == Status::Downloaded)
        .map(|o| o.bytes)
        .sum();
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == Status::Failed)
        .map(|o| o.id.as_str())
        .collect();
    let n = |n: usize| crate::term::thousands(n as u64);
    let line = crate::term::join_wrapped(
        &[
            format!(
                "downloaded {} ({})",
                n(count(Status::Downloaded)),
                crate::http::human_bytes(bytes)
            ),
            format!("skipped {} complete", n(count(Status::Skipped))),
            format!("without recording {}", n(count(Status::NoRecording))),
            format!("failed {}", n(failed.len())),
        ],
        crate::term::SUMMARY_WIDTH,
    );
    if failed.is_empty() {
        return (line, None);
    }
    let done = count(Status::Downloaded) + count(Status::Skipped);
    let exit = if done > 0 {
        crate::error::Exit::Partial
    } else {
        crate::error::Exit::Failed
    };
    let shown: Vec<&str> = failed.iter().take(20).copied().collect();
    let more = if failed.len() > 20 {
        format!(" and {} more", failed.len() - 20)
    } else {
        String::new()
    };
    let failure = Failure::new(
        exit,
        format!(
            "{} failed: {}{more}",
            crate::term::count(failed.len() as u64, "recording", "recordings"),
            shown.join(", ")
        ),
    )
    .hint("the reasons are above; run the same command again to retry only what is missing");
    (line, Some(failure))
}

/// `--manifest FILE`: CSV `id,path,bytes,sha256,status`, written atomically.
pub fn write_manifest(path: &Path, outcomes: &[Outcome]) -> Result<()> {
    let target = crate::output::Target::open(Some(path))?;
    let mut w = csv::Writer::from_writer(target);
    w.write_record(["id", "path", "bytes", "sha256", "status"])?;
    for o in outcomes {
        let p = o
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        w.write_record([
            o.id.as_str(),
            &p,
            &o.bytes.to_string(),
            o.sha256.as_deref().unwrap_or(""),
            o.status.as_str(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error())?.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary keeps to 80 columns however large the counts (issue 11: it wrapped).
    #[test]
    fn the_summary_fits_80_columns() {
        let outcome = |i: usize, status: Status| Outcome {
            id: i.to_string(),
            path: None,
            bytes: 1_000_000,
            sha256: None,
            status,
            error: None,
        };
        let small: Vec<Outcome> = (0..9)
            .map(|i| outcome(i, Status::Downloaded))
            .chain((0..10).map(|i| outcome(i, Status::NoRecording)))
            .chain([outcome(99, Status::Failed)])
            .collect();
        assert_eq!(
            verdict(&small).0,
            "downloaded 9 (9.0 MB), skipped 0 complete, without recording 10, failed 1"
        );
        let large: Vec<Outcome> = [
            Status::Downloaded,
            Status::Skipped,
            Status::NoRecording,
            Status::Failed,
        ]
        .into_iter()
        .flat_map(|s| (0..12_345).map(move |i| outcome(i, s)))
        .collect();
        let (line, _) = verdict(&large);
        assert_eq!(
            line,
            "downloaded 12,345 (12.35 GB), skipped 12,345 complete, without recording 12,345,\n  failed 12,345"
        );
        assert!(line.lines().all(|l| l.chars().count() <= 80), "{line}");
    }

    fn call(id: &str, agent: &str) -> Call {
        Call {
            customer_number: Some("+1 316-555".into()),
            agent: Some(agent.into()),
            recording_url: Some("https://x/a.mp3".into()),
            ..Call::bare(
                Vendor::Callcap,
                id,
                chrono::DateTime::parse_from_rfc3339("2024-03-10T06:59:30Z")
                    .unwrap()
                    .with_timezone(&chrono::Utc),
            )
        }
    }

    #[test]
    fn names_are_safe_and_stay_below_the_dir() {
        let t = Template::parse("{date}/{agent}/{vendor}-{id}.{ext}").unwrap();
        let p = t.path(&call("987_1_03:10:2024", "Ann/../../etc"), "mp3", Tz::UTC);
        assert_eq!(
            p,
            PathBuf::from("2024-03-10/Ann%2F.%2E%2F.%2E%2Fetc/callcap-987_1_03%3A10%3A2024.mp3")
        );
        for evil in ["..", "../..", "/etc/passwd", "\u{0}\n", "....", ".hidden"] {
            let p = Template::parse("{agent}/{id}.{ext}").unwrap().path(
                &call(evil, evil),
                "wav",
                Tz::UTC,
            );
            let dir = Path::new("/recordings");
            assert!(inside(dir, &dir.join(&p)), "{evil:?} -> {p:?}");
            assert!(!p.to_string_lossy().contains(".."), "{p:?}");
            assert_eq!(p.components().count(), 2, "{evil:?} -> {p:?}");
        }
        let t = Template::parse("{time}-{customer_number}-{campaign}").unwrap();
        assert_eq!(
            t.path(&call("1", "a"), "mp3", "America/New_York".parse().unwrap()),
            PathBuf::from("01-59-30-+1 316-555-none")
        );
    }

    #[test]
    fn ids_that_differ_get_names_that_differ() {
        let t = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let name = |id: &str| t.path(&call(id, "a"), "mp3", Tz::UTC);
        assert_eq!(name("a\nb"), PathBuf::from("callcap-a%0Ab.mp3"));
        assert_eq!(name("a\0b"), PathBuf::from("callcap-a%00b.mp3"));
        assert_eq!(name("a_b"), PathBuf::from("callcap-a_b.mp3"));
        assert_eq!(name("a%0Ab"), PathBuf::from("callcap-a%250Ab.mp3"));
        assert_eq!(name("a:b"), PathBuf::from("callcap-a%3Ab.mp3"));
    }

    #[test]
    fn bidi_and_invisible_characters_never_reach_a_name() {
        // U+202E makes "x\u{202E}3pm.exe" display as "xexe.mp3".
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{FEFF}', '\u{2028}',
        ] {
            let value = format!("x{c}3pm.exe");
            let out = safe(&value);
            assert!(!out.contains(c), "{c:?} kept in {out:?}");
            assert_eq!(unescape(&out), value);
        }
        assert_eq!(safe("x\u{202E}y"), "x%E2%80%AEy");
    }

    #[test]
    fn a_long_id_is_cut_in_its_stem_and_keeps_its_extension() {
        let t = Template::parse(DEFAULT_TEMPLATE).unwrap();
        let long = "7".repeat(5000);
        let p = t.path(&call(&long, "a"), "mp3", Tz::UTC);
        let name = p.to_str().unwrap();
        assert!(name.len() <= MAX_COMPONENT, "{}", name.len());
        assert!(name.starts_with("callcap-777"), "{name}");
        assert!(name.ends_with(".mp3"), "{name}");
        // Two long ids that differ only past the cut still get two names.
        let other = t.path(&call(&format!("{long}8"), "a"), "mp3", Tz::UTC);
        assert_ne!(p, other);
        assert!(other.to_str().unwrap().ends_with(".mp3"));
        // Multi-byte characters and escapes are never cut in half.
        for unit in ["é", "\u{1F600}", "\n", "%"] {
            let p = t.path(&call(&unit.repeat(3000), "a"), "wav", Tz::UTC);
            let name = p.to_str().unwrap();
            assert!(
                name.len() <= MAX_COMPONENT && name.ends_with(".wav"),
                "{name}"
            );
            let stem = &name.as_bytes()[..name.rfind('~').unwrap()];
            assert!(!stem[stem.len() - 2..].contains(&b'%'), "{name}");
        }
        // Folders are cut too.
        let t = Template::parse("{agent}/{id}.{ext}").unwrap();
        let p = t.path(&call("1", &"b".repeat(600)), "mp3", Tz::UTC);
        assert!(p.components().all(|c| c.as_os_str().len() <= MAX_COMPONENT));
    }

    /// The inverse of [`safe`]: proof that no two values share a safe form.
    fn unescape(s: &str) -> String {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .unwrap()
            .into_owned()
    }

    fn tricky() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let c = prop_oneof![
            any::<char>(),
            Just('.'),
            Just('%'),
            Just('/'),
            Just('\\'),
            Just('\0'),
            Just('\n'),
            Just('_'),
            Just(':'),
            Just('\u{202E}'),
            Just('\u{2066}'),
            Just('0'),
            Just('A'),
        ];
        proptest::collection::vec(c, 0..24).prop_map(|v| v.into_iter().collect())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn the_safe_form_is_reversible_and_clean(value in tricky()) {
            let out = safe(&value);
            proptest::prop_assert_eq!(unescape(&out), value.clone());
            proptest::prop_assert!(out != "." && out != "..", "{:?}", out);
            proptest::prop_assert!(!out.starts_with('.') && !out.contains(".."), "{:?}", out);
            proptest::prop_assert!(
                !out.chars().any(|c| c.is_control() || invisible(c) || matches!(c, '/' | '\\' | '\0' | ':')),
                "{:?}", out
            );
        }

        #[test]
        fn two_values_never_share_a_safe_form(a in tricky(), b in tricky()) {
            proptest::prop_assume!(a != b);
            proptest::prop_assert_ne!(safe(&a), safe(&b));
            // Nor as one character apart, the case that replacing would merge.
            let (a2, b2) = (format!("{a}\n{b}"), format!("{a}\0{b}"));
            proptest::prop_assert_ne!(safe(&a2), safe(&b2));
        }

        #[test]
        fn every_path_stays_below_the_dir(id in tricky(), agent in tricky(), long in 0usize..600) {
            let t = Template::parse("{agent}/{date}-{id}.{ext}").unwrap();
            let p = t.path(&call(&format!("{id}{}", "x".repeat(long)), &agent), "mp3", Tz::UTC);
            let dir = Path::new("/recordings");
            proptest::prop_assert!(inside(dir, &dir.join(&p)), "{:?}", p);
            proptest::prop_assert_eq!(p.components().count(), 2);
            for c in p.components() {
                let c = c.as_os_str().to_str().unwrap();
                proptest::prop_assert!(c.len() <= MAX_COMPONENT && c != "." && c != "..", "{:?}", c);
            }
            proptest::prop_assert!(p.to_str().unwrap().ends_with(".mp3"));
        }
    }

    #[test]
    fn bad_templates_are_refused() {
        assert!(Template::parse("/abs/{id}").is_err());
        assert!(Template::parse("../{id}").is_err());
        assert!(Template::parse("{id}/../x").is_err());
        assert!(Template::parse("{colour}")
            .unwrap_err()
            .contains("{vendor}"));
        assert!(Template::parse("{id").is_err());
        assert_eq!(Template::parse(DEFAULT_TEMPLATE).unwrap().parts.len(), 5);
    }

    #[test]
    fn the_extension_is_known_before_any_request() {
        assert_eq!(
            extension(Some("https://s3/x/abc.MP3?X-Amz=1"), Vendor::Mycrm),
            "mp3"
        );
        assert_eq!(
            extension(
                Some("https://h/api/v1/dialer/call/1/recording"),
                Vendor::Evolux
            ),
            "wav"
        );
        assert_eq!(extension(Some("https://h/x.wav"), Vendor::Famulor), "wav");
        assert_eq!(extension(None, Vendor::Callcap), "mp3");
    }
}
