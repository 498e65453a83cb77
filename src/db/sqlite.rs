//! SQLite, embedded: a file created mode 0600, WAL, prepared statements, one transaction per
//! batch; a lock file beside it per profile while that profile syncs (beside the file a
//! symlink points to: one lock whichever name the database is given).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{col, lock_name, parse_time, time, Advance, Counts, Database, Resume, Row};
use crate::error::{Exit, Failure};

/// The migrations, in order: `migrations/sqlite/NNN_*.sql`; schema version N after the Nth.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "001_calls.sql",
        include_str!("../../migrations/sqlite/001_calls.sql"),
    ),
    (
        "002_first_status.sql",
        include_str!("../../migrations/sqlite/002_first_status.sql"),
    ),
    (
        "003_newest_modified.sql",
        include_str!("../../migrations/sqlite/003_newest_modified.sql"),
    ),
    (
        "004_synced_from.sql",
        include_str!("../../migrations/sqlite/004_synced_from.sql"),
    ),
    (
        "005_deleted_at.sql",
        include_str!("../../migrations/sqlite/005_deleted_at.sql"),
    ),
];

pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
    /// The database file itself, symlinks resolved: where the lock files are, and what they
    /// are named after.
    real: PathBuf,
    /// The lock file of the profile being synced, locked while it is open, and its path.
    held: Option<(std::fs::File, PathBuf)>,
    /// Whether the next batch looks up the stored hashes (see [`Database::upsert`]).
    lookup: bool,
    /// Copies the WAL into the database file while the next batches are written. Dropped
    /// after `conn` (fields drop in order): its connection, the last one, folds in what is left.
    _checkpoints: Checkpointer,
}

/// What a stored call's hash is, `NULL` for one marked deleted at the source (served again,
/// it has come back): a row unchanged is neither written nor rewritten to find out.
const HASH: &str = "SELECT CASE WHEN deleted_at IS NULL THEN hash END FROM calls \
    WHERE profile = ?1 AND id = ?2";

const INSERT: &str = "INSERT INTO calls (profile, vendor, id, started_at, ended_at, direction, \
    status, vendor_status, duration, talk_time, customer_number, line_number, agent, campaign, \
    recording_url, cost, raw, first_seen_at, changed_at, hash, first_status) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
    NULL, ?19, ?7)";

const UPDATE: &str = "UPDATE calls SET vendor = ?2, started_at = ?4, ended_at = ?5, \
    direction = ?6, status = ?7, vendor_status = ?8, duration = ?9, talk_time = ?10, \
    customer_number = ?11, line_number = ?12, agent = ?13, campaign = ?14, \
    recording_url = ?15, cost = ?16, raw = ?17, changed_at = ?18, hash = ?19, \
    deleted_at = NULL WHERE profile = ?1 AND id = ?3";

/// The calls of a profile in a window that the vendor still listed when last read: those a
/// complete read no longer returns are gone ([`super::Sweep`]).
const LISTED: &str = "SELECT id FROM calls WHERE profile = ?1 AND started_at >= ?2 \
    AND started_at < ?3 AND deleted_at IS NULL";

const GONE: &str =
    "UPDATE calls SET deleted_at = ?3, changed_at = ?3 WHERE profile = ?1 AND id = ?2";

const ADVANCE: &str = "INSERT INTO sync_state (profile, filters, newest_started_at, synced_to, \
    synced_at, newest_modified_at, synced_from) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
    ON CONFLICT (profile, filters) DO UPDATE SET newest_started_at = excluded.newest_started_at, \
    synced_to = excluded.synced_to, synced_at = excluded.synced_at, \
    newest_modified_at = excluded.newest_modified_at, synced_from = excluded.synced_from";

impl Sqlite {
    /// Opens (creating mode 0600 if missing) and brings the schema up to date. A file that is
    /// not a SQLite database, or whose `calls` table sync cannot keep exact, is refused
    /// (exit 2).
    pub fn open(path: &Path) -> Result<Sqlite> {
        create_private(path)?;
        Sqlite::open_file(path).map_err(|e| {
            if not_a_database(&e) || !has_header(path) {
                Failure::usage(format!("{} is not a SQLite database", path.display()))
                    .hint("pass the database calls sync made, or a new file name")
                    .into()
            } else {
                e
            }
        })
    }

    fn open_file(path: &Path) -> Result<Sqlite> {
        // NOTE: SQLite takes a file shorter than its header for an empty database, and would
        // write over it: a file that holds anything but SQLite's header is refused first.
        if !has_header(path) {
            anyhow::bail!("{} does not start with SQLite's header", path.display());
        }
        // NOTE: a symlink to the database takes the lock of the file it points to.
        let real = std::fs::canonicalize(path)
            .with_context(|| format!("cannot find the database {}", path.display()))?;
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        // Two syncs of different profiles take turns at writing.
        conn.busy_timeout(Duration::from_secs(60))?;
        // NOTE: 16 KB pages for a new file (an existing one keeps its own): a row with its raw
        // record is about 2 KB, so 4 KB pages held two, and a first sync spent a third of its
        // time splitting and rebalancing them (measured: 50,000 calls/s instead of 38,000).
        // Ignored once the file has pages.
        conn.pragma_update(None, "page_size", 16_384)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .with_context(|| format!("cannot switch {} to WAL", path.display()))?;
        // NOTE: WAL with synchronous=NORMAL keeps every committed transaction through a killed
        // process; only a power cut may lose the last one, never leave a half one.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn, path)?;
        check_schema(&conn, path)?;
        let checkpoints = Checkpointer::start(&mut conn, path)?;
        Ok(Sqlite {
            conn,
            path: path.to_path_buf(),
            real,
            held: None,
            lookup: true,
            _checkpoints: checkpoints,
        })
    }
}

/// The WAL's size at which the checkpointer thread is woken.
const CHECKPOINT_AT: i64 = 16 << 20;
/// The WAL's size at which the writer checkpoints itself, when the checkpointer has fallen
/// behind: what bounds the WAL (SQLite restarts it at the next write once it is all copied).
const CHECKPOINT_BY_WRITER_AT: i64 = 64 << 20;

/// NOTE: SQLite's own automatic checkpoint runs inside the commit that crosses its threshold:
/// the writer copies the WAL into the database file and waits for both `fsync`s, and the
/// next batch waits with it (a first sync onto a disk spent a quarter of its time there:
/// 19 s for 1,000,000 calls, 13 s on tmpfs). A second connection on a thread of its own runs
/// the checkpoints instead, PASSIVE (never waiting for readers or the writer); durability is
/// the same, as the checkpoint is the same.
struct Checkpointer {
    wake: Arc<(Mutex<Wake>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct Wake {
    pending: bool,
    stop: bool,
}

impl Checkpointer {
    fn start(writer: &mut Connection, path: &Path) -> Result<Checkpointer> {
        let page: i64 = writer.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let own = Connection::open(path)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        // A connection finds the WAL at its first read; until then it checkpoints nothing.
        own.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        let wake: Arc<(Mutex<Wake>, Condvar)> = Arc::default();
        let theirs = wake.clone();
        let thread = std::thread::Builder::new()
            .name("calls-db-checkpoint".into())
            .spawn(move || checkpoints(own, &theirs))
            .context("cannot start the checkpoint thread")?;
        let hook = wake.clone();
        // Replaces SQLite's automatic checkpoint (the hook is how that one is installed).
        writer.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: i32| {
            let size = i64::from(pages) * page;
            if size >= CHECKPOINT_BY_WRITER_AT {
                // Busy (the checkpointer is at it) or not: the commit stands either way.
                let _ = wal.checkpoint_v2(rusqlite::wal::CheckpointMode::PASSIVE);
            } else if size >= CHECKPOINT_AT {
                let (lock, cond) = &*hook;
                lock.lock().unwrap_or_else(|e| e.into_inner()).pending = true;
                cond.notify_one();
            }
            Ok(())
        }))?;
        Ok(Checkpointer {
            wake,
            thread: Some(thread),
        })
    }
}

fn checkpoints(conn: Connection, wake: &(Mutex<Wake>, Condvar)) {
    let (lock, cond) = wake;
    loop {
        {
            let mut w = lock.lock().unwrap_or_else(|e| e.into_inner());
            while !w.pending && !w.stop {
                w = cond.wait(w).unwrap_or_else(|e| e.into_inner());
            }
            if w.stop {
                return;
            }
            w.pending = false;
        }
        // A failed checkpoint loses nothing (the WAL keeps the pages); the writer's own
        // checkpoint, or the next, takes them.
        let _ = conn.wal_checkpoint_v2(Some("main"), rusqlite::wal::CheckpointMode::PASSIVE);
    }
}

impl Drop for Checkpointer {
    /// Waits for a checkpoint under way (its fsyncs; nothing waits on this thread but the
    /// database's own).
    fn drop(&mut self) {
        let (lock, cond) = &*self.wake;
        lock.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        cond.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Creates the file mode 0600 (before SQLite creates it with the umask's mode).
fn create_private(path: &Path) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create the database {}", path.display())),
    }
}

/// Whether the file is empty (a new database) or starts with SQLite's header.
fn has_header(path: &Path) -> bool {
    use std::io::Read;
    const HEADER: &[u8] = b"SQLite format 3\0";
    let Ok(mut file) = std::fs::File::open(path) else {
        // Unreadable: SQLite's own error says why.
        return true;
    };
    let mut head = Vec::with_capacity(HEADER.len());
    match file
        .by_ref()
        .take(HEADER.len() as u64)
        .read_to_end(&mut head)
    {
        Ok(_) => head.is_empty() || head == HEADER,
        Err(_) => true,
    }
}

/// Whether opening failed because the file is no SQLite database.
fn not_a_database(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<rusqlite::Error>())
        .any(|e| e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase))
}

/// The table `calls` as sync needs it (see [`super::check_schema`]).
fn check_schema(conn: &Connection, path: &Path) -> Result<()> {
    let shown = path.display().to_string();
    let read = || -> rusqlite::Result<(Vec<String>, bool)> {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut info = conn.prepare("SELECT name, pk FROM pragma_table_info('calls')")?;
        let mut rows = info.query([])?;
        while let Some(r) = rows.next()? {
            let (name, pk): (String, i64) = (r.get(0)?, r.get(1)?);
            if pk > 0 {
                key.push((pk, name.clone()));
            }
            columns.push(name);
        }
        let pair = |mut names: Vec<String>| {
            names.sort();
            names == ["id", "profile"]
        };
        let mut keyed = pair(key.into_iter().map(|(_, n)| n).collect());
        // Or a unique index on exactly the two.
        let mut list = conn.prepare(
            "SELECT name FROM pragma_index_list('calls') WHERE \"unique\" = 1 AND partial = 0",
        )?;
        let names: Vec<String> = list
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for index in names {
            let mut cols = conn.prepare("SELECT name FROM pragma_index_info(?1)")?;
            let cols: Vec<Option<String>> = cols
                .query_map([&index], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            keyed |= cols.iter().all(Option::is_some) && pair(cols.into_iter().flatten().collect());
        }
        Ok((columns, keyed))
    };
    let (columns, keyed) =
        read().with_context(|| format!("{shown}: cannot read the table calls' columns"))?;
    super::check_schema(&shown, &columns, keyed)
}

/// The schema version a database holds: 0 when it has none yet.
fn version(conn: &Connection) -> Result<u32> {
    let has: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        [],
        |r| r.get(0),
    )?;
    if !has {
        return Ok(0);
    }
    Ok(conn
        .query_row("SELECT max(version) FROM schema_version", [], |r| {
            r.get::<_, Option<u32>>(0)
        })?
        .unwrap_or(0))
}

/// Applies the migrations the database lacks, all in one transaction; refuses a newer schema.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let latest = MIGRATIONS.len() as u32;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let have = version(&tx)?;
    if have > latest {
        return Err(Failure::usage(format!(
            "{} has schema version {have}; this calls knows versions up to {latest}",
            path.display()
        ))
        .hint("upgrade calls, or sync into another file")
        .into());
    }
    if have == latest {
        return Ok(());
    }
    for (n, (name, sql)) in MIGRATIONS.iter().enumerate().skip(have as usize) {
        tx.execute_batch(sql)
            .with_context(|| format!("{}: migration {name} failed", path.display()))?;
        tx.execute("UPDATE schema_version SET version = ?1", [n as u32 + 1])?;
    }
    tx.commit()
        .with_context(|| format!("{}: cannot commit the schema", path.display()))?;
    Ok(())
}

impl Database for Sqlite {
    fn lock(&mut self, profile: &str) -> Result<()> {
        // A run starts by looking up: what the last run (maybe of another profile) found says
        // nothing of this one.
        self.lookup = true;
        let name = lock_name(self.real.file_name().unwrap_or_default(), profile);
        let path = self.real.with_file_name(name);
        // NOTE: the file goes when its lock is released, so a run may open it just before it
        // goes and lock a file no longer there while another run makes a new one: a lock is
        // taken only on the file that is still at the path, else tried again.
        let file =
            loop {
                let mut opts = std::fs::OpenOptions::new();
                opts.create(true).truncate(false).write(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let file = opts
                    .open(&path)
                    .with_context(|| format!("cannot open the lock file {}", path.display()))?;
                match file.try_lock() {
                    Ok(()) => {
                        if same_file(&file, &path) {
                            break file;
                        }
                    }
                    Err(std::fs::TryLockError::WouldBlock) => return Err(Failure::new(
                        Exit::Failed,
                        format!(
                            "another sync of {} into {} is still going (it holds {})",
                            crate::term::printable(profile),
                            self.path.display(),
                            path.display()
                        ),
                    )
                    .hint("let it finish; other profiles can sync into the same database meanwhile")
                    .into()),
                    Err(std::fs::TryLockError::Error(e)) => {
                        return Err(e).with_context(|| format!("cannot lock {}", path.display()))
                    }
                }
            };
        self.held = Some((file, path));
        Ok(())
    }

    /// Removes the lock file, then closes it (which releases its lock): no file is left per
    /// profile. A run that ends otherwise (killed) leaves it, unlocked, for the next to take.
    fn unlock(&mut self, _profile: &str) -> Result<()> {
        if let Some((file, path)) = self.held.take() {
            let _ = std::fs::remove_file(&path);
            drop(file);
        }
        Ok(())
    }

    fn holds(&mut self, profile: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM calls WHERE profile = ?1)",
            [profile],
            |r| r.get(0),
        )?)
    }

    fn resume(&mut self, profile: &str, filters: &str) -> Result<Option<Resume>> {
        type Stored = (
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Stored> = self
            .conn
            .query_row(
                "SELECT newest_started_at, synced_to, newest_modified_at, \
                 (SELECT min(started_at) FROM calls WHERE profile = ?1), synced_from, \
                 synced_at FROM sync_state WHERE profile = ?1 AND filters = ?2",
                params![profile, filters],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .optional()?;
        let time = |t: Option<String>| t.as_deref().map(parse_time).transpose();
        row.map(
            |(newest, upper, modified, oldest, covered_from, synced_at)| {
                Ok(Resume {
                    newest: time(newest)?,
                    upper: parse_time(&upper)?,
                    newest_modified: time(modified)?,
                    oldest: time(oldest)?,
                    covered_from: time(covered_from)?,
                    synced_at: time(synced_at)?,
                })
            },
        )
        .transpose()
    }

    fn upsert(
        &mut self,
        profile: &str,
        batch: &[Row],
        now: DateTime<Utc>,
        advance: Option<&Advance>,
    ) -> Result<Counts> {
        // NOTE: while batches find nothing stored (a first run), the next one skips the lookup
        // and is inserted straight in (a tenth of the writer's time): a call stored after all
        // stops it at the primary key, it is rolled back and written again after a lookup.
        if !self.lookup {
            match self.write(profile, batch, now, advance, false) {
                Ok(counts) => return Ok(counts),
                Err(e) if conflict(&e) => {
                    crate::term::debug(&format!(
                        "{}: a batch inserted without a lookup held stored calls; \
                         written again after one",
                        crate::term::printable(profile)
                    ));
                    self.lookup = true;
                }
                Err(e) => return Err(e),
            }
        }
        self.write(profile, batch, now, advance, true)
    }
}

/// Whether `file` is the file at `path` now (not one removed since it was opened).
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}

/// A primary key violation: the batch held a call that was stored after all.
fn conflict(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<rusqlite::Error>())
        .any(|e| {
            matches!(
                e.sqlite_error().map(|e| e.extended_code),
                Some(
                    rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                        | rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                )
            )
        })
}

impl Sqlite {
    /// One batch in one transaction: with `lookup`, each call's stored hash read first; new
    /// calls inserted, changed ones updated.
    fn write(
        &mut self,
        profile: &str,
        batch: &[Row],
        now: DateTime<Utc>,
        advance: Option<&Advance>,
        lookup: bool,
    ) -> Result<Counts> {
        let now = time(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| format!("{}: cannot start a transaction", self.path.display()))?;
        let mut counts = Counts::default();
        let shown = self.path.display();
        {
            // NOTE: a lookup by the primary key, then an insert or an update only when needed:
            // cheaper than an upsert with RETURNING (which also rewrote nothing, but paid for
            // the conflict path and the returned rows on every call).
            let mut hash = tx.prepare_cached(HASH)?;
            let mut insert = tx.prepare_cached(INSERT)?;
            let mut update = tx.prepare_cached(UPDATE)?;
            for row in batch {
                let t = row.columns();
                let stored: Option<Option<i64>> = if lookup {
                    hash.query_row(params![profile, t[col::ID]], |r| r.get(0))
                        .optional()
                        .with_context(|| format!("{shown}: cannot read the stored hashes"))?
                } else {
                    None
                };
                if stored == Some(Some(row.hash)) {
                    counts.unchanged += 1;
                    continue;
                }
                let values = params![
                    profile,
                    t[col::VENDOR],
                    t[col::ID],
                    t[col::STARTED_AT],
                    t[col::ENDED_AT],
                    t[col::DIRECTION],
                    t[col::STATUS],
                    t[col::VENDOR_STATUS],
                    row.duration,
                    row.talk_time,
                    t[col::CUSTOMER_NUMBER],
                    t[col::LINE_NUMBER],
                    t[col::AGENT],
                    t[col::CAMPAIGN],
                    t[col::RECORDING_URL],
                    t[col::COST],
                    row.raw,
                    now,
                    row.hash,
                ];
                if stored.is_none() {
                    insert
                        .execute(values)
                        .with_context(|| format!("{shown}: cannot insert the new calls"))?;
                    counts.new += 1;
                } else {
                    update
                        .execute(values)
                        .with_context(|| format!("{shown}: cannot update the changed calls"))?;
                    counts.changed += 1;
                }
            }
        }
        if let Some(sweep) = advance.and_then(|a| a.sweep.as_deref()) {
            counts.gone = mark_gone(&tx, profile, sweep, &now)
                .with_context(|| format!("{shown}: cannot mark the calls deleted at the source"))?;
        }
        if let Some(a) = advance {
            tx.execute(
                ADVANCE,
                params![
                    profile,
                    a.filters,
                    a.newest.map(time),
                    time(a.upper),
                    now,
                    a.newest_modified.map(time),
                    time(a.covered_from)
                ],
            )
            .with_context(|| format!("{shown}: cannot advance the state"))?;
        }
        tx.commit()
            .with_context(|| format!("{shown}: cannot commit"))?;
        self.lookup = counts.new < batch.len() as u64;
        Ok(counts)
    }
}

/// Marks `deleted_at` on the profile's calls in the sweep's windows that the run did not see;
/// how many.
fn mark_gone(
    tx: &rusqlite::Transaction<'_>,
    profile: &str,
    sweep: &super::Sweep,
    now: &str,
) -> Result<u64> {
    let mut listed = tx.prepare_cached(LISTED)?;
    let mut gone = tx.prepare_cached(GONE)?;
    let mut n = 0;
    for (from, to) in &sweep.windows {
        // NOTE: only the ids not seen are kept, not every stored one (a million in a --full).
        let mut ids: Vec<String> = Vec::new();
        for id in listed.query_map(params![profile, time(*from), time(*to)], |r| {
            r.get::<_, String>(0)
        })? {
            let id = id?;
            if !sweep.saw(&id) {
                ids.push(id);
            }
        }
        for id in &ids {
            n += gone.execute(params![profile, id, now])? as u64;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: usize, raw: &str) -> Row {
        Row::new(crate::call::Call {
            duration: Some(5),
            raw: Some(crate::call::Raw::from_value(
                &serde_json::json!({ "t": raw }),
            )),
            ..crate::call::Call::bare(
                crate::types::Vendor::Famulor,
                &id.to_string(),
                chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(id as i64),
            )
        })
    }

    /// The counts and the rows are those of upserting each copy in turn: a call twice in a
    /// batch, changed in between; new calls after stored ones and stored after new.
    #[test]
    fn counts_and_rows_as_if_each_copy_were_upserted_in_turn() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Sqlite::open(&dir.path().join("u.db")).unwrap();
        let now = Utc::now();
        let missed = |id, raw| {
            let mut r = row(id, raw);
            r.set(col::STATUS, Some("missed"));
            r
        };
        let batch = [row(1, "a"), row(2, "b"), missed(1, "a2"), missed(1, "a2")];
        let counts = db.upsert("p", &batch, now, None).unwrap();
        assert_eq!((counts.new, counts.changed, counts.unchanged), (2, 1, 1));
        let later = now + chrono::Duration::seconds(1);
        let counts = db
            .upsert(
                "p",
                &[row(2, "b"), row(3, "c"), row(1, "a3"), row(4, "d")],
                later,
                None,
            )
            .unwrap();
        assert_eq!((counts.new, counts.changed, counts.unchanged), (2, 1, 1));
        let rows: Vec<(String, String, Option<String>, String)> = db
            .conn
            .prepare("SELECT id, status, changed_at, first_status FROM calls ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3", "4"]);
        assert_eq!(rows[0].1, "answered");
        assert_eq!(rows[0].2.as_deref(), Some(time(later).as_str()));
        assert_eq!(rows[0].3, "answered");
        assert_eq!(rows[1].2, None);
        let raw: String = db
            .conn
            .query_row("SELECT raw FROM calls WHERE id = '1'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(raw, r#"{"t":"a3"}"#);
    }

    /// After a batch that found nothing stored, the next is inserted without a lookup; one that
    /// holds a stored call after all, or a call twice, is rolled back at the primary key and
    /// written again after a lookup: counts and rows as if it had been looked up.
    #[test]
    fn a_batch_inserted_without_a_lookup_that_meets_stored_calls_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Sqlite::open(&dir.path().join("l.db")).unwrap();
        let now = Utc::now();
        let counts = |c: Counts| (c.new, c.changed, c.unchanged);
        let c = db
            .upsert("p", &[row(1, "a"), row(2, "b")], now, None)
            .unwrap();
        assert_eq!(counts(c), (2, 0, 0));
        assert!(
            !db.lookup,
            "nothing was stored: the next batch skips the lookup"
        );
        let later = now + chrono::Duration::seconds(1);
        let batch = [row(3, "c"), row(1, "a2"), row(2, "b"), row(3, "c")];
        let c = db.upsert("p", &batch, later, None).unwrap();
        assert_eq!(counts(c), (1, 1, 2));
        assert!(db.lookup);
        let c = db.upsert("p", &[row(4, "d")], later, None).unwrap();
        assert_eq!(counts(c), (1, 0, 0));
        assert!(!db.lookup);
        let c = db
            .upsert("p", &[row(5, "e"), row(5, "e2")], later, None)
            .unwrap();
        assert_eq!(counts(c), (1, 1, 0));
        let rows: Vec<(String, String, Option<String>)> = db
            .conn
            .prepare("SELECT id, raw, changed_at FROM calls ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let want = |id: &str, t: &str, changed: Option<DateTime<Utc>>| {
            (
                id.to_string(),
                format!(r#"{{"t":"{t}"}}"#),
                changed.map(time),
            )
        };
        assert_eq!(
            rows,
            [
                want("1", "a2", Some(later)),
                want("2", "b", None),
                want("3", "c", None),
                want("4", "d", None),
                want("5", "e2", Some(later)),
            ]
        );
    }

    /// The checkpoint thread folds the WAL into the file while the connection is still open
    /// (SQLite's own checkpoint is off, and the writer's starts only at 64 MB): a checkpointer
    /// that checkpoints nothing (a connection that never read finds no WAL) fails this.
    #[test]
    fn the_wal_is_checkpointed_while_batches_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut db = Sqlite::open(&path).unwrap();
        let text = "x".repeat(4_000);
        let now = Utc::now();
        // 24 MB of rows, over CHECKPOINT_AT, under CHECKPOINT_BY_WRITER_AT.
        for b in 0..6 {
            let batch: Vec<Row> = (0..1_000).map(|i| row(b * 1_000 + i, &text)).collect();
            db.upsert("p", &batch, now, None).unwrap();
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::fs::metadata(&path).unwrap().len() < (CHECKPOINT_AT as u64) {
            assert!(
                std::time::Instant::now() < deadline,
                "the file did not grow: nothing was checkpointed"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(db);
        let conn = Connection::open(&path).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 6_000);
    }

    /// The files under migrations/sqlite are exactly the list, numbered 1, 2, ... in order.
    #[test]
    fn every_migration_file_is_applied_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let listed: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(files, listed);
        for (i, name) in listed.iter().enumerate() {
            assert!(name.starts_with(&format!("{:03}_", i + 1)), "{name}");
        }
    }

    /// The migrations make exactly the columns sync writes, in their order.
    #[test]
    fn the_migrated_table_has_the_columns_sync_writes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Sqlite::open(&dir.path().join("c.db")).unwrap();
        let names: Vec<String> = db
            .conn
            .prepare("SELECT name FROM pragma_table_info('calls')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(names, super::super::COLUMNS);
    }
}
