//! One phone-number form across vendors (SPEC "Output", `customer_number` / `line_number`):
//! every vendor's shapes come out in E.164, `--number` finds a call by any form of its number,
//! and a profile's `country` reads national forms (never guessing a number into another).

mod common;

use common::*;

use calls::vendors::Vendor;

fn window(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.args(["--from", FROM, "--to", TO])
}

fn export(home: &Home, profile: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let r = run(window(
        home.cmd()
            .args(["-p", profile, "export", "-o", "ndjson"])
            .args(extra),
    ));
    assert_eq!(r.code, 0, "{profile} {extra:?}: {}", r.stderr);
    r.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn is_e164(n: &str) -> bool {
    n.len() >= 8
        && n.len() <= 16
        && n.starts_with('+')
        && n[1..].bytes().all(|b| b.is_ascii_digit())
        && !n[1..].starts_with('0')
}

/// Every number every vendor serves (`+4915139850506`, `11912345678`, `316-555-3333`,
/// `+971 15 123 309751`) comes out in E.164, the vendor's own text stays in `raw`.
#[test]
fn every_vendors_numbers_come_out_in_e164() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let got = export(&home, vendor.id(), &["--raw"]);
        assert!(!got.is_empty(), "{vendor}");
        let mut raw_differs = false;
        for call in &got {
            for field in ["customer_number", "line_number"] {
                if let Some(n) = call[field].as_str() {
                    assert!(is_e164(n), "{vendor} {field} {n}");
                }
            }
            let raw = call["raw"].to_string();
            let number = call["customer_number"].as_str().unwrap_or_default();
            raw_differs |= !number.is_empty() && !raw.contains(number);
        }
        // Evolux, Callcap and myCRM serve other forms: the vendor's text is still in `raw`.
        if matches!(vendor, Vendor::Evolux | Vendor::Callcap | Vendor::Mycrm) {
            assert!(raw_differs, "{vendor}: raw keeps the vendor's own form");
        }
    }
}

/// The forms a person may type for the number `e164` of a vendor's country.
fn forms(vendor: Vendor, e164: &str) -> Vec<String> {
    let (code, trunk) = match vendor {
        Vendor::Famulor | Vendor::Brightcall => ("+49", "0"),
        Vendor::Evolux => ("+55", "0"),
        Vendor::Callcap => ("+1", "1"),
        Vendor::Mycrm => ("+971", "0"),
    };
    let national = e164.strip_prefix(code).unwrap_or_else(|| panic!("{e164}"));
    let (a, b) = national.split_at(3);
    let (b, c) = b.split_at(3);
    vec![
        e164.to_string(),
        format!("{code} {a} {b} {c}"),
        format!("{code}-{a}-{b}-{c}"),
        format!("{trunk}{national}"),
        format!("{trunk} ({a}) {b}-{c}"),
        national.to_string(),
        format!("{a}.{b}.{c}"),
    ]
}

/// `--number` finds the same calls by E.164, a national form with or without its trunk
/// prefix, spaces, dashes, dots and brackets, on every vendor (at the vendor where it filters
/// by number, and on the client).
#[test]
fn number_finds_a_call_by_any_form_of_its_number() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    for vendor in Vendor::ALL {
        let truth = truth(&sb, vendor);
        let number = truth
            .iter()
            .find_map(|c| c.customer_number.clone())
            .unwrap_or_else(|| panic!("{vendor}: a call with a number"));
        let want: Vec<&str> = truth
            .iter()
            .filter(|c| c.customer_number.as_deref() == Some(number.as_str()))
            .map(|c| c.id.as_str())
            .collect();
        assert!(!want.is_empty());
        for form in forms(vendor, &number) {
            let got = export(&home, vendor.id(), &["--number", &form]);
            let ids: Vec<&str> = got.iter().map(|c| c["id"].as_str().unwrap()).collect();
            assert_eq!(ids, want, "{vendor}: --number {form:?} ({number})");
        }
    }
}

/// A profile's `country` reads national forms in that plan: Evolux's Brazilian numbers read
/// in the US are not US numbers, so they stay as the vendor gave them (never another number);
/// a bad code is refused with the file and the key.
#[test]
fn a_profiles_country_reads_national_forms_and_a_bad_one_is_refused() {
    let sb = sandbox(options());
    let home = Home::with_sandbox(&sb);
    let with_country = |code: &str| {
        sb.config_toml().replace(
            "[profiles.evolux]\n",
            &format!("[profiles.evolux]\ncountry = \"{code}\"\n"),
        )
    };
    home.write_config(&with_country("us"));
    let got = export(&home, "evolux", &[]);
    assert!(!got.is_empty());
    for call in &got {
        let n = call["customer_number"].as_str().unwrap();
        assert!(n.starts_with("119") && n.len() == 11, "{n}");
    }
    home.write_config(&with_country("BR"));
    let br = export(&home, "evolux", &[]);
    assert!(br
        .iter()
        .all(|c| c["customer_number"].as_str().unwrap().starts_with("+55119")));

    home.write_config(&with_country("Brazil"));
    let r = run(window(home.cmd().args(["-p", "evolux", "list"])));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("profiles.evolux.country: 'BRAZIL' is not a country code")
            && r.stderr.contains("config.toml")
            && r.stderr.contains("ISO 3166 alpha-2"),
        "{}",
        r.stderr
    );
}
