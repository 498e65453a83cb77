//! PostgreSQL, a real server: `tokio-postgres` with TLS through rustls (no OpenSSL); per batch,
//! the stored hashes looked up, then the new rows sent by binary COPY straight into `calls` and
//! the changed ones updated by one `UPDATE ... FROM unnest(...)`, through two connections at once
//! (each call through the one its id picks); `pg_try_advisory_lock` per profile.
//!
//! NOTE: the `Database` trait is synchronous; the client is async. A `Postgres` lives on the
//! database's own thread (`writer.rs`) with a current-thread runtime of its own, which owns the
//! client and its connection: each call is `block_on` of that runtime, never of the command's.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::Client;

use super::{Advance, Counts, Database, Resume, Row};
use crate::error::{Exit, Failure};

/// The migrations, in order: `migrations/postgres/NNN_*.sql`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "001_calls.sql",
        include_str!("../../migrations/postgres/001_calls.sql"),
    ),
    (
        "002_newest_modified.sql",
        include_str!("../../migrations/postgres/002_newest_modified.sql"),
    ),
    (
        "003_ids_in_byte_order.sql",
        include_str!("../../migrations/postgres/003_ids_in_byte_order.sql"),
    ),
    (
        "004_synced_from.sql",
        include_str!("../../migrations/postgres/004_synced_from.sql"),
    ),
    (
        "005_deleted_at.sql",
        include_str!("../../migrations/postgres/005_deleted_at.sql"),
    ),
];

/// The connections a sync writes through. NOTE: the server parses every raw record into
/// `jsonb` and updates two indexes per new call, on one core per connection: one connection
/// took 22,000 calls a second and left the machine's second core idle; two took 44,000 (the
/// database side alone, 2 cores). More would load a shared server for a cron job's sake.
const SESSIONS: usize = 2;

pub struct Postgres {
    /// The first holds the profile's lock and reads and writes its state; a batch is written
    /// through all of them at once, each call through the one its id picks (see
    /// [`Database::upsert`]).
    sessions: Vec<Session>,
    /// The URL with its password redacted, for messages.
    shown: String,
    /// The advisory lock's key while a profile's run holds it.
    held: Option<String>,
    /// Runs every step (dropped after the clients, which ends the sessions).
    clock: Clock,
}

/// Runs the clients' futures and, while it does, the connections', each step given a time to
/// end.
struct Clock {
    rt: tokio::runtime::Runtime,
    /// How long the server may leave a step unanswered.
    limit: std::time::Duration,
    /// A step went unanswered: the sessions are in no known state, every later step fails at
    /// once with this (the server's name and the wait).
    stalled: Option<String>,
}

/// How long a step (a connection, a batch, a lock) may wait for the server: then the run fails
/// naming it, instead of hanging until a signal.
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(300);

/// NOTE: for tests only (a stalled server in a few seconds): seconds instead of
/// [`ANSWER_WITHIN`].
const ANSWER_WITHIN_ENV: &str = "CALLS_TEST_PG_TIMEOUT";

impl Clock {
    /// `fut` run, given the limit to end; past it, the clock is stalled and the step fails
    /// naming the server (`shown`).
    fn within<T>(
        &mut self,
        shown: &str,
        fut: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let Clock { rt, limit, stalled } = self;
        let limit = *limit;
        if let Some(why) = stalled {
            return Err(Failure::new(Exit::Failed, why.clone()).into());
        }
        // The timer made inside the runtime (it needs its clock).
        match rt.block_on(async { tokio::time::timeout(limit, fut).await }) {
            Ok(done) => done,
            Err(_) => {
                let why = format!(
                    "{shown} did not answer for {} s (the server stalled, or the network to it)",
                    limit.as_secs()
                );
                *stalled = Some(why.clone());
                Err(Failure::new(Exit::Failed, why)
                .hint("check that the server is up and reachable; the next run starts where the state says")
                .into())
            }
        }
    }
}

/// One connection and what it keeps between batches.
struct Session {
    client: Client,
    /// The update and the hash lookup, prepared once per connection (not parsed and planned
    /// again for every batch).
    statements: Option<(tokio_postgres::Statement, tokio_postgres::Statement)>,
    /// Whether its next batch looks up the stored hashes first (see [`Session::stage`]).
    lookup: bool,
    /// A transaction is open (staged, not yet committed).
    open: bool,
}

const ADVANCE: &str = "INSERT INTO sync_state (profile, filters, newest_started_at, synced_to, \
    synced_at, newest_modified_at, synced_from) VALUES ($1, $2, $3, $4, $5, $6, $7) \
    ON CONFLICT (profile, filters) DO UPDATE SET newest_started_at = excluded.newest_started_at, \
    synced_to = excluded.synced_to, synced_at = excluded.synced_at, \
    newest_modified_at = excluded.newest_modified_at, synced_from = excluded.synced_from";

impl Postgres {
    /// Connects (settings from the URL or key=value string, else the `PG*` environment;
    /// password from them, else `~/.pgpass`; `sslmode` as libpq has it, TLS through rustls) and
    /// brings the schema up to date.
    pub fn open(url: &str) -> Result<Postgres> {
        let target = super::conninfo::resolve(url, &|k| std::env::var(k).ok())?;
        let shown = target.shown.clone();
        let mut config = target.config.clone();
        if config.get_password().is_none() {
            if let Some(p) = pgpass(&config) {
                config.password(p);
            }
        }
        // NOTE: a server that goes away without a word (a cable, a VM paused) is found by TCP
        // keepalives; one that stops answering but keeps the connection (SIGSTOP, a full disk
        // in some setups) by the limit of every step (`within`). The URL's own settings win.
        let default = tokio_postgres::Config::new();
        if config.get_keepalives() && config.get_keepalives_idle() == default.get_keepalives_idle()
        {
            config.keepalives(true);
            config.keepalives_idle(std::time::Duration::from_secs(30));
            config.keepalives_interval(std::time::Duration::from_secs(10));
            config.keepalives_retries(3);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(30));
        }
        let limit = std::env::var(ANSWER_WITHIN_ENV)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .map_or(ANSWER_WITHIN, std::time::Duration::from_secs);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the database's runtime")?;
        let mut clock = Clock {
            rt,
            limit,
            stalled: None,
        };
        let clients = clock.within(&shown, async {
            let tls = target.tls()?;
            let mut clients = Vec::with_capacity(SESSIONS);
            for _ in 0..SESSIONS {
                let connected = match config.connect(tls.clone()).await {
                    // NOTE: libpq's `allow`: without TLS first, and with it (not checked) where
                    // the server refuses that; the sessions after the first use what worked.
                    Err(_) if target.mode == super::conninfo::SslMode::Allow => {
                        config.ssl_mode(tokio_postgres::config::SslMode::Require);
                        config.connect(tls.clone()).await
                    }
                    other => other,
                };
                let (client, connection) = connected.map_err(|e| target.explain(e))?;
                tokio::spawn(async move {
                    let _ = connection.await;
                });
                clients.push(client);
            }
            anyhow::Ok(clients)
        })?;
        let sessions = clients
            .into_iter()
            .map(|client| Session {
                client,
                statements: None,
                lookup: true,
                open: false,
            })
            .collect();
        let mut db = Postgres {
            sessions,
            shown,
            held: None,
            clock,
        };
        db.migrate()?;
        db.check_schema()?;
        Ok(db)
    }

    fn migrate(&mut self) -> Result<()> {
        let latest = MIGRATIONS.len() as i32;
        let (client, shown, clock) = (&mut self.sessions[0].client, &self.shown, &mut self.clock);
        clock
            .within(shown, async {
                let tx = client.transaction().await?;
                // One migrator at a time.
                tx.execute("SELECT pg_advisory_xact_lock(7263550021)", &[])
                    .await?;
                let has: bool = tx
                    .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
                    .await?
                    .get(0);
                let have: i32 = if has {
                    tx.query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
                        .await?
                        .get(0)
                } else {
                    0
                };
                if have > latest {
                    return Err(Failure::usage(format!(
                    "{shown} has schema version {have}; this calls knows versions up to {latest}"
                ))
                    .hint("upgrade calls, or sync into another database")
                    .into());
                }
                for (n, (name, sql)) in MIGRATIONS.iter().enumerate().skip(have as usize) {
                    tx.batch_execute(sql)
                        .await
                        .with_context(|| format!("{shown}: migration {name} failed"))?;
                    tx.execute("UPDATE schema_version SET version = $1", &[&(n as i32 + 1)])
                        .await?;
                }
                tx.commit()
                    .await
                    .with_context(|| format!("{shown}: cannot commit the schema"))?;
                anyhow::Ok(())
            })
            .map_err(|e| match e.downcast_ref::<Failure>() {
                Some(_) => e,
                None => e.context(format!("{shown}: cannot bring the schema up to date")),
            })
    }
}

impl Postgres {
    /// Refuses a `calls` table that is not the one sync writes: a column missing, or no
    /// primary key (or unique index) on `(profile, id)` (a table a user rebuilt), where new
    /// calls would be stored twice.
    fn check_schema(&mut self) -> Result<()> {
        let (client, shown, clock) = (&self.sessions[0].client, &self.shown, &mut self.clock);
        let (columns, keyed) = clock
            .within(shown, async {
                let columns: Vec<String> = client
                .query(
                    "SELECT attname::text FROM pg_attribute WHERE attrelid = 'calls'::regclass \
                     AND attnum > 0 AND NOT attisdropped",
                    &[],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
                let keyed: bool = client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = 'calls'::regclass \
                     AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL \
                     AND i.indnatts = 2 AND (SELECT array_agg(a.attname::text ORDER BY a.attname) \
                     FROM pg_attribute a WHERE a.attrelid = i.indrelid \
                     AND a.attnum = ANY(i.indkey)) = ARRAY['id', 'profile'])",
                    &[],
                )
                .await?
                .get(0);
                anyhow::Ok((columns, keyed))
            })
            .with_context(|| format!("{shown}: cannot read the table calls' columns"))?;
        super::check_schema(shown, &columns, keyed)
    }
}

/// The password `~/.pgpass` (or `PGPASSFILE`) holds for this host, port, database and user.
fn pgpass(config: &tokio_postgres::Config) -> Option<Vec<u8>> {
    let path = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default().to_string();
    let dbname = config.get_dbname().unwrap_or(&user).to_string();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let fields = split_pgpass(line);
        if fields.len() != 5 {
            continue;
        }
        let ok = |i: usize, want: &str| fields[i] == "*" || fields[i] == want;
        if ok(0, &host) && ok(1, &port) && ok(2, &dbname) && ok(3, &user) {
            return Some(fields[4].clone().into_bytes());
        }
    }
    None
}

/// `host:port:db:user:password`, with `\:` and `\\` escapes.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    fields.last_mut().expect("one").push(n);
                }
            }
            ':' => fields.push(String::new()),
            c => fields.last_mut().expect("one").push(c),
        }
    }
    fields
}

impl Database for Postgres {
    fn lock(&mut self, profile: &str) -> Result<()> {
        // A run starts by looking up: what the last run (maybe of another profile) found says
        // nothing of this one.
        for s in &mut self.sessions {
            s.lookup = true;
        }
        let key = format!("calls sync {profile}");
        let (client, shown, clock) = (&self.sessions[0].client, &self.shown, &mut self.clock);
        let got: bool = clock
            .within(shown, async {
                Ok(client
                    .query_one(
                        "SELECT pg_try_advisory_lock(hashtextextended($1, 0))",
                        &[&key],
                    )
                    .await?)
            })
            .with_context(|| format!("{shown}: cannot take a lock"))?
            .get(0);
        if !got {
            return Err(Failure::new(
                Exit::Failed,
                format!(
                    "another sync of {} into {shown} is still going (it holds the advisory lock '{}')",
                    crate::term::printable(profile),
                    crate::term::printable(&key)
                ),
            )
            .hint("let it finish; other profiles can sync into the same database meanwhile")
            .into())
            .map_err(|e: anyhow::Error| e.context(super::Elsewhere));
        }
        self.held = Some(key);
        Ok(())
    }

    fn unlock(&mut self, _profile: &str) -> Result<()> {
        let Some(key) = self.held.take() else {
            return Ok(());
        };
        if self.clock.stalled.is_some() {
            // The run failed on that already; the lock ends with the session.
            return Ok(());
        }
        let (client, shown, clock) = (&self.sessions[0].client, &self.shown, &mut self.clock);
        clock
            .within(shown, async {
                Ok(client
                    .execute(
                        "SELECT pg_advisory_unlock(hashtextextended($1, 0))",
                        &[&key],
                    )
                    .await?)
            })
            .with_context(|| format!("{shown}: cannot release the lock"))?;
        Ok(())
    }

    fn holds(&mut self, profile: &str) -> Result<bool> {
        let (client, shown, clock) = (&self.sessions[0].client, &self.shown, &mut self.clock);
        clock.within(shown, async {
            Ok(client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM calls WHERE profile = $1)",
                    &[&profile],
                )
                .await
                .with_context(|| format!("{shown}: cannot read the calls stored"))?
                .get(0))
        })
    }

    fn resume(&mut self, profile: &str, filters: &str) -> Result<Option<Resume>> {
        let (client, shown, clock) = (&self.sessions[0].client, &self.shown, &mut self.clock);
        let row = clock
            .within(shown, async {
                Ok(client
                    .query_opt(
                        "SELECT newest_started_at, synced_to, newest_modified_at, \
                     (SELECT min(started_at) FROM calls WHERE profile = $1), synced_from, \
                     synced_at FROM sync_state WHERE profile = $1 AND filters = $2",
                        &[&profile, &filters],
                    )
                    .await?)
            })
            .with_context(|| format!("{shown}: cannot read the state"))?;
        Ok(row.map(|r| Resume {
            newest: r.get(0),
            upper: r.get(1),
            newest_modified: r.get(2),
            oldest: r.get(3),
            covered_from: r.get(4),
            synced_at: r.get(5),
        }))
    }

    fn upsert(
        &mut self,
        profile: &str,
        batch: &[Row],
        now: DateTime<Utc>,
        advance: Option<&Advance>,
    ) -> Result<Counts> {
        let n = self.sessions.len();
        let mut parts: Vec<Vec<&Row>> = vec![Vec::new(); n];
        for row in batch {
            parts[session_of(row.id(), n)].push(row);
        }
        let Postgres {
            sessions,
            shown,
            clock,
            ..
        } = self;
        let shown = &*shown;
        let part = Part {
            profile,
            now,
            shown,
            durable: advance.is_some(),
        };
        // NOTE: each session commits its own part, and none waits for another with a
        // transaction open, so that a lock one part waits for (a trigger of the user's, say)
        // is always released: the parts at once, but in the run's last batch the first part
        // after the others, with the state. The state is advanced only once every call of the
        // run is stored; a part that fails leaves the others' whole rows, found again by the
        // next run, which starts where the state says.
        let (first, others) = sessions.split_first_mut().expect("a session");
        let (mine, theirs) = parts.split_first().expect("a part");
        clock.within(shown, async {
            let others = futures_util::future::join_all(
                others
                    .iter_mut()
                    .zip(theirs)
                    .map(|(s, rows)| s.transaction(&part, rows, None)),
            );
            let (mine, theirs) = match advance {
                Some(a) => {
                    let theirs = others.await.into_iter().collect::<Result<Vec<_>>>()?;
                    (first.transaction(&part, mine, Some(a)).await, theirs)
                }
                None => {
                    let (mine, theirs) = tokio::join!(first.transaction(&part, mine, None), others);
                    (mine, theirs.into_iter().collect::<Result<Vec<_>>>()?)
                }
            };
            let mut counts = mine?;
            for c in theirs {
                counts.add(c);
            }
            Ok(counts)
        })
    }
}

/// The session that writes a call: the same for every copy of it, so that its copies are
/// written in the order they came (FNV-1a of the id).
fn session_of(id: &str, sessions: usize) -> usize {
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (h % sessions as u64) as usize
}

/// A unique violation: the batch held a call that was stored after all.
fn conflict(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<tokio_postgres::Error>())
        .any(|e| e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION))
}

/// What each session's part of a batch is written with.
struct Part<'a> {
    profile: &'a str,
    now: DateTime<Utc>,
    shown: &'a str,
    /// The run's last batch, with its state: committed only once on disk. NOTE: the batches
    /// before it commit without waiting for the server's WAL flush (`synchronous_commit =
    /// off`; an fsync each, two sessions, 500 batches a million calls). A server that crashes
    /// loses at most the last of those, never half of one, and never a call the state counts
    /// as stored: the state's commit comes after theirs in the WAL and waits for its flush.
    durable: bool,
}

impl Session {
    /// Its part of a batch in one transaction, with `advance` the profile's state too.
    async fn transaction(
        &mut self,
        part: &Part<'_>,
        rows: &[&Row],
        advance: Option<&Advance>,
    ) -> Result<Counts> {
        let mut counts = self.stage(part, rows).await?;
        let done = async {
            if let Some(sweep) = advance.and_then(|a| a.sweep.as_deref()) {
                if !self.open {
                    self.client
                        .batch_execute("BEGIN")
                        .await
                        .with_context(|| format!("{}: cannot start a transaction", part.shown))?;
                    self.open = true;
                }
                counts.gone = self.mark_gone(part, sweep).await.with_context(|| {
                    format!(
                        "{}: cannot mark the calls deleted at the source",
                        part.shown
                    )
                })?;
            }
            if let Some(a) = advance {
                self.client
                    .execute(
                        ADVANCE,
                        &[
                            &part.profile,
                            &a.filters,
                            &a.newest,
                            &a.upper,
                            &part.now,
                            &a.newest_modified,
                            &a.covered_from,
                        ],
                    )
                    .await
                    .with_context(|| format!("{}: cannot advance the state", part.shown))?;
            }
            self.commit(part.shown).await
        }
        .await;
        if done.is_err() {
            self.rollback().await;
        }
        done.map(|()| counts)
    }

    /// Marks `deleted_at` on the profile's calls in the sweep's windows that the run did not
    /// see, in the transaction open; how many.
    async fn mark_gone(&self, part: &Part<'_>, sweep: &super::Sweep) -> Result<u64> {
        let mut n = 0;
        for (from, to) in &sweep.windows {
            // NOTE: streamed, only the ids not seen kept (a --full lists a million).
            let params: [&(dyn tokio_postgres::types::ToSql + Sync); 3] = [&part.profile, from, to];
            let listed = self.client.query_raw(LISTED, params).await?;
            futures_util::pin_mut!(listed);
            let mut gone: Vec<String> = Vec::new();
            while let Some(row) = futures_util::TryStreamExt::try_next(&mut listed).await? {
                let id: &str = row.get(0);
                if !sweep.saw(id) {
                    gone.push(id.to_string());
                }
            }
            if !gone.is_empty() {
                n += self
                    .client
                    .execute(GONE, &[&part.profile, &gone, &part.now])
                    .await?;
            }
        }
        Ok(n)
    }

    /// Writes its part of a batch in a transaction left open (for [`Session::commit`]).
    /// NOTE: while its batches find nothing stored (a first run), the next one skips the lookup
    /// and is copied straight in; a conflict (a call stored after all) rolls it back, and it is
    /// written again after a lookup.
    async fn stage(&mut self, part: &Part<'_>, rows: &[&Row]) -> Result<Counts> {
        let Part { profile, shown, .. } = *part;
        if rows.is_empty() {
            return Ok(Counts::default());
        }
        if self.statements.is_none() {
            let prepared = async {
                let update = self.client.prepare(UPDATE).await?;
                let hashes = self.client.prepare(HASHES).await?;
                anyhow::Ok((update, hashes))
            }
            .await
            .with_context(|| format!("{shown}: cannot prepare the upsert"))?;
            self.statements = Some(prepared);
        }
        if !self.lookup {
            match self.write(part, rows, false).await {
                Ok(counts) => return Ok(counts),
                Err(e) if conflict(&e) => {
                    self.rollback().await;
                    crate::term::debug(&format!(
                        "{}: a batch copied without a lookup held stored calls; \
                         written again after one",
                        crate::term::printable(profile)
                    ));
                    self.lookup = true;
                }
                Err(e) => {
                    self.rollback().await;
                    return Err(self.named(part, rows, e).await);
                }
            }
        }
        match self.write(part, rows, true).await {
            Ok(counts) => Ok(counts),
            Err(e) => {
                self.rollback().await;
                Err(self.named(part, rows, e).await)
            }
        }
    }

    /// A part the server refused (a constraint, a trigger, text it will not take), with the
    /// call it choked on named; any other error (a lost connection) as it is.
    async fn named(&mut self, part: &Part<'_>, rows: &[&Row], e: anyhow::Error) -> anyhow::Error {
        let refused = e
            .chain()
            .filter_map(|c| c.downcast_ref::<tokio_postgres::Error>())
            .any(|e| e.as_db_error().is_some());
        if !refused {
            return e;
        }
        match self.culprit(part, rows).await {
            Ok(Some(id)) => e.context(format!(
                "{}: the server refused call {}",
                part.shown,
                crate::term::printable(&id)
            )),
            Ok(None) => {
                crate::term::debug(&format!(
                    "{}: each call of the refused batch goes in alone: the batch as a whole is refused",
                    part.shown
                ));
                e
            }
            Err(why) => {
                crate::term::debug(&format!(
                    "{}: cannot tell which call was refused: {why:#}",
                    part.shown
                ));
                e
            }
        }
    }

    /// Which call of a refused part the server refuses: the part written again in a
    /// transaction that is rolled back, halves under savepoints, the first half first. NOTE: a
    /// half that goes in is kept (released, not rolled back) before the next is tried, so that
    /// what the server sees is what it saw the first time, in order (a trigger that counts,
    /// say): the call named is the first one it refuses. About 2·log2(n) statements.
    async fn culprit(&mut self, part: &Part<'_>, rows: &[&Row]) -> Result<Option<String>> {
        let Session {
            client, statements, ..
        } = self;
        let Some((updates, hashes)) = statements.as_ref() else {
            return Ok(None);
        };
        client.batch_execute("BEGIN").await?;
        let found = async {
            let ids: Vec<&str> = rows.iter().map(|r| r.id()).collect();
            let stored: std::collections::HashMap<String, Option<i64>> = client
                .query(hashes, &[&part.profile, &ids])
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let (writes, _) = super::plan(rows, &stored);
            let (new, changed): (Vec<_>, Vec<_>) = writes.into_iter().partition(|w| w.new);
            for (writes, inserting) in [(&new, true), (&changed, false)] {
                let mut todo: Vec<&[super::Write<'_>]> = vec![&writes[..]];
                while let Some(slice) = todo.pop() {
                    if slice.is_empty() {
                        continue;
                    }
                    client.batch_execute("SAVEPOINT culprit").await?;
                    let went = if inserting {
                        insert(client, part.profile, part.now, slice).await
                    } else {
                        update(client, updates, part.profile, part.now, slice).await
                    };
                    if went.is_ok() {
                        client.batch_execute("RELEASE SAVEPOINT culprit").await?;
                        continue;
                    }
                    client
                        .batch_execute("ROLLBACK TO SAVEPOINT culprit")
                        .await?;
                    if let [one] = slice {
                        return Ok(Some(one.row.id().to_string()));
                    }
                    let (first, second) = slice.split_at(slice.len() / 2);
                    todo.push(second);
                    todo.push(first);
                }
            }
            anyhow::Ok(None)
        }
        .await;
        let _ = client.batch_execute("ROLLBACK").await;
        found
    }

    /// One part of a batch in a transaction left open: with `lookup`, the stored hashes read
    /// first; the new rows copied straight into `calls`, the changed ones updated.
    async fn write(&mut self, part: &Part<'_>, rows: &[&Row], lookup: bool) -> Result<Counts> {
        let Part {
            profile,
            now,
            shown,
            durable,
        } = *part;
        let Session {
            client,
            statements,
            lookup: next_lookup,
            open,
        } = self;
        let (updates, hashes) = statements.as_ref().expect("prepared first");
        client
            .batch_execute(if durable {
                "BEGIN"
            } else {
                "BEGIN; SET LOCAL synchronous_commit = off"
            })
            .await
            .with_context(|| format!("{shown}: cannot start a transaction"))?;
        *open = true;
        // NOTE: the stored hashes first, so that unchanged rows are not even sent: an upsert
        // that skips them still parsed each one's raw JSON into jsonb first.
        let stored: std::collections::HashMap<String, Option<i64>> = if lookup {
            let ids: Vec<&str> = rows.iter().map(|r| r.id()).collect();
            client
                .query(hashes, &[&profile, &ids])
                .await
                .with_context(|| format!("{shown}: cannot read the stored hashes"))?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
        let (writes, counts) = super::plan(rows, &stored);
        let (new, changed): (Vec<_>, Vec<_>) = writes.into_iter().partition(|w| w.new);
        if !new.is_empty() {
            insert(client, profile, now, &new)
                .await
                .with_context(|| format!("{shown}: cannot insert the new calls"))?;
        }
        if !changed.is_empty() {
            update(client, updates, profile, now, &changed)
                .await
                .with_context(|| format!("{shown}: cannot update the changed calls"))?;
        }
        *next_lookup = !stored.is_empty() || counts.new < rows.len() as u64;
        Ok(counts)
    }

    /// Commits what [`Session::stage`] wrote, if it wrote anything.
    async fn commit(&mut self, shown: &str) -> Result<()> {
        if std::mem::take(&mut self.open) {
            self.client
                .batch_execute("COMMIT")
                .await
                .with_context(|| format!("{shown}: cannot commit"))?;
        }
        Ok(())
    }

    /// Rolls back a transaction left open. NOTE: a session whose rollback fails is a lost
    /// connection, whose transaction the server rolls back itself.
    async fn rollback(&mut self) {
        if std::mem::take(&mut self.open) {
            let _ = self.client.batch_execute("ROLLBACK").await;
        }
    }
}

/// New calls, copied straight into `calls` (binary COPY: no statement per row, the server's
/// multi-row insert).
const INSERT: &str = "COPY calls (profile, vendor, id, started_at, ended_at, direction, status, \
    vendor_status, duration, talk_time, customer_number, line_number, agent, campaign, \
    recording_url, cost, raw, first_seen_at, changed_at, hash, first_status) \
    FROM STDIN (FORMAT binary)";

/// The column types of [`INSERT`], in its order.
const INSERT_TYPES: [Type; 21] = [
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TIMESTAMPTZ,
    Type::TIMESTAMPTZ,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::NUMERIC,
    Type::JSONB,
    Type::TIMESTAMPTZ,
    Type::TIMESTAMPTZ,
    Type::INT8,
    Type::TEXT,
];

/// Copies the new rows (each id once) into `calls`.
async fn insert(
    client: &Client,
    profile: &str,
    now: DateTime<Utc>,
    rows: &[super::Write<'_>],
) -> Result<(), tokio_postgres::Error> {
    use super::col;
    let sink = client.copy_in(INSERT).await?;
    let writer = BinaryCopyInWriter::new(sink, &INSERT_TYPES);
    let mut writer = std::pin::pin!(writer);
    for w in rows {
        let (r, t) = (w.row, w.row.columns());
        let cost = t[col::COST].and_then(Numeric::parse);
        let raw = r.raw.as_deref().map(Jsonb);
        let changed_at = w.changed.then_some(now);
        let values: [&(dyn ToSql + Sync); 21] = [
            &profile,
            &t[col::VENDOR],
            &t[col::ID],
            &r.started_at,
            &r.ended_at,
            &t[col::DIRECTION],
            &t[col::STATUS],
            &t[col::VENDOR_STATUS],
            &r.duration,
            &r.talk_time,
            &t[col::CUSTOMER_NUMBER],
            &t[col::LINE_NUMBER],
            &t[col::AGENT],
            &t[col::CAMPAIGN],
            &t[col::RECORDING_URL],
            &cost,
            &raw,
            &now,
            &changed_at,
            &r.hash,
            &w.first_status,
        ];
        writer.as_mut().write(&values).await?;
    }
    writer.finish().await?;
    Ok(())
}

/// A JSON text sent as `jsonb` (its binary form: version 1, then the text).
#[derive(Debug)]
struct Jsonb<'a>(&'a str);

impl ToSql for Jsonb<'_> {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        out.extend_from_slice(&[1]);
        out.extend_from_slice(self.0.as_bytes());
        Ok(tokio_postgres::types::IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB
    }
    tokio_postgres::types::to_sql_checked!();
}

/// A decimal as the vendor wrote it (`-12.50`, or a JSON number with an exponent: `1e-07`) sent
/// as `numeric`, in PostgreSQL's binary form (base-10000 digits); other text is no decimal, and
/// stored as NULL, as the schema says. NOTE: numeric has no negative zero (the server makes
/// `-0.0` 0.0 whatever it is sent); SQLite keeps the vendor's text, and `raw` the sign.
#[derive(Debug, PartialEq)]
struct Numeric {
    negative: bool,
    /// The first digit's weight: 10000^weight.
    weight: i16,
    /// Decimal places: as written, or as an exponent moves the point (`1e-07`: 7).
    scale: u16,
    digits: Vec<i16>,
}

/// [`crate::call::plain_decimal`] as text PostgreSQL reads (`-0.0000001`), for the update's arrays.
fn plain_text(text: &str) -> Option<String> {
    let (negative, int, frac) = crate::call::plain_decimal(text)?;
    let sign = if negative { "-" } else { "" };
    let point = if frac.is_empty() { "" } else { "." };
    Some(format!("{sign}{int}{point}{frac}"))
}

impl Numeric {
    fn parse(text: &str) -> Option<Numeric> {
        let (negative, int, frac) = crate::call::plain_decimal(text)?;
        // Groups of four digits each side of the point: the integer part padded on the left,
        // the fraction on the right.
        let int = int.trim_start_matches('0');
        let int = "0".repeat((4 - int.len() % 4) % 4) + int;
        let frac_padded = frac.to_string() + &"0".repeat((4 - frac.len() % 4) % 4);
        let groups = |s: &str| -> Vec<i16> {
            s.as_bytes()
                .chunks(4)
                .map(|c| c.iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0')))
                .collect()
        };
        let mut digits = groups(&int);
        let mut weight = digits.len() as i16 - 1;
        digits.extend(groups(&frac_padded));
        let zeros = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..zeros);
        weight -= zeros as i16;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            weight = 0;
        }
        Some(Numeric {
            negative: negative && !digits.is_empty(),
            weight,
            scale: frac.len() as u16,
            digits,
        })
    }
}

impl ToSql for Numeric {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        let mut put = |v: u16| out.extend_from_slice(&v.to_be_bytes());
        put(self.digits.len() as u16);
        put(self.weight as u16);
        put(if self.negative { 0x4000 } else { 0 });
        put(self.scale);
        for d in &self.digits {
            put(*d as u16);
        }
        Ok(tokio_postgres::types::IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
    tokio_postgres::types::to_sql_checked!();
}

/// The stored calls' hashes, `NULL` for one marked deleted at the source (see [`super::plan`]).
const HASHES: &str = "SELECT id, CASE WHEN deleted_at IS NULL THEN hash END FROM calls \
    WHERE profile = $1 AND id = ANY($2::text[])";

/// The calls of a profile in a window that the vendor still listed when last read
/// ([`super::Sweep`]).
const LISTED: &str = "SELECT id FROM calls WHERE profile = $1 AND started_at >= $2 \
    AND started_at < $3 AND deleted_at IS NULL";

const GONE: &str = "UPDATE calls SET deleted_at = $3, changed_at = $3 \
    WHERE profile = $1 AND id = ANY($2::text[]) AND deleted_at IS NULL";

/// Changed rows (each stored, each id once) updated by one statement, from one array per column:
/// no temporary table (which needs the TEMP privilege some databases do not grant); the `WHERE`
/// keeps a row that is as stored unwritten all the same.
const UPDATE: &str = "UPDATE calls SET vendor = u.vendor, started_at = u.started_at, \
    ended_at = u.ended_at, direction = u.direction, status = u.status, \
    vendor_status = u.vendor_status, duration = u.duration, talk_time = u.talk_time, \
    customer_number = u.customer_number, line_number = u.line_number, agent = u.agent, \
    campaign = u.campaign, recording_url = u.recording_url, \
    cost = u.cost::numeric, \
    raw = u.raw::jsonb, hash = u.hash, changed_at = $2, deleted_at = NULL \
    FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], \
    $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::text[], \
    $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[]) \
    AS u(vendor, id, started_at, ended_at, direction, status, vendor_status, duration, \
    talk_time, customer_number, line_number, agent, campaign, recording_url, cost, raw, hash) \
    WHERE calls.profile = $1 AND calls.id = u.id \
    AND (calls.hash IS DISTINCT FROM u.hash OR calls.deleted_at IS NOT NULL)";

/// Updates the changed rows.
async fn update(
    client: &Client,
    update: &tokio_postgres::Statement,
    profile: &str,
    now: DateTime<Utc>,
    writes: &[super::Write<'_>],
) -> Result<(), tokio_postgres::Error> {
    use super::col;
    let rows: Vec<&Row> = writes.iter().map(|w| w.row).collect();
    let text = |i: usize| -> Vec<Option<&str>> { rows.iter().map(|r| r.get(i)).collect() };
    let started: Vec<DateTime<Utc>> = rows.iter().map(|r| r.started_at).collect();
    let ended: Vec<Option<DateTime<Utc>>> = rows.iter().map(|r| r.ended_at).collect();
    let duration: Vec<Option<i64>> = rows.iter().map(|r| r.duration).collect();
    let talk: Vec<Option<i64>> = rows.iter().map(|r| r.talk_time).collect();
    let recording = text(col::RECORDING_URL);
    // The cost as plain decimal text (an exponent moved into place), or NULL.
    let cost: Vec<Option<String>> = rows
        .iter()
        .map(|r| r.get(col::COST).and_then(plain_text))
        .collect();
    let raw: Vec<Option<&str>> = rows.iter().map(|r| r.raw.as_deref()).collect();
    let hash: Vec<i64> = rows.iter().map(|r| r.hash).collect();
    client
        .execute(
            update,
            &[
                &profile,
                &now,
                &text(col::VENDOR),
                &text(col::ID),
                &started,
                &ended,
                &text(col::DIRECTION),
                &text(col::STATUS),
                &text(col::VENDOR_STATUS),
                &duration,
                &talk,
                &text(col::CUSTOMER_NUMBER),
                &text(col::LINE_NUMBER),
                &text(col::AGENT),
                &text(col::CAMPAIGN),
                &recording,
                &cost,
                &raw,
                &hash,
            ],
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain decimals in numeric's binary form (base 10,000); anything else is no number.
    /// A URL that cannot name a server is the user's to mend (exit 2), said before any
    /// connection is tried.
    #[test]
    fn a_url_without_a_host_is_a_usage_error() {
        for url in [
            "postgres://",
            "postgresql://me:hunter2@/db",
            "postgres://?sslmode=require",
        ] {
            let err = Postgres::open(url).err().expect(url);
            assert_eq!(
                crate::error::classify(&err).0,
                Exit::Usage,
                "{url}: {err:#}"
            );
            assert!(
                format!("{err:#}").contains("names no host"),
                "{url}: {err:#}"
            );
            assert!(!format!("{err:#}").contains("hunter2"), "{err:#}");
        }
    }

    #[test]
    fn plain_decimals_become_numerics() {
        let n = |t: &str| Numeric::parse(t).map(|n| (n.negative, n.weight, n.scale, n.digits));
        assert_eq!(n("12.50"), Some((false, 0, 2, vec![12, 5000])));
        assert_eq!(n("-0.001"), Some((true, -1, 3, vec![10])));
        assert_eq!(n("10000"), Some((false, 1, 0, vec![1])));
        assert_eq!(
            n("123456789.12345"),
            Some((false, 2, 5, vec![1, 2345, 6789, 1234, 5000]))
        );
        assert_eq!(n("-0.00"), Some((false, 0, 2, vec![])));
        assert_eq!(n("007"), Some((false, 0, 0, vec![7])));
        // JSON numbers with an exponent, as vendors send them: the point moved.
        assert_eq!(n("1e-07"), Some((false, -2, 7, vec![10])));
        assert_eq!(n("1E3"), Some((false, 0, 0, vec![1000])));
        assert_eq!(n("-2.5e+1"), Some((true, 0, 0, vec![25])));
        assert_eq!(n("1.50e1"), Some((false, 0, 1, vec![15])));
        assert_eq!(plain_text("1e-07").as_deref(), Some("0.0000001"));
        assert_eq!(plain_text("-1.5E2").as_deref(), Some("-150"));
        for no in [
            "",
            "-",
            "1.",
            ".5",
            "1,5",
            " 1",
            "+1",
            "0x10",
            "1.2.3",
            "1e",
            "e5",
            "1e+",
            "1e5.5",
            "1e9999999",
            "NaN",
            "Infinity",
        ] {
            assert_eq!(n(no), None, "{no:?}");
        }
    }

    /// The decimal a [`Numeric`] holds, as PostgreSQL prints it (`numeric_out`): the integer
    /// part, then `scale` places.
    fn printed(n: &Numeric) -> String {
        let mut digits = String::new();
        for d in &n.digits {
            digits.push_str(&format!("{d:04}"));
        }
        // Digits at 10^k from k = 4·weight + 3 down.
        let top = 4 * i64::from(n.weight) + 3;
        let at = |k: i64| -> char {
            let i = top - k;
            if i < 0 {
                '0'
            } else {
                digits
                    .as_bytes()
                    .get(i as usize)
                    .map_or('0', |b| *b as char)
            }
        };
        let int: String = (0..=top.max(0)).rev().map(at).collect();
        let int = int.trim_start_matches('0');
        let frac: String = (1..=i64::from(n.scale)).map(|k| at(-k)).collect();
        let sign = if n.negative { "-" } else { "" };
        let int = if int.is_empty() { "0" } else { int };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    proptest::proptest! {
        /// Every decimal a vendor can write (a JSON number: leading zeros, a fraction, an
        /// exponent) is sent as exactly its value, with the places PostgreSQL would give it;
        /// the update's text says the same.
        #[test]
        fn every_vendor_decimal_is_sent_exactly(
            negative in proptest::bool::ANY,
            int in "[0-9]{1,25}",
            frac in proptest::option::of("[0-9]{1,25}"),
            exp in proptest::option::of((-40i32..40, proptest::bool::ANY)),
        ) {
            let mut text = format!("{}{int}", if negative { "-" } else { "" });
            if let Some(f) = &frac {
                text.push('.');
                text.push_str(f);
            }
            if let Some((e, upper)) = exp {
                text.push(if upper { 'E' } else { 'e' });
                text.push_str(&e.to_string());
            }
            let n = Numeric::parse(&text).expect("a JSON number is a decimal");
            // The value by another road: all digits, and where the point falls.
            let all = format!("{int}{}", frac.as_deref().unwrap_or(""));
            let point = int.len() as i64 + i64::from(exp.map_or(0, |e| e.0));
            let scale = (all.len() as i64 - point).max(0);
            let padded = format!("{}{all}{}", "0".repeat((-point).max(0) as usize),
                "0".repeat((point - all.len() as i64).max(0) as usize));
            let point = point.max(0) as usize;
            let (i, f) = padded.split_at(point);
            let i = i.trim_start_matches('0');
            let i = if i.is_empty() { "0" } else { i };
            let zero = all.bytes().all(|b| b == b'0');
            let sign = if negative && !zero { "-" } else { "" };
            let want = if f.is_empty() { format!("{sign}{i}") } else { format!("{sign}{i}.{f}") };
            proptest::prop_assert_eq!(n.scale as i64, scale);
            proptest::prop_assert_eq!(printed(&n), want.clone());
            let text = plain_text(&text).unwrap();
            let again = Numeric::parse(&text).unwrap();
            proptest::prop_assert_eq!(printed(&again), want);
        }
    }

    #[test]
    fn pgpass_lines_split_on_unescaped_colons() {
        assert_eq!(
            split_pgpass(r"db.example:5432:*:me:pa\:ss\\word"),
            vec!["db.example", "5432", "*", "me", r"pa:ss\word"]
        );
    }
}
