//! The plain types every layer shares, at the bottom of the imports: the vendor id and a secret
//! value. They know nothing of backends, HTTP or config; what a vendor can do lives in
//! `vendors/` (inherent methods on [`Vendor`] there), how a secret is found in `config.rs`.
//! Imports run one way: commands → resolve → vendors → http → these.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The vendors calls knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Famulor,
    Evolux,
    Callcap,
    Brightcall,
    Mycrm,
}

impl Vendor {
    pub const ALL: [Vendor; 5] = [
        Vendor::Famulor,
        Vendor::Evolux,
        Vendor::Callcap,
        Vendor::Brightcall,
        Vendor::Mycrm,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Vendor::Famulor => "famulor",
            Vendor::Evolux => "evolux",
            Vendor::Callcap => "callcap",
            Vendor::Brightcall => "brightcall",
            Vendor::Mycrm => "mycrm",
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A secret value: never printed, never in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The range of every numeric flag and config key: outside it is a usage error (exit 2) that
/// states the range, never an overflow deeper down.
pub mod limits {
    pub const TIMEOUT: (f64, f64) = (0.1, 3600.0);
    pub const RETRIES: i64 = 100;
    pub const CONCURRENCY: i64 = 64;
    pub const RATE: (f64, f64) = (0.01, 10_000.0);
    /// The longest call calls believes: a year. A vendor's "duration" beyond it (or below 0)
    /// is unreadable data, not a time to add to a date.
    pub const CALL_SECONDS: i64 = 366 * 24 * 3600;
    /// The most pages or calls a vendor can claim for one listing.
    pub const COUNT: i64 = 1_000_000_000_000;
    pub const SANDBOX_CALLS: u64 = 10_000_000;
    pub const LATENCY_MS: u64 = 600_000;
    pub const SHARE: (f64, f64) = (0.0, 1.0);
    pub const TOKEN_TTL: u64 = 366 * 24 * 3600;

    /// Whether a value from the config file is within one of the ranges above.
    pub fn in_range(v: f64, range: (f64, f64)) -> bool {
        (range.0..=range.1).contains(&v)
    }
}
