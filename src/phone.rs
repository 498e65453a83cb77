//! Phone numbers in one form across vendors: E.164 (`+4915123456789`) where a vendor's text can
//! be read as one, by libphonenumber's rules (the `phonenumber` crate), never by prefix tables
//! of our own. A national form is read with the profile's `country` (else the vendor's default,
//! [`default_country`]); what cannot be read stays the vendor's text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

use phonenumber::country::Id;

use crate::call::Call;
use crate::types::Vendor;

/// A country whose numbering plan reads national forms: an ISO 3166 alpha-2 code (`DE`, `BR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(Id);

impl Country {
    /// `de`, `DE`, ` BR `: the code of a country libphonenumber knows the plan of.
    pub fn parse(code: &str) -> Result<Country, String> {
        let code = code.trim().to_ascii_uppercase();
        let id = (code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| code.parse::<Id>().ok())
            .flatten()
            // `phonenumber` names a few regions that have no numbering plan of their own.
            .filter(|id| phonenumber::metadata::DATABASE.by_id(id.as_ref()).is_some());
        id.map(Country).ok_or_else(|| {
            format!(
                "'{code}' is not a country code libphonenumber knows: use an ISO 3166 alpha-2 code such as DE, BR, US or AE"
            )
        })
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Id`'s names are the codes themselves.
        f.write_str(self.0.as_ref())
    }
}

/// The country a vendor's national forms are read in when a profile names none (SPEC "Output";
/// README "Phone numbers").
// NOTE: from vendor-docs/README.md: Famulor is German (numbers stored as `+49...`), Evolux
// Brazilian (`subscriber.number` national, `84999999999`), Callcap a US product (its examples
// `316-555-3333`), myCRM Property Finder's CRM in the UAE. Brightcall / Convolo documents no
// country and serves numbers in international form (`+14155550123`, `+447700900123` in the
// captured examples) for accounts in many countries: a guessed plan would turn another
// country's national form into a wrong number silently, so it has none; a profile's `country`
// gives one.
pub fn default_country(vendor: Vendor) -> Option<Country> {
    let id = match vendor {
        Vendor::Famulor => Id::DE,
        Vendor::Evolux => Id::BR,
        Vendor::Callcap => Id::US,
        Vendor::Mycrm => Id::AE,
        Vendor::Brightcall => return None,
    };
    Some(Country(id))
}

/// The number in E.164 where `text` reads as one: an international form (`+49 151 ...`,
/// `0049 151 ...` where the country's exit code is `00`) whenever its country code is known
/// and its length possible, a national form (`0151 ...`, `(316) 555-3333`) only when it is a
/// valid number of `country`. Text with letters or other signs (`anonymous`, `*21#`, an
/// extension) is not read.
pub fn e164(text: &str, country: Option<Country>) -> Option<String> {
    let t = text.trim();
    if !t.bytes().any(|b| b.is_ascii_digit())
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b" +-.()/".contains(&b))
        || t.bytes().skip(1).any(|b| b == b'+')
    {
        return None;
    }
    // NOTE: a `+` form names its country itself; `phonenumber` 0.3.10 fails on some of them
    // given a default country (`+60 10...` with `US`), so it is read without one.
    let country = if t.starts_with('+') { None } else { country };
    let n = phonenumber::parse(country.map(|c| c.0), t).ok()?;
    if n.extension().is_some() {
        return None;
    }
    // (`phonenumber` reports a `+49` number read with `DE` as of the default country.)
    let international = t.starts_with('+')
        || matches!(
            n.code().source(),
            phonenumber::country::Source::Plus | phonenumber::country::Source::Idd
        );
    // NOTE: an international form is the number as dialled, even where today's plan calls it
    // invalid (plans change, and vendors store what was dialled); a national form read in a
    // plan it does not fit would be another number, so it must be valid there.
    let read = fits_e164(&n)
        && if international {
            possible_length(&n)
        } else {
            n.is_valid()
        };
    read.then(|| n.format().mode(phonenumber::Mode::E164).to_string())
}

/// The national number's length is one the plans of its country code allow.
fn possible_length(n: &phonenumber::PhoneNumber) -> bool {
    lengths(n.code().value()).contains(&n.national().to_string().len())
}

/// At most 15 digits, country code included (ITU-T E.164); some plans' patterns allow longer.
fn fits_e164(n: &phonenumber::PhoneNumber) -> bool {
    n.code().value().to_string().len() + n.national().to_string().len() <= 15
}

/// True when `text` is E.164 as [`e164`] would write it, known without reading it the full way
/// (a sixth of an export's CPU went to reading Famulor's numbers, all already E.164): `+` and at
/// most 15 digits, a country code whose plans strip no prefix from this number, and a length
/// they allow. `false` only means "read it the full way".
fn already_e164(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    if !(2..=15).contains(&digits.len())
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    // Country codes are prefix-free: at most one of the first 1 to 3 digits is one.
    let Some((code, national, regions)) = (1..=3).find_map(|n| {
        let code: u16 = digits.get(..n)?.parse().ok()?;
        let regions = phonenumber::metadata::DATABASE.by_code(&code)?;
        Some((code, &digits[n..], regions))
    }) else {
        return false;
    };
    // Where a plan reads prefixes off a number (a trunk `0`, Brazil's carrier codes), the full
    // reading may change it.
    let plain = regions.iter().all(|m| {
        m.national_prefix_for_parsing().is_none()
            && m.national_prefix()
                .is_none_or(|prefix| !national.starts_with(prefix))
    });
    plain && national.len() >= 2 && lengths(code).contains(&national.len())
}

/// The shortest and longest national numbers the plans of a country code allow.
fn lengths(code: u16) -> std::ops::RangeInclusive<usize> {
    let all = phonenumber::metadata::DATABASE
        .by_code(&code)
        .unwrap_or_default()
        .into_iter()
        .flat_map(|m| {
            let d = m.descriptors();
            [
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ]
        })
        .flatten()
        .flat_map(|d| d.possible_length().iter().copied())
        .map(usize::from);
    let (min, max) = all.fold((usize::MAX, 0), |(lo, hi), l| (lo.min(l), hi.max(l)));
    min..=max
}

/// [`e164`], else the text unchanged.
pub fn normalize(text: &str, country: Option<Country>) -> Cow<'_, str> {
    match e164(text, country) {
        Some(n) => Cow::Owned(n),
        None => Cow::Borrowed(text),
    }
}

/// The digits a number is recognised by in any of its forms: its national significant number
/// (`15123456789` for `+49 151 23456789`, `0151 23456789` and `0049 151 23456789` alike) when
/// `number` reads as E.164 in `country`, else its digits after any leading zeros (a trunk or
/// exit prefix: `0151 ...` typed for a vendor without a country still finds `+49151...`). What
/// a vendor's number filter is sent: the client checks every number again, so a tail that
/// finds more is safe where a whole international form would find nothing.
pub fn national_digits(number: &str, country: Option<Country>) -> String {
    match e164(number, country).and_then(|e| phonenumber::parse(None, &e).ok()) {
        Some(n) => n.national().to_string(),
        None => crate::call::phone_digits(number)
            .trim_start_matches('0')
            .to_string(),
    }
}

/// Starts loading libphonenumber's plans (a one-time cost that checks every pattern: about
/// 0.1 s, more in a debug build) on another thread, so that it overlaps the first request.
pub fn warm_up() {
    std::thread::spawn(|| phonenumber::metadata::DATABASE.by_code(&1).is_some());
}

/// Normalizes a call's numbers, once per distinct text: a run sees the same lines and callers
/// again and again, and reading a number is the costly part.
#[derive(Debug)]
pub struct Normalizer {
    country: Option<Country>,
    seen: Mutex<HashMap<String, Option<String>>>,
}

/// Distinct numbers remembered; past it the memory is cleared (a long `--follow` stays bounded).
const REMEMBERED: usize = 50_000;

impl Normalizer {
    pub fn new(country: Option<Country>) -> Self {
        Normalizer {
            country,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// `customer_number` and `line_number` in E.164 where they read as one; the vendor's text
    /// stays in `raw`.
    pub fn call(&self, call: &mut Call) {
        for number in [&mut call.customer_number, &mut call.line_number]
            .into_iter()
            .flatten()
        {
            if let Some(e) = self.e164(number) {
                *number = e;
            }
        }
    }

    fn e164(&self, text: &str) -> Option<String> {
        if already_e164(text) {
            return None;
        }
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = seen.get(text) {
            return known.clone();
        }
        let read = e164(text, self.country).filter(|e| e != text);
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(text.to_string(), read.clone());
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Option<Country> {
        Some(Country::parse(code).unwrap())
    }

    #[test]
    fn every_vendors_shapes_read_as_e164_in_its_default_country() {
        for (vendor, text, want) in [
            // Famulor: international already (classic and Platform 2.0).
            (Vendor::Famulor, "+4915139850506", "+4915139850506"),
            (Vendor::Famulor, "+4930123456", "+4930123456"),
            (Vendor::Famulor, "0151 39850506", "+4915139850506"),
            (Vendor::Famulor, "+49 (0)151 398-50506", "+4915139850506"),
            (Vendor::Famulor, "0049 151 39850506", "+4915139850506"),
            // Evolux: area code and number, no trunk prefix (its own examples).
            (Vendor::Evolux, "84999999999", "+5584999999999"),
            (Vendor::Evolux, "11912345678", "+5511912345678"),
            (Vendor::Evolux, "(11) 91234-5678", "+5511912345678"),
            (Vendor::Evolux, "011 91234 5678", "+5511912345678"),
            // Callcap: US dashes, with or without the leading 1.
            (Vendor::Callcap, "316-555-3333", "+13165553333"),
            (Vendor::Callcap, "(316) 555-3333", "+13165553333"),
            (Vendor::Callcap, "1-316-555-3333", "+13165553333"),
            (Vendor::Callcap, "866-555-4444", "+18665554444"),
            // myCRM: international with spaces, as is; a national UAE mobile.
            (Vendor::Mycrm, "+971 15 123 309751", "+97115123309751"),
            (Vendor::Mycrm, "+971 55 487 9009", "+971554879009"),
            (Vendor::Mycrm, "055 487 9009", "+971554879009"),
            // Brightcall: international forms only.
            (Vendor::Brightcall, "+14155550123", "+14155550123"),
            (Vendor::Brightcall, "+44 7700 900123", "+447700900123"),
        ] {
            assert_eq!(
                e164(text, default_country(vendor)).as_deref(),
                Some(want),
                "{vendor:?} {text}"
            );
        }
    }

    #[test]
    fn what_cannot_be_read_as_a_number_stays_the_vendors_text() {
        for country in [None, c("DE"), c("BR"), c("US"), c("AE")] {
            for text in [
                "",
                "   ",
                "anonymous",
                "Anonymous",
                "unknown",
                "restricted",
                "112",
                "110",
                "911",
                "*21#",
                "+",
                "0",
                "00",
                "1-800-FLOWERS",
                "+49 151 39850506 ext. 12",
                "+49 151 39850506;ext=12",
                "+999 1234567",
                "+49 1",
                "sip:100@pbx.example",
                "101",
                "+4915139850506+",
            ] {
                assert_eq!(normalize(text, country), text, "{text} in {country:?}");
            }
        }
        // A national form outside the plan is not guessed into another number.
        assert_eq!(e164("15150046757", c("BR")), None);
        assert_eq!(e164("151-7162-4089", c("US")), None);
        // Brightcall has no country: a national form stays as given.
        assert_eq!(
            e164("0151 39850506", default_country(Vendor::Brightcall)),
            None
        );
        assert_eq!(e164("0151 39850506", c("DE")).unwrap(), "+4915139850506");
    }

    #[test]
    fn every_form_of_a_number_has_the_same_national_digits() {
        for (text, country) in [
            ("+49 151 39850506", None),
            ("+4915139850506", c("BR")),
            ("0151 39850506", c("DE")),
            ("0049 151-398-50506", c("DE")),
            ("151 39850506", c("DE")),
        ] {
            assert_eq!(national_digits(text, country), "15139850506", "{text}");
        }
        assert_eq!(national_digits("+1 (316) 555-3333", None), "3165553333");
        // Unreadable: its digits after the leading zeros.
        assert_eq!(national_digits("34-089", c("US")), "34089");
        assert_eq!(national_digits("0151 39850506", None), "15139850506");
        assert_eq!(national_digits("00", None), "");
    }

    #[test]
    fn the_quick_check_agrees_with_the_full_reading() {
        for text in [
            "+4915139850506",
            "+4930123456",
            "+14155550123",
            "+13165553333",
            "+97115123309751",
            "+971554879009",
            "+447700900123",
            "+390612345678",
            "+5511912345678",
            "+490151398505",
            "+12125550000",
            "+999123456",
            "+49",
            "+4",
            "+1234567890123456",
        ] {
            if already_e164(text) {
                assert_eq!(e164(text, None).as_deref(), Some(text), "{text}");
            }
        }
        // The common shapes take the quick way.
        assert!(already_e164("+4915139850506") && already_e164("+971554879009"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any `+` and digits: the quick check never says "as is" where the full reading would
        /// write another text.
        #[test]
        fn the_quick_check_never_disagrees(digits in "[0-9]{1,16}") {
            let text = format!("+{digits}");
            if already_e164(&text) {
                proptest::prop_assert_eq!(e164(&text, None), Some(text.clone()));
                for country in [c("DE"), c("BR"), c("US"), c("AE")] {
                    proptest::prop_assert_eq!(e164(&text, country), Some(text.clone()));
                }
            }
            let numbers = Normalizer::new(c("DE"));
            let want = e164(&text, c("DE")).filter(|e| *e != text);
            proptest::prop_assert_eq!(numbers.e164(&text), want);
        }
    }

    #[test]
    fn countries_are_iso_codes_libphonenumber_knows() {
        assert_eq!(Country::parse(" de ").unwrap(), Country(Id::DE));
        assert_eq!(Country::parse("BR").unwrap().to_string(), "BR");
        for bad in ["", "D", "DEU", "Germany", "XX", "ZZ", "1A", "49", "+49"] {
            let err = Country::parse(bad).unwrap_err();
            assert!(err.contains("ISO 3166 alpha-2"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_call_is_normalized_once_per_distinct_number() {
        let n = Normalizer::new(c("US"));
        let t = chrono::Utc::now();
        let mut call = Call {
            customer_number: Some("316-555-3333".into()),
            line_number: Some("anonymous".into()),
            ..Call::bare(Vendor::Callcap, "1", t)
        };
        n.call(&mut call);
        assert_eq!(call.customer_number.as_deref(), Some("+13165553333"));
        assert_eq!(call.line_number.as_deref(), Some("anonymous"));
        let mut again = call.clone();
        n.call(&mut again);
        assert_eq!(again, call);
        assert_eq!(n.seen.lock().unwrap().len(), 3);
    }
}
