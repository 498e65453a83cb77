//! Famulor Platform 2.0's JSON, written from "Seen in public client code" → famulor →
//! "Platform 2.0" in vendor-docs/README.md (there is no captured page). These types never leave
//! the famulor module.

use serde::Deserialize;

use crate::vendors::lenient;

/// `GET /api/v1/calls`: `{"data": [...], "meta": {"pagination": {...}, "result_cap_reached"}}`.
#[derive(Debug, Deserialize)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub meta: Meta,
}

#[derive(Debug, Default, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// The window holds more calls than the API pages through: split it. Absent means false.
    #[serde(default)]
    pub result_cap_reached: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct Pagination {
    /// Calls in the window; beyond `lenient::MAX_COUNT` (or not a number) it is unknown.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub total: Option<i64>,
}

/// `GET /api/v1/calls/{id}`: the call wrapped in `data`.
#[derive(Debug, Deserialize)]
pub struct ShowResponse<T> {
    pub data: T,
}

/// One call. Only the fields calls normalizes are typed; `transcript` (a string, a
/// `[{role, content}]` list or `{items: [...]}`), `summary`, `sentiment`, `success`, `lead_id`,
/// `phone_number_id` stay in the raw record.
#[derive(Debug, Deserialize)]
pub struct WireCall {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub assistant_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub campaign_id: Option<String>,
    /// inbound | outbound | web
    #[serde(default)]
    pub direction: Option<String>,
    /// E.164
    #[serde(default)]
    pub from_number: Option<String>,
    #[serde(default)]
    pub to_number: Option<String>,
    /// queued | ringing | in_progress | completed | failed | no_answer | busy
    #[serde(default)]
    pub status: Option<String>,
    /// ISO 8601 with microseconds and offset; null for a call not started yet.
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub answered_at: Option<String>,
    #[serde(default)]
    pub ended_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the call last changed (what `sort=updated_at` orders by).
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub duration_sec: Option<i64>,
    /// Signed, valid for about an hour.
    #[serde(default)]
    pub recording_url: Option<String>,
}

/// `{"error": "code"}` or `{"error": {"code": ..., "message": ...}}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorField,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ErrorField {
    Code(String),
    Object {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
    },
}
