//! The normalized query every backend receives, and the client-side check that makes every
//! filter mean the same on every vendor.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::call::{phone_digits, Call, Direction, Status};

/// What to fetch, settled once from flags, config and defaults. Backends never see clap types.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Inclusive start.
    pub from: DateTime<Utc>,
    /// Exclusive end, pinned when the command started.
    pub to: DateTime<Utc>,
    /// The zone the user reads dates in (`--tz`, else the profile's `timezone`, else the local
    /// zone): the one a table prints in.
    pub tz: Tz,
    pub direction: Option<Direction>,
    pub statuses: Vec<Status>,
    /// The customer's number as typed.
    pub number: Option<String>,
    pub agents: Vec<String>,
    pub campaigns: Vec<String>,
    pub min_duration: Option<i64>,
    pub max_duration: Option<i64>,
    pub search: Option<String>,
    pub limit: Option<u64>,
    /// Raw vendor parameters (`--param KEY=VALUE`), sent as given.
    pub params: Vec<(String, String)>,
    /// Calls per page to ask for; already clamped to the vendor's range.
    pub page_size: u32,
    /// Keep the vendor's original record on each call (`--raw`, `--search` on the client).
    pub keep_raw: bool,
    /// Only calls the vendor modified at or after this instant (a later `sync`), on the APIs
    /// that list by modification time ([`crate::vendors::Traits::lists_by_modification`]); the
    /// window still bounds their start.
    pub modified_since: Option<DateTime<Utc>>,
}

/// One user-facing filter, for the "which filters ran where" plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Window,
    Direction,
    Status,
    Number,
    Agent,
    Campaign,
    Duration,
    Search,
}

impl Filter {
    pub fn name(self) -> &'static str {
        match self {
            Filter::Window => "--from/--to",
            Filter::Direction => "--direction",
            Filter::Status => "--status",
            Filter::Number => "--number",
            Filter::Agent => "--agent",
            Filter::Campaign => "--campaign",
            Filter::Duration => "--min/max-duration",
            Filter::Search => "--search",
        }
    }
}

/// Where a filter runs: at the vendor, checked again on the client, or on the client only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The vendor applies it exactly and the record lacks what the client would check.
    Vendor,
    /// The vendor narrows (maybe coarsely); the client checks again.
    Both,
    /// The vendor cannot; the client does.
    Client,
}

/// How many values a vendor's id filter (`--agent`, `--campaign`) takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    Many,
    One,
}

/// The backend's answer to "what of this query can you do": one entry per active filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub entries: Vec<(Filter, Applied)>,
}

impl Plan {
    /// Says where a filter runs. Filters the query does not use are left out, so a backend can
    /// state everything it pushes down without checking what was asked.
    pub fn set(&mut self, filter: Filter, applied: Applied) {
        if let Some(entry) = self.entries.iter_mut().find(|(f, _)| *f == filter) {
            entry.1 = applied;
        }
    }

    /// Says where `--agent` and `--campaign` run for a vendor that filters them by id: at
    /// `applied` when every value is an id it takes (`is_id`), as many as it `takes`; else on
    /// the client (a name as shown among the values, see [`all_ids`]).
    pub fn set_ids(&mut self, q: &Query, is_id: fn(&str) -> bool, takes: Takes, applied: Applied) {
        for (filter, values) in [(Filter::Agent, &q.agents), (Filter::Campaign, &q.campaigns)] {
            let fits = match takes {
                Takes::Many => true,
                Takes::One => values.len() == 1,
            };
            if fits && all_ids(values, is_id) {
                self.set(filter, applied);
            }
        }
    }

    fn client_checks(&self, filter: Filter) -> bool {
        self.entries
            .iter()
            .find(|(f, _)| *f == filter)
            .is_none_or(|(_, a)| *a != Applied::Vendor)
    }

    /// The filters only the vendor applies: the records lack what the client would check
    /// (`delete` refuses them, SPEC "assign and delete").
    pub fn vendor_only(&self) -> Vec<Filter> {
        self.entries
            .iter()
            .filter(|(_, a)| *a == Applied::Vendor)
            .map(|(f, _)| *f)
            .collect()
    }

    /// True when the vendor applies every filter exactly, so that its count of calls is the
    /// count of matching calls.
    pub fn vendor_counts_exactly(&self) -> bool {
        self.entries.iter().all(|(_, a)| *a == Applied::Vendor)
    }

    /// One line for `-v`: `filters: --from/--to vendor+client, --status client`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .entries
            .iter()
            .map(|(f, a)| {
                let at = match a {
                    Applied::Vendor => "vendor",
                    Applied::Both => "vendor+client",
                    Applied::Client => "client",
                };
                format!("{} {at}", f.name())
            })
            .collect();
        format!("filters: {}", parts.join(", "))
    }
}

impl Query {
    /// No filters: every call of the last 30 days, in pages of `page_size`.
    pub fn everything(tz: Tz, page_size: u32) -> Query {
        let now = Utc::now();
        Query {
            from: now - chrono::Duration::days(30),
            to: now,
            tz,
            direction: None,
            statuses: Vec::new(),
            number: None,
            agents: Vec::new(),
            campaigns: Vec::new(),
            min_duration: None,
            max_duration: None,
            search: None,
            limit: None,
            params: Vec::new(),
            page_size,
            keep_raw: false,
            modified_since: None,
        }
    }

    /// The filters this query uses, each defaulting to client-side until a backend says more.
    pub fn active_filters(&self) -> Vec<Filter> {
        let mut out = vec![Filter::Window];
        let flags = [
            (self.direction.is_some(), Filter::Direction),
            (!self.statuses.is_empty(), Filter::Status),
            (self.number.is_some(), Filter::Number),
            (!self.agents.is_empty(), Filter::Agent),
            (!self.campaigns.is_empty(), Filter::Campaign),
            (
                self.min_duration.is_some() || self.max_duration.is_some(),
                Filter::Duration,
            ),
            (self.search.is_some(), Filter::Search),
        ];
        out.extend(flags.into_iter().filter(|(on, _)| *on).map(|(_, f)| f));
        out
    }

    /// Whether anything but the window narrows the calls: a filter, a vendor parameter, a
    /// limit, or a read of what was modified since. A read that is narrowed cannot tell a
    /// deleted call from one that no longer matches.
    pub fn narrowed(&self) -> bool {
        self.active_filters() != [Filter::Window]
            || !self.params.is_empty()
            || self.limit.is_some()
            || self.modified_since.is_some()
    }

    /// A plan with every active filter on the client; backends upgrade what they push down.
    pub fn client_plan(&self) -> Plan {
        Plan {
            entries: self
                .active_filters()
                .into_iter()
                .map(|f| (f, Applied::Client))
                .collect(),
        }
    }

    /// The client-side check: true when `call` satisfies every filter the plan leaves to us.
    pub fn matches(&self, call: &Call, plan: &Plan) -> bool {
        let check = |f| plan.client_checks(f);
        if check(Filter::Window) && !(call.started_at >= self.from && call.started_at < self.to) {
            return false;
        }
        if let Some(d) = self.direction {
            if check(Filter::Direction) && call.direction != d {
                return false;
            }
        }
        if !self.statuses.is_empty()
            && check(Filter::Status)
            && !self.statuses.contains(&call.status)
        {
            return false;
        }
        if let Some(number) = &self.number {
            if check(Filter::Number) && !number_matches(number, call.customer_number.as_deref()) {
                return false;
            }
        }
        if !self.agents.is_empty()
            && check(Filter::Agent)
            && !id_or_name_matches(
                &self.agents,
                call.agent_id.as_deref(),
                call.agent.as_deref(),
            )
        {
            return false;
        }
        if !self.campaigns.is_empty()
            && check(Filter::Campaign)
            && !id_or_name_matches(
                &self.campaigns,
                call.campaign_id.as_deref(),
                call.campaign.as_deref(),
            )
        {
            return false;
        }
        if self.min_duration.is_some() || self.max_duration.is_some() {
            let Some(d) = call.duration else { return false };
            if self.min_duration.is_some_and(|min| d < min)
                || self.max_duration.is_some_and(|max| d > max)
            {
                return false;
            }
        }
        if let Some(text) = &self.search {
            if check(Filter::Search)
                && !call
                    .raw
                    .as_ref()
                    .is_some_and(|raw| contains_text(&raw.value(), text))
            {
                return false;
            }
        }
        true
    }
}

/// The `--agent` / `--campaign` values the client matches, and whether any call of the window
/// has each: a name that finds nothing is most often misspelt, and an exit 0 with no calls
/// would hide it. The pager shows it every call of the window, matching or not.
#[derive(Debug, Default)]
pub struct NameCheck {
    fields: Vec<Seen>,
}

#[derive(Debug)]
struct Seen {
    field: &'static str,
    /// Each value matched on the client, with whether a call of the window had it.
    wanted: Vec<(String, bool)>,
    /// The names seen, bounded: enough to suggest from, never one per call.
    names: std::collections::BTreeSet<String>,
}

/// Distinct names remembered for suggestions.
const NAMES_KEPT: usize = 10_000;

impl NameCheck {
    /// The values of the filters the client checks (a vendor's own id filter is not second-
    /// guessed: its calls are the ones with that id).
    pub fn new(query: &Query, plan: &Plan) -> NameCheck {
        let client = |f| {
            plan.entries
                .iter()
                .any(|(e, a)| *e == f && *a == Applied::Client)
        };
        let mut fields = Vec::new();
        for (filter, field, values) in [
            (Filter::Agent, "agent", &query.agents),
            (Filter::Campaign, "campaign", &query.campaigns),
        ] {
            if client(filter) {
                fields.push(Seen {
                    field,
                    wanted: values.iter().map(|v| (v.clone(), false)).collect(),
                    names: Default::default(),
                });
            }
        }
        NameCheck { fields }
    }

    /// Notes a call the vendor listed, before the other filters: one in the window counts.
    pub fn see(&mut self, query: &Query, call: &Call) {
        if self.fields.is_empty() || call.started_at < query.from || call.started_at >= query.to {
            return;
        }
        for seen in &mut self.fields {
            let (id, name) = match seen.field {
                "agent" => (call.agent_id.as_deref(), call.agent.as_deref()),
                _ => (call.campaign_id.as_deref(), call.campaign.as_deref()),
            };
            for (value, found) in &mut seen.wanted {
                *found = *found || id_or_name_is(value, id, name);
            }
            if let Some(name) = name {
                if seen.names.len() < NAMES_KEPT && !seen.names.contains(name) {
                    seen.names.insert(name.to_string());
                }
            }
        }
    }

    /// One warning per value no call of the window had, naming the closest names seen:
    /// `no call of the window has the agent "Nite Line"; closest: Night Line`.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for seen in &self.fields {
            for (value, _) in seen.wanted.iter().filter(|(_, found)| !found) {
                let closest =
                    crate::suggest::closest(value, seen.names.iter().map(String::as_str), 3);
                let tail = if closest.is_empty() {
                    format!("; no call of the window has any {}", seen.field)
                } else {
                    format!("; closest: {}", closest.join(", "))
                };
                out.push(format!(
                    "no call of the window has the {} \"{value}\"{tail}",
                    seen.field
                ));
            }
        }
        out
    }
}

/// `--number` (in E.164 where it reads as one, see `resolve::query`) against a call's number
/// (normalized the same way): two E.164 numbers are the same or not; otherwise the national
/// digits of the wanted number (`0151 234` and `+49 151 234` both give `151234`) are the tail
/// of the call's, so a vendor's unreadable text and a typed tail still match.
pub fn number_matches(wanted: &str, number: Option<&str>) -> bool {
    let Some(number) = number else { return false };
    if is_e164(wanted) && is_e164(number) {
        return wanted == number;
    }
    // Only an E.164 `wanted` needs reading for its national digits (a rare unreadable call
    // number): typed text that did not read as E.164 is taken as its digits.
    let wanted = if is_e164(wanted) {
        crate::phone::national_digits(wanted, None)
    } else {
        phone_digits(wanted)
    };
    let wanted = wanted.trim_start_matches('0');
    !wanted.is_empty() && phone_digits(number).ends_with(wanted)
}

/// `+` and digits only: how a number that read as E.164 is kept.
fn is_e164(number: &str) -> bool {
    number.len() > 1 && number.starts_with('+') && number[1..].bytes().all(|b| b.is_ascii_digit())
}

fn id_or_name_matches(wanted: &[String], id: Option<&str>, name: Option<&str>) -> bool {
    wanted.iter().any(|w| id_or_name_is(w, id, name))
}

/// One `--agent` / `--campaign` value against a call's id and name: the id exactly, the name
/// as `calls` prints it, whole and case-insensitive (`night line` finds `Night Line`).
pub fn id_or_name_is(wanted: &str, id: Option<&str>, name: Option<&str>) -> bool {
    // Both foldings: `STRASSE` is `Straße` upper-cased, which lower-casing alone misses.
    id.is_some_and(|id| id == wanted)
        || name.is_some_and(|n| {
            n.to_lowercase() == wanted.to_lowercase() || n.to_uppercase() == wanted.to_uppercase()
        })
}

/// True when every value is an id the vendor's filter takes (`is_id`), so the values may be
/// sent: one name among them (`Night Line`) and the client matches them all, since an id sent
/// to the vendor would leave out the calls the name finds.
pub fn all_ids(values: &[String], is_id: fn(&str) -> bool) -> bool {
    !values.is_empty() && values.iter().all(|v| is_id(v))
}

/// The values to send to the vendor's id filter: all of them when all are ids, else none
/// (the client then matches every value, see [`all_ids`]).
pub fn vendor_ids(values: &[String], is_id: fn(&str) -> bool) -> &[String] {
    if all_ids(values, is_id) {
        values
    } else {
        &[]
    }
}

/// A numeric id (`149`): what famulor classic, evolux, callcap, brightcall and mycrm filter by.
pub fn is_numeric_id(value: &str) -> bool {
    !value.is_empty() && value.len() <= 18 && value.bytes().all(|b| b.is_ascii_digit())
}

/// A UUID as famulor v1 writes them (`b1a2c3d4-0000-4000-8000-000000000011`, lower case): what
/// it filters by. Another case is matched on the client, as a name is.
pub fn is_uuid(value: &str) -> bool {
    value.len() == 36
        && value.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// Case-insensitive substring search over every string (and number) in a raw record.
fn contains_text(value: &serde_json::Value, text: &str) -> bool {
    let needle = text.to_lowercase();
    fn walk(v: &serde_json::Value, needle: &str) -> bool {
        match v {
            serde_json::Value::String(s) => s.to_lowercase().contains(needle),
            serde_json::Value::Number(n) => n.to_string().contains(needle),
            serde_json::Value::Array(items) => items.iter().any(|i| walk(i, needle)),
            serde_json::Value::Object(map) => map.values().any(|i| walk(i, needle)),
            _ => false,
        }
    }
    walk(value, &needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_go_to_the_vendor_only_when_every_value_is_one_it_takes() {
        let plan = |agents: &[&str], campaigns: &[&str], takes| {
            let q = Query {
                agents: agents.iter().map(|s| s.to_string()).collect(),
                campaigns: campaigns.iter().map(|s| s.to_string()).collect(),
                ..Query::everything(Tz::UTC, 100)
            };
            let mut plan = q.client_plan();
            plan.set_ids(&q, is_numeric_id, takes, Applied::Both);
            plan.entries
        };
        assert_eq!(
            plan(&["12", "13"], &["Night Line", "7"], Takes::Many),
            [
                (Filter::Window, Applied::Client),
                (Filter::Agent, Applied::Both),
                (Filter::Campaign, Applied::Client)
            ]
        );
        assert_eq!(
            plan(&["12", "13"], &["7"], Takes::One),
            [
                (Filter::Window, Applied::Client),
                (Filter::Agent, Applied::Client),
                (Filter::Campaign, Applied::Both)
            ]
        );
        assert_eq!(
            plan(&[], &[], Takes::Many),
            [(Filter::Window, Applied::Client)]
        );
    }

    #[test]
    fn numbers_ignore_formatting_and_country_prefix() {
        assert!(number_matches("+49 151-234 567", Some("+49151234567")));
        assert!(number_matches("0151 234567", Some("+49151234567")));
        assert!(!number_matches("0151 234568", Some("+49151234567")));
        assert!(!number_matches("", Some("+49151234567")));
        assert!(!number_matches("151", None));
        // Both E.164: the whole number, country code included.
        assert!(number_matches("+4915139850506", Some("+4915139850506")));
        assert!(!number_matches("+4915139850506", Some("+14915139850506")));
        assert!(!number_matches("+13165553333", Some("+443165553333")));
        // An E.164 wanted number finds a vendor's text that did not read as one, by its
        // national digits; a typed tail finds the E.164 number.
        assert!(number_matches("+4915139850506", Some("015139850506")));
        assert!(number_matches("+13165553333", Some("316.555.3333")));
        assert!(number_matches("555-3333", Some("+13165553333")));
        assert!(!number_matches("+13165553333", Some("316.555.3334")));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// A name as shown finds its calls in any case, whole; a longer or shorter name does
        /// not; and only values that are ids are ever sent to a vendor's id filter.
        #[test]
        fn names_match_whole_in_any_case_and_only_ids_are_sent(
            name in "[A-Za-zÀ-ÖØ-öø-þ0-9 ./-]{1,24}",
            id in "[0-9]{1,9}",
        ) {
            let shown = Some(name.as_str());
            for typed in [name.clone(), name.to_uppercase(), name.to_lowercase()] {
                proptest::prop_assert!(id_or_name_is(&typed, None, shown), "{:?}", typed);
            }
            let longer = format!("{}x", name);
            proptest::prop_assert!(!id_or_name_is(&longer, None, shown));
            proptest::prop_assert!(id_or_name_is(&id, Some(&id), shown));
            let values = vec![id.clone(), name.clone()];
            let sent = vendor_ids(&values, is_numeric_id);
            proptest::prop_assert!(sent.iter().all(|v| is_numeric_id(v)));
            proptest::prop_assert_eq!(sent.is_empty(), !is_numeric_id(&name));
            proptest::prop_assert!(!vendor_ids(&values, is_uuid).contains(&name));
        }
    }

    #[test]
    fn search_walks_nested_records() {
        let raw = serde_json::json!({"transcript": [{"text": "Ich habe eine Frage"}], "n": 42});
        assert!(contains_text(&raw, "FRAGE"));
        assert!(contains_text(&raw, "42"));
        assert!(!contains_text(&raw, "antwort"));
    }
}
