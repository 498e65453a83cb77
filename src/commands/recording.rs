//! `calls recording`: by ids or by filters, into `--dir`, or one to stdout.

use std::sync::Arc;

use anyhow::Result;
use futures_util::stream::{self, StreamExt};

use crate::call::Call;
use crate::cli::RecordingArgs;
use crate::error::{usage, Exit, Failure};
use crate::http::{DownloadTo, Http};
use crate::pager::Pager;
use crate::recording::{self, Outcome, Status, Template};
use crate::resolve::{self, Settings};
use crate::term;
use crate::vendors::{Backend, Operation};

pub async fn run(s: &Settings, args: &RecordingArgs) -> Result<()> {
    let vendor = s.profile.vendor;
    if !vendor.supports(Operation::Recording) {
        return Err(vendor.unsupported(Operation::Recording).into());
    }
    let template =
        Template::parse(&args.name).map_err(|e| Failure::usage(format!("--name: {e}")))?;
    let to_stdout = match args.output.as_deref() {
        None => false,
        Some("-") if args.ids.len() == 1 => true,
        Some("-") => return usage("--output - writes one recording: give exactly one id"),
        Some(other) => {
            return usage(format!(
                "--output takes '-' (stdout), not '{other}': files go to --dir with --name"
            ))
        }
    };
    if !args.ids.is_empty() && !args.filters.is_empty() {
        return usage("give call ids or filters, not both");
    }
    if !args.ids.is_empty() && !vendor.supports(Operation::Show) {
        return Err(Failure::new(
            Exit::Unsupported,
            format!("{vendor} cannot look up a call by its id (no single-call endpoint)"),
        )
        .hint("select the recordings by filters instead: calls recording --from ... --to ...")
        .into());
    }
    // NOTE: as for `delete` (SPEC, recording): without ids, at least one filter, so that a
    // bare `calls recording` does not fill the current folder with 30 days of audio. A window
    // counts; `--param` alone does not (what it narrows cannot be checked).
    let selecting = crate::cli::FilterArgs {
        param: Vec::new(),
        ..args.filters.clone()
    };
    if args.ids.is_empty() && selecting.is_empty() {
        return Err(Failure::usage(
            "recording needs call ids, or at least one filter to select calls (--param does not count)",
        )
        .hint("e.g. calls recording --from 7d (the last 7 days); the filters are in calls recording --help")
        .into());
    }
    let ids = s.profile.ids(&args.ids)?;
    // A manifest inside --dir gets its folders as the recordings do (`--dir rec --manifest
    // rec/logs/m.csv` in a new folder); one elsewhere must have its folder already.
    let manifest_below = args
        .manifest
        .as_deref()
        .and_then(|m| recording::below_dir(&args.dir, m));
    if let Some(manifest) = &args.manifest {
        if manifest_below.is_none() || manifest.exists() {
            crate::output::writable("--manifest", manifest)?;
        }
    }
    let backend = Arc::new(Backend::new(&s.profile, Http::new(s.http.clone())?)?);

    // The calls, by id or by filters; ids that cannot be looked up are failures of their own.
    let mut lookups = Vec::new();
    let calls: Vec<Call> = if args.ids.is_empty() {
        let query = resolve::query(&args.filters, s, None, false)?;
        let plan = backend.plan(&query)?;
        let mut calls = Vec::new();
        let pager = Pager {
            backend: backend.clone(),
            query: Arc::new(query),
            plan: &plan,
            concurrency: s.concurrency,
            progress: s.progress,
        };
        pager.run(&mut calls).await?.warn_unmatched();
        calls
    } else {
        // Looked up `--concurrency` at a time, results in the order given.
        let found: Vec<(String, Result<Call>)> = stream::iter(ids.iter().cloned())
            .map(|id| {
                let backend = backend.clone();
                async move {
                    let call = backend.show(&id).await;
                    (id, call)
                }
            })
            .buffered(s.concurrency.max(1))
            .collect()
            .await;
        let mut calls = Vec::new();
        for (id, call) in found {
            match call {
                Ok(call) => calls.push(call),
                Err(e) if ids.len() == 1 || crate::error::classify(&e).0 == Exit::Auth => {
                    return Err(e)
                }
                Err(e) => lookups.push(Outcome {
                    id,
                    path: None,
                    bytes: 0,
                    sha256: None,
                    status: Status::Failed,
                    error: Some(format!("{e:#}")),
                }),
            }
        }
        calls
    };

    if to_stdout {
        return stdout(&backend, &calls[0]).await;
    }
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", args.dir.display()))?;
    let opts = recording::Options {
        dir: args.dir.clone(),
        template,
        overwrite: args.overwrite,
        concurrency: s.concurrency,
        hash_skipped: args.manifest.is_some(),
        progress: s.progress,
        tz: s.tz.unwrap_or(chrono_tz::Tz::UTC),
    };
    for failed in &lookups {
        term::log(&format!(
            "failed {}: {}",
            failed.id,
            failed.error.as_deref().unwrap_or("")
        ));
    }
    let mut outcomes = recording::download_all(backend, calls, &opts).await?;
    outcomes.extend(lookups);
    if let Some(rel) = &manifest_below {
        recording::make_folders(&args.dir, rel).await?;
    }
    if let Some(path) = &args.manifest {
        recording::write_manifest(path, &outcomes)?;
    }
    let (summary, failure) = recording::verdict(&outcomes);
    if !s.quiet || failure.is_some() {
        term::log(&summary);
    }
    match failure {
        Some(f) => Err(f.into()),
        None => Ok(()),
    }
}

/// One recording to stdout: checked before the first byte goes out.
async fn stdout(backend: &Backend, call: &Call) -> Result<()> {
    use tokio::io::AsyncWriteExt;
    let Some(url) = backend.recording_url(call, false).await? else {
        return Err(
            Failure::new(Exit::Failed, format!("call {} has no recording", call.id)).into(),
        );
    };
    let url = url::Url::parse(&url).map_err(|e| anyhow::anyhow!("'{url}' is not a URL: {e}"))?;
    let auth = backend.auth_headers().await?;
    let mut out = tokio::io::stdout();
    backend
        .conn()
        .http
        .download(
            url,
            &backend.conn().base.origin(),
            &auth,
            DownloadTo::Stdout(&mut out),
        )
        .await?;
    out.flush().await?;
    Ok(())
}
