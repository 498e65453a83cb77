//! Generated text a vendor may send (any Unicode, NUL and other controls, lone UTF-16
//! surrogates as JSON escapes: a cut emoji) and JSON-number costs, served by a hostile Famulor;
//! and what export and the databases must make of it.

use proptest::prelude::*;

use super::hostile::{self, Hostile};

/// Stand-ins for the two halves of a surrogate pair, written as the lone escapes `\ud83d` and
/// `\ude00` (next to each other, in that order, they are a valid pair: 😀).
const HIGH: char = '\u{e000}';
const LOW: char = '\u{e001}';

/// Text with NUL, controls and lone surrogates among any characters.
pub fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => any::<char>().prop_filter("not a stand-in", |c| *c != HIGH && *c != LOW),
        1 => proptest::char::range('\0', '\u{1f}'),
        1 => Just('\0'),
        1 => Just(HIGH),
        1 => Just(LOW),
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|v| v.into_iter().collect())
}

/// A cost as a JSON number token, as vendors write it (an exponent, a negative zero).
pub fn cost() -> impl Strategy<Value = String> {
    "-?(0|[1-9][0-9]{0,5})(\\.[0-9]{1,8})?([eE][+-]?[0-9]{1,2})?"
}

/// `text` as a JSON string, the stand-ins as lone escapes.
pub fn json_string(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap()
        .replace(HIGH, "\\ud83d")
        .replace(LOW, "\\ude00")
}

/// The UTF-16 units a vendor's JSON string of `text` holds.
fn units(text: &str) -> impl Iterator<Item = u16> + '_ {
    text.chars().flat_map(|c| match c {
        HIGH => vec![0xD83D],
        LOW => vec![0xDE00],
        c => c.encode_utf16(&mut [0; 2]).to_vec(),
    })
}

/// What a reader of `text` gets: UTF-16 decoded, U+FFFD for each lone half.
pub fn read(text: &str) -> String {
    char::decode_utf16(units(text))
        .map(|c| c.unwrap_or('\u{fffd}'))
        .collect()
}

/// What a database stores of `text`: also each NUL as U+FFFD.
pub fn stored(text: &str) -> String {
    read(text).replace('\0', "\u{fffd}")
}

/// Whether `text` holds what the databases cannot store as given.
pub fn mended(text: &str) -> bool {
    text.contains('\0') || char::decode_utf16(units(text)).any(|c| c.is_err())
}

/// One generated call.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub agent: String,
    pub campaign: String,
    /// The transcript's one line (in `raw` only).
    pub said: String,
    pub cost: String,
}

impl Record {
    pub fn mended(&self) -> bool {
        [&self.agent, &self.campaign, &self.said]
            .iter()
            .any(|t| mended(t))
    }
}

/// Up to `max` calls, ids from 1000, ten minutes apart on 2025-05-10 (in the window of
/// `FROM`..`TO`).
pub fn records(max: usize) -> impl Strategy<Value = Vec<Record>> {
    proptest::collection::vec((text(), text(), text(), cost()), 1..max).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (agent, campaign, said, cost))| Record {
                id: (1000 + i).to_string(),
                agent,
                campaign,
                said,
                cost,
            })
            .collect()
    })
}

/// Famulor's list, one page, the records written by hand (their text as generated); `total`
/// calls in all.
pub fn body(records: &[Record], total: usize) -> String {
    let calls: Vec<String> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "{{\"id\":{},\"assistant_name\":{},\"campaign_name\":{},\"type\":\"inbound\",\
                 \"duration\":30,\"status\":\"completed\",\"total_cost\":{},\
                 \"transcript\":[{{\"text\":{},\"sender\":\"human\"}}],\
                 \"created_at\":\"2025-05-10T{:02}:{:02}:00Z\"}}",
                r.id,
                json_string(&r.agent),
                json_string(&r.campaign),
                r.cost,
                json_string(&r.said),
                i / 6,
                i % 6 * 10
            )
        })
        .collect();
    format!(
        "{{\"data\":[{}],\"last_page\":1,\"total\":{total},\"per_page\":{total}}}",
        calls.join(",")
    )
}

/// A Famulor that answers its first page with [`body`] of `records`, any later one empty (the
/// client asks on after a full last page).
pub fn serve(records: &[Record]) -> Hostile {
    let (first, rest) = (body(records, records.len()), body(&[], records.len()));
    Hostile::start(move |seen, _| {
        let query = seen.uri.split_once('?').map_or("", |(_, q)| q);
        let page = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "page")
            .map_or("1".into(), |(_, v)| v.into_owned());
        let body = if page == "1" { &first } else { &rest };
        hostile::reply(200, &[("content-type", "application/json")], body.clone())
    })
}

/// A config with the profile `t` on `api`.
pub fn config(api: &Hostile) -> String {
    format!(
        "[profiles.t]\nvendor = \"famulor\"\nbase_url = \"{}\"\ntoken = \"x\"\n",
        api.base
    )
}
