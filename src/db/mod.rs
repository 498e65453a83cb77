//! Databases `calls sync` keeps up to date: one small trait, one module per destination (like
//! the writers of `output/`), and one thread that owns the open database (`writer.rs`). Schema
//! and migrations are numbered `.sql` files under `migrations/<destination>/`, applied in order;
//! the schema version lives in the database.

pub mod conninfo;
pub mod postgres;
pub mod sqlite;
pub mod writer;

pub use writer::Writer;

use std::fmt;
use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::call::Call;
use crate::error::Failure;
use crate::output::Zone;
use crate::when;

/// Calls written per transaction.
pub const BATCH: usize = 2_000;

/// Where `calls sync` writes, parsed from DEST or the config's `database`. Its `Debug` is its
/// redacted `Display`, so that no form of it prints a password.
#[derive(Clone, PartialEq)]
pub enum Dest {
    Sqlite(PathBuf),
    /// The URL or libpq key=value string as given (printed only redacted).
    Postgres(String),
}

impl Dest {
    pub fn parse(text: &str) -> Result<Dest> {
        let lower = text.to_ascii_lowercase();
        if let Some(path) = text.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Failure::usage("sqlite: needs a path, e.g. sqlite:calls.db").into());
            }
            return Ok(Dest::Sqlite(PathBuf::from(path)));
        }
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Dest::Postgres(text.to_string()));
        }
        if crate::keyvalue::is_keyvalue(text) {
            return Ok(Dest::Postgres(text.to_string()));
        }
        if [".db", ".sqlite", ".sqlite3"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            return Ok(Dest::Sqlite(PathBuf::from(text)));
        }
        let what = if text.trim().is_empty() {
            "an empty DEST names no database".to_string()
        } else {
            format!(
                "cannot tell which database '{}' is",
                crate::redact::url_password(text)
            )
        };
        Err(Failure::usage(what).hint(
            "pass sqlite:PATH, a path ending in .db, .sqlite or .sqlite3, postgres://USER@HOST/DB, or host=HOST dbname=DB",
        )
        .into())
    }

    /// Reads a PostgreSQL DEST as a connection would (its settings, the `PG*` environment,
    /// `sslmode`, the `sslrootcert` file) without connecting: for `config check`.
    pub fn check(&self) -> Result<()> {
        if let Dest::Postgres(text) = self {
            conninfo::resolve(text, &|k| std::env::var(k).ok())?;
        }
        Ok(())
    }

    /// Opens the database, blocking: only ever called on the database's own thread
    /// ([`Writer::open`]).
    pub fn open(&self) -> Result<Box<dyn Database>> {
        match self {
            Dest::Sqlite(path) => Ok(Box::new(sqlite::Sqlite::open(path)?)),
            Dest::Postgres(url) => Ok(Box::new(postgres::Postgres::open(url)?)),
        }
    }
}

/// Printable: never a password.
impl fmt::Display for Dest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dest::Sqlite(path) => write!(f, "{}", path.display()),
            Dest::Postgres(url) => f.write_str(&crate::redact::url_password(url)),
        }
    }
}

impl fmt::Debug for Dest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dest::Sqlite(path) => write!(f, "Sqlite({path:?})"),
            Dest::Postgres(_) => write!(f, "Postgres({:?})", self.to_string()),
        }
    }
}

/// Where the last complete run of a profile and filter set left off.
#[derive(Debug, Clone, PartialEq)]
pub struct Resume {
    pub newest: Option<DateTime<Utc>>,
    pub upper: DateTime<Utc>,
    /// The newest modification time among the calls it read, where the vendor gives one.
    pub newest_modified: Option<DateTime<Utc>>,
    /// The oldest `started_at` stored for the profile (whatever the filters).
    pub oldest: Option<DateTime<Utc>>,
    /// Where the window these runs have read completely begins (`None`: a state written before
    /// it was kept).
    pub covered_from: Option<DateTime<Utc>>,
    /// When the run that left this state began.
    pub synced_at: Option<DateTime<Utc>>,
}

/// The state a run leaves, written in the transaction of its last batch.
#[derive(Debug, Clone)]
pub struct Advance {
    pub filters: String,
    pub newest: Option<DateTime<Utc>>,
    pub upper: DateTime<Utc>,
    pub newest_modified: Option<DateTime<Utc>>,
    /// Where the window read completely now begins ([`Resume::covered_from`]).
    pub covered_from: DateTime<Utc>,
    /// What the run can say of deletes at the source; nothing when no read of it could.
    pub sweep: Option<std::sync::Arc<Sweep>>,
}

/// The windows a run read completely, without any filter, and every call it was served: a
/// stored call of the profile started in one of them that the run did not see is gone at the
/// source (SPEC, sync: deletes at the source). Marked in the transaction that advances the
/// state, so that a run that fails or is killed marks nothing.
#[derive(Debug, Default)]
pub struct Sweep {
    /// `[from, to)` windows, of `started_at`.
    pub windows: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Every call id the run was served (also those outside its window), as [`seen_key`]:
    /// in the order served while the run reads, sorted by [`Sweep::settle`].
    seen: Vec<u64>,
}

impl Sweep {
    /// A window read completely, `[from, to)`, narrowed to the whole seconds inside it. NOTE:
    /// SQLite stores times to the second: `started_at >= '…:12Z'` for a window from 12.5 s
    /// would take in a call of 12 s that the read, rightly, did not return.
    pub fn read_whole(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) {
        let second = |s: i64| DateTime::from_timestamp(s, 0).expect("a time in range");
        let from = second(from.timestamp() + i64::from(from.timestamp_subsec_nanos() > 0));
        let to = second(to.timestamp());
        if from < to {
            self.windows.push((from, to));
        }
    }

    /// The run was served no call at all.
    pub fn saw_none(&self) -> bool {
        self.seen.is_empty()
    }

    /// The run was served this call.
    pub fn see(&mut self, id: &str) {
        self.seen.push(seen_key(id));
    }

    /// Ready to be asked [`Sweep::saw`]: the keys sorted, each once.
    pub fn settle(mut self) -> Sweep {
        self.seen.sort_unstable();
        self.seen.dedup();
        self.seen.shrink_to_fit();
        self
    }

    /// Whether the run saw the call with this id (after [`Sweep::settle`]).
    pub fn saw(&self, id: &str) -> bool {
        self.seen.binary_search(&seen_key(id)).is_ok()
    }
}

/// A call id as [`Sweep`] keeps it: 8 bytes in a sorted list, not the id (Callcap's are 36)
/// in a set, so that a million calls' ids take 8 MB, not 80. NOTE: two ids that share a key can
/// only make a deleted call look seen (not marked), never a call that is there look gone.
pub fn seen_key(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // NOTE: SipHash with fixed keys, not a per-process random state: the keys never leave
    // the process, but a fixed one is the same in every test.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// The context of a lock another session holds on a shared database (PostgreSQL's advisory
/// lock): `sync` skips the profile with a note instead of failing it (SPEC, sync: several
/// processes share the profiles).
#[derive(Debug, Clone, Copy)]
pub struct Elsewhere;

impl std::fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("being synced elsewhere")
    }
}

/// What upserts did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    /// Stored calls found deleted at the source, marked `deleted_at` (SPEC, sync).
    pub gone: u64,
}

/// Keeps what a profile's committed batches stored, for the line a signal prints
/// (`famulor: 3 new, 0 changed stored before it stopped (12 unchanged)`).
pub fn note_stored(profile: &str, counts: &Counts) {
    let n = crate::term::thousands;
    crate::stop::done(
        profile,
        format!(
            "{}: {} new, {} changed stored before it stopped ({} unchanged)",
            crate::term::printable(profile),
            n(counts.new),
            n(counts.changed),
            n(counts.unchanged)
        ),
    );
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.new += other.new;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
        self.gone += other.gone;
    }
}

/// One destination. Opening it creates or migrates the schema. NOTE: every method blocks; they
/// run on the database's own thread ([`Writer`]), never on the command's runtime.
pub trait Database {
    /// Takes the profile's lock, held until [`Database::unlock`] (or until the process ends,
    /// however it ends); another run holding it is exit 1, at once.
    fn lock(&mut self, profile: &str) -> Result<()>;
    /// Releases the profile's lock.
    fn unlock(&mut self, profile: &str) -> Result<()>;
    /// Whether any call of `profile` is stored: a run that starts with none has none that can
    /// be gone (its sweep is skipped: on a first run it would read back every call it wrote).
    fn holds(&mut self, profile: &str) -> Result<bool>;
    /// The state the last complete run of `profile` with `filters` left, if any.
    fn resume(&mut self, profile: &str, filters: &str) -> Result<Option<Resume>>;
    /// Writes a batch in one transaction: new calls inserted, changed ones updated, unchanged
    /// ones not written; with `advance`, the profile's state in the same transaction.
    fn upsert(
        &mut self,
        profile: &str,
        batch: &[Row],
        now: DateTime<Utc>,
        advance: Option<&Advance>,
    ) -> Result<Counts>;
}

/// A call's columns as stored, from `vendor` to `raw`, and their hash. NOTE: made as soon as
/// the pager hands the call over, so a batch holds strings, not the raw record's tree (cloning
/// and dropping that tree was most of a sync's time).
pub struct Row {
    /// The text columns of [`col`], one after another; [`Row::get`] reads one.
    /// NOTE: one string for thirteen columns. Rows are made on the pager's thread and dropped
    /// on the database's, and freeing fourteen strings a call there (glibc frees another
    /// thread's memory under that arena's lock) was a fifth of its time.
    text: String,
    /// Where each column is in `text`; `None` for null.
    spans: [Option<(usize, usize)>; col::COUNT],
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration: Option<i64>,
    pub talk_time: Option<i64>,
    pub raw: Option<String>,
    pub hash: i64,
    /// Text the databases cannot store as given was replaced (see [`Row::refill`]), or the
    /// vendor's record holds a lone surrogate already read as U+FFFD: `-v` names the call.
    pub mended: bool,
}

/// Indexes of [`Row::get`]: the text columns, in the table's order.
pub mod col {
    pub const VENDOR: usize = 0;
    pub const ID: usize = 1;
    pub const STARTED_AT: usize = 2;
    pub const ENDED_AT: usize = 3;
    pub const DIRECTION: usize = 4;
    pub const STATUS: usize = 5;
    pub const VENDOR_STATUS: usize = 6;
    pub const CUSTOMER_NUMBER: usize = 7;
    pub const LINE_NUMBER: usize = 8;
    pub const AGENT: usize = 9;
    pub const CAMPAIGN: usize = 10;
    pub const RECORDING_URL: usize = 11;
    pub const COST: usize = 12;
    pub const COUNT: usize = 13;
}

impl Row {
    /// The call's columns; the raw record moved (not copied) into the row.
    pub fn new(c: Call) -> Row {
        let mut row = Row {
            text: String::new(),
            spans: [None; col::COUNT],
            started_at: c.started_at,
            ended_at: c.ended_at,
            duration: c.duration,
            talk_time: c.talk_time,
            raw: None,
            hash: 0,
            mended: false,
        };
        row.refill(c);
        row
    }

    /// The row made again for another call, its text's room kept.
    pub fn refill(&mut self, c: Call) {
        let (started, ended) = (time(c.started_at), c.ended_at.map(time));
        self.started_at = c.started_at;
        self.ended_at = c.ended_at;
        self.duration = c.duration;
        self.talk_time = c.talk_time;
        let text = columns(&c, &started, ended.as_deref());
        // NOTE: PostgreSQL's `text` and `jsonb` refuse NUL (`\u0000` in JSON), which SQLite
        // and Rust strings take: the rule is the same for both databases, so that they store
        // the same bytes and the hash is of what is stored (an unchanged call is not rewritten
        // every run): NUL becomes U+FFFD in every text column and in `raw` (SPEC, sync: "a
        // record the database cannot store as given").
        let nul = text.iter().flatten().any(|t| t.contains('\0'));
        let raw_nul = c.raw.as_ref().and_then(|r| mend_nul_escapes(r.get()));
        if nul {
            let text = text.map(|t| t.map(|t| t.replace('\0', "\u{fffd}")));
            self.pack(text.each_ref().map(Option::as_deref));
        } else {
            self.pack(text);
        }
        self.mended =
            nul || raw_nul.is_some() || c.raw.as_ref().is_some_and(|r| has_replacement(r.get()));
        self.raw = raw_nul.or_else(|| c.raw.map(String::from));
        self.hash = self.digest();
    }

    /// A text column of [`col`].
    pub fn get(&self, column: usize) -> Option<&str> {
        self.spans[column].map(|(from, to)| &self.text[from..to])
    }

    /// Every text column, in [`col`]'s order.
    pub fn columns(&self) -> [Option<&str>; col::COUNT] {
        std::array::from_fn(|i| self.get(i))
    }

    /// Stores the text columns in one string.
    fn pack(&mut self, columns: [Option<&str>; col::COUNT]) {
        let text = &mut self.text;
        text.clear();
        text.reserve(columns.iter().flatten().map(|c| c.len()).sum());
        for (span, c) in self.spans.iter_mut().zip(columns) {
            *span = c.map(|c| {
                text.push_str(c);
                (text.len() - c.len(), text.len())
            });
        }
    }

    /// The row with one text column set, and hashed again.
    #[cfg(test)]
    pub fn set(&mut self, column: usize, value: Option<&str>) {
        let mut c = self.columns().map(|c| c.map(str::to_string));
        c[column] = value.map(str::to_string);
        self.pack(c.each_ref().map(Option::as_deref));
        self.hash = self.digest();
    }

    /// The hash of the stored columns from `vendor` to `raw`.
    fn digest(&self) -> i64 {
        let c = self.columns();
        digest(Fields {
            text: std::array::from_fn(|i| c[i]),
            duration: self.duration,
            talk_time: self.talk_time,
            recording_url: c[col::RECORDING_URL],
            cost: c[col::COST],
            raw: self.raw.as_deref(),
        })
    }
}

/// A call's [`Row::hash`] without making its row (`--follow`, which prints the call after).
pub fn hash(c: &Call) -> i64 {
    let (started, ended) = (time(c.started_at), c.ended_at.map(time));
    let text = columns(c, &started, ended.as_deref());
    let raw_nul = c
        .raw
        .as_ref()
        .is_some_and(|r| NUL_ESCAPE.find(r.get().as_bytes()).is_some());
    if raw_nul || text.iter().flatten().any(|t| t.contains('\0')) {
        // The rare call with text to mend: hashed as its row stores it.
        return Row::new(c.clone()).hash;
    }
    digest(Fields {
        text: std::array::from_fn(|i| text[i]),
        duration: c.duration,
        talk_time: c.talk_time,
        recording_url: text[col::RECORDING_URL],
        cost: text[col::COST],
        raw: c.raw.as_ref().map(|r| r.get()),
    })
}

/// A call's text columns, in [`col`]'s order, with its times as stored.
fn columns<'a>(
    c: &'a Call,
    started: &'a str,
    ended: Option<&'a str>,
) -> [Option<&'a str>; col::COUNT] {
    [
        Some(c.vendor.id()),
        Some(&c.id),
        Some(started),
        ended,
        Some(c.direction.as_str()),
        Some(c.status.as_str()),
        c.vendor_status.as_deref(),
        c.customer_number.as_deref(),
        c.line_number.as_deref(),
        c.agent.as_deref(),
        c.campaign.as_deref(),
        c.recording_url.as_deref(),
        c.cost.as_deref(),
    ]
}

static NUL_ESCAPE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\\u0000"));

/// A JSON text with each `\u0000` escape (a NUL in a string) replaced by U+FFFD (the character,
/// as serde_json writes it), or `None` when it has none. An escaped backslash before `u0000` (`\\u0000`, text) is kept.
fn mend_nul_escapes(json: &str) -> Option<String> {
    NUL_ESCAPE.find(json.as_bytes())?;
    let b = json.as_bytes();
    let mut out = String::with_capacity(json.len());
    let (mut copied, mut i, mut changed) = (0, 0, false);
    while let Some(at) = b.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let at = i + at;
        if b.get(at + 1..at + 6) == Some(b"u0000".as_slice()) {
            out.push_str(&json[copied..at]);
            out.push('\u{fffd}');
            copied = at + 6;
            changed = true;
        }
        // Any escape's first two bytes together (`\\` among them); the rest is plain.
        i = at + 2;
    }
    out.push_str(&json[copied..]);
    changed.then_some(out)
}

/// Whether a JSON text holds the replacement character as an escape: a lone surrogate that
/// `call::mend_surrogates` replaced (or a vendor's own U+FFFD).
fn has_replacement(json: &str) -> bool {
    static FFFD: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\\ufffd"));
    FFFD.find(json.as_bytes()).is_some()
}

/// What goes into a row's hash, borrowed.
struct Fields<'a> {
    text: [Option<&'a str>; 11],
    duration: Option<i64>,
    talk_time: Option<i64>,
    recording_url: Option<&'a str>,
    cost: Option<&'a str>,
    raw: Option<&'a str>,
}

fn digest(f: Fields<'_>) -> i64 {
    // NOTE: every field goes into the hash with its presence, so that a value moving from one
    // field to the next, or from null to "", is a change.
    let mut h = Sha256::new();
    let mut put = |v: Option<&str>| match v {
        Some(v) => {
            h.update([1u8]);
            h.update((v.len() as u64).to_le_bytes());
            h.update(v.as_bytes());
        }
        None => h.update([0u8]),
    };
    for t in f.text {
        put(t);
    }
    let (mut d, mut t) = (itoa::Buffer::new(), itoa::Buffer::new());
    put(f.duration.map(|v| d.format(v)));
    put(f.talk_time.map(|v| t.format(v)));
    put(f.recording_url.map(stable_urls).as_deref());
    put(f.cost);
    // The raw record (1 KB or more) hashed piece by piece: the same bytes as
    // `stable_urls(raw)`, without making that copy.
    match f.raw {
        Some(r) => {
            let mut pieces: Vec<&str> = Vec::new();
            stable_pieces(r, |p| pieces.push(p));
            h.update([1u8]);
            h.update((pieces.iter().map(|p| p.len()).sum::<usize>() as u64).to_le_bytes());
            for p in pieces {
                h.update(p.as_bytes());
            }
        }
        None => h.update([0u8]),
    }
    let digest = h.finalize();
    i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

impl Row {
    /// The vendor's call id.
    pub fn id(&self) -> &str {
        self.get(col::ID).unwrap_or_default()
    }
}

/// A row to write, as [`plan`] decides.
pub struct Write<'a> {
    /// The call as last seen in the batch.
    pub row: &'a Row,
    /// Not stored yet: inserted (else updated, `changed_at` set).
    pub new: bool,
    /// For a new row: its status as first seen in the batch.
    pub first_status: Option<&'a str>,
    /// Changed: against the stored row, or (a new row) a later copy in the same batch differed
    /// from the one before it; `changed_at` is set.
    pub changed: bool,
}

/// What a batch writes, and its counts, as if its calls were upserted one after another: a
/// call served twice counts twice (the second copy unchanged, or changed when it differs) and is
/// written once, as last seen; a call whose last copy is as stored is not written. `stored` is
/// each stored id's hash, `None` for a call marked deleted at the source: served again, it
/// has come back, is changed, and is written (its mark cleared).
pub fn plan<'a>(
    batch: &[&'a Row],
    stored: &std::collections::HashMap<String, Option<i64>>,
) -> (Vec<Write<'a>>, Counts) {
    let mut counts = Counts::default();
    // Per id: its place in `order`, the stored hash, the first and the last copy, changed.
    let mut seen: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::with_capacity(batch.len());
    let mut order: Vec<(Option<Option<i64>>, &Row, &Row, bool)> = Vec::with_capacity(batch.len());
    for &row in batch {
        match seen.get(row.id()) {
            None => {
                let was = stored.get(row.id()).copied();
                match was {
                    None => counts.new += 1,
                    Some(Some(h)) if h == row.hash => counts.unchanged += 1,
                    Some(_) => counts.changed += 1,
                }
                seen.insert(row.id(), order.len());
                order.push((was, row, row, was.is_some_and(|h| h != Some(row.hash))));
            }
            Some(&at) => {
                let entry = &mut order[at];
                if entry.2.hash == row.hash {
                    counts.unchanged += 1;
                } else {
                    counts.changed += 1;
                    entry.3 = true;
                }
                entry.2 = row;
            }
        }
    }
    let writes = order
        .into_iter()
        .filter(|(was, _, last, _)| *was != Some(Some(last.hash)))
        .map(|(was, first, last, changed)| Write {
            row: last,
            new: was.is_none(),
            first_status: first.get(col::STATUS),
            changed,
        })
        .collect();
    (writes, counts)
}

/// Text with every http(s) URL reduced to its path, for the record's hash. NOTE: signed links
/// (myCRM's `download_url`, Famulor Platform 2.0's hour-long `recording_url`) are signed anew on
/// every read, and a recording host may move: without this each sync would call every such call
/// "changed" and rewrite it. A recording that arrives (null → link) or a different file still
/// changes the hash.
pub fn stable_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    stable_pieces(text, |p| out.push_str(p));
    out
}

/// [`stable_urls`] as the pieces it joins, in order.
fn stable_pieces<'a>(text: &'a str, mut piece: impl FnMut(&'a str)) {
    static HTTP: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("http"));
    let mut rest = text;
    while let Some(at) = HTTP.find(rest.as_bytes()) {
        let (before, from) = rest.split_at(at);
        piece(before);
        let Some(after_scheme) = from
            .strip_prefix("https://")
            .or_else(|| from.strip_prefix("http://"))
        else {
            piece("http");
            rest = &from[4..];
            continue;
        };
        // Authority: up to the path, or the end of the URL.
        let end_of = |s: &str, stops: &[char]| {
            s.find(|c: char| stops.contains(&c) || c.is_whitespace())
                .unwrap_or(s.len())
        };
        let path_at = end_of(after_scheme, &['/', '"', '\\', '?', '#']);
        let tail = &after_scheme[path_at..];
        let path_len = if tail.starts_with('/') {
            end_of(tail, &['"', '\\', '?', '#'])
        } else {
            0
        };
        piece("url:");
        piece(&tail[..path_len]);
        // The query and fragment (a signature) go too, up to the end of the URL.
        let tail = &tail[path_len..];
        let skip = if tail.starts_with(['?', '#']) {
            end_of(tail, &['"', '\\'])
        } else {
            0
        };
        rest = &tail[skip..];
    }
    piece(rest);
}

/// A time as stored: RFC 3339 in UTC, to the second, as the machine formats print it.
pub fn time(t: DateTime<Utc>) -> String {
    when::time(t, Zone::Tz(chrono_tz::Tz::UTC), false)
}

/// Reads a stored time back.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    use anyhow::Context;
    Ok(DateTime::parse_from_rfc3339(text)
        .with_context(|| format!("the database holds a time that is not RFC 3339: {text:?}"))?
        .with_timezone(&Utc))
}

/// The lock file name of a profile's sync into the database file `db_name`: the database's
/// name and the profile's (their file-name-safe characters, each cut short) and a hash of both
/// whole. NOTE: one per pair, and never too long for a file system (255 bytes): a plain name
/// alone ("../x" and its hex "2e2e2f78" were one file) or a long non-ASCII one written out in
/// hex (over 255 bytes: exit 5) were neither.
pub fn lock_name(db_name: &std::ffi::OsStr, profile: &str) -> String {
    let safe = |text: &str, max: usize| -> String {
        text.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .take(max)
            .collect()
    };
    let db = db_name.to_string_lossy();
    let mut h = Sha256::new();
    h.update((db_name.as_encoded_bytes().len() as u64).to_le_bytes());
    h.update(db_name.as_encoded_bytes());
    h.update(profile.as_bytes());
    let hash: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // Never a hidden file, nor `..`.
    let db = safe(&db, 64);
    let db = match db.trim_start_matches('.') {
        "" => "calls",
        db => db,
    };
    format!("{db}.sync-{}-{hash}.lock", safe(profile, 64))
}

/// The columns sync adds to the normalized fields (after `raw`).
const KEPT: [&str; 5] = [
    "first_seen_at",
    "changed_at",
    "hash",
    "first_status",
    "deleted_at",
];

/// The columns of `calls` sync writes: `profile`, the normalized fields and `raw` (as
/// [`crate::call::Field::NAMES`]), then [`KEPT`].
pub const COLUMNS: [&str; 1 + crate::call::Field::NAMES.len() + KEPT.len()] = {
    let fields = crate::call::Field::NAMES;
    let mut out = [""; 1 + crate::call::Field::NAMES.len() + KEPT.len()];
    out[0] = "profile";
    let mut i = 0;
    while i < fields.len() + KEPT.len() {
        out[1 + i] = if i < fields.len() {
            fields[i]
        } else {
            KEPT[i - fields.len()]
        };
        i += 1;
    }
    out
};

/// Refuses a `calls` table sync cannot keep exact: a column missing, or no primary key (nor
/// unique index) on `(profile, id)`, without which every run would store its calls again.
/// `columns` are the table's, `keyed` whether `(profile, id)` is unique.
pub fn check_schema(shown: &str, columns: &[String], keyed: bool) -> Result<()> {
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !columns.iter().any(|have| have == c))
        .collect();
    let what = if !missing.is_empty() {
        format!("its table calls lacks the column(s) {}", missing.join(", "))
    } else if !keyed {
        "its table calls has no PRIMARY KEY (profile, id): sync would store calls twice".to_string()
    } else {
        return Ok(());
    };
    Err(Failure::usage(format!("{shown}: {what}"))
        .hint(
            "restore it (ALTER TABLE calls ADD PRIMARY KEY (profile, id), once duplicates are \
             gone), or rename the table (ALTER TABLE calls RENAME TO calls_old) and drop the \
             row of schema_version so that sync builds it again",
        )
        .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dest_is_told_by_its_prefix_or_extension() {
        assert_eq!(
            Dest::parse("sqlite:x/calls").unwrap(),
            Dest::Sqlite("x/calls".into())
        );
        assert_eq!(
            Dest::parse("a.SQLITE3").unwrap(),
            Dest::Sqlite("a.SQLITE3".into())
        );
        for bad in ["calls.txt", "", "   ", "x.db/"] {
            let err = Dest::parse(bad).unwrap_err();
            assert_eq!(crate::error::classify(&err).0, crate::error::Exit::Usage);
            let said = format!("{err:#}");
            assert!(
                said.contains(&format!("'{bad}'"))
                    || (bad.trim().is_empty() && said.contains("empty")),
                "{bad:?}: {said}"
            );
        }
        let err = Dest::parse("mysql://u:hunter2@h/db").unwrap_err();
        assert!(!format!("{err:#}").contains("hunter2"), "{err:#}");
        let pg = Dest::parse("postgresql://u:hunter2@h:5433/db?sslmode=require").unwrap();
        assert_eq!(
            pg.to_string(),
            "postgresql://u:REDACTED@h:5433/db?sslmode=require"
        );
    }

    #[test]
    fn urls_count_by_their_path_only() {
        assert_eq!(
            stable_urls(r#"{"u":"https://s3.example:443/r/1.mp3?X-Amz-Signature=ab","n":2}"#),
            r#"{"u":"url:/r/1.mp3","n":2}"#
        );
        assert_eq!(stable_urls("http://127.0.0.1:8787"), "url:");
        assert_eq!(stable_urls("a http b https:/x"), "a http b https:/x");
        assert_eq!(stable_urls(r#"["http://h/a\"b"]"#), r#"["url:/a\"b"]"#);
    }

    /// A link signed anew, or served from another host, is no change; a recording that arrives,
    /// or another file, is.
    #[test]
    fn a_re_signed_recording_link_is_not_a_change() {
        let mut call = crate::call::Call {
            duration: Some(5),
            ..crate::call::Call::bare(
                crate::types::Vendor::Mycrm,
                "7",
                chrono::DateTime::UNIX_EPOCH,
            )
        };
        let none = Row::new(call.clone()).hash;
        let with = |c: &mut crate::call::Call, url: &str| {
            c.recording_url = Some(url.into());
            c.raw = Some(crate::call::Raw::from_value(
                &serde_json::json!({"recording": {"url": url}}),
            ));
            Row::new(c.clone()).hash
        };
        // The raw record is hashed as `stable_urls` makes it, piece by piece: stored hashes of
        // earlier versions still match.
        let reference = |c: &crate::call::Call| {
            let row = Row::new(c.clone());
            let mut h = Sha256::new();
            let mut put = |v: Option<&str>| match v {
                Some(v) => {
                    h.update([1u8]);
                    h.update((v.len() as u64).to_le_bytes());
                    h.update(v.as_bytes());
                }
                None => h.update([0u8]),
            };
            for t in &row.columns()[..11] {
                put(*t);
            }
            put(c.duration.map(|d| d.to_string()).as_deref());
            put(c.talk_time.map(|d| d.to_string()).as_deref());
            put(c.recording_url.as_deref().map(stable_urls).as_deref());
            put(c.cost.as_deref());
            put(row.raw.as_deref().map(stable_urls).as_deref());
            i64::from_le_bytes(h.finalize()[..8].try_into().unwrap())
        };
        assert_eq!(Row::new(call.clone()).hash, reference(&call));
        assert_eq!(hash(&call), reference(&call));
        with(
            &mut call,
            "https://b.s3.example/r/7.mp3?X-Amz-Signature=1 http://x https:/y",
        );
        assert_eq!(Row::new(call.clone()).hash, reference(&call));
        assert_eq!(hash(&call), reference(&call));
        let a = with(
            &mut call,
            "https://b.s3.example/r/7.mp3?X-Amz-Signature=1&X-Amz-Date=2",
        );
        let b = with(
            &mut call,
            "https://c.s3.example:8443/r/7.mp3?X-Amz-Signature=9&X-Amz-Date=3",
        );
        let other = with(&mut call, "https://b.s3.example/r/8.mp3?X-Amz-Signature=1");
        assert_eq!(a, b);
        assert_ne!(a, none);
        assert_ne!(a, other);
        // With every field set, the hash of a call is its row's.
        call.ended_at = Some(call.started_at + chrono::Duration::seconds(70));
        call.talk_time = Some(60);
        call.cost = Some("0.25".into());
        for (i, f) in [
            &mut call.vendor_status,
            &mut call.customer_number,
            &mut call.line_number,
            &mut call.agent,
            &mut call.campaign,
        ]
        .into_iter()
        .enumerate()
        {
            *f = Some(format!("v{i}"));
        }
        assert_eq!(hash(&call), Row::new(call.clone()).hash);
        assert_ne!(hash(&call), other);
        // A row filled again (as sync reuses the rows of written batches) is its new call's
        // row, whatever the call before it held: every field set, then none, then every again.
        let bare = crate::call::Call::bare(
            crate::types::Vendor::Famulor,
            "8",
            chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(9),
        );
        let mut row = Row::new(call.clone());
        for c in [&bare, &call, &bare] {
            let fresh = Row::new(c.clone());
            row.refill(c.clone());
            assert_eq!(row.columns(), fresh.columns());
            assert_eq!(
                (row.started_at, row.ended_at, row.duration, row.talk_time),
                (
                    fresh.started_at,
                    fresh.ended_at,
                    fresh.duration,
                    fresh.talk_time
                )
            );
            assert_eq!((&row.raw, row.hash), (&fresh.raw, fresh.hash));
        }
    }

    /// A call served twice in a batch counts twice, as if upserted one copy after the other,
    /// and is written once, as last seen.
    /// A sweep's window is the whole seconds inside what was read: times are stored to the
    /// second, so a window from 12.5 s starts at 13 s.
    #[test]
    fn a_sweep_window_is_the_whole_seconds_inside_the_read() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let mut sweep = Sweep::default();
        sweep.read_whole(t("2025-05-01T00:00:12.5Z"), t("2025-05-01T00:00:20.7Z"));
        sweep.read_whole(t("2025-05-01T00:00:30Z"), t("2025-05-01T00:00:40Z"));
        sweep.read_whole(t("2025-05-01T00:00:50.1Z"), t("2025-05-01T00:00:50.9Z"));
        assert_eq!(
            sweep.windows,
            vec![
                (t("2025-05-01T00:00:13Z"), t("2025-05-01T00:00:20Z")),
                (t("2025-05-01T00:00:30Z"), t("2025-05-01T00:00:40Z")),
            ]
        );
    }

    #[test]
    fn a_batch_counts_each_copy_and_writes_each_call_once() {
        let row = |id: &str, hash: i64, status: &str| {
            let mut r = Row::new(Call::bare(
                crate::types::Vendor::Famulor,
                id,
                chrono::DateTime::UNIX_EPOCH,
            ));
            r.set(col::STATUS, Some(status));
            r.hash = hash;
            r
        };
        let batch = [
            row("new", 1, "in-progress"),
            row("same", 2, "missed"),
            row("new", 3, "answered"),
            row("changed", 5, "missed"),
            row("twice", 6, "missed"),
            row("twice", 6, "missed"),
            row("back", 8, "missed"),
            row("back", 7, "missed"),
            // Marked deleted at the source, served again as it was: it has come back.
            row("returned", 9, "answered"),
        ];
        let stored: std::collections::HashMap<String, Option<i64>> = [
            ("same", Some(2)),
            ("changed", Some(4)),
            ("twice", Some(6)),
            ("back", Some(7)),
            ("returned", None),
        ]
        .into_iter()
        .map(|(id, h)| (id.to_string(), h))
        .collect();
        let (writes, counts) = plan(&batch.iter().collect::<Vec<_>>(), &stored);
        assert_eq!(
            counts,
            Counts {
                new: 1,
                changed: 5,
                unchanged: 3,
                gone: 0
            }
        );
        let shown: Vec<(&str, i64, bool, Option<&str>, bool)> = writes
            .iter()
            .map(|w| (w.row.id(), w.row.hash, w.new, w.first_status, w.changed))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("new", 3, true, Some("in-progress"), true),
                ("changed", 5, false, Some("missed"), true),
                ("returned", 9, false, Some("answered"), true),
            ]
        );
    }

    proptest::proptest! {
        /// Any two profile names (any Unicode, any length) have lock files of their own beside
        /// a database, each a plain file name short enough for any file system.
        #[test]
        fn every_profile_has_its_own_short_plain_lock_file(
            a in ".{0,200}",
            b in ".{0,200}",
            db in "[a-zA-Z0-9._ é-]{1,120}",
        ) {
            let db = std::ffi::OsString::from(format!("{db}.db"));
            let (la, lb) = (lock_name(&db, &a), lock_name(&db, &b));
            for l in [&la, &lb] {
                proptest::prop_assert!(l.len() <= 200, "{}", l);
                proptest::prop_assert!(l.bytes().all(|c| c.is_ascii_alphanumeric()
                    || matches!(c, b'-' | b'_' | b'.')), "{}", l);
                proptest::prop_assert!(!l.starts_with('.'), "{}", l);
            }
            proptest::prop_assert_eq!(la == lb, a == b);
        }
    }

    proptest::proptest! {
        /// Whatever text a call holds (NUL, controls, any Unicode), its row holds no NUL in any
        /// column nor `\u0000` in `raw`, which stays JSON with the same text but for U+FFFD in
        /// each NUL's place; the row of that mended call is the same row (a second run finds it
        /// unchanged), and `hash` (`--follow`) is the row's.
        #[test]
        fn text_the_databases_refuse_is_stored_replaced_and_hashed_as_stored(
            agent in proptest::option::of("(\\PC|[\u{0}-\u{1f}]|\\\\u0000){0,12}"),
            said in "(\\PC|[\u{0}-\u{1f}]|\\\\u0000){0,24}",
        ) {
            let call = Call {
                agent: agent.clone(),
                raw: Some(crate::call::Raw::from_value(&serde_json::json!({"t": said}))),
                ..Call::bare(crate::types::Vendor::Famulor, "7", chrono::DateTime::UNIX_EPOCH)
            };
            let row = Row::new(call.clone());
            let fix = |t: &str| t.replace('\0', "\u{fffd}");
            let want_agent = agent.as_deref().map(fix);
            proptest::prop_assert_eq!(row.get(col::AGENT), want_agent.as_deref());
            let raw: serde_json::Value = serde_json::from_str(row.raw.as_deref().unwrap()).unwrap();
            let want_said = fix(&said);
            proptest::prop_assert_eq!(raw["t"].as_str(), Some(want_said.as_str()));
            proptest::prop_assert!(!row.raw.as_deref().unwrap().contains("\\u0000")
                || row.raw.as_deref().unwrap().contains("\\\\u0000"));
            proptest::prop_assert_eq!(hash(&call), row.hash);
            proptest::prop_assert_eq!(row.mended, agent.as_deref().is_some_and(|a| a.contains('\0'))
                || said.contains('\0'));
            let mended = Call {
                agent: agent.as_deref().map(fix),
                raw: Some(crate::call::Raw::from_value(&serde_json::json!({"t": fix(&said)}))),
                ..call
            };
            proptest::prop_assert_eq!(Row::new(mended).hash, row.hash);
        }
    }

    #[test]
    fn profile_names_make_safe_lock_names() {
        let db = std::ffi::OsStr::new("calls.db");
        let plain = lock_name(db, "famulor-2");
        assert!(plain.starts_with("calls.db.sync-famulor-2-"), "{plain}");
        assert_ne!(lock_name(db, "../x"), lock_name(db, "2e2e2f78"));
        assert!(!lock_name(db, "../x").contains('/'));
        assert!(lock_name(db, &"ü".repeat(300)).len() < 120);
        assert_ne!(
            lock_name(db, "p"),
            lock_name(std::ffi::OsStr::new("other.db"), "p")
        );
    }
}
