//! The incremental window, one piece for `export --since-last`, `sync` and `export --follow`:
//! what a run reads, given where the last one left off, and which state it resumes from (the
//! filter set a state is kept for).
//!
//! A run that re-reads the last `--revisit` (or `--lookback`) catches calls that changed
//! since, but reads each call again and again (an hourly sync with a 24 h window reads each about
//! 24 times). Where the API lists by modification time, a later run reads the calls started
//! since the last one (a short overlap) and, of the older part of the window, only what the vendor
//! modified since (its own clock: the newest modification time the last run saw).

use chrono::{DateTime, Duration, Utc};

use crate::query::Query;

/// How far a read by modification time, or of the calls started since, reaches back past where
/// the last run left off: for the vendor's indexing lag, and for times to the minute (Callcap).
/// The vendor's own poller re-reads the last 10 minutes.
pub const OVERLAP: Duration = Duration::minutes(10);

/// Where the last complete run left off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mark {
    /// The newest `started_at` among the calls it read; `None` when it read none.
    pub newest: Option<DateTime<Utc>>,
    /// Its window's upper bound (the `to` pinned when it started).
    pub upper: Option<DateTime<Utc>>,
    /// The newest modification time the vendor gave among the calls it read.
    pub newest_modified: Option<DateTime<Utc>>,
}

/// One read of a run: a query, and what it is for (said at `-v`).
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub query: Query,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A first run, or `--full`: the whole window.
    Window,
    /// The calls started since the last run, minus the revisit window.
    Revisit,
    /// The calls started since the last run, minus [`OVERLAP`].
    Started,
    /// Of the older part of the window, the calls the vendor modified since the last run.
    Modified,
    /// The part of the window older than anything these runs have read (a `--from` that
    /// reaches further back than before): read whole.
    Older,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Window => "the whole window",
            Kind::Revisit => "started since the last run, minus the revisit window",
            Kind::Started => "started since the last run",
            Kind::Modified => "modified since the last run",
            Kind::Older => "older than any run read before",
        }
    }
}

/// The newest modification time seen, `call`'s included. NOTE: never past `now` (this
/// machine's clock): a vendor's time in the future (a clock ahead, an absurd value) would make
/// the next runs skip every change until then.
pub fn newest_modified(
    newest: Option<DateTime<Utc>>,
    call: &crate::call::Call,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match call.modified_at.map(|m| m.min(now)) {
        Some(m) => Some(newest.map_or(m, |n| n.max(m))),
        None => newest,
    }
}

/// Narrows `q` to what is new since `last`: from its newest call (else its upper bound) minus
/// `back`, reaching further back to `reach` (a call held back as still in progress); never before
/// an explicit `--from` (the default `--from` never cuts a resumed window short).
pub fn resume(
    q: &mut Query,
    last: &Mark,
    back: Duration,
    explicit_from: bool,
    reach: Option<DateTime<Utc>>,
) {
    let Some(at) = last.newest.or(last.upper) else {
        return;
    };
    let from = reach.map_or(at - back, |r| r.min(at - back));
    q.from = if explicit_from {
        q.from.max(from)
    } else {
        from
    };
}

/// Where a run starts from, for [`reads`].
#[derive(Debug, Clone, Copy)]
pub struct Since<'a> {
    /// Where the last complete run left off; `None`: a first run, or `--full`.
    pub last: Option<&'a Mark>,
    /// How far back before the newest call a later run reads again (`--revisit`).
    pub revisit: Duration,
    /// `--from` was given: it bounds the older reads too.
    pub explicit_from: bool,
    /// The API lists by modification time.
    pub by_modification: bool,
    /// The oldest call stored for the profile.
    pub oldest: Option<DateTime<Utc>>,
    /// Where the window earlier runs read completely begins.
    pub covered_from: Option<DateTime<Utc>>,
}

impl Default for Since<'_> {
    /// A first run with the default `--revisit` (24 h).
    fn default() -> Self {
        Since {
            last: None,
            revisit: Duration::hours(24),
            explicit_from: false,
            by_modification: false,
            oldest: None,
            covered_from: None,
        }
    }
}

/// What a `sync` run (or an `export --follow` poll) of `q` reads after `last` (`None`: a first
/// run, or `--full`). Where the API lists by modification time and the last run saw the vendor's
/// times: the calls started since (minus [`OVERLAP`]), then those started from `oldest` (the
/// oldest call stored) up to there and modified since (minus [`OVERLAP`]). Else: the calls
/// started since, minus `revisit`. And where `q` reaches back past `covered_from` (where the
/// window earlier runs read completely begins), that older part whole: nothing of a window is
/// skipped because a later run asked for more of it.
pub fn reads(q: &Query, since: &Since<'_>) -> Vec<Read> {
    let Since {
        last,
        revisit,
        explicit_from,
        by_modification,
        oldest,
        covered_from,
    } = *since;
    let Some(last) = last else {
        return vec![Read {
            query: q.clone(),
            kind: Kind::Window,
        }];
    };
    let mut reads = recent_reads(q, last, revisit, explicit_from, by_modification, oldest);
    if let Some(covered) = covered_from.filter(|c| q.from < *c) {
        let mut older = q.clone();
        older.to = covered.min(q.to);
        reads.push(Read {
            query: older,
            kind: Kind::Older,
        });
    }
    reads
}

/// Where the window read completely begins and ends after a run: what earlier runs covered
/// (`before`), joined with what this run read whole, `[from, to)`. NOTE: one interval, never a
/// set of them: a read that does not touch the earlier one (a `--from` past everything read
/// before) replaces it when it is newer, so the gap between them counts as never read, and a
/// later run that reaches back reads it.
pub fn cover(
    before: Option<(DateTime<Utc>, DateTime<Utc>)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    match before {
        None => (from, to),
        Some((b_from, b_to)) if from <= b_to && to >= b_from => (from.min(b_from), to.max(b_to)),
        Some((_, b_to)) if to > b_to => (from, to),
        Some(before) => before,
    }
}

/// Where this run's reads read the window whole from: the earliest start of a read that is not
/// by modification time (those read only what changed).
pub fn read_whole_from(reads: &[Read]) -> Option<DateTime<Utc>> {
    reads
        .iter()
        .filter(|r| r.kind != Kind::Modified && r.query.from < r.query.to)
        .map(|r| r.query.from)
        .min()
}

fn recent_reads(
    q: &Query,
    last: &Mark,
    revisit: Duration,
    explicit_from: bool,
    by_modification: bool,
    oldest: Option<DateTime<Utc>>,
) -> Vec<Read> {
    let mut started = q.clone();
    match (by_modification, last.newest_modified, oldest) {
        (true, Some(modified), Some(oldest)) => {
            resume(&mut started, last, OVERLAP, explicit_from, None);
            let mut reads = vec![Read {
                query: started.clone(),
                kind: Kind::Started,
            }];
            let mut older = q.clone();
            older.from = if explicit_from {
                q.from.max(oldest)
            } else {
                oldest
            };
            older.to = started.from.min(q.to);
            older.modified_since = Some(modified - OVERLAP);
            if older.from < older.to {
                reads.push(Read {
                    query: older,
                    kind: Kind::Modified,
                });
            }
            reads
        }
        _ => {
            resume(&mut started, last, revisit, explicit_from, None);
            vec![Read {
                query: started,
                kind: Kind::Revisit,
            }]
        }
    }
}

/// What selects a job's calls, in one canonical form: the profile, its vendor, API and host,
/// and the filter set (not `--from` / `--to`, which are the window). What `export --since-last`
/// and `sync` keep a state for, and print when two jobs are confused.
///
/// NOTE: every list is sorted and de-duplicated, and every value is kept whole as a JSON
/// string, so two spellings of one set (`--agent 1 --agent 2`, `--agent 2 --agent 1 --agent 1`)
/// give one key, and two sets that select different calls never do (`--agent 1,2` is the one
/// value `1,2`; `--param 'a=1&b=2'` is one parameter). The text is JSON, readable in
/// `sync_state.filters` and in a state file's `job`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FilterSet {
    pub profile: String,
    pub vendor: String,
    pub api: String,
    pub base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agent: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub campaign: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_duration: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// `--param KEY=VALUE`, sorted; a parameter given twice is sent twice, so it stays twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub param: Vec<(String, String)>,
}

impl FilterSet {
    pub fn of(profile: &crate::config::Profile, q: &Query) -> FilterSet {
        let set = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        };
        let mut status: Vec<String> = q.statuses.iter().map(|s| s.as_str().to_string()).collect();
        status.sort();
        status.dedup();
        let mut param = q.params.clone();
        param.sort();
        FilterSet {
            profile: profile.name.clone().unwrap_or_else(|| "-".into()),
            vendor: profile.vendor.id().to_string(),
            // The default API by its name: a profile that spells out `api = "classic"` is the
            // same job as one that leaves it out.
            api: crate::vendors::api_name(
                profile.vendor,
                profile.api.as_deref(),
                profile.base_url.as_deref(),
            )
            .to_string(),
            // The embedded sandbox listens on a new port each run; its data stays the same.
            base_url: if profile.sandbox {
                "sandbox".into()
            } else {
                profile.base_url.clone().unwrap_or_else(|| "-".into())
            },
            direction: q.direction.map(|d| d.as_str().to_string()),
            status,
            number: q.number.clone(),
            agent: set(&q.agents),
            campaign: set(&q.campaigns),
            min_duration: q.min_duration,
            max_duration: q.max_duration,
            search: q.search.clone(),
            param,
        }
    }

    /// The key a state is stored under: the set as one line of JSON.
    pub fn key(&self) -> String {
        serde_json::to_string(self).expect("a filter set is plain data")
    }
}

/// The key of [`FilterSet::of`].
pub fn filter_set(s: &crate::resolve::Settings, q: &Query) -> String {
    FilterSet::of(&s.profile, q).key()
}

/// The key states were kept under before [`FilterSet`]: found once, so that an existing
/// `export --since-last` job goes on where it left off instead of exporting its window again.
/// NOTE: this form joined values with `,` and `&`, so some different jobs shared it; it is
/// read only to carry a state over, never written.
pub fn legacy_filter_set(s: &crate::resolve::Settings, q: &Query) -> String {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v.join(",")
    };
    let mut statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
    statuses.sort();
    let mut params: Vec<String> = q.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    params.sort();
    format!(
        "profile={} vendor={} base_url={} direction={} status={} number={} agent={} campaign={} duration={:?}..{:?} search={} param={}",
        s.profile.name.as_deref().unwrap_or("-"),
        s.profile.vendor,
        if s.profile.sandbox {
            "sandbox"
        } else {
            s.profile.base_url.as_deref().unwrap_or("-")
        },
        q.direction.map_or("-", |d| d.as_str()),
        statuses.join(","),
        q.number.as_deref().unwrap_or("-"),
        sorted(&q.agents),
        sorted(&q.campaigns),
        q.min_duration,
        q.max_duration,
        q.search.as_deref().unwrap_or("-"),
        params.join("&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn query() -> Query {
        let mut q = Query::everything(chrono_tz::UTC, 50);
        q.from = t("2025-05-01T00:00:00Z");
        q.to = t("2025-06-01T12:00:00Z");
        q
    }

    fn mark(newest: &str, modified: Option<&str>) -> Mark {
        Mark {
            newest: Some(t(newest)),
            upper: Some(t("2025-06-01T11:00:00Z")),
            newest_modified: modified.map(t),
        }
    }

    mod filter_sets {
        use super::super::FilterSet;
        use crate::call::Status;
        use crate::config::Profile;
        use crate::query::Query;
        use crate::types::Vendor;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        /// Values with the characters that joined forms confused: `,` `&` `=` and blanks.
        fn value() -> impl Strategy<Value = String> {
            proptest::string::string_regex("[a1,&= ]{1,4}").unwrap()
        }

        /// A filter set as the user may spell it: lists in any order, with repeats.
        #[derive(Debug, Clone)]
        struct Spelled {
            agents: Vec<String>,
            campaigns: Vec<String>,
            statuses: Vec<Status>,
            params: Vec<(String, String)>,
            search: Option<String>,
            api: Option<&'static str>,
        }

        fn spelled() -> impl Strategy<Value = Spelled> {
            (
                proptest::collection::vec(value(), 0..4),
                proptest::collection::vec(value(), 0..3),
                proptest::collection::vec(
                    proptest::sample::select(vec![Status::Answered, Status::Missed, Status::Busy]),
                    0..3,
                ),
                proptest::collection::vec((value(), value()), 0..3),
                proptest::option::of(value()),
                proptest::sample::select(vec![None, Some("classic"), Some("v1")]),
            )
                .prop_map(|(agents, campaigns, statuses, params, search, api)| {
                    Spelled {
                        agents,
                        campaigns,
                        statuses,
                        params,
                        search,
                        api,
                    }
                })
        }

        fn key(s: &Spelled) -> String {
            let mut q = Query::everything(chrono_tz::UTC, 50);
            q.agents = s.agents.clone();
            q.campaigns = s.campaigns.clone();
            q.statuses = s.statuses.clone();
            q.params = s.params.clone();
            q.search = s.search.clone();
            let mut p = Profile::from_env(Vendor::Famulor);
            p.name = Some("sales".into());
            p.api = s.api.map(str::to_string);
            FilterSet::of(&p, &q).key()
        }

        /// What selects the calls, independently of how the key is made: sets where the order
        /// and repeats do not matter, the parameters as sent (a repeat is sent twice), the API
        /// by its name (none is the default, classic).
        #[allow(clippy::type_complexity)]
        fn meaning(
            s: &Spelled,
        ) -> (
            BTreeSet<String>,
            BTreeSet<String>,
            BTreeSet<&'static str>,
            Vec<(String, String)>,
            Option<String>,
            &'static str,
        ) {
            let mut params = s.params.clone();
            params.sort();
            (
                s.agents.iter().cloned().collect(),
                s.campaigns.iter().cloned().collect(),
                s.statuses.iter().map(|s| s.as_str()).collect(),
                params,
                s.search.clone(),
                s.api.unwrap_or("classic"),
            )
        }

        proptest! {
            /// Two spellings of one set (reordered, repeated) share one key.
            #[test]
            fn two_spellings_of_one_set_share_a_key(s in spelled(), seed in any::<u64>()) {
                let mut other = s.clone();
                let turn = |v: &mut Vec<String>| {
                    if !v.is_empty() {
                        let i = (seed as usize) % v.len();
                        v.push(v[i].clone());
                        v.rotate_left(i);
                    }
                };
                turn(&mut other.agents);
                turn(&mut other.campaigns);
                other.statuses.reverse();
                if let Some(first) = other.statuses.first().copied() {
                    other.statuses.push(first);
                }
                other.params.reverse();
                prop_assert_eq!(key(&s), key(&other));
            }

            /// Two sets that select different calls never share a key, and two that select the
            /// same calls always do.
            #[test]
            fn keys_are_equal_exactly_when_the_sets_are(a in spelled(), b in spelled()) {
                prop_assert_eq!(key(&a) == key(&b), meaning(&a) == meaning(&b));
            }
        }

        #[test]
        fn the_joined_forms_that_collided_get_keys_of_their_own() {
            let one = |agents: &[&str], params: &[(&str, &str)]| Spelled {
                agents: agents.iter().map(|a| a.to_string()).collect(),
                campaigns: vec![],
                statuses: vec![],
                params: params
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                search: None,
                api: None,
            };
            assert_ne!(key(&one(&["12,14"], &[])), key(&one(&["12", "14"], &[])));
            assert_ne!(
                key(&one(&[], &[("a", "1&b=2")])),
                key(&one(&[], &[("a", "1"), ("b", "2")]))
            );
            let classic = one(&[], &[]);
            let v1 = Spelled {
                api: Some("v1"),
                ..classic.clone()
            };
            assert_ne!(key(&classic), key(&v1));
            // Readable by a person, in sync_state.filters and a state file's job.
            assert_eq!(
                key(&one(&["14", "12", "12"], &[])),
                r#"{"profile":"sales","vendor":"famulor","api":"classic","base_url":"-","agent":["12","14"]}"#
            );
        }
    }

    #[test]
    fn a_first_run_reads_the_whole_window() {
        let q = query();
        let got = super::reads(
            &q,
            &Since {
                by_modification: true,
                ..Since::default()
            },
        );
        assert_eq!(
            got,
            vec![Read {
                query: q,
                kind: Kind::Window
            }]
        );
    }

    #[test]
    fn without_modification_times_a_later_run_revisits() {
        let q = query();
        let last = mark("2025-06-01T10:30:00Z", None);
        for by_modification in [false, true] {
            let got = super::reads(
                &q,
                &Since {
                    last: Some(&last),
                    by_modification,
                    oldest: Some(t("2025-05-01T00:00:00Z")),
                    ..Since::default()
                },
            );
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].kind, Kind::Revisit);
            assert_eq!(got[0].query.from, t("2025-05-31T10:30:00Z"));
            assert_eq!(got[0].query.to, q.to);
            assert_eq!(got[0].query.modified_since, None);
        }
    }

    #[test]
    fn by_modification_the_two_reads_meet_and_cover_the_stored_window() {
        let q = query();
        let last = mark("2025-06-01T10:30:00Z", Some("2025-06-01T10:50:00Z"));
        let got = super::reads(
            &q,
            &Since {
                last: Some(&last),
                by_modification: true,
                oldest: Some(t("2025-04-01T00:00:00Z")),
                ..Since::default()
            },
        );
        assert_eq!(got.len(), 2);
        let (started, modified) = (&got[0].query, &got[1].query);
        assert_eq!(started.from, t("2025-06-01T10:20:00Z"));
        assert_eq!(started.to, q.to);
        assert_eq!(started.modified_since, None);
        // Older than the default --from: the oldest call stored still gets its changes.
        assert_eq!(modified.from, t("2025-04-01T00:00:00Z"));
        assert_eq!(modified.to, started.from);
        assert_eq!(modified.modified_since, Some(t("2025-06-01T10:40:00Z")));
    }

    #[test]
    fn an_explicit_from_still_bounds_both_reads() {
        let q = query();
        let last = mark("2025-06-01T10:30:00Z", Some("2025-06-01T10:50:00Z"));
        let got = super::reads(
            &q,
            &Since {
                last: Some(&last),
                explicit_from: true,
                by_modification: true,
                oldest: Some(t("2025-04-01T00:00:00Z")),
                ..Since::default()
            },
        );
        assert_eq!(got[1].query.from, q.from);
        // Everything stored is newer than the explicit --from's end: no older part to read.
        let mut late = q.clone();
        late.from = t("2025-06-01T11:00:00Z");
        let got = super::reads(
            &late,
            &Since {
                last: Some(&last),
                explicit_from: true,
                by_modification: true,
                oldest: Some(t("2025-04-01T00:00:00Z")),
                ..Since::default()
            },
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].query.from, late.from);
    }

    /// A window that reaches further back than any run read reads that part whole; the stored
    /// window only grows, and a read that does not touch it (a --from past everything read)
    /// replaces it, so the gap counts as never read.
    #[test]
    fn an_older_from_reads_the_older_part_and_the_covered_window_never_shrinks() {
        let q = query();
        let last = mark("2025-06-01T10:30:00Z", None);
        let got = super::reads(
            &q,
            &Since {
                last: Some(&last),
                explicit_from: true,
                covered_from: Some(t("2025-05-20T00:00:00Z")),
                ..Since::default()
            },
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].kind, Kind::Older);
        assert_eq!(got[1].query.from, q.from);
        assert_eq!(got[1].query.to, t("2025-05-20T00:00:00Z"));
        assert_eq!(read_whole_from(&got), Some(q.from));

        let (a, b) = (t("2025-05-01T00:00:00Z"), t("2025-05-10T00:00:00Z"));
        let (c, d) = (t("2025-05-20T00:00:00Z"), t("2025-06-01T00:00:00Z"));
        // Overlapping or touching: joined.
        assert_eq!(cover(Some((a, c)), b, d), (a, d));
        assert_eq!(cover(Some((b, c)), c, d), (b, d));
        // An older window inside or before: never shrinks, never moves back.
        assert_eq!(cover(Some((a, d)), b, c), (a, d));
        assert_eq!(cover(Some((c, d)), a, b), (c, d));
        // A newer window past a gap replaces it: the gap is read when a run reaches back.
        assert_eq!(cover(Some((a, b)), c, d), (c, d));
        assert_eq!(cover(None, b, c), (b, c));
    }

    #[test]
    fn resume_reaches_back_to_a_held_call_and_falls_back_to_the_upper_bound() {
        let mut q = query();
        let last = mark("2025-06-01T10:30:00Z", None);
        resume(
            &mut q,
            &last,
            Duration::minutes(5),
            false,
            Some(t("2025-06-01T09:00:00Z")),
        );
        assert_eq!(q.from, t("2025-06-01T09:00:00Z"));
        let mut q = query();
        let none = Mark {
            newest: None,
            ..last
        };
        resume(&mut q, &none, Duration::minutes(5), false, None);
        assert_eq!(q.from, t("2025-06-01T10:55:00Z"));
    }
}
