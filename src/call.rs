//! The one normalized call record every vendor converts into, and its output fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::types::Vendor;

/// Who called whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Inbound,
    Outbound,
    Internal,
    Web,
    Unknown,
}

/// How the call ended, normalized across vendors; the vendor's own word stays in `vendor_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Answered,
    Missed,
    Busy,
    Failed,
    Voicemail,
    Canceled,
    InProgress,
    Unknown,
}

impl Direction {
    pub const ALL: [Direction; 5] = [
        Direction::Inbound,
        Direction::Outbound,
        Direction::Internal,
        Direction::Web,
        Direction::Unknown,
    ];

    /// What `--direction` takes (every direction but `unknown`), for completions.
    pub const FILTERS: &'static [&'static str] = &["inbound", "outbound", "internal", "web"];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
            Direction::Web => "web",
            Direction::Unknown => "unknown",
        }
    }
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Answered,
        Status::Missed,
        Status::Busy,
        Status::Failed,
        Status::Voicemail,
        Status::Canceled,
        Status::InProgress,
        Status::Unknown,
    ];

    /// Every status's name, for completions.
    pub const NAMES: &'static [&'static str] = &[
        "answered",
        "missed",
        "busy",
        "failed",
        "voicemail",
        "canceled",
        "in-progress",
        "unknown",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Answered => "answered",
            Status::Missed => "missed",
            Status::Busy => "busy",
            Status::Failed => "failed",
            Status::Voicemail => "voicemail",
            Status::Canceled => "canceled",
            Status::InProgress => "in-progress",
            Status::Unknown => "unknown",
        }
    }
}

macro_rules! parse_by_name {
    ($ty:ty, $what:literal) => {
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = s.trim();
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s))
                    .ok_or_else(|| {
                        let names: Vec<&str> = <$ty>::ALL.iter().map(|v| v.as_str()).collect();
                        format!(
                            "unknown {} '{}'{} (expected one of: {})",
                            $what,
                            s,
                            crate::suggest::did_you_mean(s, names.iter().copied()),
                            names.join(", ")
                        )
                    })
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
parse_by_name!(Direction, "direction");
parse_by_name!(Status, "status");

/// One call, normalized. Field order is the CSV header order (SPEC "Output").
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub vendor: Vendor,
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub direction: Direction,
    pub status: Status,
    pub vendor_status: Option<String>,
    pub duration: Option<i64>,
    pub talk_time: Option<i64>,
    pub customer_number: Option<String>,
    pub line_number: Option<String>,
    pub agent: Option<String>,
    pub campaign: Option<String>,
    pub recording_url: Option<String>,
    pub cost: Option<String>,
    /// Not printed: ids the client-side `--agent` / `--campaign` checks compare against, when
    /// the vendor's record carries them.
    pub agent_id: Option<String>,
    pub campaign_id: Option<String>,
    /// Not printed: when the vendor last changed the record (Callcap `last_modified`, Famulor
    /// Platform 2.0 `updated_at`), where its API can list by it; `sync` resumes from the newest.
    pub modified_at: Option<DateTime<Utc>>,
    /// The vendor's original record, kept only when `--raw`, `show`, `--search` or `sync` needs
    /// it.
    pub raw: Option<Raw>,
}

/// A JSON number's text (leading zeros allowed) as a sign and the plain digits each side of
/// the point (`1.5e-3`: `("0", "0015")`); `None` for anything else or a number too long for
/// `numeric`. A cost as the databases and Parquet store it.
pub fn plain_decimal(text: &str) -> Option<(bool, String, String)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exp) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            (m, e.parse::<i64>().ok()?)
        }
        None => (rest, 0),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) if !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (mantissa, ""),
    };
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !plain(int) || !plain(frac) {
        return None;
    }
    // The point moved by the exponent, over the digits as written.
    let digits = format!("{int}{frac}");
    let point = int.len() as i64 + exp;
    let (int, frac) = if point <= 0 {
        (
            "0".to_string(),
            "0".repeat(point.unsigned_abs() as usize) + &digits,
        )
    } else if point as usize >= digits.len() {
        (
            digits.clone() + &"0".repeat(point as usize - digits.len()),
            String::new(),
        )
    } else {
        let (i, f) = digits.split_at(point as usize);
        (i.to_string(), f.to_string())
    };
    // NOTE: numeric's limits: 131,072 digits before the point, 16,383 after.
    if int.len() > 1_000 || frac.len() > 1_000 {
        return None;
    }
    Some((negative, int, frac))
}

#[cfg(test)]
impl Call {
    /// An answered inbound call with nothing else known: tests set what they need on top
    /// (`Call { agent: .., ..Call::bare(..) }`).
    pub fn bare(vendor: Vendor, id: &str, started_at: DateTime<Utc>) -> Call {
        Call {
            vendor,
            id: id.to_string(),
            started_at,
            ended_at: None,
            direction: Direction::Inbound,
            status: Status::Answered,
            vendor_status: None,
            duration: None,
            talk_time: None,
            customer_number: None,
            line_number: None,
            agent: None,
            campaign: None,
            recording_url: None,
            cost: None,
            agent_id: None,
            campaign_id: None,
            modified_at: None,
            raw: None,
        }
    }
}

/// A vendor's record as its JSON text, on one line: kept as text, not as a tree, because most
/// uses print or store it as it came (sync stores a million of them), and building and dropping
/// a tree per call was most of a sync's CPU. Whitespace between tokens is dropped (so that an
/// NDJSON line stays one line) and `\/` read as `/`; the members keep the vendor's order.
#[derive(Debug, Clone)]
pub struct Raw(Box<serde_json::value::RawValue>);

impl Raw {
    /// The record `raw`, from a vendor's answer (already checked to be JSON by its parser).
    pub fn new(raw: &serde_json::value::RawValue) -> Raw {
        match compact(raw.get()) {
            None => Raw(raw.to_owned()),
            Some(text) => Raw(serde_json::value::RawValue::from_string(text)
                .expect("compacting JSON keeps it JSON")),
        }
    }

    /// A record made here (tests, the sandbox's truth).
    pub fn from_value(v: &serde_json::Value) -> Raw {
        Raw(serde_json::value::to_raw_value(v).expect("a Value serializes"))
    }

    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The record as a tree, for the few that walk it (`show`, `--search`).
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(self.0.get()).expect("a raw record is JSON")
    }
}

/// The record's text, without a copy.
impl From<Raw> for String {
    fn from(raw: Raw) -> String {
        Box::<str>::from(raw.0).into_string()
    }
}

impl PartialEq for Raw {
    fn eq(&self, other: &Raw) -> bool {
        self.get() == other.get()
    }
}

impl serde::Serialize for Raw {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// `text` without whitespace between tokens and with `\/` as `/`, or `None` when it has
/// neither (the common case: no copy beyond the one into the record).
fn compact(text: &str) -> Option<String> {
    let b = text.as_bytes();
    // The check runs on every record: strings are crossed with memchr, not byte by byte.
    let mut i = 0;
    let needs = loop {
        let Some(&c) = b.get(i) else { break false };
        if c == b'"' {
            i += 1;
            loop {
                match memchr::memchr2(b'"', b'\\', &b[i..]) {
                    None => break,
                    Some(at) if b[i + at] == b'"' => {
                        i += at;
                        break;
                    }
                    Some(at) if b.get(i + at + 1) == Some(&b'/') => return Some(compacted(b)),
                    Some(at) => i += at + 2,
                }
            }
        } else if c.is_ascii_whitespace() {
            break true;
        }
        i += 1;
    };
    needs.then(|| compacted(b))
}

fn compacted(b: &[u8]) -> String {
    let mut out = Vec::with_capacity(b.len());
    let mut in_str = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if in_str {
            match c {
                b'\\' if b.get(i + 1) == Some(&b'/') => {
                    out.push(b'/');
                    i += 1;
                }
                b'\\' => {
                    out.push(c);
                    if let Some(&n) = b.get(i + 1) {
                        out.push(n);
                    }
                    i += 1;
                }
                b'"' => {
                    in_str = false;
                    out.push(c);
                }
                _ => out.push(c),
            }
        } else if c == b'"' {
            in_str = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
        i += 1;
    }
    // Only ASCII bytes were dropped or replaced, and never inside a multi-byte character.
    String::from_utf8(out).expect("still UTF-8")
}

/// A vendor's JSON body with every lone UTF-16 surrogate escape (`\ud83d` without its other
/// half: a cut emoji) written as `\ufffd`, or `None` when it has none (the common case: no
/// copy). Valid pairs, other escapes and an escaped backslash before a `u` (`\\ud83d`, text)
/// are kept as they are.
///
/// NOTE: serde_json refuses a lone surrogate when it reads a string (a `String` field, a
/// `Value`), but not inside a `RawValue`: without this, one such character in a name or a
/// transcript failed the whole export, and sync's record `raw` could hold text no reader can
/// parse. Done once, on the body as it arrives (`http.rs`), so that export, SQLite and
/// PostgreSQL all see the same replacement character (SPEC, sync: "a lone UTF-16 surrogate").
pub fn mend_surrogates(body: &[u8]) -> Option<Vec<u8>> {
    fn unit(b: &[u8]) -> Option<u16> {
        let hex = std::str::from_utf8(b.get(..4)?).ok()?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u16::from_str_radix(hex, 16).ok()
    }
    let is_high = |u: u16| (0xD800..0xDC00).contains(&u);
    let is_low = |u: u16| (0xDC00..0xE000).contains(&u);
    // A cheap look first: no `\u` followed by `d`/`D` and 8..f, nothing to mend.
    let finder = memchr::memmem::Finder::new(b"\\u");
    let maybe = finder.find_iter(body).any(|at| {
        matches!(body.get(at + 2), Some(b'd' | b'D'))
            && matches!(
                body.get(at + 3),
                Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')
            )
    });
    if !maybe {
        return None;
    }
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(at) = body.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let at = i + at;
        if body.get(at + 1) != Some(&b'u') {
            // Any other escape, `\\` included: its two bytes are passed over together.
            i = at + 2;
            continue;
        }
        let Some(u) = unit(&body[at + 2..]) else {
            i = at + 2;
            continue;
        };
        let paired = is_high(u)
            && body.get(at + 6) == Some(&b'\\')
            && body.get(at + 7) == Some(&b'u')
            && unit(&body[at + 8..]).is_some_and(is_low);
        if paired {
            i = at + 12;
        } else if is_high(u) || is_low(u) {
            let o = out.get_or_insert_with(|| Vec::with_capacity(body.len()));
            o.extend_from_slice(&body[copied..at]);
            o.extend_from_slice(b"\\ufffd");
            copied = at + 6;
            i = at + 6;
        } else {
            i = at + 6;
        }
    }
    let mut o = out?;
    o.extend_from_slice(&body[copied..]);
    Some(o)
}

/// The printable fields, in CSV header order, plus `raw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Vendor,
    Id,
    StartedAt,
    EndedAt,
    Direction,
    Status,
    VendorStatus,
    Duration,
    TalkTime,
    CustomerNumber,
    LineNumber,
    Agent,
    Campaign,
    RecordingUrl,
    Cost,
    Raw,
}

impl Field {
    /// Every normalized field, in the order of SPEC's table (the default for machine formats).
    pub const NORMALIZED: [Field; 15] = [
        Field::Vendor,
        Field::Id,
        Field::StartedAt,
        Field::EndedAt,
        Field::Direction,
        Field::Status,
        Field::VendorStatus,
        Field::Duration,
        Field::TalkTime,
        Field::CustomerNumber,
        Field::LineNumber,
        Field::Agent,
        Field::Campaign,
        Field::RecordingUrl,
        Field::Cost,
    ];

    /// Every field's name, `raw` last, for completions.
    pub const NAMES: &'static [&'static str] = &[
        "vendor",
        "id",
        "started_at",
        "ended_at",
        "direction",
        "status",
        "vendor_status",
        "duration",
        "talk_time",
        "customer_number",
        "line_number",
        "agent",
        "campaign",
        "recording_url",
        "cost",
        "raw",
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Vendor => "vendor",
            Field::Id => "id",
            Field::StartedAt => "started_at",
            Field::EndedAt => "ended_at",
            Field::Direction => "direction",
            Field::Status => "status",
            Field::VendorStatus => "vendor_status",
            Field::Duration => "duration",
            Field::TalkTime => "talk_time",
            Field::CustomerNumber => "customer_number",
            Field::LineNumber => "line_number",
            Field::Agent => "agent",
            Field::Campaign => "campaign",
            Field::RecordingUrl => "recording_url",
            Field::Cost => "cost",
            Field::Raw => "raw",
        }
    }

    /// Parses `--fields a,b,c`, rejecting unknown and repeated names: every unknown name is
    /// reported at once, each with the nearest known one.
    pub fn parse_list(list: &str) -> Result<Vec<Field>, String> {
        let known: Vec<Field> = Field::NORMALIZED.into_iter().chain([Field::Raw]).collect();
        let names: Vec<&str> = known.iter().map(|f| f.name()).collect();
        let picked = crate::suggest::pick(list, &names)?;
        Ok(picked.into_iter().map(|i| known[i]).collect())
    }
}

/// Digits of a phone number, for comparisons that ignore formatting (`+49 151-23`).
pub fn phone_digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// `t` plus `secs` seconds, `None` where that leaves the calendar (never a panic on a vendor's
/// number).
pub fn plus_seconds(t: DateTime<Utc>, secs: i64) -> Option<DateTime<Utc>> {
    t.checked_add_signed(chrono::TimeDelta::try_seconds(secs)?)
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn the_completion_lists_are_the_names() {
        let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(statuses, Status::NAMES);
        let directions: Vec<&str> = Direction::ALL[..4].iter().map(|d| d.as_str()).collect();
        assert_eq!(directions, Direction::FILTERS);
        let fields: Vec<&str> = Field::NORMALIZED
            .iter()
            .chain([&Field::Raw])
            .map(|f| f.name())
            .collect();
        assert_eq!(fields, Field::NAMES);
    }
}

#[cfg(test)]
mod raw_tests {
    use super::Raw;

    #[test]
    fn a_raw_record_is_one_line_and_the_same_json() {
        for text in [
            r#"{"a": 1, "b": [1, 2, {"c": "x y"}]}"#,
            "{\n  \"url\": \"https:\\/\\/h\\/p?x=1\",\n  \"q\": \"a\\\\/b \\\" \\n\"\r\n}",
            r#"{"k":"é ✓ \u00e9","n":null,"t":true,"f":-1.5e3}"#,
            r#"[ ]"#,
            r#""\\""#,
        ] {
            let parsed: &serde_json::value::RawValue = serde_json::from_str(text).unwrap();
            let raw = Raw::new(parsed);
            let want: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(raw.value(), want, "{text}");
            assert!(!raw.get().contains('\n'), "{}", raw.get());
            assert!(
                !raw.get().contains("\\/") || raw.get().contains("\\\\/"),
                "{}",
                raw.get()
            );
        }
    }
}

#[cfg(test)]
mod surrogate_tests {
    use super::mend_surrogates;
    use proptest::prelude::*;

    /// A piece of a JSON string as a vendor may write it.
    #[derive(Debug, Clone)]
    enum Piece {
        /// A character, written as serde_json writes it (raw, or `\u00XX` for a control).
        Char(char),
        /// A `\uXXXX` escape of any UTF-16 unit, in either case: lone surrogates among them.
        Unit(u16, bool),
        /// An escaped backslash before `u` and four hex digits: text, not an escape.
        Text,
    }

    fn piece() -> impl Strategy<Value = Piece> {
        prop_oneof![
            any::<char>().prop_map(Piece::Char),
            (0xD7F0u16..0xE010, any::<bool>()).prop_map(|(u, up)| Piece::Unit(u, up)),
            (any::<u16>(), any::<bool>()).prop_map(|(u, up)| Piece::Unit(u, up)),
            Just(Piece::Text),
        ]
    }

    proptest::proptest! {
        /// Whatever units a string's escapes hold, the mended body reads as the string a
        /// UTF-16 decoder gives with U+FFFD for each lone surrogate; a body without one is
        /// left as it is.
        #[test]
        fn lone_surrogates_read_as_the_replacement_character(
            pieces in proptest::collection::vec(piece(), 0..24)
        ) {
            let mut json = String::from("{\"k\":[1,\"");
            let mut units: Vec<u16> = Vec::new();
            for p in &pieces {
                match p {
                    Piece::Char(c) => {
                        let quoted = serde_json::to_string(&c.to_string()).unwrap();
                        json.push_str(&quoted[1..quoted.len() - 1]);
                        units.extend(c.encode_utf16(&mut [0; 2]).iter());
                    }
                    Piece::Unit(u, upper) => {
                        let hex = format!("{u:04x}");
                        json.push_str("\\u");
                        json.push_str(&if *upper { hex.to_uppercase() } else { hex });
                    units.push(*u);
                    }
                    Piece::Text => {
                        json.push_str("\\\\ud83d");
                        units.extend("\\ud83d".encode_utf16());
                    }
                }
            }
            json.push_str("\"]}");
            let lone = char::decode_utf16(units.iter().copied()).any(|c| c.is_err());
            let want: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{fffd}'))
                .collect();
            let mended = mend_surrogates(json.as_bytes());
            let body = mended.clone().unwrap_or_else(|| json.clone().into_bytes());
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            prop_assert_eq!(v["k"][1].as_str(), Some(want.as_str()));
            prop_assert_eq!(mended.is_some(), lone, "copied only when there is one to mend");
        }
    }

    #[test]
    fn a_cut_emoji_and_its_neighbours() {
        let m = |s: &str| mend_surrogates(s.as_bytes()).map(|v| String::from_utf8(v).unwrap());
        assert_eq!(m(r#"["a\ud83d"]"#).as_deref(), Some(r#"["a\ufffd"]"#));
        assert_eq!(m(r#"["\ud83d\ude00"]"#), None);
        assert_eq!(m(r#"["\\ud83d"]"#), None);
        assert_eq!(
            m(r#"["\ude00\ud83d"]"#).as_deref(),
            Some(r#"["\ufffd\ufffd"]"#)
        );
        assert_eq!(
            m(r#"["\ud83d\ud83d\ude00"]"#).as_deref(),
            Some(r#"["\ufffd\ud83d\ude00"]"#)
        );
        assert_eq!(m("\\"), None);
        assert_eq!(m("\\ud8"), None);
    }
}
