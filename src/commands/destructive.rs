//! `calls assign` and `calls delete`: planned requests through the one gate, then per-id
//! results.

use std::sync::Arc;

use anyhow::Result;
use futures_util::stream::{self, StreamExt};

use crate::cli::{AssignArgs, DeleteArgs, FilterArgs};
use crate::error::{usage, Exit, Failure};
use crate::gate::{self, Gate, Go};
use crate::http::Http;
use crate::pager::Pager;
use crate::query::{Filter, Query};
use crate::resolve::{self, Settings};
use crate::term;
use crate::term::n_calls;
use crate::vendors::{Assignment, Backend, Operation, Planned};

pub async fn delete(s: &Settings, args: &DeleteArgs) -> Result<()> {
    let vendor = s.profile.vendor;
    if !vendor.supports(Operation::Delete) {
        return Err(vendor.unsupported(Operation::Delete).into());
    }
    if !args.ids.is_empty() && !args.filters.is_empty() {
        return usage("give call ids or filters, not both");
    }
    // NOTE: `--param` alone does not count: what a raw vendor parameter narrows cannot be
    // checked on the client, and a misspelt one narrows nothing.
    let selecting = FilterArgs {
        param: Vec::new(),
        ..args.filters.clone()
    };
    if args.ids.is_empty() && selecting.is_empty() {
        return Err(Failure::usage(
            "delete needs call ids, or at least one filter to select calls (--param does not count)",
        )
        .hint("e.g. calls delete --from 2024-01-01 --to 2024-01-31 --dry-run")
        .into());
    }
    let backend = Arc::new(Backend::new(&s.profile, Http::new(s.http.clone())?)?);
    let ids = if args.ids.is_empty() {
        let query = resolve::query(&args.filters, s, None, false)?;
        let plan = backend.plan(&query)?;
        if let Some(&filter) = plan.vendor_only().first() {
            return Err(unchecked(&backend, &query, filter).into());
        }
        // NOTE: SPEC "assign and delete": a vendor that ignores a filter (or applies it more
        // loosely than it says) never widens a delete, so every filter is checked again here on
        // each record, also those the plan leaves to the vendor for `list` and `export`.
        let every_filter_here = query.client_plan();
        let mut calls = Vec::new();
        Pager {
            backend: backend.clone(),
            query: Arc::new(query),
            plan: &every_filter_here,
            concurrency: s.concurrency,
            progress: s.progress,
        }
        .run(&mut calls)
        .await?
        .warn_unmatched();
        let ids: Vec<String> = calls.into_iter().map(|c| c.id).collect();
        if ids.is_empty() {
            term::log("no calls match: nothing to delete");
            return Ok(());
        }
        let preview: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
        let more = if ids.len() > 10 {
            format!(", ... ({} more)", ids.len() - 10)
        } else {
            String::new()
        };
        let verb = if ids.len() == 1 { "matches" } else { "match" };
        term::log(&format!(
            "{} {verb}: {}{more}",
            n_calls(ids.len() as u64),
            preview.join(", ")
        ));
        ids
    } else {
        args.ids.clone()
    };
    let ids = s.profile.ids(&ids)?;
    let planned = backend.plan_delete(&ids)?;
    let what = format!("{} on {}", n_calls(ids.len() as u64), target(s));
    if gate::pass(
        Gate {
            dry_run: args.dry_run,
            yes: args.yes,
            note: backend.delete_note(),
        },
        "delete",
        ids.len(),
        &what,
        &planned,
        true,
    )? != Go::Send
    {
        return Ok(());
    }
    report(&backend, &planned, s.concurrency, "deleted").await
}

pub async fn assign(s: &Settings, args: &AssignArgs) -> Result<()> {
    let vendor = s.profile.vendor;
    if !vendor.supports(Operation::Assign) {
        return Err(vendor.unsupported(Operation::Assign).into());
    }
    let assignment = Assignment {
        user: args.user,
        property: args.property,
        lead: args.lead,
        seen: args.seen,
    };
    if assignment == Assignment::default() {
        return usage("assign needs at least one of --user, --property, --lead, --seen");
    }
    let backend = Arc::new(Backend::new(&s.profile, Http::new(s.http.clone())?)?);
    let ids = s.profile.ids(&args.ids)?;
    let planned = backend.plan_assign(&ids, &assignment)?;
    let what = format!("{} on {}", n_calls(ids.len() as u64), target(s));
    if gate::pass(
        Gate {
            dry_run: args.dry_run,
            yes: true,
            note: None,
        },
        "assign",
        ids.len(),
        &what,
        &planned,
        false,
    )? != Go::Send
    {
        return Ok(());
    }
    report(&backend, &planned, s.concurrency, "assigned").await
}

/// The refusal of a `delete` by a filter the client cannot check on the records (exit 2,
/// before any request): only ids the user has seen are deleted then.
fn unchecked(backend: &Backend, query: &Query, filter: Filter) -> Failure {
    let product = backend.traits().product;
    let what = match filter {
        Filter::Agent | Filter::Campaign => "the records carry names, not that id",
        Filter::Search => "the records do not carry the text it searches",
        _ => "the records do not carry what it matches",
    };
    let names = match filter {
        Filter::Agent => ", or give --agent the name as `calls list` prints it",
        Filter::Campaign => ", or give --campaign the name as `calls list` prints it",
        _ => "",
    };
    let value = match filter {
        Filter::Agent => query.agents.join(","),
        Filter::Campaign => query.campaigns.join(","),
        Filter::Search => query.search.clone().unwrap_or_default(),
        _ => String::new(),
    };
    Failure::usage(format!(
        "refusing to delete by {} {value:?} on {} ({product}): only the vendor applies it ({what}), so calls cannot check which calls match",
        filter.name(),
        backend.vendor()
    ))
    .hint(format!(
        "delete by ids instead: list them first with `calls list {} {value:?} ...`, then `calls delete ID...`{names}",
        filter.name()
    ))
}

fn target(s: &Settings) -> String {
    match &s.profile.name {
        Some(p) => format!("{} (profile '{p}')", s.profile.vendor),
        None => s.profile.vendor.to_string(),
    }
}

/// Sends the planned requests and reports each id: `deleted 123` on stdout, failures on stderr.
/// Exit 5 when some failed and others did not, 1 when all failed.
async fn report(
    backend: &Backend,
    planned: &[Planned],
    concurrency: usize,
    done: &str,
) -> Result<()> {
    let mut results: Vec<(&Planned, Result<()>)> = stream::iter(planned)
        .map(|p| async move { (p, backend.execute(p).await) })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    // Rejected credentials are one error for the whole run (exit 3), not a list of failures.
    if let Some(i) = results.iter().position(|(_, r)| {
        r.as_ref()
            .is_err_and(|e| crate::error::classify(e).0 == Exit::Auth)
    }) {
        return results.swap_remove(i).1;
    }
    let (mut ok, mut failed) = (0usize, Vec::new());
    for (p, result) in &results {
        for id in &p.ids {
            match result {
                Ok(()) => {
                    ok += 1;
                    // Sent is sent: a closed stdout must not lose the record of it.
                    term::result_line(&format!("{done} {id}"));
                }
                Err(e) => {
                    term::log(&format!(
                        "failed {id}: {}",
                        crate::redact::scrub(&format!("{e:#}"))
                    ));
                    failed.push(id.as_str());
                }
            }
        }
    }
    term::log(&format!(
        "{done} {ok} of {}",
        n_calls((ok + failed.len()) as u64)
    ));
    if failed.is_empty() {
        return Ok(());
    }
    let exit = if ok > 0 { Exit::Partial } else { Exit::Failed };
    let shown: Vec<&str> = failed.iter().take(20).copied().collect();
    Err(Failure::new(
        exit,
        format!("{} failed: {}", failed.len(), shown.join(", ")),
    )
    .into())
}
