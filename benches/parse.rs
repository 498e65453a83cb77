//! CPU-bound benchmark: parse + normalize + CSV-write Famulor pages (with transcripts) on one
//! core, next to a bare typed serde parse of the same pages plus CSV writing.
//!
//! `cargo bench --bench parse` (or `benches/run.sh`, which runs every benchmark). Pages come
//! from the sandbox, fetched once before any timing.

mod common;

use std::time::Instant;

use calls::call::Field;
use calls::output::{CallWriter, Format, OutputOptions, Zone};
use serde::Deserialize;

const PAGES: usize = 200;
const ROUNDS: usize = 15;

/// The baseline: the same fields, typed, no normalization.
#[derive(Deserialize, serde::Serialize)]
struct Bare {
    id: u64,
    assistant_name: Option<String>,
    campaign_name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    duration: Option<i64>,
    assistant_phone_number: Option<String>,
    client_phone_number: Option<String>,
    status: Option<String>,
    total_cost: Option<String>,
    answered_by: Option<String>,
    recording_url: Option<String>,
    created_at: String,
}

#[derive(Deserialize)]
struct BarePage {
    data: Vec<Bare>,
}

fn main() {
    let t = Instant::now();
    let _ = calls::phone::e164("+4915139850506", None);
    println!(
        "libphonenumber's plans loaded in {:.0} ms (once per run)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let pages = common::famulor_pages(PAGES);
    let calls: usize = PAGES * 100;
    let bytes: usize = pages.iter().map(|p| p.len()).sum();
    println!(
        "{PAGES} Famulor pages, {calls} calls, {:.1} MB of JSON (transcripts included)",
        bytes as f64 / 1e6
    );

    let opts = OutputOptions {
        format: Format::Csv,
        fields: Field::NORMALIZED.to_vec(),
        zone: Zone::Tz(chrono_tz::Tz::UTC),
        path: None,
        raw: false,
        width: None,
        color: false,
        header: true,
        terminal: false,
    };
    let ours = best_of(|| {
        let mut w = CallWriter::new(Vec::with_capacity(8 << 20), &opts, true).unwrap();
        for page in &pages {
            for call in calls::vendors::famulor::parse_page(page.clone(), false).unwrap() {
                w.write(&call).unwrap();
            }
        }
        w.finish().unwrap().len()
    });
    // The same, each call's numbers put in E.164 as `Backend::page` does (a fresh memory per
    // round: every customer number of the round is read once); then with the customers'
    // numbers in national form (`0151 ...`), as Evolux and Callcap serve theirs.
    let with_numbers = |national: bool| {
        best_of(|| {
            let numbers = calls::phone::Normalizer::new(calls::phone::default_country(
                calls::vendors::Vendor::Famulor,
            ));
            let mut w = CallWriter::new(Vec::with_capacity(8 << 20), &opts, true).unwrap();
            for page in &pages {
                for mut call in calls::vendors::famulor::parse_page(page.clone(), false).unwrap() {
                    if national {
                        call.customer_number =
                            call.customer_number.map(|n| n.replacen("+49", "0", 1));
                    }
                    numbers.call(&mut call);
                    w.write(&call).unwrap();
                }
            }
            w.finish().unwrap().len()
        })
    };
    let e164 = with_numbers(false);
    let national = with_numbers(true);
    let bare = best_of(|| {
        let mut w = csv::Writer::from_writer(Vec::with_capacity(8 << 20));
        for page in &pages {
            let p: BarePage = serde_json::from_slice(page).unwrap();
            for call in &p.data {
                w.serialize(call).unwrap();
            }
        }
        w.into_inner().unwrap().len()
    });
    println!(
        "calls (parse + normalize + CSV): {:>9.0} calls/s",
        calls as f64 / ours
    );
    println!(
        "  + numbers to E.164 (given so):  {:>9.0} calls/s",
        calls as f64 / e164
    );
    println!(
        "  + numbers to E.164 (national): {:>9.0} calls/s",
        calls as f64 / national
    );
    println!(
        "bare typed serde + CSV:          {:>9.0} calls/s",
        calls as f64 / bare
    );
    println!("ratio: {:.2}", bare / ours);
}

/// The fastest of a few rounds, in seconds.
fn best_of(mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}
