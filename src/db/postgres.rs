//! PostgreSQL, a real server: `tokio-postgres` with TLS through rustls (no OpenSSL), one
//! multi-row upsert per batch (`unnest` of one array per column), `pg_try_advisory_lock` per
//! profile.
//!
//! NOTE: the `Database` trait is synchronous; the client is async. A `Postgres` lives on the
//! database's own thread (`writer.rs`) with a current-thread runtime of its own, which owns the
//! client and its connection: each call is `block_on` of that runtime, never of the command's.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
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
];

pub struct Postgres {
    client: Client,
    /// The upsert and the hash lookup, prepared once per connection (not parsed and planned
    /// again for every batch).
    statements: Option<(tokio_postgres::Statement, tokio_postgres::Statement)>,
    /// The URL with its password redacted, for messages.
    shown: String,
    /// The advisory lock's key while a profile's run holds it.
    held: Option<String>,
    /// Runs the client's futures and, while it does, the connection's (dropped after the
    /// client, which ends the session).
    rt: tokio::runtime::Runtime,
}

const UPSERT: &str = "INSERT INTO calls (profile, vendor, id, started_at, ended_at, direction, \
    status, vendor_status, duration, talk_time, customer_number, line_number, agent, campaign, \
    recording_url, cost, raw, first_seen_at, changed_at, hash, first_status) \
    SELECT $1, u.vendor, u.id, u.started_at, u.ended_at, u.direction, u.status, \
    u.vendor_status, u.duration, u.talk_time, u.customer_number, u.line_number, u.agent, \
    u.campaign, u.recording_url, \
    CASE WHEN u.cost ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN u.cost::numeric END, u.raw::jsonb, $2, \
    NULL, u.hash, u.status \
    FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], \
    $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::text[], \
    $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[]) \
    AS u(vendor, id, started_at, ended_at, direction, status, vendor_status, duration, \
    talk_time, customer_number, line_number, agent, campaign, recording_url, cost, raw, hash) \
    ON CONFLICT (profile, id) DO UPDATE SET vendor = excluded.vendor, \
    started_at = excluded.started_at, ended_at = excluded.ended_at, \
    direction = excluded.direction, status = excluded.status, \
    vendor_status = excluded.vendor_status, duration = excluded.duration, \
    talk_time = excluded.talk_time, customer_number = excluded.customer_number, \
    line_number = excluded.line_number, agent = excluded.agent, campaign = excluded.campaign, \
    recording_url = excluded.recording_url, cost = excluded.cost, raw = excluded.raw, \
    hash = excluded.hash, changed_at = $2 \
    WHERE calls.hash IS DISTINCT FROM excluded.hash \
    RETURNING calls.changed_at IS NULL";

const ADVANCE: &str = "INSERT INTO sync_state (profile, filters, newest_started_at, synced_to, \
    synced_at, newest_modified_at) VALUES ($1, $2, $3, $4, $5, $6) \
    ON CONFLICT (profile, filters) DO UPDATE SET newest_started_at = excluded.newest_started_at, \
    synced_to = excluded.synced_to, synced_at = excluded.synced_at, \
    newest_modified_at = excluded.newest_modified_at";

impl Postgres {
    /// Connects (password from the URL, else `PGPASSWORD`, else `~/.pgpass`; `sslmode`
    /// honoured, TLS through rustls) and brings the schema up to date.
    pub fn open(url: &str) -> Result<Postgres> {
        let shown = crate::redact::url_password(url);
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
            Failure::usage(format!("{shown}: not a PostgreSQL URL: {e}"))
                .hint("postgres://USER@HOST:PORT/DATABASE?sslmode=require")
        })?;
        if config.get_password().is_none() {
            if let Some(p) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
                config.password(p.to_string_lossy().as_bytes());
            } else if let Some(p) = pgpass(&config) {
                config.password(p);
            }
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the database's runtime")?;
        let client = rt.block_on(async {
            let tls = tls()?;
            let (client, connection) = config
                .connect(tls)
                .await
                .with_context(|| format!("cannot connect to {shown}"))?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            anyhow::Ok(client)
        })?;
        let mut db = Postgres {
            client,
            statements: None,
            shown,
            held: None,
            rt,
        };
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&mut self) -> Result<()> {
        let latest = MIGRATIONS.len() as i32;
        let Postgres {
            client, shown, rt, ..
        } = self;
        rt.block_on(async {
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
    }
}

/// rustls with the web's root certificates.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("rustls")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
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
        let key = format!("calls sync {profile}");
        let got: bool = self
            .rt
            .block_on(self.client.query_one(
                "SELECT pg_try_advisory_lock(hashtextextended($1, 0))",
                &[&key],
            ))
            .with_context(|| format!("{}: cannot take a lock", self.shown))?
            .get(0);
        if !got {
            return Err(Failure::new(
                Exit::Failed,
                format!(
                    "another sync of {profile} into {} is still going (it holds the advisory lock '{key}')",
                    self.shown
                ),
            )
            .hint("let it finish; other profiles can sync into the same database meanwhile")
            .into());
        }
        self.held = Some(key);
        Ok(())
    }

    fn unlock(&mut self, _profile: &str) -> Result<()> {
        let Some(key) = self.held.take() else {
            return Ok(());
        };
        self.rt
            .block_on(self.client.execute(
                "SELECT pg_advisory_unlock(hashtextextended($1, 0))",
                &[&key],
            ))
            .with_context(|| format!("{}: cannot release the lock", self.shown))?;
        Ok(())
    }

    fn resume(&mut self, profile: &str, filters: &str) -> Result<Option<Resume>> {
        let row = self.rt.block_on(self.client.query_opt(
            "SELECT newest_started_at, synced_to, newest_modified_at, \
             (SELECT min(started_at) FROM calls WHERE profile = $1) \
             FROM sync_state WHERE profile = $1 AND filters = $2",
            &[&profile, &filters],
        ))?;
        Ok(row.map(|r| Resume {
            newest: r.get(0),
            upper: r.get(1),
            newest_modified: r.get(2),
            oldest: r.get(3),
        }))
    }

    fn upsert(
        &mut self,
        profile: &str,
        batch: &[Row],
        now: DateTime<Utc>,
        advance: Option<&Advance>,
    ) -> Result<Counts> {
        // NOTE: one statement cannot touch a row twice (`ON CONFLICT ... cannot affect row a
        // second time`): a call the vendor served twice in one batch is written once, as last seen.
        use super::col;
        let mut seen = std::collections::HashSet::new();
        let mut rows: Vec<&Row> = batch
            .iter()
            .rev()
            .filter(|r| seen.insert(r.text[col::ID].as_deref()))
            .collect();
        rows.reverse();
        let ids: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.text[col::ID].as_deref())
            .collect();
        let Postgres {
            client,
            statements,
            shown,
            rt,
            ..
        } = self;
        let shown = &*shown;
        let client = &*client;
        let total = batch.len() as u64;
        if statements.is_none() {
            let prepared = rt
                .block_on(async {
                    let upsert = client.prepare(UPSERT).await?;
                    let hashes = client.prepare(HASHES).await?;
                    anyhow::Ok((upsert, hashes))
                })
                .with_context(|| format!("{shown}: cannot prepare the upsert"))?;
            *statements = Some(prepared);
        }
        let (upsert, hashes) = statements.as_ref().expect("prepared above");
        rt.block_on(async move {
            client.batch_execute("BEGIN").await?;
            let result = async {
                // NOTE: the stored hashes first, so that unchanged rows are not even sent: an
                // upsert that skips them still parsed each one's raw JSON into jsonb first.
                let stored: std::collections::HashMap<String, i64> = client
                    .query(hashes, &[&profile, &ids])
                    .await
                    .with_context(|| format!("{shown}: cannot read the stored hashes"))?
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect();
                let todo: Vec<&Row> = rows
                    .iter()
                    .copied()
                    .filter(|r| {
                        let id = r.text[col::ID].as_deref().unwrap_or_default();
                        stored.get(id) != Some(&r.hash)
                    })
                    .collect();
                let (new, changed) = if todo.is_empty() {
                    (0, 0)
                } else {
                    upsert_rows(client, upsert, profile, now, &todo)
                        .await
                        .with_context(|| format!("{shown}: the upsert failed"))?
                };
                if let Some(a) = advance {
                    client
                        .execute(
                            ADVANCE,
                            &[
                                &profile,
                                &a.filters,
                                &a.newest,
                                &a.upper,
                                &now,
                                &a.newest_modified,
                            ],
                        )
                        .await?;
                }
                client
                    .batch_execute("COMMIT")
                    .await
                    .with_context(|| format!("{shown}: cannot commit"))?;
                anyhow::Ok(Counts {
                    new,
                    changed,
                    unchanged: total - new - changed,
                })
            }
            .await;
            if result.is_err() {
                let _ = client.batch_execute("ROLLBACK").await;
            }
            result
        })
    }
}

const HASHES: &str = "SELECT id, hash FROM calls WHERE profile = $1 AND id = ANY($2::text[])";

/// One multi-row upsert of `rows` (each id once): how many were new and how many changed.
async fn upsert_rows(
    client: &Client,
    upsert: &tokio_postgres::Statement,
    profile: &str,
    now: DateTime<Utc>,
    rows: &[&Row],
) -> Result<(u64, u64), tokio_postgres::Error> {
    use super::col;
    let text =
        |i: usize| -> Vec<Option<&str>> { rows.iter().map(|r| r.text[i].as_deref()).collect() };
    let started: Vec<DateTime<Utc>> = rows.iter().map(|r| r.started_at).collect();
    let ended: Vec<Option<DateTime<Utc>>> = rows.iter().map(|r| r.ended_at).collect();
    let duration: Vec<Option<i64>> = rows.iter().map(|r| r.duration).collect();
    let talk: Vec<Option<i64>> = rows.iter().map(|r| r.talk_time).collect();
    let recording: Vec<Option<&str>> = rows.iter().map(|r| r.recording_url.as_deref()).collect();
    let cost: Vec<Option<&str>> = rows.iter().map(|r| r.cost.as_deref()).collect();
    let raw: Vec<Option<&str>> = rows.iter().map(|r| r.raw.as_deref()).collect();
    let hash: Vec<i64> = rows.iter().map(|r| r.hash).collect();
    let returned = client
        .query(
            upsert,
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
    let new = returned.iter().filter(|r| r.get::<_, bool>(0)).count() as u64;
    Ok((new, returned.len() as u64 - new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_lines_split_on_unescaped_colons() {
        assert_eq!(
            split_pgpass(r"db.example:5432:*:me:pa\:ss\\word"),
            vec!["db.example", "5432", "*", "me", r"pa:ss\word"]
        );
    }
}
