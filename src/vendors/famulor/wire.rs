//! Famulor's JSON, written from its "Anrufe auflisten" page (vendor-docs/000_*.txt) and the
//! confirmed facts in vendor-docs/README.md. These types never leave the famulor module.

use serde::Deserialize;

use crate::vendors::lenient;

/// `GET /api/user/calls`: Laravel's paginator around `data`.
#[derive(Debug, Deserialize)]
pub struct ListResponse<T> {
    /// `false` on an error some endpoints answer with HTTP 200.
    #[serde(default)]
    pub success: Option<bool>,
    pub data: Vec<T>,
    pub last_page: u64,
    #[serde(default)]
    pub total: Option<u64>,
    /// What the vendor pages by, which may be less than what was asked.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub per_page: Option<i64>,
}

/// One call, as in the list and (unwrapped) in `GET /api/user/calls/{id}`. Only the fields
/// calls normalizes are typed; `transcript` (array in the list, string in the single call) and
/// `evaluation` (array vs object) stay in the raw record.
#[derive(Debug, Deserialize)]
pub struct WireCall {
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    #[serde(default)]
    pub assistant_name: Option<String>,
    #[serde(default)]
    pub campaign_name: Option<String>,
    /// inbound | outbound | web
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_secs")]
    pub duration: Option<i64>,
    #[serde(default)]
    pub assistant_phone_number: Option<String>,
    #[serde(default)]
    pub client_phone_number: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_decimal")]
    pub total_cost: Option<String>,
    /// human | machine | unknown
    #[serde(default)]
    pub answered_by: Option<String>,
    #[serde(default)]
    pub recording_url: Option<String>,
    /// `2024-01-15T10:30:00Z` or `2025-08-04 14:30:00` (no zone: UTC).
    pub created_at: String,
}

/// An error body: Laravel's `{"message": "..."}`, the docs repository's `{"error": "...",
/// "message": "..."}`, or `{"success": false, "error": "..." | {...}, "error_code": ...}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub error: Option<serde_json::Value>,
    #[serde(default)]
    pub error_code: Option<serde_json::Value>,
}

/// The `success` flag some endpoints answer with, HTTP 200 included.
#[derive(Debug, Deserialize)]
pub struct SuccessFlag {
    #[serde(default)]
    pub success: Option<bool>,
}
