//! What the benchmarks share: Famulor list pages from a sandbox of their own.

use bytes::Bytes;
use calls::sandbox::{Options, Sandbox};
use calls::vendors::Vendor;

/// `pages` Famulor list pages of 100 calls (transcripts included), fetched once from a sandbox
/// started for them (seed 3, calls until 2025-06-01).
pub fn famulor_pages(pages: usize) -> Vec<Bytes> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let until = chrono::DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let sb = Sandbox::start(Options {
            calls: pages * 100,
            seed: 3,
            until: Some(until),
            ..Options::default()
        })
        .await
        .unwrap();
        let client = reqwest::Client::new();
        let mut bodies = Vec::new();
        for page in 1..=pages {
            let url = format!(
                "{}/api/user/calls?per_page=100&page={page}",
                sb.base_url(Vendor::Famulor)
            );
            let body = client
                .get(url)
                .bearer_auth(Sandbox::credentials(Vendor::Famulor)[0].1)
                .header("accept", "application/json")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            bodies.push(body);
        }
        bodies
    })
}
