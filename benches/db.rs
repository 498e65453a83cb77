//! The database side of `calls sync` alone: how many calls a second the database's thread
//! takes, with no vendor, no HTTP and no parsing in the way.
//!
//! `cargo bench --bench db` (or `benches/run.sh db`). Rows are made the way sync makes them
//! (`Batches::row` on a normalized Famulor call with its raw record, on this thread) and handed
//! to `db::writer::Writer` (its own thread), in sync's batches: a first run (every call new)
//! and a rerun of the same calls (every call unchanged, nothing written).
//!
//! - `CALLS_BENCH_DEST`: where to (`sqlite:PATH`, `*.db`, `postgres://...`); default a new
//!   SQLite file in a temporary folder. A PostgreSQL table `calls` must not hold the profile
//!   `bench` yet (benches/run.sh drops the tables first).
//! - `CALLS_BENCH_CALLS`: how many calls (default 1,000,000).
//!
//! The calls are 10,000 distinct sandbox records (100 pages), each used again under new ids
//! and start times, newest first as Famulor lists them.

mod common;

use std::time::Instant;

use calls::call::Call;
use calls::db::writer::Writer;
use calls::db::{Advance, Dest, BATCH};

const PAGES: usize = 100;

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let n: usize = std::env::var("CALLS_BENCH_CALLS")
        .ok()
        .map(|v| {
            v.replace([',', '_'], "")
                .parse()
                .expect("CALLS_BENCH_CALLS: a number")
        })
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().unwrap();
    let dest = std::env::var("CALLS_BENCH_DEST")
        .unwrap_or_else(|_| tmp.path().join("bench.db").display().to_string());
    let shown = calls::redact::url_password(&dest);
    let templates = templates();
    let raw: usize = templates
        .iter()
        .map(|c| c.raw.as_ref().map_or(0, |r| r.get().len()))
        .sum();
    println!(
        "{n} calls into {shown} ({} distinct records, raw {:.0} bytes on average)",
        templates.len(),
        raw as f64 / templates.len() as f64
    );
    let dest = Dest::parse(&dest).unwrap();
    rt.block_on(async {
        let writer = Writer::open(&dest).await.unwrap();
        for pass in ["first run", "rerun"] {
            let t = Instant::now();
            let counts = run(&writer, &templates, n).await;
            let s = t.elapsed().as_secs_f64();
            println!(
                "{pass:<9}: {s:6.2} s, {:>9.0} calls/s ({} new, {} changed, {} unchanged)",
                n as f64 / s,
                counts.new,
                counts.changed,
                counts.unchanged
            );
        }
        writer.close().await;
    });
}

/// One sync's worth of writing: begin, full batches, the rest with the state.
async fn run(writer: &Writer, templates: &[Call], n: usize) -> calls::db::Counts {
    let base = chrono::DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    writer.begin("bench", chrono::Utc::now()).await.unwrap();
    let mut batches = writer.batches();
    let mut batch = Vec::with_capacity(BATCH);
    for k in 0..n {
        let mut call = templates[k % templates.len()].clone();
        call.id = (n - k).to_string();
        call.started_at = base - chrono::Duration::seconds(k as i64 * 13);
        batch.push(batches.row(call));
        if batch.len() >= BATCH {
            batches
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .unwrap();
        }
    }
    let advance = Advance {
        filters: String::new(),
        newest: Some(base),
        upper: base,
        newest_modified: None,
        covered_from: base,
        sweep: None,
    };
    writer.finish(batch, advance).await.unwrap()
}

/// 10,000 normalized Famulor calls with their raw records, from the sandbox.
fn templates() -> Vec<Call> {
    common::famulor_pages(PAGES)
        .into_iter()
        .flat_map(|body| calls::vendors::famulor::parse_page(body, true).unwrap())
        .collect()
}
