//! Drives a backend through every page of a query: fetches ahead when the vendor tells the page
//! count, keeps the vendor's order, drops duplicates from shifting pages, applies the client-side
//! filters and `--limit`, and hands each call to a sink.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use futures_util::stream::{FuturesUnordered, StreamExt};
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
    /// Shared with the task that fetches pages ahead.
    pub backend: Arc<Backend>,
    pub query: Arc<Query>,
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
            .page(&self.query, &self.backend.first_page())
            .await?;
        let mut next = first.next.clone();
        let total_pages = first.total_pages;
        if let Flow::Done = take(first, &mut stats)? {
            next = None;
        }
        if let (Some(&PageRef::Number(from)), Some(last)) = (next.as_ref(), total_pages) {
            if self.concurrency > 1 && from <= last {
                next = None;
                let mut pages = self.fetch_ahead(from, last);
                while let Some(page) = pages.recv().await {
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
            let page = self.backend.page(&self.query, &at).await?;
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

    /// Pages `from..=last`, in order, fetched and parsed by their own task so that writing one
    /// page overlaps with fetching the next. Dropping the receiver stops the task and cancels
    /// the requests in flight.
    fn fetch_ahead(&self, from: u64, last: u64) -> tokio::sync::mpsc::Receiver<Result<Page>> {
        let (tx, rx) = tokio::sync::mpsc::channel(self.concurrency);
        let (backend, query, concurrency) =
            (self.backend.clone(), self.query.clone(), self.concurrency);
        tokio::spawn(async move {
            let mut ahead = Ahead::new(from, last, concurrency);
            let fetch = |n: u64| -> Fetch<'_> {
                let (backend, query) = (&backend, &query);
                Box::pin(async move { (n, backend.page(query, &PageRef::Number(n)).await) })
            };
            while let Some(page) = ahead.next(&fetch).await {
                let failed = page.is_err();
                if tx.send(page).await.is_err() || failed {
                    break;
                }
            }
        });
        rx
    }
}

/// One page being fetched, tagged with its number.
type Fetch<'a> = Pin<Box<dyn Future<Output = (u64, Result<Page>)> + Send + 'a>>;

/// Pages `first..=last` fetched ahead: a new request starts as soon as any finishes (not only
/// the oldest, which would let one slow page hold up the rest), and pages come out in order. At
/// most `concurrency` requests are in flight and `4 × concurrency` pages wait to be taken.
struct Ahead<'a> {
    in_flight: FuturesUnordered<Fetch<'a>>,
    done: BTreeMap<u64, Result<Page>>,
    next_issue: u64,
    next_emit: u64,
    last: u64,
    concurrency: usize,
}

impl<'a> Ahead<'a> {
    fn new(first: u64, last: u64, concurrency: usize) -> Self {
        Ahead {
            in_flight: FuturesUnordered::new(),
            done: BTreeMap::new(),
            next_issue: first,
            next_emit: first,
            last,
            concurrency,
        }
    }

    /// The next page in order, `None` after `last`.
    async fn next(&mut self, fetch: &impl Fn(u64) -> Fetch<'a>) -> Option<Result<Page>> {
        loop {
            if let Some(page) = self.done.remove(&self.next_emit) {
                self.next_emit += 1;
                return Some(page);
            }
            if self.next_emit > self.last {
                return None;
            }
            let window = (self.concurrency * 4) as u64;
            while self.in_flight.len() < self.concurrency
                && self.next_issue <= self.last
                && self.next_issue < self.next_emit + window
            {
                self.in_flight.push(fetch(self.next_issue));
                self.next_issue += 1;
            }
            let (n, page) = self.in_flight.next().await?;
            self.done.insert(n, page);
        }
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
