//! `calls stats`: calls folded into one counter per group as they stream by (memory grows with the
//! groups, never with the calls), then the rows in their order (time groups complete, with zero
//! rows) for the writers: CSV, JSON and NDJSON here, the table with its bar chart in `table`.

mod table;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use serde::ser::{SerializeMap, Serializer};

use crate::call::{Call, Status};
use crate::error::Failure;

pub use table::{bar, table};

/// What `--by` groups on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum By {
    Day,
    Week,
    Month,
    Hour,
    Weekday,
    Agent,
    Campaign,
    Line,
    Direction,
    Status,
}

impl By {
    /// Every group, in the order `--by` lists them.
    pub const ALL: [By; 10] = [
        By::Day,
        By::Week,
        By::Month,
        By::Hour,
        By::Weekday,
        By::Agent,
        By::Campaign,
        By::Line,
        By::Direction,
        By::Status,
    ];

    /// The key's field name in csv / json, and (upper-cased) the table's column header.
    pub const fn name(self) -> &'static str {
        match self {
            By::Day => "day",
            By::Week => "week",
            By::Month => "month",
            By::Hour => "hour",
            By::Weekday => "weekday",
            By::Agent => "agent",
            By::Campaign => "campaign",
            By::Line => "line",
            By::Direction => "direction",
            By::Status => "status",
        }
    }

    /// Groups of time: in time order, every one of the window shown (zero rows included).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            By::Day | By::Week | By::Month | By::Hour | By::Weekday
        )
    }

    /// The `--by` list as given, checked: at most two, not the same twice.
    pub fn check(by: &[By]) -> Result<Vec<By>> {
        if by.len() > 2 {
            return Err(Failure::usage(format!(
                "--by is given {} times: stats nests at most two groups",
                by.len()
            ))
            .hint("e.g. --by agent --by day")
            .into());
        }
        if let [a, b] = by {
            if a == b {
                return Err(Failure::usage(format!("--by {} is given twice", a.name())).into());
            }
            // NOTE: issue 19 §6: two groups of time make a grid of every period of one with every
            // period of the other (each day × every week of the window), nearly all of it rows
            // that cannot hold a call.
            if a.is_time() && b.is_time() {
                return Err(Failure::usage(format!(
                    "--by {} and --by {} are both groups of time: stats nests a group of time in a group of another kind",
                    a.name(),
                    b.name()
                ))
                .hint(format!(
                    "keep one of them, with --by agent, campaign, line, direction or status (e.g. --by agent --by {})",
                    a.name()
                ))
                .into());
            }
        }
        Ok(by.to_vec())
    }

    /// Refuses a window whose groups of time would be too many to list: every period of the
    /// window is a row (empty ones as zero), so `--by day` from 1900 to 9999 would be millions
    /// of rows held at once. Checked before any request.
    pub fn check_window(by: &[By], from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> Result<()> {
        if from >= to {
            return Ok(());
        }
        // The first and last day as `covered` lists them.
        let first = from.with_timezone(&tz).date_naive();
        let last = (to - Duration::nanoseconds(1))
            .with_timezone(&tz)
            .date_naive();
        for b in by {
            let (a, z) = (b.period(first), b.period(last));
            let periods = match b {
                By::Day => (z - a).num_days() + 1,
                By::Week => (z - a).num_days() / 7 + 1,
                By::Month => {
                    let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
                    months(z) - months(a) + 1
                }
                _ => continue,
            } as u64;
            if periods > MAX_PERIODS {
                return Err(Failure::usage(format!(
                    "--by {}: the window holds about {} of them, more than the {} stats lists",
                    b.name(),
                    crate::term::thousands(periods),
                    crate::term::thousands(MAX_PERIODS)
                ))
                .hint("narrow --from / --to, or group by a longer period (--by week, --by month)")
                .into());
            }
        }
        Ok(())
    }

    /// The group `call` falls in, its time read in `tz`.
    fn key(self, call: &Call, tz: Tz) -> Key {
        let local = || call.started_at.with_timezone(&tz);
        match self {
            By::Day | By::Week | By::Month => Key::Date(self.period(local().date_naive())),
            By::Hour => Key::Number(local().hour()),
            By::Weekday => Key::Number(local().weekday().num_days_from_monday()),
            By::Agent => Key::Text(call.agent.clone()),
            By::Campaign => Key::Text(call.campaign.clone()),
            By::Line => Key::Text(call.line_number.clone()),
            By::Direction => Key::Text(Some(call.direction.as_str().to_string())),
            By::Status => Key::Text(Some(call.status.as_str().to_string())),
        }
    }

    /// The first day of the day, week (its Monday) or month `date` is in.
    fn period(self, date: NaiveDate) -> NaiveDate {
        match self {
            By::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            By::Month => date.with_day(1).unwrap_or(date),
            _ => date,
        }
    }

    /// Every group of time the window `from .. to` (exclusive) touches, in `tz`.
    fn covered(self, from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> BTreeSet<Key> {
        let mut keys = BTreeSet::new();
        if from >= to {
            return keys;
        }
        let last = to - Duration::nanoseconds(1);
        let first_day = from.with_timezone(&tz).date_naive();
        let last_day = last.with_timezone(&tz).date_naive();
        match self {
            By::Day | By::Week | By::Month => {
                let (mut at, end) = (self.period(first_day), self.period(last_day));
                while at <= end {
                    keys.insert(Key::Date(at));
                    at = match self {
                        By::Day => at + Duration::days(1),
                        By::Week => at + Duration::days(7),
                        _ => at + Months::new(1),
                    };
                }
            }
            By::Hour => {
                // Every local hour lasts an hour (a DST gap has no instants), so hourly steps
                // from `from` meet each one the window touches; the last is added on its own.
                let mut at = from;
                while at < to && keys.len() < 24 {
                    keys.insert(Key::Number(at.with_timezone(&tz).hour()));
                    at += Duration::hours(1);
                }
                keys.insert(Key::Number(last.with_timezone(&tz).hour()));
            }
            By::Weekday => {
                let mut day = first_day;
                while day <= last_day && keys.len() < 7 {
                    keys.insert(Key::Number(day.weekday().num_days_from_monday()));
                    day += Duration::days(1);
                }
            }
            _ => {}
        }
        keys
    }

    /// The key as text: `YYYY-MM-DD`, ISO `YYYY-Www`, `YYYY-MM`, `0`..`23`, `Mon`..`Sun`, or the
    /// field's value (`None`: null).
    pub fn text(self, key: &Key) -> Option<String> {
        match key {
            Key::Date(d) => Some(match self {
                By::Week => {
                    let w = d.iso_week();
                    format!("{}-W{:02}", w.year(), w.week())
                }
                By::Month => d.format("%Y-%m").to_string(),
                _ => d.format("%Y-%m-%d").to_string(),
            }),
            Key::Number(n) if self == By::Weekday => {
                Some(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][*n as usize % 7].to_string())
            }
            Key::Number(n) => Some(n.to_string()),
            Key::Text(t) => t.clone(),
        }
    }
}

/// A group's key on one `--by`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// Day, week or month: its first day, in the run's zone.
    Date(NaiveDate),
    /// Hour of the day (0–23) or day of the week (0 is Monday).
    Number(u32),
    /// The field's value; `None` is null.
    Text(Option<String>),
}

/// The numbers of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub calls: u64,
    /// Calls per status, in the order of `Status::ALL`.
    pub statuses: [u64; 8],
    /// Seconds of talk_time of the calls that report one, how many do, and how many of them
    /// talked at all (talk_time > 0).
    pub talk_time: u64,
    pub talk_reported: u64,
    pub talked: u64,
    /// Seconds of duration of the calls that report one, how many do, and the longest.
    pub duration: u64,
    pub duration_reported: u64,
    pub duration_max: Option<u64>,
}

impl Counts {
    pub fn add(&mut self, call: &Call) {
        self.calls += 1;
        self.statuses[status_index(call.status)] += 1;
        if let Some(t) = call.talk_time {
            let t = t.max(0) as u64;
            self.talk_time += t;
            self.talk_reported += 1;
            self.talked += u64::from(t > 0);
        }
        if let Some(d) = call.duration {
            let d = d.max(0) as u64;
            self.duration += d;
            self.duration_reported += 1;
            self.duration_max = Some(self.duration_max.map_or(d, |m| m.max(d)));
        }
    }

    pub fn merge(&mut self, other: &Counts) {
        self.calls += other.calls;
        for (a, b) in self.statuses.iter_mut().zip(other.statuses) {
            *a += b;
        }
        self.talk_time += other.talk_time;
        self.talk_reported += other.talk_reported;
        self.talked += other.talked;
        self.duration += other.duration;
        self.duration_reported += other.duration_reported;
        self.duration_max = match (self.duration_max, other.duration_max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    pub fn status(&self, s: Status) -> u64 {
        self.statuses[status_index(s)]
    }

    pub fn answered(&self) -> u64 {
        self.status(Status::Answered)
    }

    pub fn missed(&self) -> u64 {
        self.status(Status::Missed)
    }

    /// Calls neither answered nor missed.
    pub fn other(&self) -> u64 {
        self.calls - self.answered() - self.missed()
    }

    /// answered / calls, to 4 decimals; `None` without calls.
    pub fn answer_rate(&self) -> Option<f64> {
        (self.calls > 0)
            .then(|| (self.answered() as f64 / self.calls as f64 * 10_000.0).round() / 10_000.0)
    }

    /// Seconds talked in all; `None` when no call reports a talk time (the vendor has none).
    pub fn talk_time(&self) -> Option<u64> {
        (self.talk_reported > 0).then_some(self.talk_time)
    }

    /// talk_time over the calls that talked (talk_time > 0), rounded to the second.
    pub fn talk_time_avg(&self) -> Option<u64> {
        average(self.talk_time, self.talked)
    }

    /// Mean duration of the calls that report one, rounded to the second.
    pub fn duration_avg(&self) -> Option<u64> {
        average(self.duration, self.duration_reported)
    }
}

fn average(sum: u64, n: u64) -> Option<u64> {
    (n > 0).then(|| (sum + n / 2) / n)
}

/// `Status::ALL` is in declaration order.
fn status_index(s: Status) -> usize {
    s as usize
}

/// The machine formats' number fields, in order (after the keys).
pub const FIELDS: [&str; 14] = [
    "calls",
    "answered",
    "missed",
    "busy",
    "failed",
    "voicemail",
    "canceled",
    "in_progress",
    "unknown",
    "answer_rate",
    "talk_time",
    "talk_time_avg",
    "duration_avg",
    "duration_max",
];

/// One row: a key per `--by` and the group's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub keys: Vec<Key>,
    pub counts: Counts,
}

/// Group keys fit for a terminal, for csv / tsv / json / ndjson written to one: vendor text with
/// control characters and bidi overrides escaped, as the table shows it (SPEC "Output").
pub fn printable_keys(rows: &mut [Row]) {
    for key in rows.iter_mut().flat_map(|r| r.keys.iter_mut()) {
        if let Key::Text(Some(text)) = key {
            if text.chars().any(crate::term::unsafe_char) {
                *text = crate::term::printable(text).into_owned();
            }
        }
    }
}

/// The sink `stats` hands the pager: one `Counts` per group seen, nothing per call.
pub struct Tally {
    by: Vec<By>,
    tz: Tz,
    groups: HashMap<Vec<Key>, Counts>,
    total: Counts,
}

impl Tally {
    pub fn new(by: &[By], tz: Tz) -> Tally {
        Tally {
            by: by.to_vec(),
            tz,
            groups: HashMap::new(),
            total: Counts::default(),
        }
    }

    /// Groups holding counts: all this keeps, whatever the number of calls.
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    pub fn total(&self) -> &Counts {
        &self.total
    }

    pub fn add(&mut self, call: &Call) {
        self.total.add(call);
        if self.by.is_empty() {
            return;
        }
        let key: Vec<Key> = self.by.iter().map(|b| b.key(call, self.tz)).collect();
        self.groups.entry(key).or_default().add(call);
    }

    /// The rows, in order, for the window `from .. to`. Without `--by`: the total. Groups of
    /// time are in time order and complete over the window (zero rows where nothing happened);
    /// other groups by calls, largest first (then by name, null last). With two `--by` where
    /// one is of time, every value of the other seen in the run appears with every period, in
    /// the order of its calls over the whole run; two groups of other kinds show what was seen.
    pub fn rows(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Row> {
        let zero = Counts::default();
        let counts = |keys: &[Key]| self.groups.get(keys).unwrap_or(&zero).clone();
        let values: Vec<Vec<Key>> = (0..self.by.len())
            .map(|d| self.values(d, from, to))
            .collect();
        match (self.by.as_slice(), values.as_slice()) {
            ([], _) => vec![Row {
                keys: Vec::new(),
                counts: self.total.clone(),
            }],
            ([_], [one]) => one
                .iter()
                .map(|k| Row {
                    keys: vec![k.clone()],
                    counts: counts(std::slice::from_ref(k)),
                })
                .collect(),
            ([a, b], [outer, inner]) => {
                let mut rows = Vec::new();
                for o in outer {
                    let mut group: Vec<Row> = inner
                        .iter()
                        .map(|i| Row {
                            keys: vec![o.clone(), i.clone()],
                            counts: counts(&[o.clone(), i.clone()]),
                        })
                        .collect();
                    if !a.is_time() && !b.is_time() {
                        // `inner` is in the order of the whole run: a stable sort by this
                        // group's calls keeps it for ties.
                        group.retain(|r| self.groups.contains_key(&r.keys));
                        group.sort_by_key(|r| std::cmp::Reverse(r.counts.calls));
                    }
                    rows.extend(group);
                }
                rows
            }
            _ => unreachable!("By::check allows at most two --by"),
        }
    }

    /// The values of `--by` number `d`, in their order: periods of the window (and any seen
    /// outside it) in time order, or the values seen by their calls over the run.
    fn values(&self, d: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Key> {
        let by = self.by[d];
        if by.is_time() {
            let mut keys = by.covered(from, to, self.tz);
            keys.extend(self.groups.keys().map(|k| k[d].clone()));
            return keys.into_iter().collect();
        }
        let mut calls: HashMap<&Key, u64> = HashMap::new();
        for (k, c) in &self.groups {
            *calls.entry(&k[d]).or_default() += c.calls;
        }
        let mut keys: Vec<(&Key, u64)> = calls.into_iter().collect();
        keys.sort_by(|(ka, a), (kb, b)| b.cmp(a).then_with(|| by_name(ka, kb)));
        keys.into_iter().map(|(k, _)| k.clone()).collect()
    }
}

/// Names in order, null last.
fn by_name(a: &Key, b: &Key) -> std::cmp::Ordering {
    match (a, b) {
        (Key::Text(None), Key::Text(Some(_))) => std::cmp::Ordering::Greater,
        (Key::Text(Some(_)), Key::Text(None)) => std::cmp::Ordering::Less,
        _ => a.cmp(b),
    }
}

/// The most periods (days, weeks or months) one `--by` of time may list: 27 years of days.
pub const MAX_PERIODS: u64 = 10_000;

impl crate::pager::Sink for Tally {
    fn call(&mut self, call: Call) -> Result<()> {
        self.add(&call);
        Ok(())
    }
}

/// One row as a JSON object: the keys by their `--by` names (`hour` a number, null as null),
/// then [`FIELDS`].
struct JsonRow<'a> {
    by: &'a [By],
    row: &'a Row,
    /// The columns to write, as [`pick`] gives them.
    picked: &'a [usize],
}

/// Every name `stats --fields` can take (for completions): the `--by` names, then [`FIELDS`].
pub const COLUMNS: &[&str] = &{
    let mut out = [""; By::ALL.len() + FIELDS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = if i < By::ALL.len() {
            By::ALL[i].name()
        } else {
            FIELDS[i - By::ALL.len()]
        };
        i += 1;
    }
    out
};

/// Every column's name: the `--by` names, then [`FIELDS`] (the CSV header).
pub fn column_names(by: &[By]) -> Vec<&'static str> {
    by.iter().map(|b| b.name()).chain(FIELDS).collect()
}

/// `--fields a,b,c` for stats: indexes into [`column_names`], in the order given; any case;
/// an unknown name with the nearest known one. `None`: every column.
pub fn pick(by: &[By], list: Option<&str>) -> std::result::Result<Vec<usize>, String> {
    let names = column_names(by);
    match list {
        None => Ok((0..names.len()).collect()),
        Some(list) => crate::suggest::pick(list, &names),
    }
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let c = &self.row.counts;
        let mut values: Vec<serde_json::Value> = self
            .by
            .iter()
            .zip(&self.row.keys)
            .map(|(by, key)| match (by, key) {
                (By::Hour, Key::Number(n)) => serde_json::Value::from(*n),
                _ => by.text(key).into(),
            })
            .collect();
        values.extend(numbers(c).into_iter().map(|value| match value {
            Number::Count(n) => serde_json::Value::from(n),
            Number::Rate(r) => r.into(),
            Number::Seconds(s) => s.into(),
        }));
        let names = column_names(self.by);
        let mut map = ser.serialize_map(Some(self.picked.len()))?;
        for &i in self.picked {
            map.serialize_entry(names[i], &values[i])?;
        }
        map.end()
    }
}

enum Number {
    Count(u64),
    Rate(Option<f64>),
    Seconds(Option<u64>),
}

/// The values of [`FIELDS`], in order.
fn numbers(c: &Counts) -> Vec<Number> {
    let mut out = vec![Number::Count(c.calls)];
    out.extend(Status::ALL.iter().map(|s| Number::Count(c.status(*s))));
    out.extend([
        Number::Rate(c.answer_rate()),
        Number::Seconds(c.talk_time()),
        Number::Seconds(c.talk_time_avg()),
        Number::Seconds(c.duration_avg()),
        Number::Seconds(c.duration_max),
    ]);
    out
}

/// CSV with a header: the `--by` names, then [`FIELDS`]. A null key is `null`; a number that
/// cannot be had (no calls, no talk time reported) is empty.
pub fn write_csv(
    out: impl Write,
    by: &[By],
    rows: &[Row],
    picked: &[usize],
    header: bool,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    if header {
        let names = column_names(by);
        w.write_record(picked.iter().map(|&i| names[i]))?;
    }
    for record in records(by, rows, picked) {
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// The CSV's columns tab-separated, values escaped as the calls' TSV escapes them.
pub fn write_tsv(
    mut out: impl Write,
    by: &[By],
    rows: &[Row],
    picked: &[usize],
    header: bool,
) -> Result<()> {
    if header {
        let names = column_names(by);
        let names: Vec<&str> = picked.iter().map(|&i| names[i]).collect();
        writeln!(out, "{}", names.join("\t"))?;
    }
    for record in records(by, rows, picked) {
        for (i, value) in record.iter().enumerate() {
            if i > 0 {
                out.write_all(b"\t")?;
            }
            crate::output::tsv_value(&mut out, value)?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Each row as the text of its columns: the group keys (`null` for none), then the numbers.
fn records<'a>(
    by: &'a [By],
    rows: &'a [Row],
    picked: &'a [usize],
) -> impl Iterator<Item = Vec<String>> + 'a {
    rows.iter().map(move |row| {
        let mut record: Vec<String> = by
            .iter()
            .zip(&row.keys)
            .map(|(b, k)| b.text(k).unwrap_or_else(|| "null".into()))
            .collect();
        record.extend(numbers(&row.counts).into_iter().map(|n| match n {
            Number::Count(n) => n.to_string(),
            Number::Rate(r) => r.map(|r| r.to_string()).unwrap_or_default(),
            Number::Seconds(s) => s.map(|s| s.to_string()).unwrap_or_default(),
        }));
        picked
            .iter()
            .map(|&i| std::mem::take(&mut record[i]))
            .collect()
    })
}

/// One JSON array of row objects.
pub fn write_json(mut out: impl Write, by: &[By], rows: &[Row], picked: &[usize]) -> Result<()> {
    let rows: Vec<JsonRow> = rows.iter().map(|row| JsonRow { by, row, picked }).collect();
    serde_json::to_writer_pretty(&mut out, &rows)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// One row object a line.
pub fn write_ndjson(mut out: impl Write, by: &[By], rows: &[Row], picked: &[usize]) -> Result<()> {
    for row in rows {
        serde_json::to_writer(&mut out, &JsonRow { by, row, picked })?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// How the numbers were had, for `-v`: counted from the calls, on every vendor.
pub fn source(vendor: crate::types::Vendor) -> String {
    match vendor {
        // NOTE: vendor-docs 003: calls-detailedV2 totals all / success / fail / talks / error
        // per direction over whole days (dayFrom / dayTo): no busy, voicemail or canceled, no
        // groups by agent, campaign, line or hour, no talk time per group, and none of the
        // client-side checks (a datetime --from, durations, --number's digits) applied. It
        // cannot give the numbers counting gives; README "Stats".
        crate::types::Vendor::Brightcall => "stats: counted from the calls (Brightcall's calls-detailedV2 totals cannot match the filters and groups: not used)".into(),
        v => format!("stats: counted from the calls ({v} has no statistics endpoint)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Vendor;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn call(started: &str, status: Status, agent: Option<&str>, duration: i64) -> Call {
        Call {
            status,
            duration: Some(duration),
            talk_time: Some(if status == Status::Answered {
                duration - 5
            } else {
                0
            }),
            agent: agent.map(Into::into),
            ..Call::bare(Vendor::Mycrm, started, at(started))
        }
    }

    fn names(by: By, rows: &[Row], d: usize) -> Vec<String> {
        rows.iter()
            .map(|r| by.text(&r.keys[d]).unwrap_or_else(|| "null".into()))
            .collect()
    }

    #[test]
    fn completions_offer_every_column() {
        let by: Vec<By> = <By as clap::ValueEnum>::value_variants().to_vec();
        assert_eq!(by, By::ALL);
        assert_eq!(COLUMNS.to_vec(), column_names(&by));
    }

    #[test]
    fn status_columns_follow_status_all() {
        for (i, s) in Status::ALL.iter().enumerate() {
            assert_eq!(status_index(*s), i);
            assert_eq!(FIELDS[1 + i], s.as_str().replace('-', "_"));
        }
    }

    #[test]
    fn counts_add_up() {
        let mut c = Counts::default();
        c.add(&call("2025-05-01T10:00:00Z", Status::Answered, None, 125));
        c.add(&call("2025-05-01T11:00:00Z", Status::Answered, None, 66));
        c.add(&call("2025-05-01T12:00:00Z", Status::Missed, None, 20));
        let mut unknown = call("2025-05-01T13:00:00Z", Status::Busy, None, 0);
        unknown.duration = None;
        unknown.talk_time = None;
        c.add(&unknown);
        assert_eq!((c.calls, c.answered(), c.missed(), c.other()), (4, 2, 1, 1));
        assert_eq!(c.status(Status::Busy), 1);
        assert_eq!(c.answer_rate(), Some(0.5));
        // 120 + 61 seconds talked by the two that talked; the missed call's 0 is not averaged.
        assert_eq!((c.talk_time(), c.talk_time_avg()), (Some(181), Some(91)));
        // Three calls report a duration: (125 + 66 + 20) / 3 = 70.33.
        assert_eq!((c.duration_avg(), c.duration_max), (Some(70), Some(125)));
        let mut merged = Counts::default();
        merged.merge(&c);
        merged.merge(&Counts::default());
        assert_eq!(merged, c);
        let none = Counts::default();
        assert_eq!(
            (none.answer_rate(), none.talk_time(), none.duration_avg()),
            (None, None, None)
        );
    }

    #[test]
    fn days_are_complete_over_the_window_in_the_zone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let mut t = Tally::new(&[By::Day], berlin);
        // 23:30 UTC on the 1st is the 2nd in Berlin.
        t.add(&call("2025-05-01T23:30:00Z", Status::Answered, None, 60));
        t.add(&call("2025-05-04T08:00:00Z", Status::Missed, None, 10));
        let rows = t.rows(at("2025-04-30T22:00:00Z"), at("2025-05-05T22:00:00Z"));
        assert_eq!(
            names(By::Day, &rows, 0),
            [
                "2025-05-01",
                "2025-05-02",
                "2025-05-03",
                "2025-05-04",
                "2025-05-05"
            ]
        );
        let calls: Vec<u64> = rows.iter().map(|r| r.counts.calls).collect();
        assert_eq!(calls, [0, 1, 0, 1, 0]);
        assert_eq!(t.groups(), 2, "only groups with calls are kept");
    }

    #[test]
    fn weeks_months_hours_and_weekdays_have_their_keys() {
        let mut t = Tally::new(&[By::Week], Tz::UTC);
        t.add(&call("2025-01-01T10:00:00Z", Status::Answered, None, 60));
        let rows = t.rows(at("2024-12-23T00:00:00Z"), at("2025-01-13T00:00:00Z"));
        assert_eq!(
            names(By::Week, &rows, 0),
            ["2024-W52", "2025-W01", "2025-W02"]
        );
        assert_eq!(rows[1].counts.calls, 1);
        let t = Tally::new(&[By::Month], Tz::UTC);
        let rows = t.rows(at("2024-11-30T00:00:00Z"), at("2025-02-01T00:00:00Z"));
        assert_eq!(
            names(By::Month, &rows, 0),
            ["2024-11", "2024-12", "2025-01"]
        );
        let t = Tally::new(&[By::Hour], Tz::UTC);
        let rows = t.rows(at("2025-01-01T10:30:00Z"), at("2025-01-01T12:10:00Z"));
        assert_eq!(names(By::Hour, &rows, 0), ["10", "11", "12"]);
        let rows = t.rows(at("2025-01-01T10:30:00Z"), at("2025-01-03T00:00:00Z"));
        assert_eq!(rows.len(), 24);
        let t = Tally::new(&[By::Weekday], Tz::UTC);
        let rows = t.rows(at("2025-01-04T00:00:00Z"), at("2025-01-06T00:00:00Z"));
        assert_eq!(names(By::Weekday, &rows, 0), ["Sat", "Sun"]);
        let rows = t.rows(at("2025-01-01T00:00:00Z"), at("2025-03-01T00:00:00Z"));
        assert_eq!(
            names(By::Weekday, &rows, 0),
            ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        );
    }

    #[test]
    fn other_groups_go_by_calls_then_name_null_last() {
        let mut t = Tally::new(&[By::Agent], Tz::UTC);
        for (agent, n) in [
            (Some("Bea"), 1),
            (None, 2),
            (Some("Al"), 2),
            (Some("Cy"), 3),
        ] {
            for _ in 0..n {
                t.add(&call("2025-05-01T10:00:00Z", Status::Answered, agent, 60));
            }
        }
        let rows = t.rows(at("2025-05-01T00:00:00Z"), at("2025-05-02T00:00:00Z"));
        assert_eq!(names(By::Agent, &rows, 0), ["Cy", "Al", "null", "Bea"]);
    }

    #[test]
    fn two_groups_nest() {
        let mut t = Tally::new(&[By::Agent, By::Day], Tz::UTC);
        t.add(&call(
            "2025-05-01T10:00:00Z",
            Status::Answered,
            Some("Al"),
            60,
        ));
        t.add(&call(
            "2025-05-03T10:00:00Z",
            Status::Missed,
            Some("Al"),
            60,
        ));
        t.add(&call(
            "2025-05-03T11:00:00Z",
            Status::Missed,
            Some("Bea"),
            60,
        ));
        let rows = t.rows(at("2025-05-01T00:00:00Z"), at("2025-05-04T00:00:00Z"));
        let got: Vec<(String, String, u64)> = rows
            .iter()
            .map(|r| {
                (
                    By::Agent.text(&r.keys[0]).unwrap(),
                    By::Day.text(&r.keys[1]).unwrap(),
                    r.counts.calls,
                )
            })
            .collect();
        let want = [
            ("Al", "2025-05-01", 1),
            ("Al", "2025-05-02", 0),
            ("Al", "2025-05-03", 1),
            ("Bea", "2025-05-01", 0),
            ("Bea", "2025-05-02", 0),
            ("Bea", "2025-05-03", 1),
        ];
        let want: Vec<(String, String, u64)> = want
            .iter()
            .map(|(a, d, n)| (a.to_string(), d.to_string(), *n))
            .collect();
        assert_eq!(got, want);

        // Day first: every agent under every day, in the order of their calls over the run.
        let mut t = Tally::new(&[By::Day, By::Agent], Tz::UTC);
        t.add(&call(
            "2025-05-01T10:00:00Z",
            Status::Answered,
            Some("Bea"),
            60,
        ));
        t.add(&call(
            "2025-05-02T10:00:00Z",
            Status::Answered,
            Some("Al"),
            60,
        ));
        t.add(&call(
            "2025-05-02T11:00:00Z",
            Status::Answered,
            Some("Al"),
            60,
        ));
        let rows = t.rows(at("2025-05-01T00:00:00Z"), at("2025-05-03T00:00:00Z"));
        assert_eq!(names(By::Agent, &rows, 1), ["Al", "Bea", "Al", "Bea"]);
        let calls: Vec<u64> = rows.iter().map(|r| r.counts.calls).collect();
        assert_eq!(calls, [0, 1, 2, 0]);

        // Neither of time: only what was seen, by calls within the outer group.
        let mut t = Tally::new(&[By::Agent, By::Status], Tz::UTC);
        for (agent, status) in [
            ("Al", Status::Missed),
            ("Al", Status::Answered),
            ("Al", Status::Answered),
            ("Bea", Status::Missed),
        ] {
            t.add(&call("2025-05-01T10:00:00Z", status, Some(agent), 60));
        }
        let rows = t.rows(at("2025-05-01T00:00:00Z"), at("2025-05-02T00:00:00Z"));
        assert_eq!(
            names(By::Status, &rows, 1),
            ["answered", "missed", "missed"]
        );
        assert_eq!(names(By::Agent, &rows, 0), ["Al", "Al", "Bea"]);
    }

    #[test]
    fn by_takes_two_distinct_groups() {
        assert!(By::check(&[By::Agent, By::Day]).is_ok());
        for bad in [&[By::Agent, By::Day, By::Hour][..], &[By::Day, By::Day]] {
            let err = By::check(bad).unwrap_err();
            assert_eq!(
                crate::error::classify(&err).0,
                crate::error::Exit::Usage,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn machine_formats_name_every_field() {
        let mut t = Tally::new(&[By::Hour, By::Agent], Tz::UTC);
        t.add(&call("2025-05-01T09:00:00Z", Status::Answered, None, 65));
        let rows = t.rows(at("2025-05-01T09:00:00Z"), at("2025-05-01T10:00:00Z"));
        let mut csv = Vec::new();
        write_csv(
            &mut csv,
            &[By::Hour, By::Agent],
            &rows,
            &pick(&[By::Hour, By::Agent], None).unwrap(),
            true,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "hour,agent,calls,answered,missed,busy,failed,voicemail,canceled,in_progress,unknown,answer_rate,talk_time,talk_time_avg,duration_avg,duration_max\n\
             9,null,1,1,0,0,0,0,0,0,0,1,60,60,65,65\n"
        );
        let mut nd = Vec::new();
        write_ndjson(
            &mut nd,
            &[By::Hour, By::Agent],
            &rows,
            &pick(&[By::Hour, By::Agent], None).unwrap(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(nd).unwrap(),
            "{\"hour\":9,\"agent\":null,\"calls\":1,\"answered\":1,\"missed\":0,\"busy\":0,\"failed\":0,\"voicemail\":0,\"canceled\":0,\"in_progress\":0,\"unknown\":0,\"answer_rate\":1.0,\"talk_time\":60,\"talk_time_avg\":60,\"duration_avg\":65,\"duration_max\":65}\n"
        );
        let empty = Tally::new(&[], Tz::UTC);
        let rows = empty.rows(at("2025-05-01T09:00:00Z"), at("2025-05-01T10:00:00Z"));
        let mut csv = Vec::new();
        write_csv(&mut csv, &[], &rows, &pick(&[], None).unwrap(), true).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap().lines().nth(1),
            Some("0,0,0,0,0,0,0,0,0,,,,,")
        );
    }
}
