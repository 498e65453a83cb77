//! The one reader of the vendors' times: every vendor's wire conversion reads its timestamps
//! here, so that a shape one vendor's published examples show is read for all of them.
//!
//! Read: a date, `T` or a space, a time to the second with an optional fraction of any length,
//! then an optional zone: `Z`, or an offset as `+02:00`, `+0200` or `+02` (an optional space
//! before it). A time without a zone is a wall-clock time in the zone the caller gives (the
//! vendor's, or the profile's `vendor_timezone`).

use anyhow::Result;
use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime};
use chrono::{Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::types::Vendor;

/// What calls reads, in words, for errors.
const SHAPES: &str = "YYYY-MM-DD HH:MM:SS or YYYY-MM-DDTHH:MM:SS, with optional fractional \
                      seconds and an optional Z / +HH:MM / +HHMM / +HH";

/// `s`, a `vendor`'s `field`, as an instant; a time without a zone is read in `zone`.
///
/// NOTE: the vendors' published examples write the same field as `2024-01-15T10:30:00Z`,
/// `2025-08-04 14:30:00` (Famulor classic: no zone), `2020-01-11T23:00:00+00` (Evolux: an
/// offset without minutes) and `+0200` (Famulor): vendor-docs/README.md, "The vendors' own
/// published examples".
pub fn read(vendor: Vendor, field: &str, s: &str, zone: Tz) -> Result<DateTime<Utc>> {
    let text = s.trim();
    let (local, offset) = parse(text).ok_or_else(|| {
        anyhow::anyhow!(
            "{vendor} sent an unreadable {field} {:?}: expected {SHAPES}",
            crate::term::printable(text)
        )
    })?;
    let at = match offset {
        Some(offset) => offset
            .from_local_datetime(&local)
            .single()
            .map(|t| t.with_timezone(&Utc)),
        None => Some(in_zone(local, zone)),
    };
    at.ok_or_else(|| {
        anyhow::anyhow!(
            "{vendor} sent {field} {:?}, which is outside the dates calls handles",
            crate::term::printable(text)
        )
    })
}

/// A wall-clock time in `zone`. NOTE: on the hour that repeats when clocks go back the first
/// of the two instants is taken; a time in the hour that clocks skip (which no clock showed)
/// is read with the offset in force before the skip, as `2:30` on a spring-forward night is
/// `3:30` daylight time (the "compatible" reading of JavaScript's Temporal and of PHP, which
/// Famulor's API is written in), rather than failing the whole export over one call.
fn in_zone(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // Zones skip 30 minutes to 2 hours (tzdb): the offset of a time shortly before
            // the skip is the one in force before it.
            [30, 60, 90, 120, 180]
                .into_iter()
                .find_map(|m| {
                    let before = zone.from_local_datetime(&(local - Duration::minutes(m)));
                    before.latest().map(|t| t.offset().fix().local_minus_utc())
                })
                .map_or_else(
                    || local.and_utc(),
                    |offset| (local - Duration::seconds(i64::from(offset))).and_utc(),
                )
        }
    }
}

/// The wall-clock time and its offset, if any; `None` for anything else.
fn parse(s: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(b, 0, 4)? as i32, num(b, 5, 2)?, num(b, 8, 2)?)?;
    let (hour, minute, second) = (num(b, 11, 2)?, num(b, 14, 2)?, num(b, 17, 2)?);
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        // Digits past the ninth are below a nanosecond: dropped.
        for (i, c) in b[at + 1..at + 1 + digits].iter().enumerate().take(9) {
            nanos += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
        }
        at += 1 + digits;
    }
    // A leap second (`:60`) is the last second of the minute, as chrono keeps it.
    let time = if second == 60 {
        NaiveTime::from_hms_nano_opt(hour, minute, 59, 1_000_000_000 + nanos)?
    } else {
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?
    };
    let offset = offset(&b[at..])?;
    Some((date.and_time(time), offset))
}

/// The zone after the time: nothing, `Z`, `+HH:MM`, `+HHMM` or `+HH` (an optional space
/// first). `None` when it is something else; `Some(None)` when there is no zone.
fn offset(b: &[u8]) -> Option<Option<FixedOffset>> {
    let b = b.strip_prefix(b" ").unwrap_or(b);
    match b {
        [] => return Some(None),
        [b'Z' | b'z'] => return FixedOffset::east_opt(0).map(Some),
        _ => {}
    }
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = &b[1..];
    let (hours, minutes) = match rest.len() {
        2 => (num(rest, 0, 2)?, 0),
        4 => (num(rest, 0, 2)?, num(rest, 2, 2)?),
        5 if rest[2] == b':' => (num(rest, 0, 2)?, num(rest, 3, 2)?),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60) as i32).map(Some)
}

/// The decimal number of `len` digits at `at`; `None` unless they are all digits.
fn num(b: &[u8], at: usize, len: usize) -> Option<u32> {
    b.get(at..at + len)?.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn utc(s: &str) -> Result<DateTime<Utc>> {
        read(Vendor::Evolux, "start_time", s, Tz::UTC)
    }

    #[test]
    fn every_published_shape_reads() {
        for (s, want) in [
            ("2024-01-15T10:30:00Z", "2024-01-15T10:30:00Z"),
            ("2025-08-04 14:30:00", "2025-08-04T14:30:00Z"),
            ("2020-01-11T23:00:00+00", "2020-01-11T23:00:00Z"),
            ("2021-10-28T19:42:00+00:00", "2021-10-28T19:42:00Z"),
            ("2025-08-04T14:30:00+0200", "2025-08-04T12:30:00Z"),
            ("2025-08-04T14:30:00+02", "2025-08-04T12:30:00Z"),
            ("2025-08-04T14:30:00-03:00", "2025-08-04T17:30:00Z"),
            ("2025-08-04 14:30:00 +0200", "2025-08-04T12:30:00Z"),
            ("2025-08-04T14:30:00.5Z", "2025-08-04T14:30:00.5Z"),
            (
                "2025-08-04T14:30:00.123456789123+00:00",
                "2025-08-04T14:30:00.123456789Z",
            ),
            ("2025-08-04t14:30:00z", "2025-08-04T14:30:00Z"),
            ("  2025-08-04 14:30:00  ", "2025-08-04T14:30:00Z"),
        ] {
            assert_eq!(utc(s).unwrap(), at(want), "{s}");
        }
    }

    #[test]
    fn a_zoneless_time_is_read_in_the_zone_given() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let read_in = |s: &str, tz| read(Vendor::Famulor, "created_at", s, tz).unwrap();
        assert_eq!(
            read_in("2025-08-04 14:30:00", berlin),
            at("2025-08-04T12:30:00Z")
        );
        // An offset wins over the zone.
        assert_eq!(
            read_in("2025-08-04 14:30:00Z", berlin),
            at("2025-08-04T14:30:00Z")
        );
        // The repeated hour: the first instant; the skipped hour: the offset before the skip.
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(
            read_in("2024-11-03 01:30:00", ny),
            at("2024-11-03T05:30:00Z")
        );
        assert_eq!(
            read_in("2024-03-10 02:30:00", ny),
            at("2024-03-10T07:30:00Z")
        );
        let sao: Tz = "America/Sao_Paulo".parse().unwrap();
        assert_eq!(
            read_in("2018-11-04 00:10:00", sao),
            at("2018-11-04T03:10:00Z")
        );
    }

    #[test]
    fn garbage_is_an_error_naming_the_vendor_and_the_field() {
        for s in [
            "",
            "yesterday",
            "04.08.2025 14:30",
            "2025-08-04",
            "2025-08-04 14:30",
            "2025-02-29 10:00:00",
            "2025-13-01 10:00:00",
            "2025-01-01 24:00:00",
            "2025-01-01 10:00:61",
            "2025-01-01 10:00:00.",
            "2025-01-01 10:00:00+2",
            "2025-01-01 10:00:00+024",
            "2025-01-01 10:00:00+24:00",
            "2025-01-01 10:00:00+02:60",
            "2025-01-01 10:00:00 CET",
            "2025-01-01 10:00:00ZZ",
            "+025-01-01 10:00:00",
            "2025-01-01 10:00:00\u{1b}[2J",
        ] {
            let e = format!("{:#}", utc(s).unwrap_err());
            assert!(e.contains("evolux") && e.contains("start_time"), "{e}");
            assert!(!e.contains('\u{1b}'), "{e}");
        }
    }
}
