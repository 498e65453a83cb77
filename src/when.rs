//! `--from` / `--to` words (`2024-05-01`, RFC 3339, `today`, `3h`, `2w`, `3mo`, `last-month`)
//! read in a time zone, and call lengths (`90`, `1m30s`) for `--min-duration` /
//! `--max-duration`.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use chrono_tz::Tz;

/// Which end of the window a WHEN is for: a date-only `--to` covers that whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    From,
    To,
}

/// The words `--from` / `--to` offer in completions: days and calendar periods.
pub const WORDS: &[&str] = &[
    "today",
    "yesterday",
    "this-week",
    "last-week",
    "this-month",
    "last-month",
    "this-year",
    "last-year",
];

/// A calendar period word (`last-month`): its first instant and the first instant after it, in
/// `tz`. Weeks start on Monday (ISO 8601). `None` when the word names no period.
pub fn period(word: &str, tz: Tz, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let today = now.with_timezone(&tz).date_naive();
    let week = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let month = today.with_day(1)?;
    let year = NaiveDate::from_ymd_opt(today.year(), 1, 1)?;
    let (first, next) = match word.trim().to_ascii_lowercase().as_str() {
        "this-week" => (week, week + Duration::weeks(1)),
        "last-week" => (week - Duration::weeks(1), week),
        "this-month" => (month, month.checked_add_months(Months::new(1))?),
        "last-month" => (month.checked_sub_months(Months::new(1))?, month),
        "this-year" => (year, year.with_year(year.year() + 1)?),
        "last-year" => (year.with_year(year.year() - 1)?, year),
        _ => return None,
    };
    Some((start_of_day(first, tz), start_of_day(next, tz)))
}

/// Parses a WHEN word. `now` is pinned once when the command starts. A period word is its first
/// instant for `--from` and the first instant after it for `--to` ([`period`] has both).
pub fn parse(word: &str, tz: Tz, now: DateTime<Utc>, end: End) -> Result<DateTime<Utc>, String> {
    let w = word.trim();
    let lower = w.to_ascii_lowercase();
    // A date-only `--to` ends where the next day starts: there is none after the calendar's
    // last day.
    let day = |date: NaiveDate| match end {
        End::From => Ok(start_of_day(date, tz)),
        End::To => date
            .succ_opt()
            .map(|next| start_of_day(next, tz))
            .ok_or_else(|| format!("'{w}' is past the last date calls can handle")),
    };
    let today = now.with_timezone(&tz).date_naive();
    match lower.as_str() {
        "now" => return Ok(now),
        "today" => return day(today),
        "yesterday" => return day(today - Duration::days(1)),
        _ => {}
    }
    if let Some((first, next)) = period(&lower, tz, now) {
        return Ok(match end {
            End::From => first,
            End::To => next,
        });
    }
    if let Some(ago) = parse_ago(&lower) {
        return ago.map(|d| now - d);
    }
    if let Some(ago) = calendar_ago(&lower, tz, now) {
        return ago;
    }
    if let Ok(date) = NaiveDate::parse_from_str(w, "%Y-%m-%d") {
        plausible(w, date.year())?;
        return day(date);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(w) {
        plausible(w, t.naive_utc().year())?;
        return Ok(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(w, format) {
            plausible(w, local.year())?;
            return from_local(local, tz)
                .ok_or_else(|| format!("'{w}' does not exist in {tz} (a daylight-saving gap)"));
        }
    }
    Err(format!(
        "cannot read '{w}' as a time: use YYYY-MM-DD, YYYY-MM-DD HH:MM, an RFC 3339 datetime (2024-05-01T14:00:00+02:00), now, today, yesterday, this-week, last-week, this-month, last-month, this-year, last-year, or 30m / 12h / 7d / 2w / 3mo / 1y ago"
    ))
}

/// Years calls reads: a date far outside them is a typo, and would overflow date arithmetic.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

fn plausible(word: &str, year: i32) -> Result<(), String> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "'{word}' is out of range: years {} to {}",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// A duration word (`10m`, `2h`, `1d`, `2w`) for flags such as `--lookback`.
pub fn parse_duration(word: &str) -> Result<Duration, String> {
    parse_ago(&word.trim().to_ascii_lowercase()).unwrap_or_else(|| {
        Err(format!(
            "cannot read '{word}' as a duration: use 30m, 2h, 1d or 2w"
        ))
    })
}

/// A call length in seconds: `90`, `90s`, `2m`, `1m30s`, `1h5m`, at most `max`.
pub fn parse_seconds(word: &str, max: i64) -> Result<i64, String> {
    let w = word.trim().to_ascii_lowercase();
    let bad =
        || format!("cannot read '{word}' as a length of call: give seconds (90), or 2m, 1m30s, 1h");
    if w.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut units_seen = String::new();
    for c in w.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        // Each unit once, largest first: `1m30s`, not `30s1m` or `1m1m`.
        if digits.is_empty()
            || units_seen.contains(c)
            || units_seen.chars().any(|u| "hms".find(u) > "hms".find(c))
        {
            return Err(bad());
        }
        units_seen.push(c);
        let n: i64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        digits.clear();
    }
    if !digits.is_empty() {
        // Bare digits: seconds, alone or after minutes (`1m30` is not accepted: say `1m30s`).
        if !units_seen.is_empty() {
            return Err(bad());
        }
        total = digits.parse().map_err(|_| bad())?;
    }
    if !(0..=max).contains(&total) {
        return Err(format!(
            "'{word}' is {total} seconds: expected 0 to {max} seconds"
        ));
    }
    Ok(total)
}

/// `3mo`, `1y`: that many calendar months or years before `now`, on the same day and time in
/// `tz` (the month's last day where it is shorter: `1mo` before 31 March is 29 February in a
/// leap year; a time a daylight-saving gap skips is read as the clock would show it an hour
/// later). `None`
/// when the word is not of that shape.
fn calendar_ago(w: &str, tz: Tz, now: DateTime<Utc>) -> Option<Result<DateTime<Utc>, String>> {
    let (digits, months_each) = match w.strip_suffix("mo") {
        Some(d) => (d, 1),
        None => (w.strip_suffix('y')?, 12),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let too_far = || format!("'{w}' is too far back");
    let months = match digits.parse::<u32>() {
        Ok(n) if n <= 100_000 => n * months_each,
        _ => return Some(Err(too_far())),
    };
    let local = now.with_timezone(&tz).naive_local();
    let Some(then) = local
        .checked_sub_months(Months::new(months))
        .filter(|t| YEARS.contains(&t.year()))
    else {
        return Some(Err(too_far()));
    };
    Some(
        (0..=3)
            .find_map(|h| from_local(then + Duration::hours(h), tz))
            .ok_or_else(too_far),
    )
}

/// `15m`, `12h`, `7d`, `2w`: `None` when the word is not of that shape.
fn parse_ago(w: &str) -> Option<Result<Duration, String>> {
    let unit = w.chars().last()?;
    let digits = &w[..w.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = match digits.parse() {
        Ok(n) if n <= 100_000 => n,
        _ => return Some(Err(format!("'{w}' is too far back"))),
    };
    match unit {
        'm' => Some(Ok(Duration::minutes(n))),
        'h' => Some(Ok(Duration::hours(n))),
        'd' => Some(Ok(Duration::days(n))),
        'w' => Some(Ok(Duration::weeks(n))),
        _ => None,
    }
}

/// A local wall-clock time in `tz`: the earlier of two on a DST fold, `None` in a gap.
pub fn from_local(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The first instant of `date` in `tz` (zones that skip midnight start the day an hour later).
pub fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    (0..=3)
        .find_map(|h| from_local(midnight + Duration::hours(h), tz))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// Parses an IANA zone name (`Europe/Berlin`, `UTC`), with a hint on failure.
pub fn parse_tz(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("unknown time zone '{name}': use an IANA name such as Europe/Berlin, America/New_York or UTC")
    })
}

/// The local zone, for a run given no `--tz` and no profile `timezone`: `TZ` (an IANA name,
/// `:Name`, or a path into a zoneinfo folder; empty means UTC), else the system's
/// (`/etc/localtime`'s link into the zoneinfo folder, else `/etc/timezone`), else UTC. A `TZ`
/// that names no IANA zone (a POSIX rule such as `JST-9`) is warned about once, and UTC used.
pub fn local_zone() -> Tz {
    static LOCAL: std::sync::OnceLock<Tz> = std::sync::OnceLock::new();
    *LOCAL.get_or_init(|| {
        if let Some(tz) = std::env::var_os("TZ") {
            let tz = tz.to_string_lossy().into_owned();
            return match zone_named(&tz) {
                Some(z) => z,
                None if tz.trim().is_empty() => Tz::UTC,
                None => {
                    crate::term::warn(&format!(
                        "TZ={tz} is not an IANA time zone name: times are in UTC (set TZ=Europe/Berlin, or pass --tz)"
                    ));
                    Tz::UTC
                }
            };
        }
        std::fs::read_link("/etc/localtime")
            .ok()
            .and_then(|p| zone_named(&p.to_string_lossy()))
            .or_else(|| {
                std::fs::read_to_string("/etc/timezone")
                    .ok()
                    .and_then(|s| zone_named(&s))
            })
            .unwrap_or(Tz::UTC)
    })
}

/// `Asia/Tokyo`, `:Asia/Tokyo`, `/usr/share/zoneinfo/Asia/Tokyo` (or `posix/Asia/Tokyo` in it).
fn zone_named(name: &str) -> Option<Tz> {
    let name = name.trim().trim_start_matches(':');
    let name = match name.rfind("zoneinfo/") {
        Some(at) => &name[at + "zoneinfo/".len()..],
        None => name,
    };
    let name = name
        .strip_prefix("posix/")
        .or_else(|| name.strip_prefix("right/"))
        .unwrap_or(name);
    name.parse().ok()
}

/// How times are printed: machine formats in `--tz` (or the profile's), else UTC; tables in the
/// run's one zone (`--tz`, else the profile's, else the local zone: `when::local_zone`), the
/// zone its dates are read in too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Tz(Tz),
}

/// RFC 3339 for machines (`Z` in UTC), `YYYY-MM-DD HH:MM:SS` for people.
pub fn time(t: DateTime<Utc>, zone: Zone, table: bool) -> String {
    match (zone, table) {
        (Zone::Tz(Tz::UTC), false) => match utc_stamp(t) {
            Some(b) => String::from_utf8_lossy(&b).into_owned(),
            None => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        (Zone::Tz(tz), false) => t
            .with_timezone(&tz)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        (Zone::Tz(tz), true) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// `2024-01-15T10:30:00Z` on the stack: the CSV and JSON writers' hot path (every call has one or
/// two). `None` for years outside 0..=9999, which take the general path.
pub fn utc_stamp(t: DateTime<Utc>) -> Option<[u8; 20]> {
    use chrono::{Datelike, Timelike};
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let mut b = *b"0000-00-00T00:00:00Z";
    let two = |b: &mut [u8; 20], at: usize, v: u32| {
        b[at] = b'0' + (v / 10) as u8;
        b[at + 1] = b'0' + (v % 10) as u8;
    };
    two(&mut b, 0, year / 100);
    two(&mut b, 2, year % 100);
    two(&mut b, 5, t.month());
    two(&mut b, 8, t.day());
    two(&mut b, 11, t.hour());
    two(&mut b, 14, t.minute());
    two(&mut b, 17, t.second());
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-03-10T15:30:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn dates_are_read_in_the_zone_and_to_covers_the_day() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            parse("2024-03-01", berlin, now(), End::From).unwrap(),
            at("2024-02-29T23:00:00Z")
        );
        assert_eq!(
            parse("2024-03-01", berlin, now(), End::To).unwrap(),
            at("2024-03-01T23:00:00Z")
        );
        assert_eq!(
            parse("2024-03-01", Tz::UTC, now(), End::To).unwrap(),
            at("2024-03-02T00:00:00Z")
        );
    }

    #[test]
    fn relative_words() {
        assert_eq!(
            parse("today", Tz::UTC, now(), End::From).unwrap(),
            at("2024-03-10T00:00:00Z")
        );
        assert_eq!(
            parse("today", Tz::UTC, now(), End::To).unwrap(),
            at("2024-03-11T00:00:00Z")
        );
        assert_eq!(
            parse("yesterday", Tz::UTC, now(), End::From).unwrap(),
            at("2024-03-09T00:00:00Z")
        );
        assert_eq!(
            parse("90m", Tz::UTC, now(), End::From).unwrap(),
            at("2024-03-10T14:00:00Z")
        );
        assert_eq!(
            parse("2h", Tz::UTC, now(), End::From).unwrap(),
            at("2024-03-10T13:30:00Z")
        );
        assert_eq!(
            parse("7d", Tz::UTC, now(), End::From).unwrap(),
            at("2024-03-03T15:30:00Z")
        );
        assert_eq!(
            parse("2w", Tz::UTC, now(), End::From).unwrap(),
            at("2024-02-25T15:30:00Z")
        );
        assert_eq!(parse("now", Tz::UTC, now(), End::To).unwrap(), now());
    }

    /// Every period word at `now`, read in `tz`: (word, first instant, first instant after).
    fn periods(now: &str, tz: &str) -> Vec<(&'static str, String, String)> {
        let tz: Tz = tz.parse().unwrap();
        WORDS[2..]
            .iter()
            .map(|w| {
                let from = parse(w, tz, at(now), End::From).unwrap();
                let to = parse(w, tz, at(now), End::To).unwrap();
                assert_eq!(period(w, tz, at(now)), Some((from, to)), "{w}");
                (*w, from.to_rfc3339(), to.to_rfc3339())
            })
            .collect()
    }

    fn row(w: &'static str, from: &str, to: &str) -> (&'static str, String, String) {
        (w, at(from).to_rfc3339(), at(to).to_rfc3339())
    }

    #[test]
    fn periods_at_a_month_end_in_a_leap_year() {
        // Thursday 29 February 2024, late evening in UTC.
        assert_eq!(
            periods("2024-02-29T23:59:59Z", "UTC"),
            vec![
                row("this-week", "2024-02-26T00:00:00Z", "2024-03-04T00:00:00Z"),
                row("last-week", "2024-02-19T00:00:00Z", "2024-02-26T00:00:00Z"),
                row("this-month", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
                row("last-month", "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"),
                row("this-year", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
                row("last-year", "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
            ]
        );
        // The same instant is already 1 March in Berlin: another week day, month.
        assert_eq!(
            periods("2024-02-29T23:59:59Z", "Europe/Berlin")[..4],
            vec![
                row("this-week", "2024-02-25T23:00:00Z", "2024-03-03T23:00:00Z"),
                row("last-week", "2024-02-18T23:00:00Z", "2024-02-25T23:00:00Z"),
                row("this-month", "2024-02-29T23:00:00Z", "2024-03-31T22:00:00Z"),
                row("last-month", "2024-01-31T23:00:00Z", "2024-02-29T23:00:00Z"),
            ]
        );
    }

    #[test]
    fn periods_in_the_first_week_of_a_year() {
        // Wednesday 1 January 2025 in Berlin (still 31 December in UTC): the week began in
        // 2024 on Monday 30 December.
        assert_eq!(
            periods("2024-12-31T23:30:00Z", "Europe/Berlin"),
            vec![
                row("this-week", "2024-12-29T23:00:00Z", "2025-01-05T23:00:00Z"),
                row("last-week", "2024-12-22T23:00:00Z", "2024-12-29T23:00:00Z"),
                row("this-month", "2024-12-31T23:00:00Z", "2025-01-31T23:00:00Z"),
                row("last-month", "2024-11-30T23:00:00Z", "2024-12-31T23:00:00Z"),
                row("this-year", "2024-12-31T23:00:00Z", "2025-12-31T23:00:00Z"),
                row("last-year", "2023-12-31T23:00:00Z", "2024-12-31T23:00:00Z"),
            ]
        );
        // A Monday that starts a year starts its week; a Sunday ends the week before.
        assert_eq!(
            periods("2024-01-01T00:00:00Z", "UTC")[0],
            row("this-week", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z")
        );
        assert_eq!(
            periods("2023-01-01T23:59:59Z", "UTC")[..2],
            vec![
                row("this-week", "2022-12-26T00:00:00Z", "2023-01-02T00:00:00Z"),
                row("last-week", "2022-12-19T00:00:00Z", "2022-12-26T00:00:00Z"),
            ]
        );
    }

    #[test]
    fn periods_across_daylight_saving_changes() {
        // Berlin: the week of 31 March 2024 lost an hour (167 hours), October 2024 gained one.
        let berlin = periods("2024-04-03T10:00:00Z", "Europe/Berlin");
        assert_eq!(
            berlin[1],
            row("last-week", "2024-03-24T23:00:00Z", "2024-03-31T22:00:00Z")
        );
        assert_eq!(
            periods("2024-10-30T10:00:00Z", "Europe/Berlin")[2],
            row("this-month", "2024-09-30T22:00:00Z", "2024-10-31T23:00:00Z")
        );
        // Sao Paulo (DST until 2019): November 2018 began at -03 and ended at -02.
        assert_eq!(
            periods("2018-11-20T12:00:00Z", "America/Sao_Paulo")[2],
            row("this-month", "2018-11-01T03:00:00Z", "2018-12-01T02:00:00Z")
        );
        // ... and today, without DST, every period is whole days of -03.
        assert_eq!(
            periods("2025-11-05T12:00:00Z", "America/Sao_Paulo")[..3],
            vec![
                row("this-week", "2025-11-03T03:00:00Z", "2025-11-10T03:00:00Z"),
                row("last-week", "2025-10-27T03:00:00Z", "2025-11-03T03:00:00Z"),
                row("this-month", "2025-11-01T03:00:00Z", "2025-12-01T03:00:00Z"),
            ]
        );
    }

    #[test]
    fn ages_in_months_and_years_are_calendar_months_in_the_zone() {
        let utc = Tz::UTC;
        let sp: Tz = "America/Sao_Paulo".parse().unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        for (word, tz, now, want) in [
            ("1mo", utc, "2024-03-31T12:00:00Z", "2024-02-29T12:00:00Z"),
            ("1mo", utc, "2025-03-31T12:00:00Z", "2025-02-28T12:00:00Z"),
            ("13MO", utc, "2025-03-31T12:00:00Z", "2024-02-29T12:00:00Z"),
            ("1y", utc, "2024-02-29T08:00:00Z", "2023-02-28T08:00:00Z"),
            ("4y", utc, "2024-02-29T08:00:00Z", "2020-02-29T08:00:00Z"),
            ("0mo", utc, "2024-02-29T08:00:00Z", "2024-02-29T08:00:00Z"),
            // 12:00 in Berlin in summer is 12:00 in Berlin in winter: another UTC hour.
            (
                "3mo",
                berlin,
                "2024-06-15T10:00:00Z",
                "2024-03-15T11:00:00Z",
            ),
            // 00:30 on 4 November 2018 did not exist in Sao Paulo (clocks went 00:00 → 01:00).
            ("1mo", sp, "2018-12-04T02:30:00Z", "2018-11-04T03:30:00Z"),
        ] {
            assert_eq!(
                parse(word, tz, at(now), End::From).unwrap(),
                at(want),
                "{word} at {now} in {tz}"
            );
            assert_eq!(
                parse(word, tz, at(now), End::To).unwrap(),
                at(want),
                "{word}"
            );
        }
        for far in ["100001mo", "9000y", "99999999999y"] {
            let err = parse(far, utc, now(), End::From).unwrap_err();
            assert!(err.contains("too far back"), "{far}: {err}");
        }
        // Durations (--lookback, --every) have no calendar: months and years are not one.
        assert!(parse_duration("1mo").is_err());
        assert!(parse_duration("1y").is_err());
    }

    #[test]
    fn call_lengths_in_seconds_or_with_units() {
        for (word, secs) in [
            ("90", 90),
            ("0", 0),
            ("90s", 90),
            ("2m", 120),
            ("1m30s", 90),
            ("1h", 3600),
            ("1h5m", 3900),
            (" 1M30S ", 90),
        ] {
            assert_eq!(parse_seconds(word, 100_000), Ok(secs), "{word}");
        }
        for bad in ["", "1m30", "30s1m", "1m1m", "m", "-5", "1.5m", "2 m", "1d"] {
            let err = parse_seconds(bad, 100_000).unwrap_err();
            assert!(
                err.contains("give seconds (90), or 2m, 1m30s"),
                "{bad}: {err}"
            );
        }
        assert_eq!(
            parse_seconds("2h", 3600).unwrap_err(),
            "'2h' is 7200 seconds: expected 0 to 3600 seconds"
        );
    }

    #[test]
    fn datetimes_with_and_without_offset() {
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(
            parse("2024-03-01T10:00:00+02:00", ny, now(), End::To).unwrap(),
            at("2024-03-01T08:00:00Z")
        );
        assert_eq!(
            parse("2024-03-01 10:00", ny, now(), End::From).unwrap(),
            at("2024-03-01T15:00:00Z")
        );
        // 02:30 does not exist in New York on 2024-03-10.
        assert!(parse("2024-03-10T02:30", ny, now(), End::From)
            .unwrap_err()
            .contains("gap"));
    }

    #[test]
    fn bad_words_say_what_is_accepted() {
        for bad in [
            "2024-13-01",
            "last tuesday",
            "5yr",
            "",
            "1d2",
            "next-month",
            "1mon",
            "mo",
            "y",
        ] {
            let err = parse(bad, Tz::UTC, now(), End::From).unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{bad}: {err}");
        }
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("IANA"));
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        for name in [
            "Asia/Tokyo",
            ":Asia/Tokyo",
            "/usr/share/zoneinfo/Asia/Tokyo",
            "../usr/share/zoneinfo/posix/Asia/Tokyo\n",
        ] {
            assert_eq!(super::zone_named(name), Some(tokyo), "{name}");
        }
        assert_eq!(super::zone_named("JST-9"), None);
    }
}
