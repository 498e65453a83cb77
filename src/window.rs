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
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Window => "the whole window",
            Kind::Revisit => "started since the last run, minus the revisit window",
            Kind::Started => "started since the last run",
            Kind::Modified => "modified since the last run",
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

/// What a `sync` run (or an `export --follow` poll) of `q` reads after `last` (`None`: a first
/// run, or `--full`). Where the API lists by modification time and the last run saw the vendor's
/// times: the calls started since (minus [`OVERLAP`]), then those started from `oldest` (the
/// oldest call stored) up to there and modified since (minus [`OVERLAP`]). Else: the calls
/// started since, minus `revisit`.
pub fn reads(
    q: &Query,
    last: Option<&Mark>,
    revisit: Duration,
    explicit_from: bool,
    by_modification: bool,
    oldest: Option<DateTime<Utc>>,
) -> Vec<Read> {
    let Some(last) = last else {
        return vec![Read {
            query: q.clone(),
            kind: Kind::Window,
        }];
    };
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

/// Profile, vendor, API and filters (not `--from` / `--to`, which are the window): what
/// `export --since-last` and `sync` keep a state for.
pub fn filter_set(s: &crate::resolve::Settings, q: &Query) -> String {
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
        // The embedded sandbox listens on a new port each run; its data stays the same.
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

    #[test]
    fn a_first_run_reads_the_whole_window() {
        let q = query();
        let got = super::reads(&q, None, Duration::hours(24), false, true, None);
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
                Some(&last),
                Duration::hours(24),
                false,
                by_modification,
                Some(t("2025-05-01T00:00:00Z")),
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
            Some(&last),
            Duration::hours(24),
            false,
            true,
            Some(t("2025-04-01T00:00:00Z")),
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
            Some(&last),
            Duration::hours(24),
            true,
            true,
            Some(t("2025-04-01T00:00:00Z")),
        );
        assert_eq!(got[1].query.from, q.from);
        // Everything stored is newer than the explicit --from's end: no older part to read.
        let mut late = q.clone();
        late.from = t("2025-06-01T11:00:00Z");
        let got = super::reads(
            &late,
            Some(&last),
            Duration::hours(24),
            true,
            true,
            Some(t("2025-04-01T00:00:00Z")),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].query.from, late.from);
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
