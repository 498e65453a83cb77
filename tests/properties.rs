//! Generated inputs for the readers of user and vendor text: `when` (the `--from` / `--to`
//! words), the lenient number readers of vendor records, and `phone_digits`. Each property runs
//! a few hundred generated cases; none may panic.

use calls::call::phone_digits;
use calls::when::{self, End};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use serde_json::{json, Value};

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

/// The pinned "now" of a command.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 30, 0).unwrap()
}

const ZONES: [Tz; 6] = [
    chrono_tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Pacific::Apia,
    chrono_tz::America::Santiago,
];

fn zone() -> impl Strategy<Value = Tz> {
    (0..ZONES.len()).prop_map(|i| ZONES[i])
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![Just(End::From), Just(End::To)]
}

/// Any date chrono can hold, its first and last days among them.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::MIN.num_days_from_ce();
    let last = NaiveDate::MAX.num_days_from_ce();
    prop_oneof![first..=first + 3, last - 3..=last, first..=last,]
        .prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap())
}

/// Dates of the years anyone asks for.
fn plain_date() -> impl Strategy<Value = NaiveDate> {
    let lo = NaiveDate::from_ymd_opt(1900, 1, 1)
        .unwrap()
        .num_days_from_ce();
    let hi = NaiveDate::from_ymd_opt(2200, 12, 31)
        .unwrap()
        .num_days_from_ce();
    (lo..=hi).prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap())
}

fn plain_datetime() -> impl Strategy<Value = NaiveDateTime> {
    (plain_date(), 0u32..86_400)
        .prop_map(|(d, s)| d.and_hms_opt(s / 3600, s / 60 % 60, s % 60).unwrap())
}

/// Words that look like WHENs: dates, datetimes, relative forms, signs, huge numbers.
fn when_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
        "[+-]?[0-9]{1,7}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,12})?)?(Z|[+-][0-9]{2}:[0-9]{2})?",
        "[0-9]{1,25}[mhdMHDs]?",
        " *(now|today|yesterday|NOW|Today) *",
    ]
}

proptest! {
    #![proptest_config(config())]

    /// No word panics: it is a time or an error message.
    #[test]
    fn when_never_panics_on_any_word(word in any::<String>(), tz in zone(), end in end()) {
        let _ = when::parse(&word, tz, now(), end);
        let _ = when::parse_duration(&word);
    }

    #[test]
    fn when_never_panics_on_words_that_look_like_times(word in when_like(), tz in zone(), end in end()) {
        let _ = when::parse(&word, tz, now(), end);
        let _ = when::parse_duration(&word);
    }

    /// Every date chrono can hold, at both ends of the window: a time or an error, no panic.
    #[test]
    fn when_never_panics_on_any_date(date in any_date(), tz in zone(), end in end()) {
        let _ = when::parse(&date.format("%Y-%m-%d").to_string(), tz, now(), end);
        let _ = when::parse(&format!("{}T12:00:00", date.format("%Y-%m-%d")), tz, now(), end);
        let _ = when::parse(&format!("{}T00:00:00Z", date.format("%Y-%m-%d")), tz, now(), end);
    }

    /// A date is the start of that day in the zone (`--to`: of the next day).
    #[test]
    fn dates_round_trip(date in plain_date(), tz in zone()) {
        let word = date.format("%Y-%m-%d").to_string();
        let from = when::parse(&word, tz, now(), End::From).unwrap();
        let to = when::parse(&word, tz, now(), End::To).unwrap();
        let local = from.with_timezone(&tz);
        prop_assert_eq!(local.date_naive(), date);
        // Midnight, or the first hour that exists on a day that skips midnight.
        prop_assert!(local.hour() <= 3 && local.minute() == 0, "{}", local);
        prop_assert_eq!(to.with_timezone(&tz).date_naive(), date.succ_opt().unwrap());
        prop_assert!(from < to);
        if tz == chrono_tz::UTC {
            prop_assert_eq!(from, date.and_hms_opt(0, 0, 0).unwrap().and_utc());
            prop_assert_eq!(to - from, Duration::days(1));
        }
    }

    /// An RFC 3339 datetime is that instant, whatever the zone.
    #[test]
    fn rfc3339_datetimes_round_trip(t in plain_datetime(), offset_min in -14 * 60i32..=14 * 60, tz in zone(), end in end()) {
        let offset = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
        let at = offset.from_local_datetime(&t).unwrap();
        let got = when::parse(&at.to_rfc3339(), tz, now(), end).unwrap();
        prop_assert_eq!(got, at.with_timezone(&Utc));
    }

    /// A datetime without an offset is that wall-clock time in the zone, or an error naming
    /// the daylight-saving gap it falls in.
    #[test]
    fn local_datetimes_round_trip(t in plain_datetime(), tz in zone(), sep in prop_oneof![Just("T"), Just(" ")]) {
        let word = t.format(&format!("%Y-%m-%d{sep}%H:%M:%S")).to_string();
        match when::parse(&word, tz, now(), End::From) {
            Ok(got) => prop_assert_eq!(got.with_timezone(&tz).naive_local(), t),
            Err(e) => {
                prop_assert!(tz.from_local_datetime(&t).single().is_none());
                prop_assert!(e.contains("daylight-saving gap"), "{}", e);
            }
        }
    }

    /// `30m`, `12h`, `7d` are that long before now; further back than 100,000 units is an
    /// error, never an overflow.
    #[test]
    fn relative_words_round_trip(n in 0i64..=100_000, unit in prop_oneof![Just('m'), Just('h'), Just('d')], upper in any::<bool>()) {
        let word = format!("{n}{}", if upper { unit.to_ascii_uppercase() } else { unit });
        let span = match unit {
            'm' => Duration::minutes(n),
            'h' => Duration::hours(n),
            _ => Duration::days(n),
        };
        prop_assert_eq!(when::parse(&word, chrono_tz::UTC, now(), End::From), Ok(now() - span));
        prop_assert_eq!(when::parse_duration(&word), Ok(span));
    }

    #[test]
    fn relative_words_too_far_back_are_errors(n in 100_001u128..=u128::MAX, unit in prop_oneof![Just('m'), Just('h'), Just('d')]) {
        let word = format!("{n}{unit}");
        let err = when::parse(&word, chrono_tz::UTC, now(), End::From).unwrap_err();
        prop_assert!(err.contains("too far back"), "{}", err);
    }
}

// ---- The lenient number readers -------------------------------------------------------------

#[derive(serde::Deserialize)]
struct Record {
    #[serde(default, deserialize_with = "calls::vendors::lenient::opt_i64")]
    n: Option<i64>,
    #[serde(default, deserialize_with = "calls::vendors::lenient::opt_id")]
    id: Option<String>,
    #[serde(default, deserialize_with = "calls::vendors::lenient::opt_decimal")]
    cost: Option<String>,
}

fn read(v: &Value) -> Result<Record, serde_json::Error> {
    serde_json::from_value(json!({"n": v, "id": v, "cost": v}))
}

/// Every JSON scalar a vendor might send: numbers of any size, numeric and other strings,
/// booleans, null.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "[ +-]?[0-9]{0,30}(\\.[0-9]{0,10})?([eE][+-]?[0-9]{1,4})? ?".prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// No scalar panics a reader: it reads or is refused.
    #[test]
    fn lenient_readers_never_panic(v in scalar()) {
        let _ = read(&v);
    }

    /// The same through the text parser, as a vendor's body arrives.
    #[test]
    fn lenient_readers_never_panic_on_number_text(text in "-?[0-9]{1,400}(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,5})?") {
        let _ = serde_json::from_str::<Record>(&format!("{{\"n\": {text}, \"id\": {text}, \"cost\": {text}}}"));
    }

    /// Integers read back as themselves, as JSON numbers and as strings; ids and decimals keep
    /// their digits.
    #[test]
    fn integers_round_trip(i in any::<i64>()) {
        let r = read(&json!(i)).unwrap();
        prop_assert_eq!(r.n, Some(i));
        prop_assert_eq!(r.id, Some(i.to_string()));
        prop_assert_eq!(r.cost, Some(i.to_string()));
    }

    /// Up to 2^53, where every integer is exact in a double, an integer written as a string
    /// reads back as itself too.
    #[test]
    fn integer_strings_round_trip(i in -(1i64 << 53)..=(1i64 << 53)) {
        let r = read(&json!(i.to_string())).unwrap();
        prop_assert_eq!(r.n, Some(i));
        prop_assert_eq!(r.id, Some(i.to_string()));
    }
}

/// Found by the properties above: an integer string beyond 2^53 is read through a double and
/// comes back changed (`"9007199254740993"` reads as 9007199254740992).
#[test]
fn integer_strings_beyond_two_to_the_53_round_trip() {
    for i in [9_007_199_254_740_993i64, i64::MAX, i64::MIN + 1] {
        assert_eq!(read(&json!(i.to_string())).unwrap().n, Some(i), "{i}");
    }
}

/// Found by the properties above: a number beyond i64 is clamped to i64::MAX / MIN instead of
/// being unreadable (issue 8 item 14: out of range is null, never a wrong value).
#[test]
fn numbers_beyond_i64_are_unreadable() {
    for v in [
        json!(u64::MAX),
        json!(1e300),
        json!(-1e300),
        json!("1e19"),
        json!("9223372036854775808"),
    ] {
        assert_eq!(read(&v).unwrap().n, None, "{v}");
    }
}

// ---- phone_digits ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Only the ASCII digits of the input, in order; a second pass changes nothing.
    #[test]
    fn phone_digits_keeps_the_digits_in_order_and_is_idempotent(s in any::<String>()) {
        let d = phone_digits(&s);
        prop_assert!(d.bytes().all(|b| b.is_ascii_digit()));
        let want: String = s.chars().filter(char::is_ascii_digit).collect();
        prop_assert_eq!(&d, &want);
        prop_assert_eq!(phone_digits(&d), d);
    }

    #[test]
    fn phone_digits_of_formatted_numbers(digits in "[0-9]{1,15}", seps in proptest::collection::vec("[ ()./+-]{0,2}", 16)) {
        let formatted: String = digits
            .chars()
            .zip(seps.iter())
            .map(|(c, sep)| format!("{sep}{c}"))
            .collect();
        prop_assert_eq!(phone_digits(&formatted), digits);
    }
}

/// The ends of chrono's calendar, where a day added or an offset applied overflows.
#[test]
fn when_at_the_ends_of_the_calendar_is_a_time_or_an_error() {
    for word in [
        "+262142-12-31",
        "-262143-01-01",
        "+262142-12-31T23:59:59",
        "-262143-01-01T00:00:00",
        "+262142-12-31T23:59:59-14:00",
        "-262143-01-01T00:00:00+14:00",
    ] {
        for tz in ZONES {
            for end in [End::From, End::To] {
                let _ = when::parse(word, tz, now(), end);
            }
        }
    }
    for date in [NaiveDate::MIN, NaiveDate::MAX] {
        for tz in ZONES {
            for end in [End::From, End::To] {
                let _ = when::parse(&date.format("%Y-%m-%d").to_string(), tz, now(), end);
            }
        }
    }
}

/// JSON values of every kind, nested a few levels, with strings full of escapes and slashes.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[ a-z/\\\\\"\n\t\u{e9}\u{1F600}:{},\\[\\]]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z /\\\\\"]{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    /// A raw record, however the vendor spaced and escaped it, is the same JSON on one line.
    #[test]
    fn a_raw_record_is_the_vendors_json_on_one_line(v in json_value(), pretty in any::<bool>(), slashes in any::<bool>()) {
        let mut text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
        if slashes {
            // PHP's json_encode writes every `/` as `\/`.
            text = text.replace('/', "\\/");
        }
        let parsed: &serde_json::value::RawValue = serde_json::from_str(&text).unwrap();
        let raw = calls::call::Raw::new(parsed);
        prop_assert_eq!(raw.value(), v);
        prop_assert!(!raw.get().contains('\n'));
    }

    /// Every instant written in each shape the vendors publish (`T` or a space, a fraction of
    /// any length, `Z`, `+HH:MM`, `+HHMM`, `+HH`, or no zone at all in a given zone) reads back
    /// as that instant through the one vendor time reader.
    #[test]
    fn vendor_times_read_back_in_every_published_shape(
        secs in -2_177_452_800i64..253_370_764_800,
        nanos in 0u32..1_000_000_000,
        digits in 0usize..=12,
        extra in "[0-9]{3}",
        offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59i32),
        shape in 0usize..6,
        sep in prop_oneof![Just('T'), Just(' ')],
        zone in prop_oneof![Just("UTC"), Just("America/Sao_Paulo"), Just("America/New_York"), Just("Europe/Berlin"), Just("Australia/Lord_Howe"), Just("Asia/Kathmandu")],
    ) {
        let kept = digits.min(9);
        let nanos = nanos - nanos % 10u32.pow(9 - kept as u32);
        let instant = DateTime::from_timestamp(secs, nanos).unwrap();
        let mut fraction = String::new();
        if digits > 0 {
            fraction = format!(".{}", &format!("{nanos:09}")[..kept]);
            fraction.push_str(&extra[..digits - kept]);
        }
        let offset_minutes = if shape == 3 { offset_minutes / 60 * 60 } else { offset_minutes };
        let offset = chrono::FixedOffset::east_opt(offset_minutes * 60).unwrap();
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let (h, m) = (offset_minutes.abs() / 60, offset_minutes.abs() % 60);
        let tz: Tz = zone.parse().unwrap();
        let (local, suffix) = match shape {
            0 => (instant.naive_utc(), "Z".to_string()),
            1 => (instant.with_timezone(&offset).naive_local(), format!("{sign}{h:02}:{m:02}")),
            2 => (instant.with_timezone(&offset).naive_local(), format!("{sign}{h:02}{m:02}")),
            3 => (instant.with_timezone(&offset).naive_local(), format!("{sign}{h:02}")),
            4 => (instant.with_timezone(&offset).naive_local(), format!(" {sign}{h:02}{m:02}")),
            _ => (instant.with_timezone(&tz).naive_local(), String::new()),
        };
        let text = format!("{}{sep}{}{fraction}{suffix}", local.format("%Y-%m-%d"), local.format("%H:%M:%S"));
        let got = calls::vendors::time::read(calls::vendors::Vendor::Famulor, "created_at", &text, tz);
        let got = got.map_err(|e| TestCaseError::fail(format!("{text}: {e:#}")))?;
        if shape == 5 {
            // A wall-clock time on the hour that repeats is the first of its two instants.
            let first = tz.from_local_datetime(&local).earliest().unwrap();
            prop_assert!(got == instant || got == first.with_timezone(&Utc), "{} read as {}", text, got);
        } else {
            prop_assert_eq!(got, instant, "{}", text);
        }
    }

    /// Any text, and any valid time with one byte changed, reads as a time or is an error that
    /// names the vendor and the field; never a panic.
    #[test]
    fn vendor_time_garbage_is_a_clear_error(text in "\\PC{0,40}", at in 0usize..32, byte in any::<u8>()) {
        let mut mutated = b"2025-08-04T14:30:00.123+02:00".to_vec();
        let at = at % mutated.len();
        mutated[at] = byte;
        let mutated = String::from_utf8_lossy(&mutated).into_owned();
        for s in [text.as_str(), mutated.as_str()] {
            if let Err(e) = calls::vendors::time::read(calls::vendors::Vendor::Evolux, "end_time", s, Tz::UTC) {
                let e = format!("{e:#}");
                prop_assert!(e.contains("evolux") && e.contains("end_time"), "{}", e);
            }
        }
    }
}

/// Text shaped like what vendors put in a number field: digits with the usual separators, a
/// `+` or `00` in front, trunk prefixes, words and stray signs.
fn number_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[+]?[0-9 ()./-]{0,24}",
        "(\\+|00|0|1)?[1-9][0-9]{1,3}[ -]?[0-9]{2,5}[ -]?[0-9]{2,8}",
        "[0-9a-zA-Z*#;=+ ]{0,20}",
        any::<String>(),
    ]
}

fn country() -> impl Strategy<Value = Option<calls::phone::Country>> {
    prop_oneof![
        Just(None),
        "(DE|BR|US|AE|GB|IT|IN|AR|MX|CN)".prop_map(|c| calls::phone::Country::parse(&c).ok()),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Normalizing never panics, gives E.164 or the text unchanged, and is idempotent: a number
    /// already normalized (by this run, or stored by an earlier one) stays as it is.
    #[test]
    fn phone_normalizing_is_idempotent_and_gives_e164_or_the_text(text in number_like(), country in country()) {
        let once = calls::phone::normalize(&text, country).into_owned();
        if once != text {
            prop_assert!(once.starts_with('+') && once.len() <= 16, "{} -> {}", text, once);
            prop_assert!(once[1..].bytes().all(|b| b.is_ascii_digit()), "{} -> {}", text, once);
        }
        let twice = calls::phone::normalize(&once, country).into_owned();
        prop_assert_eq!(&twice, &once, "{}", text);
        // Read in any other country, an E.164 number is the same number.
        if once != text {
            prop_assert_eq!(calls::phone::normalize(&once, None).into_owned(), once.clone());
        }
        let _ = calls::phone::national_digits(&text, country);
    }

    /// `--number` finds a normalized number by the text it was read from.
    #[test]
    fn number_filter_finds_a_number_by_its_vendor_text(text in "(\\+49|0)1[5-7][0-9] ?[0-9]{7,8}") {
        let de = calls::phone::Country::parse("DE").ok();
        let stored = calls::phone::normalize(&text, de).into_owned();
        let wanted = calls::phone::normalize(&text, de).into_owned();
        prop_assert!(calls::query::number_matches(&wanted, Some(&stored)));
        prop_assert!(calls::query::number_matches(&text, Some(&stored)), "{} vs {}", text, stored);
    }
}
