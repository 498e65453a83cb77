//! Drives a backend through every page of a query: fetches ahead when the vendor tells the page
//! count, keeps the vendor's order, drops duplicates from shifting pages, applies the client-side
//! filters and `--limit`, and hands each call to a sink.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Result;
use futures_util::stream::{self, StreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::call::Call;
use crate::query::{Plan, Query};
use crate::vendors::{Backend, Page, PageRef};

/// Where the pager delivers calls: a writer, a counter, a test's vector.
pub trait Sink {
    fn call(&mut self, call: &Call) -> Result<()>;
    /// After each page: a chance to flush so pipes see calls as they come.
    fn page_done(&mut self) -> Result<()> {
        Ok(())
    }
}

impl Sink for Vec<Call> {
    fn call(&mut self, call: &Call) -> Result<()> {
        self.push(call.clone());
        Ok(())
    }
}

/// What a run did, for the summary line.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    pub calls: u64,
    pub pages: u64,
    pub duplicates: u64,
}

/// Ids of the last two pages: a call pushed onto the next page by new arrivals is seen twice
/// within that span, and memory stays flat however long the export.
#[derive(Default)]
struct Recent {
    previous: HashSet<String>,
    current: HashSet<String>,
}

impl Recent {
    fn first_time(&mut self, id: &str) -> bool {
        !self.previous.contains(id) && self.current.insert(id.to_string())
    }
    fn next_page(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }
}

pub struct Pager<'a> {
    pub backend: &'a Backend,
    pub query: &'a Query,
    pub plan: &'a Plan,
    /// Pages in flight at once when the page count is known.
    pub concurrency: usize,
    pub progress: bool,
}

enum Flow {
    More,
    Done,
}

impl Pager<'_> {
    /// Runs the listing, handing each matching call to `sink` in the vendor's order.
    pub async fn run(&self, sink: &mut impl Sink) -> Result<Stats> {
        let started = Instant::now();
        let bar = self.progress.then(new_bar);
        crate::term::set_bar(bar.clone());
        let mut stats = Stats::default();
        let mut recent = Recent::default();
        let newest_first = self.backend.vendor().traits().newest_first;
        let mut take = |page: Page, stats: &mut Stats| -> Result<Flow> {
            stats.pages += 1;
            let all_older =
                !page.calls.is_empty() && page.calls.iter().all(|c| c.started_at < self.query.from);
            for call in &page.calls {
                if !recent.first_time(&call.id) {
                    stats.duplicates += 1;
                    continue;
                }
                if !self.query.matches(call, self.plan) {
                    continue;
                }
                sink.call(call)?;
                stats.calls += 1;
                if self.query.limit.is_some_and(|l| stats.calls >= l) {
                    sink.page_done()?;
                    return Ok(Flow::Done);
                }
            }
            recent.next_page();
            sink.page_done()?;
            if let Some(bar) = &bar {
                if let Some(total) = page.total_pages {
                    bar.set_length(total.max(stats.pages));
                }
                bar.set_position(stats.pages);
                let rate = stats.calls as f64 / started.elapsed().as_secs_f64().max(0.001);
                // The vendor's total counts what its coarser filters let through: an estimate.
                let of = page
                    .total_calls
                    .map(|t| format!(" of ~{t}"))
                    .unwrap_or_default();
                bar.set_message(format!("{} calls{of}, {rate:.0}/s", stats.calls));
            }
            // NOTE: a newest-first listing has nothing in the window after a page that is
            // entirely older than --from.
            Ok(if newest_first && all_older {
                Flow::Done
            } else {
                Flow::More
            })
        };

        let first = self
            .backend
            .page(self.query, &self.backend.first_page())
            .await?;
        let mut next = first.next.clone();
        let total_pages = first.total_pages;
        if let Flow::Done = take(first, &mut stats)? {
            next = None;
        }
        if let (Some(PageRef::Number(from)), Some(last)) = (&next, total_pages) {
            if self.concurrency > 1 && *from <= last {
                let mut ahead = stream::iter(*from..=last)
                    .map(
                        |n| async move { self.backend.page(self.query, &PageRef::Number(n)).await },
                    )
                    .buffered(self.concurrency);
                next = None;
                while let Some(page) = ahead.next().await {
                    let page = page?;
                    next = page.next.clone();
                    if let Flow::Done = take(page, &mut stats)? {
                        next = None;
                        break;
                    }
                }
            }
        }
        while let Some(at) = next {
            let page = self.backend.page(self.query, &at).await?;
            next = page.next.clone();
            if let Flow::Done = take(page, &mut stats)? {
                break;
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        crate::term::set_bar(None);
        Ok(stats)
    }
}

fn new_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} pages {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
