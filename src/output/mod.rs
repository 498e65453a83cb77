//! Writers: table, CSV, TSV, JSON and NDJSON, each taking calls one at a time over any `W: Write`
//! (vendor text escaped when they write to a terminal), and the targets they write to (stdout, a
//! file replaced atomically on success, a FIFO or device written directly, a symlink's target,
//! or a file appended to: `append`).

pub mod append;
pub mod parquet;
mod table;

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono_tz::Tz;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::call::{Call, Field};

pub use table::TableWriter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    /// Tab-separated, the CSV columns; a tab, line break or backslash in a value as `\t`, `\n`,
    /// `\r`, `\\`.
    Tsv,
    Json,
    Ndjson,
    /// Typed columns (export to a file or folder only)
    Parquet,
}

impl Format {
    /// The file extensions that pick a format for `--output FILE` without `-o`: the one table
    /// of them (lower case; matched case-insensitively).
    pub const EXTENSIONS: &'static [(&'static str, Format)] = &[
        ("csv", Format::Csv),
        ("tsv", Format::Tsv),
        ("json", Format::Json),
        ("ndjson", Format::Ndjson),
        ("jsonl", Format::Ndjson),
        ("parquet", Format::Parquet),
    ];

    /// The format `path`'s extension names, if any.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::EXTENSIONS
            .iter()
            .find(|(e, _)| *e == ext)
            .map(|&(_, f)| f)
    }

    /// The name `-o` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Parquet => "parquet",
        }
    }

    /// `csv (.csv), json (.json), ndjson (.ndjson, .jsonl)`: what an extension can pick.
    pub fn extensions_described() -> String {
        let mut parts: Vec<(Format, Vec<&str>)> = Vec::new();
        for &(ext, f) in Self::EXTENSIONS {
            match parts.iter_mut().find(|(g, _)| *g == f) {
                Some((_, exts)) => exts.push(ext),
                None => parts.push((f, vec![ext])),
            }
        }
        parts
            .iter()
            .map(|(f, exts)| {
                let exts: Vec<String> = exts.iter().map(|e| format!(".{e}")).collect();
                format!("{} ({})", f.name(), exts.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

// NOTE: times are read and printed in one place (`when.rs`), which commands use without
// reaching into the writers.
pub use crate::when::{time, utc_stamp, Zone};

/// Output settings, resolved once from flags, terminal and profile.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    pub format: Format,
    pub fields: Vec<Field>,
    pub zone: Zone,
    /// `None`: stdout.
    pub path: Option<PathBuf>,
    pub raw: bool,
    /// Table wrap width (`None`: no wrapping).
    pub width: Option<u16>,
    /// A table in colour (stdout on a terminal, `--color`).
    pub color: bool,
    /// CSV and TSV start with a header line (`--no-header`: none).
    pub header: bool,
    /// Machine output going to a terminal: control characters and bidi overrides in vendor text
    /// are written escaped, as tables write them (SPEC "Output").
    pub terminal: bool,
}

impl OutputOptions {
    /// The columns a table shows when `--fields` is not given.
    pub const TABLE_FIELDS: [Field; 8] = [
        Field::Id,
        Field::StartedAt,
        Field::Direction,
        Field::Status,
        Field::Duration,
        Field::CustomerNumber,
        Field::Agent,
        Field::Campaign,
    ];
}

/// A field's value as text (CSV, tables): `None` for null.
pub fn text(call: &Call, field: Field, zone: Zone, table: bool) -> Option<Cow<'_, str>> {
    match field {
        Field::Vendor => Some(Cow::Borrowed(call.vendor.id())),
        Field::Id => Some(Cow::Borrowed(&call.id)),
        Field::StartedAt => Some(Cow::Owned(time(call.started_at, zone, table))),
        Field::EndedAt => call.ended_at.map(|t| Cow::Owned(time(t, zone, table))),
        Field::Direction => Some(Cow::Borrowed(call.direction.as_str())),
        Field::Status => Some(Cow::Borrowed(call.status.as_str())),
        Field::VendorStatus => call.vendor_status.as_deref().map(Cow::Borrowed),
        Field::Duration if table => call.duration.map(|d| Cow::Owned(clock(d))),
        Field::Duration => call.duration.map(|d| Cow::Owned(d.to_string())),
        Field::TalkTime if table => call.talk_time.map(|d| Cow::Owned(clock(d))),
        Field::TalkTime => call.talk_time.map(|d| Cow::Owned(d.to_string())),
        Field::CustomerNumber => call.customer_number.as_deref().map(Cow::Borrowed),
        Field::LineNumber => call.line_number.as_deref().map(Cow::Borrowed),
        Field::Agent => call.agent.as_deref().map(Cow::Borrowed),
        Field::Campaign => call.campaign.as_deref().map(Cow::Borrowed),
        Field::RecordingUrl => call.recording_url.as_deref().map(Cow::Borrowed),
        Field::Cost => call.cost.as_deref().map(Cow::Borrowed),
        Field::Raw => call.raw.as_ref().map(|r| Cow::Borrowed(r.get())),
    }
}

/// Seconds as `m:ss` (or `h:mm:ss`) for tables.
fn clock(secs: i64) -> String {
    match u64::try_from(secs) {
        Ok(secs) => crate::term::duration(secs),
        // A vendor's negative number, shown as it is.
        Err(_) => secs.to_string(),
    }
}

/// One call as a JSON object with the chosen fields, serialized without building a `Value`.
pub struct Row<'a> {
    pub call: &'a Call,
    pub fields: &'a [Field],
    pub zone: Zone,
}

impl serde::Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let c = self.call;
        let mut map = ser.serialize_map(Some(self.fields.len()))?;
        for &f in self.fields {
            let key = f.name();
            match f {
                Field::Duration => map.serialize_entry(key, &c.duration)?,
                Field::TalkTime => map.serialize_entry(key, &c.talk_time)?,
                Field::Raw => map.serialize_entry(key, &c.raw)?,
                _ => map.serialize_entry(key, &text(c, f, self.zone, false))?,
            }
        }
        map.end()
    }
}

/// A writer for one of the formats; calls go in one at a time.
// One writer per run: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum CallWriter<W: Write + Send> {
    Table(TableWriter<W>),
    /// `header`: a header line is still owed (written with the first call, or at the end).
    Csv {
        out: csv::Writer<W>,
        fields: Vec<Field>,
        zone: Zone,
        header: bool,
        terminal: bool,
    },
    Tsv {
        out: W,
        fields: Vec<Field>,
        zone: Zone,
        header: bool,
        terminal: bool,
    },
    Json {
        out: W,
        fields: Vec<Field>,
        zone: Zone,
        first: bool,
        terminal: bool,
    },
    Ndjson {
        out: W,
        fields: Vec<Field>,
        zone: Zone,
        terminal: bool,
    },
    Parquet(parquet::ParquetWriter<W>),
}

impl<W: Write + Send> CallWriter<W> {
    /// A writer; `header` is false when appending CSV to a file that already has one.
    pub fn new(out: W, opts: &OutputOptions, header: bool) -> Result<Self> {
        let fields = opts.fields.clone();
        let header = header && opts.header;
        Ok(match opts.format {
            Format::Table => CallWriter::Table(
                TableWriter::new(out, fields, opts.zone, opts.width).colored(opts.color),
            ),
            Format::Tsv => CallWriter::Tsv {
                out,
                fields,
                zone: opts.zone,
                header,
                terminal: opts.terminal,
            },
            Format::Csv => CallWriter::Csv {
                out: csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out),
                fields,
                zone: opts.zone,
                header,
                terminal: opts.terminal,
            },
            Format::Json => CallWriter::Json {
                out,
                fields,
                zone: opts.zone,
                first: true,
                terminal: opts.terminal,
            },
            Format::Ndjson => CallWriter::Ndjson {
                out,
                fields,
                zone: opts.zone,
                terminal: opts.terminal,
            },
            Format::Parquet => CallWriter::Parquet(parquet::ParquetWriter::new(out, &fields)?),
        })
    }

    pub fn write(&mut self, call: &Call) -> Result<()> {
        match self {
            CallWriter::Table(t) => t.push(call),
            CallWriter::Csv {
                out: w,
                fields,
                zone,
                header,
                terminal,
            } => {
                if std::mem::take(header) {
                    w.write_record(fields.iter().map(|f| f.name()))?;
                }
                let utc = *zone == Zone::Tz(Tz::UTC);
                let mut num = itoa::Buffer::new();
                for &f in fields.iter() {
                    // The common fields without an allocation; the rest through `text`.
                    let stamp = match f {
                        Field::StartedAt if utc => utc_stamp(call.started_at),
                        Field::EndedAt if utc => call.ended_at.and_then(utc_stamp),
                        _ => None,
                    };
                    match (f, stamp) {
                        (_, Some(b)) => w.write_field(b)?,
                        (Field::Duration, _) => {
                            w.write_field(call.duration.map_or("", |d| num.format(d)))?
                        }
                        (Field::TalkTime, _) => {
                            w.write_field(call.talk_time.map_or("", |d| num.format(d)))?
                        }
                        _ => {
                            let value = text(call, f, *zone, false);
                            let value = value.as_deref().unwrap_or("");
                            if *terminal {
                                w.write_field(crate::term::printable(value).as_bytes())?
                            } else {
                                w.write_field(value)?
                            }
                        }
                    }
                }
                w.write_record(None::<&[u8]>)?;
            }
            CallWriter::Tsv {
                out,
                fields,
                zone,
                header,
                terminal,
            } => {
                if std::mem::take(header) {
                    tsv_header(out, fields)?;
                }
                for (i, &f) in fields.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b"\t")?;
                    }
                    match f {
                        Field::Duration | Field::TalkTime => {
                            let v = if f == Field::Duration {
                                call.duration
                            } else {
                                call.talk_time
                            };
                            if let Some(v) = v {
                                out.write_all(itoa::Buffer::new().format(v).as_bytes())?;
                            }
                        }
                        _ => {
                            if let Some(v) = text(call, f, *zone, false) {
                                if *terminal {
                                    let mut escaped = Vec::with_capacity(v.len());
                                    tsv_value(&mut escaped, &v)?;
                                    let escaped = String::from_utf8_lossy(&escaped);
                                    out.write_all(crate::term::printable(&escaped).as_bytes())?;
                                } else {
                                    tsv_value(out, &v)?;
                                }
                            }
                        }
                    }
                }
                out.write_all(b"\n")?;
            }
            CallWriter::Json {
                out,
                fields,
                zone,
                first,
                terminal,
            } => {
                out.write_all(if *first { b"[\n" } else { b",\n" })?;
                *first = false;
                json_row(&mut *out, call, fields, *zone, *terminal)?;
            }
            CallWriter::Ndjson {
                out,
                fields,
                zone,
                terminal,
            } => {
                json_row(&mut *out, call, fields, *zone, *terminal)?;
                out.write_all(b"\n")?;
            }
            CallWriter::Parquet(p) => p.write(call)?,
        }
        Ok(())
    }

    /// Pushes what is buffered to the target (after each page, so pipes see calls as they come).
    pub fn flush(&mut self) -> Result<()> {
        match self {
            CallWriter::Table(t) => t.flush()?,
            CallWriter::Csv { out, .. } => out.flush()?,
            CallWriter::Json { out, .. }
            | CallWriter::Ndjson { out, .. }
            | CallWriter::Tsv { out, .. } => out.flush()?,
            // Nothing is readable before the footer: row groups are written when full.
            CallWriter::Parquet(_) => {}
        }
        Ok(())
    }

    /// As [`CallWriter::flush`], and a table prints the rows it holds now rather than a block
    /// at a time.
    pub fn flush_rows(&mut self) -> Result<()> {
        match self {
            CallWriter::Table(t) => t.print_now(),
            _ => self.flush(),
        }
    }

    /// Ends the document (closes the JSON array, prints the table) and hands back the target.
    pub fn finish(self) -> Result<W> {
        Ok(match self {
            CallWriter::Table(t) => t.finish()?,
            CallWriter::Csv {
                mut out,
                fields,
                header,
                ..
            } => {
                if header {
                    out.write_record(fields.iter().map(|f| f.name()))?;
                }
                out.into_inner().map_err(|e| e.into_error())?
            }
            CallWriter::Tsv {
                mut out,
                fields,
                header,
                ..
            } => {
                if header {
                    tsv_header(&mut out, &fields)?;
                }
                out
            }
            CallWriter::Json { mut out, first, .. } => {
                out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
                out
            }
            CallWriter::Ndjson { out, .. } => out,
            CallWriter::Parquet(p) => p.finish()?,
        })
    }
}

/// One call as a JSON object; on a terminal with control characters and bidi overrides as
/// `\uXXXX` escapes, so that the JSON reads back the same.
fn json_row(
    out: &mut impl Write,
    call: &Call,
    fields: &[Field],
    zone: Zone,
    terminal: bool,
) -> Result<()> {
    let row = Row { call, fields, zone };
    if terminal {
        row.serialize(&mut serde_json::Serializer::with_formatter(
            out,
            TerminalJson,
        ))?;
    } else {
        serde_json::to_writer(out, &row)?;
    }
    Ok(())
}

/// JSON text fit for a terminal: every control character and bidi override but the line breaks
/// between values (inside a string serde_json has escaped them) written as a `\uXXXX` escape, so
/// that the JSON reads back the same. All of them are in the Basic Multilingual Plane.
pub fn terminal_json(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c != '\n' && crate::term::unsafe_char(c);
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Compact JSON whose strings (and raw records) carry no character a terminal would act on:
/// serde_json escapes C0 controls already; DEL, C1 controls and bidi overrides are escaped
/// here too ([`terminal_json`]).
struct TerminalJson;

impl serde_json::ser::Formatter for TerminalJson {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        writer.write_all(terminal_json(fragment).as_bytes())
    }

    // NOTE: `raw` is the vendor's compact JSON: an unsafe character in it can only be inside a
    // string (JSON allows no raw control character there, but C1 and bidi characters pass).
    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        writer.write_all(terminal_json(fragment).as_bytes())
    }
}

/// The TSV header: the field names, tab-separated.
fn tsv_header(out: &mut impl Write, fields: &[Field]) -> io::Result<()> {
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    out.write_all(names.join("\t").as_bytes())?;
    out.write_all(b"\n")
}

/// A TSV value: a tab, line break or backslash would break the columns or rows, so they are
/// written as `\t`, `\n`, `\r` and `\\` (the convention of PostgreSQL's text COPY).
pub(crate) fn tsv_value(out: &mut impl Write, value: &str) -> io::Result<()> {
    if !value.contains(['\t', '\n', '\r', '\\']) {
        return out.write_all(value.as_bytes());
    }
    let mut escaped = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        match c {
            '\t' => escaped.push_str("\\t"),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\\' => escaped.push_str("\\\\"),
            c => escaped.push(c),
        }
    }
    out.write_all(escaped.as_bytes())
}

impl<W: Write + Send> crate::pager::Sink for CallWriter<W> {
    fn call(&mut self, call: Call) -> Result<()> {
        self.write(&call)
    }
    fn page_done(&mut self) -> Result<()> {
        self.flush()
    }
}

/// Checks, before any request, that `flag`'s file can be written where it is going: its folder
/// exists and it is not itself a folder (found out otherwise only after the whole run). Returns
/// that folder.
pub fn writable<'a>(flag: &str, path: &'a Path) -> Result<&'a Path> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(crate::error::Failure::usage(format!(
            "{flag} {} is a folder; give a file name",
            path.display()
        ))
        .into());
    }
    if !dir.is_dir() {
        return Err(crate::error::Failure::usage(format!(
            "{flag} {}: there is no folder {}",
            path.display(),
            dir.display()
        ))
        .hint("create it first, or write somewhere else")
        .into());
    }
    Ok(dir)
}

/// Where output goes: stdout; a regular file replaced atomically on commit (until then it is
/// untouched); a FIFO or device written directly; or, for `--append`, a spool appended to the
/// file on commit.
pub enum Target {
    Stdout(BufWriter<io::Stdout>),
    Replace {
        tmp: BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
    },
    /// Not a regular file (a FIFO, `/dev/null`, `/dev/stdout`): never replaced.
    Direct(BufWriter<std::fs::File>),
    Append {
        spool: BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
        start: append::Mark,
    },
}

/// The regular file `--output PATH` names (the real one when PATH is a symlink to one), or no
/// file yet; `None` for a FIFO, a device, or a file reached through `/proc/.../fd` or `/dev/fd`
/// (another process's open file): those are written to directly, never replaced. A symlink is
/// never replaced: a dangling one names the file to create (exit 2 when its folder is missing).
pub fn regular(path: &Path) -> Result<Option<PathBuf>> {
    // NOTE: metadata, not symlink_metadata: what counts is what a symlink points to.
    Ok(match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => None,
        Ok(_) if through_proc(path) => None,
        // Replace the file the link points to, and keep the link.
        Ok(_) if path.is_symlink() => Some(
            std::fs::canonicalize(path)
                .with_context(|| format!("cannot follow the symlink {}", path.display()))?,
        ),
        Ok(_) => Some(path.to_path_buf()),
        Err(_) if path.is_symlink() => Some(dangling(path)?),
        // A new file.
        Err(_) => Some(path.to_path_buf()),
    })
}

/// The file a dangling symlink (or a chain of them) names, to be created there so that the link
/// stays a link and leads to the output.
// NOTE: issue 19 §6: the temporary file was renamed over the link itself, turning the user's
// symlink into a regular file beside the place it pointed to.
fn dangling(link: &Path) -> Result<PathBuf> {
    let mut target = std::path::absolute(link)
        .with_context(|| format!("cannot follow the symlink {}", link.display()))?;
    for _ in 0..40 {
        let Ok(next) = std::fs::read_link(&target) else {
            break;
        };
        target = match target.parent() {
            Some(dir) => dir.join(next),
            None => next,
        };
    }
    let refuse = |why: String| -> anyhow::Error {
        crate::error::Failure::usage(format!(
            "--output {} is a symlink to {}, {why}",
            link.display(),
            target.display()
        ))
        .hint("create that folder, point the link elsewhere, or give --output another path (calls never replaces the link)")
        .into()
    };
    if target.is_symlink() {
        return Err(refuse("a chain of symlinks that never ends".into()));
    }
    let dir = folder(&target);
    if !dir.is_dir() {
        return Err(refuse(format!(
            "whose folder {} does not exist",
            dir.display()
        )));
    }
    Ok(target)
}

/// Whether `path` (or a symlink on the way) leads into `/proc` or `/dev/fd`: `/dev/stdout` is
/// the caller's stdout, perhaps a file the shell opened with `>>`, and is written, not replaced.
fn through_proc(path: &Path) -> bool {
    let magic = |p: &Path| p.starts_with("/proc") || p.starts_with("/dev/fd");
    let mut p = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for _ in 0..40 {
        if magic(&p) {
            return true;
        }
        match std::fs::read_link(&p) {
            Ok(next) => {
                p = match p.parent() {
                    Some(dir) => dir.join(next),
                    None => next,
                };
            }
            Err(_) => return false,
        }
    }
    false
}

/// Opens a non-regular output for writing (appending, for a file behind `/proc/.../fd`).
fn direct(path: &Path) -> Result<Target> {
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    Ok(Target::Direct(BufWriter::with_capacity(64 * 1024, file)))
}

impl Target {
    pub fn open(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path else {
            return Ok(Target::Stdout(BufWriter::with_capacity(
                64 * 1024,
                io::stdout(),
            )));
        };
        writable("--output", path)?;
        let Some(path) = regular(path)? else {
            return direct(path);
        };
        let dir = folder(&path);
        let tmp = temp_file(dir, &path)?;
        Ok(Target::Replace {
            tmp: BufWriter::with_capacity(64 * 1024, tmp),
            path,
        })
    }

    /// For `--append`: the run's output is collected in `spool` (a fixed file of the job, kept
    /// after a crash as the evidence of what was being appended), or in a temporary file beside
    /// the output. `start` is where `append::prepare` found the file.
    pub fn append(path: &Path, start: append::Start, spool: Option<&Path>) -> Result<Self> {
        let spool = match spool {
            Some(p) => {
                let mut options = std::fs::OpenOptions::new();
                options.read(true).write(true).create(true).truncate(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let file = options
                    .open(p)
                    .with_context(|| format!("cannot create {}", p.display()))?;
                let path = tempfile::TempPath::try_from_path(p)
                    .with_context(|| format!("cannot use {}", p.display()))?;
                tempfile::NamedTempFile::from_parts(file, path)
            }
            None => temp_file(folder(path), path)?,
        };
        Ok(Target::Append {
            spool: BufWriter::with_capacity(64 * 1024, spool),
            path: path.to_path_buf(),
            start: start.mark,
        })
    }

    /// Makes the output final: flushes stdout or the device; or syncs the file and renames it
    /// into place; or appends the spool (see `commit_append`).
    pub fn commit(self) -> Result<()> {
        self.commit_append(|_| Ok(())).map(|_| ())
    }

    /// `commit`, where an append first hands `intent` what it is about to append (before the
    /// first byte is), for the job's state. Returns where an appended file now ends.
    pub fn commit_append(
        self,
        intent: impl FnOnce(&append::Intent) -> Result<()>,
    ) -> Result<Option<append::Mark>> {
        match self {
            Target::Stdout(mut out) => out.flush().context("cannot write to stdout").map(|_| None),
            Target::Direct(mut out) => out
                .flush()
                .and_then(|_| match out.get_ref().sync_all() {
                    // FIFOs and devices cannot be synced.
                    Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
                    other => other,
                })
                .context("cannot write the output")
                .map(|_| None),
            Target::Replace { tmp, path } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                tmp.as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write {}", path.display()))?;
                if let Ok(meta) = std::fs::metadata(&path) {
                    // Replacing a file keeps its permissions; a new one is private (0600).
                    let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
                }
                tmp.persist(&path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok(None)
            }
            Target::Append { spool, path, start } => {
                let mut spool = spool
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .context("cannot write the output")?;
                match append::append(spool.as_file_mut(), &path, &start, intent) {
                    Ok(mark) => Ok(Some(mark)),
                    Err(e) => {
                        // The spool shows the next run what this one was appending.
                        let _ = spool.into_temp_path().keep();
                        Err(e)
                    }
                }
            }
        }
    }
}

/// The folder a file is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A temporary file beside `target`, named `.NAME.PID.XXXXXX.tmp`. Stale ones for the same name,
/// left by a process that is gone (a `kill -9`, a power cut), are removed first.
pub fn temp_file(dir: &Path, target: &Path) -> Result<tempfile::NamedTempFile> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("calls");
    remove_stale_temp_files(dir, name);
    tempfile::Builder::new()
        .prefix(&format!(".{name}.{}.", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)
        // NOTE: tempfile's error names the temporary file (`at path /x/.a.csv.123.Ab3xYz.tmp`),
        // a name the user never gave: say the target and the system's reason only.
        .map_err(|e| match e.raw_os_error() {
            Some(code) => io::Error::from_raw_os_error(code),
            None => io::Error::new(e.kind(), e.kind().to_string()),
        })
        .with_context(|| {
            format!(
                "cannot write {}: cannot create a file in {}",
                target.display(),
                dir.display()
            )
        })
}

/// A new file for this run in a parquet folder: `calls-20261206T180000Z-1a2b3c4d.parquet`, the
/// run's time (names sort in run order) and a short unique part, never an existing file's name.
/// Temporary files a killed run left in the folder (`.calls-*.parquet.PID.XXXXXX.tmp`, never
/// matched by `DIR/*.parquet`) are removed first.
pub fn new_parquet_file(dir: &Path) -> Result<PathBuf> {
    use sha2::{Digest, Sha256};
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let file = entry.file_name();
            let Some(name) = file.to_str().and_then(|f| f.strip_prefix('.')) else {
                continue;
            };
            if let Some(end) = name
                .find(".parquet.")
                .filter(|_| name.starts_with("calls-"))
            {
                remove_stale_temp_files(dir, &name[..end + ".parquet".len()]);
            }
        }
    }
    let now = chrono::Utc::now();
    for attempt in 0u32.. {
        let mut seed = Sha256::new();
        seed.update(std::process::id().to_le_bytes());
        seed.update(now.timestamp_nanos_opt().unwrap_or_default().to_le_bytes());
        seed.update(attempt.to_le_bytes());
        let hex: String = seed.finalize()[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = dir.join(format!(
            "calls-{}-{hex}.parquet",
            now.format("%Y%m%dT%H%M%SZ")
        ));
        if !path.exists() {
            return Ok(path);
        }
    }
    unreachable!("an unused name is found")
}

/// When this process started, roughly: temporary files younger than this are never stale.
fn run_started() -> std::time::SystemTime {
    static STARTED: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();
    *STARTED.get_or_init(std::time::SystemTime::now)
}

/// Removes `.NAME.PID.XXXXXX.tmp` files in `dir` (our pattern, for this NAME only) that are
/// regular files older than this run, written by a process that no longer exists.
fn remove_stale_temp_files(dir: &Path, name: &str) {
    let started = run_started();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file.to_str().and_then(|f| stale_pid(f, name)) else {
            continue;
        };
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.file_type().is_file())
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t < started);
        if old && pid != std::process::id() && process_gone(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The PID in `.NAME.PID.XXXXXX.tmp`, if `file` is exactly of that form.
fn stale_pid(file: &str, name: &str) -> Option<u32> {
    let rest = file
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?
        .strip_suffix(".tmp")?;
    let (pid, random) = rest.split_once('.')?;
    let ok = !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && random.len() == 6
        && random.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| pid.parse().ok()).flatten()
}

/// True when no process with this PID exists (unknown: false, the file stays).
fn process_gone(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = i32::try_from(pid) else {
            return false;
        };
        // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// For `--append`: whether the file still needs a CSV header, after checking that a header it
/// has is ours (appending other columns would corrupt it).
pub fn append_needs_header(path: &Path, opts: &OutputOptions) -> Result<bool> {
    use std::io::BufRead;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut first = String::new();
    io::BufReader::new(file).read_line(&mut first)?;
    if first.is_empty() {
        return Ok(true);
    }
    if opts.format == Format::Csv {
        let ours: Vec<&str> = opts.fields.iter().map(|f| f.name()).collect();
        if first.trim_end() != ours.join(",") {
            return Err(crate::error::Failure::usage(format!(
                "{} has other columns than this export ({})",
                path.display(),
                first.trim_end()
            ))
            .hint("append with the same --fields, or write to a new file")
            .into());
        }
    }
    Ok(false)
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Stdout(w) => w.write(buf),
            Target::Replace { tmp, .. } => tmp.write(buf),
            Target::Direct(w) => w.write(buf),
            Target::Append { spool, .. } => spool.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Stdout(w) => w.flush(),
            Target::Replace { tmp, .. } => tmp.flush(),
            Target::Direct(w) => w.flush(),
            Target::Append { spool, .. } => spool.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, SecondsFormat, Utc};

    #[test]
    fn machine_times_are_rfc3339_in_the_zone() {
        let t = DateTime::parse_from_rfc3339("2024-01-15T10:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(t, Zone::Tz(Tz::UTC), false), "2024-01-15T10:30:00Z");
        let late = DateTime::parse_from_rfc3339("2031-12-31T23:59:59Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            &utc_stamp(late).unwrap()[..],
            late.to_rfc3339_opts(SecondsFormat::Secs, true).as_bytes()
        );
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            time(t, Zone::Tz(berlin), false),
            "2024-01-15T11:30:00+01:00"
        );
        assert_eq!(time(t, Zone::Tz(berlin), true), "2024-01-15 11:30:00");
        assert_eq!(clock(59), "0:59");
        assert_eq!(clock(3725), "1:02:05");
    }
}

#[cfg(test)]
mod temp_tests {
    use super::*;

    #[test]
    fn only_our_stale_temp_files_are_removed() {
        assert_eq!(
            stale_pid(".calls.csv.123.aB3xY9.tmp", "calls.csv"),
            Some(123)
        );
        for not_ours in [
            ".calls.csv.123.aB3xY.tmp",
            ".calls.csv.12a.aB3xY9.tmp",
            ".calls.csv..aB3xY9.tmp",
            "calls.csv.123.aB3xY9.tmp",
            ".calls.csv.123.aB3xY9.tmp.x",
            ".other.csv.123.aB3xY9.tmp",
            ".calls.csv.aB3xY9.tmp",
        ] {
            assert_eq!(stale_pid(not_ours, "calls.csv"), None, "{not_ours}");
        }

        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let live = std::process::id();
        let parent = std::os::unix::process::parent_id();
        let names = [
            format!(".calls.csv.{dead}.aaaaaa.tmp"),
            format!(".calls.csv.{parent}.bbbbbb.tmp"),
            format!(".calls.csv.{live}.cccccc.tmp"),
            format!(".other.csv.{dead}.dddddd.tmp"),
            format!(".calls.csv.{dead}.eeeeee.part"),
        ];
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for n in &names {
            let f = std::fs::File::create(dir.path().join(n)).unwrap();
            f.set_modified(long_ago).unwrap();
        }
        // A dead process's, but written after this run began: not stale.
        let young = format!(".calls.csv.{dead}.ffffff.tmp");
        std::fs::File::create(dir.path().join(&young))
            .unwrap()
            .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
            .unwrap();
        let tmp = temp_file(dir.path(), Path::new("calls.csv")).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| Path::new(n) != tmp.path().file_name().map(Path::new).unwrap())
            .collect();
        left.sort();
        let mut want = vec![
            names[1].clone(),
            names[2].clone(),
            names[3].clone(),
            names[4].clone(),
            young,
        ];
        want.sort();
        assert_eq!(left, want);
        let own = tmp
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(stale_pid(&own, "calls.csv"), Some(live), "{own}");
    }
}
