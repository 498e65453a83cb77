//! Evolux's JSON, from its "calls_history" page (vendor-docs/001_*.txt). Never leaves the module.

use serde::Deserialize;

use crate::vendors::lenient;

/// `GET /api/v1/dialer/calls_history`.
#[derive(Debug, Deserialize)]
pub struct ListResponse {
    pub pagination: Pagination,
    /// Records stay untyped here: the vendor's own example repeats `hangup_cause` within one
    /// object, which a derived struct would reject. Each is read into `WireCall` through a
    /// `Value` (where the last duplicate wins), and its id from the record's text (`Id`).
    #[serde(default)]
    pub data: Vec<Box<serde_json::value::RawValue>>,
}

/// A record's id, read from the record's own text: behind a `Value` a number has already
/// passed through a double.
#[derive(Debug, Deserialize)]
pub struct Id {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
}

/// The vendor's own page links carry its page numbers (0- and 1-based paging are both seen).
#[derive(Debug, Deserialize)]
pub struct Pagination {
    #[serde(default)]
    pub next_url: Option<String>,
    #[serde(default)]
    pub current_url: Option<String>,
    #[serde(default)]
    pub first_url: Option<String>,
    #[serde(default)]
    pub last_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total: Option<i64>,
    /// Records per page, as the vendor pages them.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub limit: Option<i64>,
    /// Records on this page, as the vendor counts them.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub items: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct WireCall {
    pub start_time: String,
    #[serde(default)]
    pub answer_time: Option<String>,
    #[serde(default)]
    pub end_time: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub talking_duration: Option<i64>,
    #[serde(default)]
    pub hangup_cause: Option<String>,
    #[serde(default)]
    pub campaign: Option<Named>,
    #[serde(default)]
    pub agent: Option<Named>,
    #[serde(default)]
    pub subscriber: Option<Subscriber>,
    #[serde(default)]
    pub download_audio: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Named {
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Subscriber {
    #[serde(default)]
    pub number: Option<String>,
}

/// `{"meta": {"status": 401, "message": "..."}}`
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub meta: Meta,
}

#[derive(Debug, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub message: Option<String>,
}
