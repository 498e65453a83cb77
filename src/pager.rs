//! Drives a backend through every page of a query: fetches ahead when the vendor tells the page
//! count, keeps the vendor's order, drops duplicates from shifting pages, applies the client-side
//! filters and `--limit`, and hands each call to a sink.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinSet;

use crate::call::Call;
use crate::query::{NameCheck, Plan, Query};
use crate::vendors::{Backend, Page, PageRef};

/// Where the pager delivers calls: a writer, a counter, a test's vector.
pub trait Sink {
    /// The call is the sink's: one that keeps it moves it (a database row takes its strings).
    fn call(&mut self, call: Call) -> Result<()>;
    /// After each page: a chance to flush so pipes see calls as they come.
    fn page_done(&mut self) -> Result<()> {
        Ok(())
    }
    /// Every call the vendor served, once, before any client-side filter (the window's
    /// edges included): what `sync` tells deletes at the source by.
    fn arrived(&mut self, _id: &str) {}
}

impl Sink for Vec<Call> {
    fn call(&mut self, call: Call) -> Result<()> {
        self.push(call);
        Ok(())
    }
}

/// What a run did, for the summary line.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Stats {
    pub calls: u64,
    pub pages: u64,
    pub duplicates: u64,
    /// The vendor's count of calls in the window, from the last page that told it.
    pub total: Option<u64>,
    /// Warnings for `--agent` / `--campaign` values no call of the window had (the whole
    /// window read: not when `--limit` stopped the run), for the command to print.
    pub unmatched: Vec<String>,
    /// The read was whole by the vendor's own count (no `--limit`; see `Book::exact`): every
    /// page held what it said, its total did not move, and every call of the window arrived.
    /// Only such a read can tell that a call is gone.
    pub complete: bool,
}

impl Stats {
    /// Prints [`Stats::unmatched`]: for one-shot commands, whose window is the one asked for.
    pub fn warn_unmatched(&self) {
        for line in &self.unmatched {
            crate::term::warn(line);
        }
    }
}

/// Ids of the last few pages: a call pushed on by new arrivals is seen twice within that span,
/// and memory stays flat however long the export. Pages fetched ahead are fetched at different
/// times, so arrivals can push a call several pages on: the span covers the pages fetched ahead.
struct Recent {
    /// Each remembered id with the last page it was seen on.
    seen: HashMap<String, u64>,
    /// The ids of each remembered page, oldest first, to forget them by.
    pages: std::collections::VecDeque<Vec<String>>,
    /// The number of the current page.
    page: u64,
    span: usize,
}

impl Recent {
    fn new(span: usize) -> Recent {
        Recent {
            seen: HashMap::new(),
            pages: std::collections::VecDeque::from([Vec::new()]),
            page: 0,
            span: span.max(2),
        }
    }
    /// True the first time `id` is seen within the span. A duplicate is remembered for the
    /// current page too, so a third copy is still known. NOTE: one map for the whole span, not
    /// a set per page: looking an id up in each of ~20 pages' sets was a sync's biggest cost
    /// after the database.
    fn first_time(&mut self, id: &str) -> bool {
        match self.seen.get_mut(id) {
            Some(page) => {
                if *page != self.page {
                    *page = self.page;
                    self.pages
                        .back_mut()
                        .expect("a current page")
                        .push(id.to_string());
                }
                false
            }
            None => {
                self.seen.insert(id.to_string(), self.page);
                self.pages
                    .back_mut()
                    .expect("a current page")
                    .push(id.to_string());
                true
            }
        }
    }
    fn next_page(&mut self) {
        self.page += 1;
        self.pages.push_back(Vec::new());
        while self.pages.len() > self.span {
            let oldest = self.page + 1 - self.pages.len() as u64;
            for id in self.pages.pop_front().expect("more than span") {
                // Forgotten only if not seen again on a later page.
                if self.seen.get(&id) == Some(&oldest) {
                    self.seen.remove(&id);
                }
            }
        }
    }
}

/// Pages in a row with nothing new after which the vendor is taken to be repeating itself. One
/// such page can be honest (a burst of arrivals pushing a whole page on); three are not.
const STALE_PAGES: u32 = 3;

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
    /// Runs the listing, handing each matching call to `sink` in the vendor's order. Fails
    /// (exit 1) when fewer calls arrived than the vendor said it would send for the pages read
    /// (SPEC "Completeness"); the sink has then had calls, but the caller commits nothing.
    pub async fn run(&self, sink: &mut impl Sink) -> Result<Stats> {
        let mut progress = Progress::new(self.progress, self.query.limit);
        let mut stats = Stats::default();
        let mut recent = Recent::new(self.ahead_window() + 2);
        let mut book = Book::new(u64::from(self.query.page_size));
        let mut stale = 0u32;
        let newest_first = self.backend.vendor().traits().newest_first;
        // NOTE: the vendor's order is checked, not trusted: a listing that was not newest first
        // on every page so far (sorted oldest first, or in no order) is read to its last page,
        // and the vendor's total then counts the whole window.
        let mut order = Order::default();
        let mut names = NameCheck::new(&self.query, self.plan);
        let mut limited = false;
        // Stopped at a page entirely older than --from, the listing newest first so far.
        let mut past_window = false;
        let mut take = |page: Page, stats: &mut Stats, book: &mut Book| -> Result<Flow> {
            stats.pages += 1;
            stats.total = page.total_calls.or(stats.total);
            order.check(&page, stats.pages, self.backend.vendor(), newest_first);
            let all_older =
                !page.calls.is_empty() && page.calls.iter().all(|c| c.started_at < self.query.from);
            // Every call of the page is registered before any is handed on, so that what
            // arrived counts whole pages, also when --limit stops within one.
            let first: Vec<bool> = page
                .calls
                .iter()
                .map(|c| recent.first_time(&c.id))
                .collect();
            let fresh = first.iter().filter(|f| **f).count();
            book.arrived += fresh as u64;
            // NOTE: calls arriving during an export shift a few calls onto the next page; a
            // page with nothing new at all is the vendor serving the same page again (a fixed
            // `--param page=1`, a `next_url` to itself, a `last_page` that keeps growing).
            if stats.pages > 1 && !page.calls.is_empty() && fresh == 0 {
                stale += 1;
                if stale >= STALE_PAGES {
                    return Err(repeating(self.backend.vendor(), stats.pages, &self.query));
                }
            } else {
                stale = 0;
            }
            for (call, first) in page.calls.into_iter().zip(first) {
                if !first {
                    stats.duplicates += 1;
                    book.repeated(&call.id, stats.pages);
                    continue;
                }
                sink.arrived(&call.id);
                names.see(&self.query, &call);
                if !self.query.matches(&call, self.plan) {
                    continue;
                }
                sink.call(call)?;
                stats.calls += 1;
                if self.query.limit.is_some_and(|l| stats.calls >= l) {
                    limited = true;
                    sink.page_done()?;
                    return Ok(Flow::Done);
                }
            }
            recent.next_page();
            sink.page_done()?;
            progress.update(stats, page.total_pages, page.total_calls);
            // NOTE: a newest-first listing has nothing in the window after a page that is
            // entirely older than --from.
            Ok(if newest_first && order.newest_first && all_older {
                past_window = true;
                Flow::Done
            } else {
                Flow::More
            })
        };

        let at = self.backend.first_page();
        let first = self.backend.page(&self.query, &at).await?;
        let first = self.settle(first, 1, &at, &mut book).await?;
        let mut next = book.next(&first, 1);
        let total_pages = book.last_page(&first);
        let mut total = first.total_calls;
        if let Flow::Done = take(first, &mut stats, &mut book)? {
            next = None;
        }
        let mut number = 1;
        if let (Some(&PageRef::Number(from)), Some(last)) = (next.as_ref(), total_pages) {
            if self.concurrency > 1 && from <= last {
                next = None;
                let mut pages = self.fetch_ahead(from, last);
                let mut coming = from;
                while let Some(page) = pages.recv().await {
                    let mut page = page?;
                    number = coming;
                    coming += 1;
                    let at = PageRef::Number(number);
                    // NOTE: pages fetched at once may be served in any order. A page that
                    // counts fewer calls than the one before it was served before calls
                    // arrived that pushed the earlier page's last calls onto it: fetched again,
                    // it has them (and duplicates, which are dropped), else they would be lost.
                    if total.zip(page.total_calls).is_some_and(|(t, p)| p < t) {
                        page = self.backend.page(&self.query, &at).await?;
                    }
                    let page = self.settle(page, number, &at, &mut book).await?;
                    total = page.total_calls.or(total);
                    next = book.next(&page, number);
                    if let Flow::Done = take(page, &mut stats, &mut book)? {
                        next = None;
                        break;
                    }
                }
            }
        }
        let mut visited: HashSet<String> = HashSet::new();
        while let Some(at) = next {
            if let PageRef::Url(url) = &at {
                if !visited.insert(url.clone()) {
                    return Err(repeating(
                        self.backend.vendor(),
                        stats.pages + 1,
                        &self.query,
                    ));
                }
            }
            number = match at {
                PageRef::Number(n) => n,
                PageRef::Url(_) => number + 1,
            };
            let page = self.backend.page(&self.query, &at).await?;
            let page = self.settle(page, number, &at, &mut book).await?;
            next = book.next(&page, number);
            if let Flow::Done = take(page, &mut stats, &mut book)? {
                break;
            }
        }
        drop(progress);
        book.verdict(self.backend.vendor(), stats.pages)?;
        if !limited {
            stats.unmatched = names.warnings();
        }
        stats.complete = !limited && book.exact(past_window);
        Ok(stats)
    }

    /// A page checked against what the vendor said it holds: a short one is read again, and
    /// one still short is booked (the run fails at its end, with the numbers, after the rest
    /// was read).
    async fn settle(&self, page: Page, n: u64, at: &PageRef, book: &mut Book) -> Result<Page> {
        let want = book.expected(&page, n);
        if page.calls.len() as u64 >= want {
            book.read(&page, want);
            return Ok(page);
        }
        crate::term::debug(&format!(
            "{}: page {n} held {} calls where the vendor's numbers say {want}; reading it again",
            self.backend.vendor(),
            page.calls.len()
        ));
        let again = self.backend.page(&self.query, at).await?;
        let want = book.expected(&again, n);
        let got = again.calls.len() as u64;
        if got < want && !book.learn(&again, n) {
            book.short.push((n, got, want));
        }
        let want = book.expected(&again, n);
        book.read(&again, want);
        Ok(again)
    }

    /// How many pages may be fetched ahead of the one being written. NOTE: bounded by calls, not
    /// only by pages: 16 Callcap pages of 1,000 calls held 100 MB where 16 Famulor pages of 100
    /// hold 10.
    fn ahead_window(&self) -> usize {
        let page_size = (self.query.page_size as usize).max(1);
        (self.concurrency * 4).min(self.concurrency.max(WAITING_CALLS / page_size))
    }

    /// Pages `from..=last`, in order, fetched and parsed by their own task so that writing one
    /// page overlaps with fetching the next. Dropping the receiver stops the task and cancels
    /// the requests in flight.
    fn fetch_ahead(&self, from: u64, last: u64) -> tokio::sync::mpsc::Receiver<Result<Page>> {
        let (tx, rx) = tokio::sync::mpsc::channel(self.concurrency);
        let mut ahead = Ahead::new(from, last, self.concurrency, self.ahead_window());
        let (backend, query) = (self.backend.clone(), self.query.clone());
        tokio::spawn(async move {
            let fetch = |n: u64| {
                let (backend, query) = (backend.clone(), query.clone());
                async move { (n, backend.page(&query, &PageRef::Number(n)).await) }
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

/// Whether the listing has come newest first so far: every call started at or before the one
/// listed before it, across pages.
struct Order {
    newest_first: bool,
    last: Option<chrono::DateTime<chrono::Utc>>,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            newest_first: true,
            last: None,
        }
    }
}

impl Order {
    fn check(&mut self, page: &Page, n: u64, vendor: crate::types::Vendor, expected: bool) {
        for c in &page.calls {
            if self.newest_first && self.last.is_some_and(|last| c.started_at > last) {
                self.newest_first = false;
                if expected {
                    crate::term::debug(&format!(
                        "{vendor}: page {n} is not newest first (call {} started after the one listed before it): reading every page",
                        crate::term::printable(&c.id)
                    ));
                }
            }
            self.last = Some(c.started_at);
        }
    }
}

/// What the vendor said it would send and what arrived: the completeness check (SPEC
/// "Completeness").
struct Book {
    /// The page size asked for, assumed when the vendor states none.
    asked: u64,
    /// The page size seen on the first page when the vendor states none and it serves fewer
    /// than asked, page after page (a silent cap).
    learned: Option<u64>,
    /// Distinct calls that arrived, before any client-side filter.
    arrived: u64,
    /// What the vendor's numbers say the pages read hold, summed.
    expected: u64,
    /// The smallest and largest total the vendor stated during the run (calls arriving or
    /// deleted meanwhile move it).
    totals: Option<(u64, u64)>,
    /// Pages still short when read again: (page, calls held, calls the vendor's numbers say).
    short: Vec<(u64, u64, u64)>,
    /// Calls served again (the id, the page it came again on), the first few; and how many.
    repeats: Vec<(String, u64)>,
    repeated: u64,
}

impl Book {
    fn new(asked: u64) -> Book {
        Book {
            asked: asked.max(1),
            learned: None,
            arrived: 0,
            expected: 0,
            totals: None,
            short: Vec::new(),
            repeats: Vec::new(),
            repeated: 0,
        }
    }

    /// A call served a second time: pages shifted by calls arriving, or the vendor listing one
    /// call twice (said when the numbers do not add up).
    fn repeated(&mut self, id: &str, page: u64) {
        self.repeated += 1;
        if self.repeats.len() < 3 {
            self.repeats.push((id.to_string(), page));
        }
    }

    /// The vendor's page size, as far as it is known.
    fn per_page(&self, page: &Page) -> Option<u64> {
        page.per_page
            .or(self.learned)
            .or((page.total_pages.is_none()).then_some(self.asked))
    }

    /// The vendor's last page: its page count, else what its total and page size imply.
    fn last_page(&self, page: &Page) -> Option<u64> {
        page.total_pages.or_else(|| {
            let total = page.total_calls?;
            Some(total.div_ceil(self.per_page(page)?).max(1))
        })
    }

    /// Where to go after page `n`: the vendor's next page, or the next number when its total
    /// says there are more calls than the pages so far hold (a vendor that caps the page size
    /// below what was asked serves "short" pages that are not the last).
    fn next(&self, page: &Page, n: u64) -> Option<PageRef> {
        if page.next.is_some() || page.calls.is_empty() {
            return page.next.clone();
        }
        (self.learned.is_some() && self.last_page(page).is_some_and(|l| n < l))
            .then_some(PageRef::Number(n + 1))
    }

    /// How many calls page `n` should hold by the vendor's own numbers (0: nothing known).
    fn expected(&self, page: &Page, n: u64) -> u64 {
        let items = page.items.unwrap_or(0);
        let Some(total) = page.total_calls else {
            return items;
        };
        let by_size = match (self.per_page(page), page.total_pages) {
            (Some(size), _) => total.saturating_sub(size.saturating_mul(n - 1)).min(size),
            // The page size only bounded by the page count: the least size that gives it, on
            // every page but the last (whose share it does not fix).
            (None, Some(pages)) if n < pages => total.div_ceil(pages),
            (None, _) => 0,
        };
        items.max(by_size)
    }

    /// A first page still short when read again, from a vendor that states no page size nor
    /// page count, while its total says more: the vendor's page size is what it served.
    fn learn(&mut self, page: &Page, n: u64) -> bool {
        let got = page.calls.len() as u64;
        let cap = n == 1
            && page.per_page.is_none()
            && page.total_pages.is_none()
            && got > 0
            && got < self.asked
            && page.total_calls.is_some_and(|t| t > got);
        if cap {
            self.learned = Some(got);
            crate::term::debug(&format!(
                "the vendor serves {got} calls a page where {} were asked: paging by {got}",
                self.asked
            ));
        }
        cap
    }

    fn read(&mut self, page: &Page, want: u64) {
        self.expected += want;
        if let Some(t) = page.total_calls {
            self.totals = Some(
                self.totals
                    .map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))),
            );
        }
    }

    /// Nothing of the window can have been passed by: every page held what the vendor said,
    /// exactly that many distinct calls arrived, its total stayed the same from the first page
    /// to the last (a total that moves moves calls across pages), and the pages read were all
    /// of them, or (`past_window`) all up to one entirely older than the window in a listing
    /// that came newest first.
    fn exact(&self, past_window: bool) -> bool {
        self.short.is_empty()
            && self.arrived == self.expected
            && matches!(self.totals, Some((lo, hi)) if lo == hi && (past_window || self.arrived == lo))
    }

    /// Ok when every page held what the vendor said and the distinct calls reach its count for
    /// the pages read, else the failure with the numbers.
    fn verdict(&self, vendor: crate::types::Vendor, pages: u64) -> Result<()> {
        use crate::term::thousands;
        let Some((lo, hi)) = self.totals else {
            crate::term::debug(&format!(
                "{vendor}: {} arrived in {}; the vendor stated no total to check them against",
                crate::term::n_calls(self.arrived),
                crate::term::count(pages, "page", "pages")
            ));
            return Ok(());
        };
        // NOTE: a total that moved during the run (calls arriving, deleted) moved calls across
        // pages: that many may have been passed by or seen twice without loss.
        let drift = hi - lo;
        let all = self.expected >= lo;
        let required = lo.min(self.expected.saturating_sub(drift));
        let pages_read = if pages == 1 {
            "the 1 page read".to_string()
        } else {
            format!("the {pages} pages read")
        };
        let said = if all {
            format!(
                "{vendor} reported {} in the window",
                crate::term::n_calls(lo)
            )
        } else {
            format!(
                "{vendor} reported {} for {pages_read}",
                crate::term::n_calls(self.expected)
            )
        };
        crate::term::debug(&format!(
            "completeness: {said}; {} arrived in {}{}",
            crate::term::n_calls(self.arrived),
            crate::term::count(pages, "page", "pages"),
            if drift > 0 {
                format!(" (its total moved by {} during the run)", thousands(drift))
            } else {
                String::new()
            }
        ));
        if self.arrived >= required && self.short.is_empty() {
            return Ok(());
        }
        let pages_short: Vec<String> = self
            .short
            .iter()
            .take(5)
            .map(|(n, got, want)| format!("page {n} held {got} of {want}"))
            .collect();
        let more = self.short.len().saturating_sub(5);
        let detail = if pages_short.is_empty() {
            String::new()
        } else {
            format!(
                " ({}{}, also when read again)",
                pages_short.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        };
        // NOTE: with a total that did not move, a call served twice took the place of another
        // one: the vendor lists that call twice, or its pages skipped one. Say which.
        if self.repeated > 0 && drift == 0 && self.short.is_empty() {
            let ids: Vec<String> = self
                .repeats
                .iter()
                .map(|(id, page)| format!("{} (again on page {page})", crate::term::printable(id)))
                .collect();
            let more = self.repeated.saturating_sub(self.repeats.len() as u64);
            return Err(crate::error::Failure::new(
                crate::error::Exit::Failed,
                format!(
                    "{said}, {} arrived: it served {} twice: {}{}",
                    thousands(self.arrived),
                    crate::term::n_calls(self.repeated),
                    ids.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                ),
            )
            .hint("its total did not move, so each repeat stood where another call should have been; nothing was committed. If it repeats, the vendor lists those calls twice: `calls show ID` shows them; report it to the vendor, or leave them out with --from / --to")
            .into());
        }
        Err(crate::error::Failure::new(
            crate::error::Exit::Failed,
            format!("{said}, {} arrived{detail}", thousands(self.arrived)),
        )
        .hint("the vendor served fewer calls than it counted; nothing was committed: run it again later, or narrow --from / --to")
        .into())
    }
}

/// About how many calls may wait, parsed, for the writer (pages of them, at least
/// `--concurrency` pages).
const WAITING_CALLS: usize = 2_000;

/// Pages `first..=last` fetched ahead: a new request starts as soon as any finishes (not only
/// the oldest, which would let one slow page hold up the rest), and pages come out in order. At
/// most `concurrency` requests are in flight and `window` pages wait to be taken.
/// Each page is fetched and parsed by its own task, so parsing uses every core and a request
/// keeps going while the consumer is busy; dropping `Ahead` aborts them all.
struct Ahead {
    in_flight: JoinSet<(u64, Result<Page>)>,
    /// Pages fetched or in flight beyond the next one to be taken.
    window: u64,
    done: BTreeMap<u64, Result<Page>>,
    next_issue: u64,
    next_emit: u64,
    last: u64,
    concurrency: usize,
}

impl Ahead {
    fn new(first: u64, last: u64, concurrency: usize, window: usize) -> Self {
        Ahead {
            in_flight: JoinSet::new(),
            window: window.max(concurrency) as u64,
            done: BTreeMap::new(),
            next_issue: first,
            next_emit: first,
            last,
            concurrency,
        }
    }

    /// The next page in order, `None` after `last`.
    async fn next<F>(&mut self, fetch: &impl Fn(u64) -> F) -> Option<Result<Page>>
    where
        F: Future<Output = (u64, Result<Page>)> + Send + 'static,
    {
        loop {
            // Refill first, so a page already waiting does not delay the next request.
            while self.in_flight.len() < self.concurrency
                && self.next_issue <= self.last
                && self.next_issue < self.next_emit + self.window
            {
                self.in_flight.spawn(fetch(self.next_issue));
                self.next_issue += 1;
            }
            if let Some(page) = self.done.remove(&self.next_emit) {
                self.next_emit += 1;
                return Some(page);
            }
            if self.next_emit > self.last {
                return None;
            }
            let (n, page) = match self.in_flight.join_next().await? {
                Ok(done) => done,
                Err(e) => (
                    self.next_emit,
                    Err(anyhow::anyhow!("a page fetch failed: {e}")),
                ),
            };
            self.done.insert(n, page);
        }
    }
}

/// The error for a vendor that serves the same page again and again.
fn repeating(vendor: crate::types::Vendor, page: u64, q: &Query) -> anyhow::Error {
    let pinned = q.params.iter().any(|(k, _)| {
        matches!(
            k.to_ascii_lowercase().as_str(),
            "page" | "offset" | "per_page" | "limit" | "show" | "itemsperpage"
        )
    });
    crate::error::Failure::new(
        crate::error::Exit::Failed,
        format!("{vendor} kept repeating itself: page {page} held nothing new, so the listing would never end; stopped"),
    )
    .hint(if pinned {
        "a --param that sets the page or its size pins every request to the same page: leave paging to calls"
    } else {
        "the vendor's pagination is broken; try again later, or narrow --from / --to"
    })
    .into()
}

/// The progress line on stderr: a bar when the end is known (the `--limit`, else the vendor's
/// page count, else its total), otherwise the count and rate so far. Cleared however the
/// listing ends (see [`crate::term::Shown`]).
struct Progress {
    bar: Option<ProgressBar>,
    _shown: crate::term::Shown,
    limit: Option<u64>,
    started: Instant,
    kind: Option<Kind>,
    /// Drawn on stderr yet.
    drawn: bool,
}

/// What the progress line measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Calls, up to `--limit` (or the vendor's total when that is smaller).
    Limit,
    /// Pages, of the page count the vendor tells.
    Pages,
    /// Calls, of the total the vendor tells (no page count).
    Calls,
    /// No end known: counts and rate.
    Open,
}

/// The line's state after a page: what it measures, where it is, how far it goes, and its
/// message. NOTE: the vendor's total counts what its coarser filters let through, so it is
/// shown as an estimate (`~`); with `--limit` the run ends at the limit, not at the total.
fn progress_state(
    calls: u64,
    pages: u64,
    total_pages: Option<u64>,
    total_calls: Option<u64>,
    limit: Option<u64>,
    rate: f64,
) -> (Kind, u64, Option<u64>, String) {
    use crate::term::thousands;
    let rate = format!("{}/s", thousands(rate.round() as u64));
    match (limit, total_pages, total_calls) {
        (Some(l), _, t) => (
            Kind::Limit,
            calls,
            Some(t.map_or(l, |t| t.min(l))),
            format!("calls, {rate}"),
        ),
        (None, Some(p), t) => {
            let of = t.map(|t| format!("/~{}", thousands(t))).unwrap_or_default();
            (
                Kind::Pages,
                pages,
                Some(p.max(pages)),
                format!(
                    "pages, {}{of} {}, {rate}",
                    thousands(calls),
                    if calls == 1 && of.is_empty() {
                        "call"
                    } else {
                        "calls"
                    }
                ),
            )
        }
        (None, None, Some(t)) => (
            Kind::Calls,
            calls,
            Some(t.max(calls)),
            format!("calls, {rate}"),
        ),
        (None, None, None) => (
            Kind::Open,
            calls,
            None,
            format!(
                "{}, {}, {rate}",
                crate::term::n_calls(calls),
                crate::term::count(pages, "page", "pages")
            ),
        ),
    }
}

impl Progress {
    fn new(on: bool, limit: Option<u64>) -> Progress {
        // NOTE: drawn only once the run has lasted a second: a bar drawn at once would sit on
        // the terminal between the lines `| head` prints from its own process, where clearing
        // it can no longer reach it.
        let bar = on.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()));
        Progress {
            _shown: crate::term::show_bar(bar.clone()),
            bar,
            limit,
            started: Instant::now(),
            kind: None,
            drawn: false,
        }
    }

    fn update(&mut self, stats: &Stats, total_pages: Option<u64>, total_calls: Option<u64>) {
        let Some(bar) = &self.bar else {
            return;
        };
        let rate = stats.calls as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        let (kind, pos, len, msg) = progress_state(
            stats.calls,
            stats.pages,
            total_pages,
            total_calls,
            self.limit,
            rate,
        );
        if self.kind != Some(kind) {
            self.kind = Some(kind);
            bar.set_style(match kind {
                Kind::Open => open_style(),
                _ => crate::term::bar_style(),
            });
        }
        match len {
            Some(len) => bar.set_length(len),
            None => bar.unset_length(),
        }
        bar.set_position(pos);
        bar.set_message(msg);
        if !self.drawn && self.started.elapsed() >= std::time::Duration::from_secs(1) {
            self.drawn = true;
            bar.set_draw_target(crate::term::bar_target());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }
}

fn open_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// An id is a duplicate while any page that had it is within the span, and new again
    /// once every such page has left it; the memory holds only the span's ids.
    #[test]
    fn recent_remembers_exactly_the_span() {
        let mut r = Recent::new(3);
        assert!(r.first_time("a"));
        assert!(!r.first_time("a"));
        r.next_page(); // page 1
        assert!(r.first_time("b"));
        assert!(!r.first_time("a"));
        r.next_page(); // page 2
        r.next_page(); // page 3: page 0 leaves; "a" was seen on 1 too
        assert!(!r.first_time("b"));
        r.next_page(); // page 4: page 1 leaves; "b" was seen on 3
        assert!(r.first_time("a"));
        assert!(!r.first_time("b"));
        for _ in 0..4 {
            r.next_page();
        }
        assert!(r.first_time("b"));
        assert!(r.seen.len() <= 2 && r.pages.len() <= 3);
    }

    /// A bar only where the end is known: the limit when there is one (never the vendor's page
    /// count of the whole window), the page count, the total; counts and rate otherwise.
    #[test]
    fn progress_shows_the_end_it_knows() {
        let st = |calls, pages, tp, tc, limit| progress_state(calls, pages, tp, tc, limit, 1234.4);
        // `list --limit 300` over a window of 71,148 calls in 712 pages.
        assert_eq!(
            st(100, 1, Some(712), Some(71148), Some(300)),
            (Kind::Limit, 100, Some(300), "calls, 1,234/s".to_string())
        );
        assert_eq!(
            st(20, 1, Some(1), Some(20), Some(300)),
            (Kind::Limit, 20, Some(20), "calls, 1,234/s".to_string())
        );
        assert_eq!(
            st(500, 5, Some(712), Some(71148), None),
            (
                Kind::Pages,
                5,
                Some(712),
                "pages, 500/~71,148 calls, 1,234/s".to_string()
            )
        );
        // Evolux and myCRM tell no page count: not `pages 780/780` far from done.
        assert_eq!(
            st(78000, 780, None, Some(250000), None),
            (
                Kind::Calls,
                78000,
                Some(250000),
                "calls, 1,234/s".to_string()
            )
        );
        assert_eq!(
            st(78000, 780, None, None, None),
            (
                Kind::Open,
                78000,
                None,
                "78,000 calls, 780 pages, 1,234/s".to_string()
            )
        );
        // The text beside the bar leaves it room within 80 columns (76 for the bar's line, see
        // `term::bar_target`), even with big numbers: `⠋ [` + bar + `] 99999/99999 ` + message +
        // `, eta 59m`.
        for (calls, pages, tp, tc, limit) in [
            (9_999_999, 99_999, Some(99_999), Some(9_999_999), None),
            (9_999_999, 99_999, None, None, None),
            (9_999_999, 99_999, None, Some(9_999_999), Some(9_999_999)),
        ] {
            let rate = 99_999.0;
            let (_, _, _, msg) = progress_state(calls, pages, tp, tc, limit, rate);
            let text = format!("x [] 99999/99999 {msg}, eta 59m");
            assert!(text.chars().count() + 6 <= 76, "{text}");
        }
        // One of each is singular.
        assert_eq!(
            st(1, 1, None, None, None).3,
            "1 call, 1 page, 1,234/s".to_string()
        );
        assert_eq!(
            st(1, 1, Some(3), None, None).3,
            "pages, 1 call, 1,234/s".to_string()
        );
    }

    /// However the listing ends (here: the sink fails, as a closed stdout does), the bar is
    /// finished and cleared, and no longer registered for log lines.
    #[test]
    fn the_bar_is_cleared_when_the_listing_stops_early() {
        let progress = Progress::new(true, Some(3));
        let bar = progress.bar.clone().unwrap();
        assert!(!bar.is_finished());
        drop(progress);
        assert!(bar.is_finished());
        crate::term::log("a line after the bar");
    }

    /// Pages finishing in a scrambled order come out in order, with never more than
    /// `concurrency` requests at once, and a failed page is handed on in its place.
    #[tokio::test(start_paused = true)]
    async fn ahead_keeps_order_and_bounds_requests() {
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let fetch = |n: u64| {
            let (now, peak) = (now.clone(), peak.clone());
            async move {
                let at_once = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(at_once, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(1 + (n * 7919) % 13)).await;
                now.fetch_sub(1, Ordering::SeqCst);
                let page = if n == 40 {
                    Err(anyhow::anyhow!("page 40 failed"))
                } else {
                    Ok(Page {
                        calls: Vec::new(),
                        next: None,
                        total_pages: Some(50),
                        total_calls: Some(n),
                        ..Page::default()
                    })
                };
                (n, page)
            }
        };
        let mut ahead = Ahead::new(2, 50, 4, 16);
        let mut seen = Vec::new();
        while let Some(page) = ahead.next(&fetch).await {
            match page {
                Ok(p) => seen.push(p.total_calls.unwrap()),
                Err(e) => {
                    assert_eq!(e.to_string(), "page 40 failed");
                    seen.push(0);
                }
            }
        }
        let want: Vec<u64> = (2..=50).map(|n| if n == 40 { 0 } else { n }).collect();
        assert_eq!(seen, want);
        assert_eq!(peak.load(Ordering::SeqCst), 4);
    }
}
