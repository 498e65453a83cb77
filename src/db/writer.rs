//! The open database on an OS thread of its own, fed by a channel with a bounded number of
//! batches in it: the command's runtime never blocks on the database (no `block_on` inside it,
//! nothing blocking in a `Drop`), and writing a batch overlaps with fetching and parsing the next
//! ones.
//!
//! NOTE: why no `block_on` on the command's runtime, not even a nested one: `Runtime::block_on`
//! in `main.rs` and any `block_on` called beneath it (`Handle::block_on`, `blocking_send`) park
//! the same thread-local parker. A wakeup meant for the outer one (SIGTERM's branch of the
//! `select!`) that arrives while an inner one waits is consumed by the inner one; the outer one
//! then sleeps through the signal (a `sync --every 1h` into PostgreSQL, signalled right after a
//! profile's summary, ran on into its hour of sleep). The one wait on the command's side, the
//! sink's for room in the queue, is on a std `Condvar`, which touches no tokio parker.
//!
//! A run of one profile is: [`Writer::begin`] (takes the profile's lock), maybe
//! [`Writer::resume`], batches through [`Batches::send`] (each its own transaction), then
//! [`Writer::finish`] (the last batch and the state in one transaction, the lock released) or,
//! when the run fails, [`Writer::release`] (the lock released, the state untouched).
//!
//! When the command's future is dropped (SIGTERM, Ctrl-C), the [`Writer`] goes with it: the
//! thread skips whatever is still queued and ends; nothing on the command's side waits for it.
//! The process then exits, which is safe at any point: a transaction not committed is rolled
//! back (SQLite on the next open, PostgreSQL when the session ends, which also releases its
//! advisory locks; a lock file's lock goes with the process).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::{Advance, Counts, Database, Dest, Resume, Row};
use crate::call::Call;

/// Batches waiting for the thread beside the one it writes and the one the sink fills: enough
/// for fetching to run ahead while a batch is written, few enough for memory to stay flat
/// (a batch of 2,000 Famulor calls holds about 4 MB).
const QUEUED: usize = 2;

enum Request {
    Begin {
        profile: String,
        now: DateTime<Utc>,
        reply: oneshot::Sender<Result<()>>,
    },
    Resume {
        filters: String,
        reply: oneshot::Sender<Result<Option<Resume>>>,
    },
    Batch {
        rows: Vec<Row>,
        /// Where the rows go back once written, to be filled again (see [`Batches::row`]).
        spent: std::sync::mpsc::Sender<Vec<Row>>,
    },
    Finish {
        rows: Vec<Row>,
        advance: Advance,
        reply: oneshot::Sender<Result<Counts>>,
    },
    Release(oneshot::Sender<Result<()>>),
    Close(oneshot::Sender<()>),
}

/// What the command and the thread share.
#[derive(Default)]
struct Shared {
    /// A batch of the current run failed: the sink stops the run (the error comes back from
    /// [`Writer::release`]).
    failed: AtomicBool,
    /// The [`Writer`] was dropped: whatever is queued is skipped.
    gone: AtomicBool,
    /// Batches sent and not yet taken by the thread, and whether the thread has ended.
    queue: Mutex<Queue>,
    /// Signalled when the thread takes a batch, and when it ends.
    taken: Condvar,
}

#[derive(Default)]
struct Queue {
    batches: usize,
    ended: bool,
    /// SIGTERM or Ctrl-C arrived: the sink waits no more (`main.rs` ends the command).
    interrupted: bool,
}

impl Shared {
    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The command's handle on the database thread.
pub struct Writer {
    tx: mpsc::UnboundedSender<Request>,
    shared: Arc<Shared>,
    /// The task that stops the sink's wait on a signal.
    watch: tokio::task::AbortHandle,
}

/// The sink's side of the channel: full batches, sent without a reply.
pub struct Batches {
    tx: mpsc::UnboundedSender<Request>,
    shared: Arc<Shared>,
    /// Rows of written batches, back from the thread: [`Batches::row`] fills them again.
    spare: Vec<Row>,
    spent: (
        std::sync::mpsc::Sender<Vec<Row>>,
        std::sync::mpsc::Receiver<Vec<Row>>,
    ),
}

/// The message of a failed batch as the sink sees it; the real error comes from
/// [`Writer::release`].
const FAILED: &str = "the database stopped taking calls";

fn stopped() -> anyhow::Error {
    anyhow::anyhow!("the database thread stopped unexpectedly")
}

impl Writer {
    /// Starts the thread, which opens the database (creating or migrating its schema).
    pub async fn open(dest: &Dest) -> Result<Writer> {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::default());
        let (ready, opened) = oneshot::channel::<Result<()>>();
        let (dest, theirs) = (dest.clone(), shared.clone());
        std::thread::Builder::new()
            .name("calls-db".into())
            .spawn(move || match dest.open() {
                Ok(db) => {
                    if ready.send(Ok(())).is_ok() {
                        serve(db, rx, &theirs);
                    }
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                }
            })
            .context("cannot start the database thread")?;
        opened.await.map_err(|_| stopped())??;
        // NOTE: a database that does not answer (a lock held elsewhere, a server that stalls)
        // holds the sink in its wait for room, on the thread that would see the signal: this
        // task sees it instead and ends the wait, so that `main.rs` can end the run.
        let theirs = shared.clone();
        let watch = tokio::spawn(async move {
            signalled().await;
            theirs.queue().interrupted = true;
            theirs.taken.notify_all();
        })
        .abort_handle();
        Ok(Writer { tx, shared, watch })
    }

    async fn ask<T>(&self, request: Request, answer: oneshot::Receiver<Result<T>>) -> Result<T> {
        self.tx.send(request).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Starts a run of `profile`: takes its lock (another run holding it is exit 1, at once;
    /// on PostgreSQL an error with the context [`super::Elsewhere`], which `sync` skips).
    /// `now` is the run's `first_seen_at` / `changed_at`.
    pub async fn begin(&self, profile: &str, now: DateTime<Utc>) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        let profile = profile.to_string();
        self.ask(
            Request::Begin {
                profile,
                now,
                reply,
            },
            answer,
        )
        .await
    }

    /// Where the last complete run of the current profile with `filters` left off.
    pub async fn resume(&self, filters: &str) -> Result<Option<Resume>> {
        let (reply, answer) = oneshot::channel();
        let filters = filters.to_string();
        self.ask(Request::Resume { filters, reply }, answer).await
    }

    /// Where the sink sends full batches.
    pub fn batches(&self) -> Batches {
        Batches {
            tx: self.tx.clone(),
            shared: self.shared.clone(),
            spare: Vec::new(),
            spent: std::sync::mpsc::channel(),
        }
    }

    /// Ends the run: the batches sent before, then `rows` and the state in one transaction; the
    /// lock released. The run's counts, or the first error of any of its batches.
    pub async fn finish(&self, rows: Vec<Row>, advance: Advance) -> Result<Counts> {
        let (reply, answer) = oneshot::channel();
        self.ask(
            Request::Finish {
                rows,
                advance,
                reply,
            },
            answer,
        )
        .await
    }

    /// Ends a run that failed: the batches sent before are written, the state is not advanced,
    /// the lock released. The error of a batch that failed, if one did.
    pub async fn release(&self) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.ask(Request::Release(reply), answer).await
    }

    /// Closes the database (SQLite folds its WAL into the file) and ends the thread.
    pub async fn close(self) {
        let (reply, answer) = oneshot::channel();
        if self.tx.send(Request::Close(reply)).is_ok() {
            let _ = answer.await;
        }
    }
}

impl Drop for Writer {
    /// Only a flag: the thread skips what is queued and ends by itself; nothing waits for it.
    fn drop(&mut self) {
        self.shared.gone.store(true, Ordering::SeqCst);
        self.watch.abort();
    }
}

impl Batches {
    /// Queues a full batch. NOTE: the pager's sink is synchronous; when `QUEUED` batches are
    /// already waiting, this waits for the thread to take one (on a `Condvar`, see above), out
    /// of the runtime's way (`block_in_place`: its other tasks go on, fetching pages ahead up to
    /// the pager's own bound). That wait is the backpressure that keeps memory flat.
    pub fn send(&self, rows: Vec<Row>) -> Result<()> {
        if self.shared.failed.load(Ordering::SeqCst) {
            anyhow::bail!(FAILED);
        }
        let room = || {
            let mut queue = self.shared.queue();
            while queue.batches >= QUEUED && !queue.ended && !queue.interrupted {
                queue = self
                    .shared
                    .taken
                    .wait(queue)
                    .unwrap_or_else(|e| e.into_inner());
            }
            if queue.ended {
                return Err(stopped());
            }
            if queue.interrupted {
                anyhow::bail!("interrupted");
            }
            queue.batches += 1;
            Ok(())
        };
        let full = self.shared.queue().batches >= QUEUED;
        match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) if full => {
                tokio::task::block_in_place(room)
            }
            _ => room(),
        }?;
        let spent = self.spent.0.clone();
        self.tx
            .send(Request::Batch { rows, spent })
            .map_err(|_| stopped())
    }

    /// The row of a call for the next batch: a row of a written batch filled again when one is
    /// back, else a new one. NOTE: the rows are made here and written on the thread; dropped
    /// there, their strings were freed across threads (glibc: under the arena's lock, against
    /// this thread's allocations), a seventh of the thread's time. Filled again, their text
    /// keeps its room and only the raw record is freed, here.
    pub fn row(&mut self, call: Call) -> Row {
        if self.spare.is_empty() {
            if let Ok(spent) = self.spent.1.try_recv() {
                self.spare = spent;
            }
        }
        match self.spare.pop() {
            Some(mut row) => {
                row.refill(call);
                row
            }
            None => Row::new(call),
        }
    }
}

/// SIGTERM or Ctrl-C (as `main.rs` listens for them).
async fn signalled() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Tells the sink that the thread has ended, however it ends (a panic too): it waits no more.
struct Ended<'a>(&'a Shared);

impl Drop for Ended<'_> {
    fn drop(&mut self) {
        self.0.queue().ended = true;
        self.0.taken.notify_all();
    }
}

/// The run being written: its profile, time, counts so far, and the first error of its batches.
struct Run {
    profile: String,
    now: DateTime<Utc>,
    counts: Counts,
    error: Option<anyhow::Error>,
    /// The profile had calls stored when the run began (else none can be gone).
    held: bool,
}

impl Run {
    fn new(profile: String, now: DateTime<Utc>, held: bool) -> Run {
        Run {
            profile,
            now,
            counts: Counts::default(),
            error: None,
            held,
        }
    }
}

/// The thread's loop: one request at a time, in order. Every batch is committed or rolled back
/// within its request, so nothing is open between two.
fn serve(mut db: Box<dyn Database>, mut rx: mpsc::UnboundedReceiver<Request>, shared: &Shared) {
    let _ended = Ended(shared);
    let mut run: Option<Run> = None;
    let unlock = |db: &mut Box<dyn Database>, profile: &str| {
        // NOTE: a lock that cannot be released went with its connection; the committed run
        // stands either way.
        if let Err(e) = db.unlock(profile) {
            crate::term::debug(&format!(
                "{}: releasing the lock: {e:#}",
                crate::term::printable(profile)
            ));
        }
    };
    while let Some(request) = rx.blocking_recv() {
        if shared.gone.load(Ordering::SeqCst) {
            break;
        }
        match request {
            Request::Begin {
                profile,
                now,
                reply,
            } => {
                if let Some(old) = run.take() {
                    unlock(&mut db, &old.profile);
                }
                shared.failed.store(false, Ordering::SeqCst);
                let locked = db.lock(&profile).and_then(|()| {
                    let held = db.holds(&profile);
                    if held.is_err() {
                        unlock(&mut db, &profile);
                    }
                    held
                });
                let locked = locked.map(|held| {
                    run = Some(Run::new(profile, now, held));
                });
                let _ = reply.send(locked);
            }
            Request::Resume { filters, reply } => {
                let resumed = match &run {
                    Some(r) => db.resume(&r.profile, &filters),
                    None => Err(anyhow::anyhow!("no run begun")),
                };
                let _ = reply.send(resumed);
            }
            Request::Batch { rows, spent } => {
                shared.queue().batches -= 1;
                shared.taken.notify_one();
                let Some(r) = run.as_mut().filter(|r| r.error.is_none()) else {
                    continue;
                };
                match db.upsert(&r.profile, &rows, r.now, None) {
                    Ok(counts) => {
                        r.counts.add(counts);
                        // Committed: said if a signal ends the run before its summary.
                        super::note_stored(&r.profile, &r.counts);
                    }
                    Err(e) => {
                        r.error = Some(e);
                        shared.failed.store(true, Ordering::SeqCst);
                    }
                }
                // Gone with the sink (its run ended): dropped here.
                let _ = spent.send(rows);
            }
            Request::Finish {
                rows,
                advance,
                reply,
            } => {
                let Some(mut r) = run.take() else {
                    let _ = reply.send(Err(anyhow::anyhow!("no run begun")));
                    continue;
                };
                let mut advance = advance;
                if !r.held {
                    advance.sweep = None;
                }
                let done = match r.error.take() {
                    Some(e) => Err(e),
                    None => db
                        .upsert(&r.profile, &rows, r.now, Some(&advance))
                        .map(|counts| {
                            r.counts.add(counts);
                            r.counts
                        }),
                };
                unlock(&mut db, &r.profile);
                let _ = reply.send(done);
            }
            Request::Release(reply) => {
                let result = match run.take() {
                    Some(mut r) => {
                        unlock(&mut db, &r.profile);
                        r.error.take().map_or(Ok(()), Err)
                    }
                    None => Ok(()),
                };
                let _ = reply.send(result);
            }
            Request::Close(reply) => {
                drop(db);
                let _ = reply.send(());
                return;
            }
        }
    }
}
