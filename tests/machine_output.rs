//! SPEC "Output": CSV, TSV, NDJSON and JSON written to a terminal show control characters and
//! bidi overrides escaped, as tables do; to a pipe or a file the values are the vendor's, and
//! read back equal. Generated vendor text in every text field (and in `raw`) × every machine
//! format × terminal or not, through the crate's own writers.

use calls::call::{Call, Direction, Field, Raw, Status};
use calls::output::{CallWriter, Format, OutputOptions, Zone};
use calls::types::Vendor;
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

/// The characters a terminal acts on: C0 and C1 controls, DEL, and the bidi overrides,
/// isolates and marks (written out here, not taken from the crate).
fn acts_on_a_terminal(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Vendor text: mostly the characters that attack a terminal or a format (ESC, BEL, CSI, bidi
/// overrides, quotes, separators, backslashes), among any others.
fn vendor_text() -> impl Strategy<Value = String> {
    let nasty = prop_oneof![
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
        (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap()),
        prop::sample::select(vec![
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '"', ',', '\\', '[', ']', ';', 'u',
            '{', '}', ' ',
        ]),
    ];
    prop::collection::vec(prop_oneof![2 => nasty, 1 => any::<char>()], 0..24)
        .prop_map(String::from_iter)
}

/// The text fields of a call, in the order [`call`] sets them.
const TEXT_FIELDS: [&str; 8] = [
    "id",
    "vendor_status",
    "customer_number",
    "line_number",
    "agent",
    "campaign",
    "recording_url",
    "cost",
];

fn call(texts: &[String; 8], note: &str) -> Call {
    let t = |i: usize| Some(texts[i].clone());
    Call {
        vendor: Vendor::Famulor,
        id: texts[0].clone(),
        started_at: Utc.with_ymd_and_hms(2025, 5, 1, 10, 0, 0).unwrap(),
        ended_at: None,
        direction: Direction::Inbound,
        status: Status::Answered,
        vendor_status: t(1),
        duration: Some(61),
        talk_time: None,
        customer_number: t(2),
        line_number: t(3),
        agent: t(4),
        campaign: t(5),
        recording_url: t(6),
        cost: t(7),
        agent_id: None,
        campaign_id: None,
        modified_at: None,
        raw: Some(Raw::from_value(
            &serde_json::json!({"note": note, "n": [note]}),
        )),
    }
}

fn written(format: Format, terminal: bool, calls: &[Call]) -> String {
    let mut fields = Field::NORMALIZED.to_vec();
    if matches!(format, Format::Json | Format::Ndjson) {
        fields.push(Field::Raw);
    }
    let opts = OutputOptions {
        format,
        raw: fields.contains(&Field::Raw),
        fields,
        zone: Zone::Tz(chrono_tz::UTC),
        path: None,
        width: None,
        color: false,
        header: true,
        terminal,
    };
    let mut w = CallWriter::new(Vec::new(), &opts, true).unwrap();
    for c in calls {
        w.write(c).unwrap();
    }
    String::from_utf8(w.finish().unwrap()).unwrap()
}

/// Each row's text fields (and, for JSON, its `raw`), as a reader of the format gets them.
fn read_back(format: Format, out: &str) -> Vec<(Vec<String>, Option<serde_json::Value>)> {
    match format {
        Format::Csv => {
            let mut r = csv::Reader::from_reader(out.as_bytes());
            let header = r.headers().unwrap().clone();
            let at = |name: &str| header.iter().position(|h| h == name).unwrap();
            r.records()
                .map(|rec| {
                    let rec = rec.unwrap();
                    let texts = TEXT_FIELDS.iter().map(|f| rec[at(f)].to_string()).collect();
                    (texts, None)
                })
                .collect()
        }
        Format::Tsv => {
            let mut lines = out.split('\n').filter(|l| !l.is_empty());
            let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
            let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
            lines
                .map(|line| {
                    let cols: Vec<&str> = line.split('\t').collect();
                    assert_eq!(cols.len(), header.len(), "{line:?}");
                    let texts = TEXT_FIELDS
                        .iter()
                        .map(|f| tsv_unescape(cols[at(f)]))
                        .collect();
                    (texts, None)
                })
                .collect()
        }
        Format::Json | Format::Ndjson => {
            let rows: Vec<serde_json::Value> = if format == Format::Json {
                serde_json::from_str(out).unwrap()
            } else {
                out.lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect()
            };
            rows.into_iter()
                .map(|row| {
                    let texts = TEXT_FIELDS
                        .iter()
                        .map(|f| row[f].as_str().unwrap().to_string())
                        .collect();
                    (texts, Some(row["raw"].clone()))
                })
                .collect()
        }
        // Not text: tests/parquet.rs reads Parquet back.
        Format::Table | Format::Parquet => unreachable!(),
    }
}

/// `\t`, `\n`, `\r`, `\\` back to the characters (PostgreSQL's text COPY).
fn tsv_unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            other => panic!("a lone backslash before {other:?} in {value:?}"),
        }
    }
    out
}

const FORMATS: [Format; 4] = [Format::Csv, Format::Tsv, Format::Ndjson, Format::Json];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// On a terminal no raw control or bidi character is written (but the line breaks between
    /// rows, and TSV's tabs between columns); JSON there is still JSON and says the same. To a
    /// pipe every value reads back exactly as the vendor sent it.
    #[test]
    fn machine_formats_escape_on_a_terminal_and_round_trip_in_a_pipe(
        texts in prop::array::uniform8(vendor_text()),
        note in vendor_text(),
    ) {
        let calls = [call(&texts, &note), call(&texts, &note)];
        let want_raw = serde_json::json!({"note": note, "n": [note]});
        for format in FORMATS {
            let pipe = written(format, false, &calls);
            let rows = read_back(format, &pipe);
            prop_assert_eq!(rows.len(), 2, "{:?}: {:?}", format, pipe);
            for (got, raw) in &rows {
                prop_assert_eq!(&got[..], &texts[..], "{:?} in a pipe: {:?}", format, pipe);
                if let Some(raw) = raw {
                    prop_assert_eq!(raw, &want_raw);
                }
            }

            let tty = written(format, true, &calls);
            let structural = |c: char| c == '\n' || (c == '\t' && format == Format::Tsv);
            let bad: Vec<char> = tty
                .chars()
                .filter(|c| acts_on_a_terminal(*c) && !structural(*c))
                .collect();
            prop_assert!(bad.is_empty(), "{:?} on a terminal wrote {:?}: {:?}", format, bad, tty);
            if format == Format::Tsv {
                // Escaped for a person, not for a reader of TSV: still one line a call, and
                // every line with the header's columns.
                let lines: Vec<&str> = tty.lines().collect();
                prop_assert_eq!(lines.len(), 3, "{:?}", tty);
                for line in &lines {
                    prop_assert_eq!(line.split('\t').count(), Field::NORMALIZED.len());
                }
                continue;
            }
            let rows = read_back(format, &tty);
            prop_assert_eq!(rows.len(), 2, "{:?} on a terminal: {:?}", format, tty);
            if matches!(format, Format::Json | Format::Ndjson) {
                for (got, raw) in &rows {
                    prop_assert_eq!(&got[..], &texts[..], "{:?} on a terminal", format);
                    prop_assert_eq!(raw.as_ref(), Some(&want_raw));
                }
            }
        }
    }
}

/// What a terminal shows of a value: each character it would act on as `\u{..}`, as tables
/// show it.
#[test]
fn csv_on_a_terminal_shows_escapes_as_tables_do() {
    let evil = "a\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}z,\"q\"\nnext";
    let texts: [String; 8] = std::array::from_fn(|_| evil.to_string());
    let out = written(Format::Csv, true, &[call(&texts, evil)]);
    let rows = read_back(Format::Csv, &out);
    assert_eq!(
        rows[0].0[4],
        "a\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}z,\"q\"\\u{a}next"
    );
    assert_eq!(out.lines().count(), 2, "one line a call: {out:?}");
    let out = written(Format::Tsv, true, &[call(&texts, evil)]);
    assert!(
        out.contains("\ta\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}z,\"q\"\\nnext\t"),
        "{out:?}"
    );
}
