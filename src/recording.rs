//! `calls recording`: names from a template that cannot leave `--dir`, downloads that land
//! under their final name only when complete and verified, files already there skipped without
//! a request, and a manifest of what happened.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono_tz::Tz;
use futures_util::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::call::Call;
use crate::error::Failure;
use crate::http::DownloadTo;
use crate::vendors::{Backend, Vendor};

/// `{vendor}-{id}.{ext}` and the like, parsed once.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
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
        Ok(Template { parts })
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
            .map(|c| match c.trim() {
                "" | "." | ".." => "_".to_string(),
                c => truncate(c.trim_start_matches('.'), 200),
            })
            .map(|c| if c.is_empty() { "_".to_string() } else { c })
            .collect()
    }
}

/// A value as one path component: no separators, no control characters, nothing the common file
/// systems refuse (`:` is in Callcap ids).
fn safe(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .replace("..", "_")
}

fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// True when `path` stays inside `dir` by its components alone.
pub fn inside(dir: &Path, path: &Path) -> bool {
    path.strip_prefix(dir)
        .is_ok_and(|rel| rel.components().all(|c| matches!(c, Component::Normal(_))))
}

/// The extension a recording will be saved with: the URL's, if it names an audio type, else the
/// vendor's usual one. Known before any request, so complete files need none.
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

/// Downloads the recordings of `calls`, `concurrency` at a time; outcomes in the calls' order.
pub async fn download_all(
    backend: Arc<Backend>,
    calls: Vec<Call>,
    opts: &Options,
) -> Result<Vec<Outcome>> {
    let auth = Arc::new(backend.auth_headers().await?);
    let bar = opts.progress.then(|| {
        let bar =
            ProgressBar::with_draw_target(Some(calls.len() as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} recordings {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar
    });
    crate::term::set_bar(bar.clone());
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let mut outcomes: Vec<(usize, Outcome)> = stream::iter(calls.into_iter().enumerate())
        .map(|(i, call)| {
            let (backend, auth, bar, bytes) = (backend.clone(), auth.clone(), bar.clone(), &bytes);
            async move {
                let outcome = one(&backend, &auth, &call, opts).await;
                if let Some(bar) = &bar {
                    let total = bytes
                        .fetch_add(outcome.bytes, std::sync::atomic::Ordering::Relaxed)
                        + outcome.bytes;
                    bar.inc(1);
                    bar.set_message(crate::http::human_bytes(total));
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
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    crate::term::set_bar(None);
    outcomes.sort_by_key(|(i, _)| *i);
    Ok(outcomes.into_iter().map(|(_, o)| o).collect())
}

async fn one(
    backend: &Backend,
    auth: &reqwest::header::HeaderMap,
    call: &Call,
    opts: &Options,
) -> Outcome {
    let mut outcome = Outcome {
        id: call.id.clone(),
        path: None,
        bytes: 0,
        sha256: None,
        status: Status::Failed,
        error: None,
    };
    let Some(url) = call.recording_url.as_deref() else {
        outcome.status = Status::NoRecording;
        return outcome;
    };
    let path = opts.dir.join(
        opts.template
            .path(call, &extension(Some(url), call.vendor), opts.tz),
    );
    outcome.path = Some(path.clone());
    if !opts.overwrite && path.is_file() {
        // A final name only ever appears complete: no request for it.
        outcome.status = Status::Skipped;
        outcome.bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if opts.hash_skipped {
            outcome.sha256 = hash_file(&path).await.ok();
        }
        return outcome;
    }
    match fetch(backend, auth, call, url, &path).await {
        Ok(d) => {
            outcome.status = Status::Downloaded;
            outcome.bytes = d.bytes;
            outcome.sha256 = Some(d.sha256);
        }
        Err(e) => outcome.error = Some(crate::redact::scrub(&format!("{e:#}"))),
    }
    outcome
}

/// Downloads to `NAME.part`, verifies, renames. myCRM's listed links expire: when one fails,
/// a fresh link is asked for once.
async fn fetch(
    backend: &Backend,
    auth: &reqwest::header::HeaderMap,
    call: &Call,
    url: &str,
    path: &Path,
) -> Result<crate::http::Download> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut part_name = path.as_os_str().to_owned();
    part_name.push(".part");
    let part = PartFile(PathBuf::from(part_name), false);
    let origin = backend.conn().base.origin();
    let mut attempt_url = url.to_string();
    let mut refreshed = false;
    loop {
        let parsed = url::Url::parse(&attempt_url)
            .with_context(|| format!("'{attempt_url}' is not a URL"))?;
        let mut file = tokio::fs::File::create(&part.0)
            .await
            .with_context(|| format!("cannot write {}", part.0.display()))?;
        let result = backend
            .conn()
            .http
            .download(parsed, &origin, auth, DownloadTo::File(&mut file))
            .await;
        match result {
            Ok(d) => {
                file.sync_all().await?;
                drop(file);
                tokio::fs::rename(&part.0, path)
                    .await
                    .with_context(|| format!("cannot rename to {}", path.display()))?;
                let mut part = part;
                part.1 = true;
                return Ok(d);
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

async fn hash_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    let bytes = tokio::fs::read(path).await?;
    Ok(sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
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
    let line = format!(
        "downloaded {} ({}), skipped {} already complete, without recording {}, failed {}",
        count(Status::Downloaded),
        crate::http::human_bytes(bytes),
        count(Status::Skipped),
        count(Status::NoRecording),
        failed.len()
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
            "{} recordings failed: {}{more}",
            failed.len(),
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
    use crate::call::{Direction, Status as CallStatus};

    fn call(id: &str, agent: &str) -> Call {
        Call {
            vendor: Vendor::Callcap,
            id: id.into(),
            started_at: chrono::DateTime::parse_from_rfc3339("2024-03-10T06:59:30Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
            ended_at: None,
            direction: Direction::Inbound,
            status: CallStatus::Answered,
            vendor_status: None,
            duration: None,
            talk_time: None,
            customer_number: Some("+1 316-555".into()),
            line_number: None,
            agent: Some(agent.into()),
            campaign: None,
            recording_url: Some("https://x/a.mp3".into()),
            cost: None,
            agent_id: None,
            campaign_id: None,
            raw: None,
        }
    }

    #[test]
    fn names_are_safe_and_stay_below_the_dir() {
        let t = Template::parse("{date}/{agent}/{vendor}-{id}.{ext}").unwrap();
        let p = t.path(&call("987_1_03:10:2024", "Ann/../../etc"), "mp3", Tz::UTC);
        assert_eq!(
            p,
            PathBuf::from("2024-03-10/Ann_____etc/callcap-987_1_03_10_2024.mp3")
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
        }
        let t = Template::parse("{time}-{customer_number}-{campaign}").unwrap();
        assert_eq!(
            t.path(&call("1", "a"), "mp3", "America/New_York".parse().unwrap()),
            PathBuf::from("01-59-30-+1 316-555-none")
        );
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
